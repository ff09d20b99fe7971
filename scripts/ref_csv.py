#!/usr/bin/env python3
"""CSV loading reference for `make bench-compare`: pandas and numpy on GradFlowBench's table.

    python3 scripts/ref_csv.py TABLE.csv [--threads 1,2] [--quick]

TABLE.csv is the file `GradFlowBench --write-csv` writes (200,000 rows x 31 columns, fixed seed).
Prints JSON lines in shared/bench's schema, e.g.
    {"bench": "csv_load", "shape": "200000x31", "threads": 1, "framework": "pandas", "value": 190.2, "unit": "MB/s"}
`pandas.read_csv(dtype=float32)` (C engine) and `numpy.loadtxt(dtype=float32)` each parse on one
thread whatever the thread budget; they are measured again under each budget (threadpoolctl) so that
every GradFlow row has a reference measured in the same run. Medians of 5 loads after one warm-up.
Set up: python3 -m venv ../.venv-bench && ../.venv-bench/bin/pip install numpy pandas threadpoolctl
"""
import json
import os
import statistics
import sys
import time


def measure(load, path, repeats):
    load(path)                                  # warm-up (page cache, imports)
    size = os.path.getsize(path) / 1e6
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        load(path)
        rates.append(size / (time.perf_counter() - start))
    return statistics.median(rates)


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    path = args[0]
    threads = [1, 2]
    if "--threads" in args:
        threads = [int(t) for t in args[args.index("--threads") + 1].split(",")]
    repeats = 2 if "--quick" in args else 5
    import numpy as np
    import pandas as pd
    from threadpoolctl import threadpool_limits
    with open(path) as f:
        columns = len(f.readline().split(","))
        rows = sum(1 for line in f if line.strip())
    shape = "%dx%d" % (rows, columns)
    loaders = {
        "pandas": lambda p: pd.read_csv(p, dtype=np.float32),
        "numpy-loadtxt": lambda p: np.loadtxt(p, dtype=np.float32, delimiter=",", skiprows=1),
    }
    for count in threads:
        with threadpool_limits(count):
            for name, load in loaders.items():
                value = measure(load, path, repeats)
                print(json.dumps({"bench": "csv_load", "shape": shape, "threads": count, "framework": name,
                                  "value": round(value, 1), "unit": "MB/s"}), flush=True)


if __name__ == "__main__":
    main()
