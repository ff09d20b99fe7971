#!/usr/bin/env python3
"""Prediction latency reference for `make bench-compare`: the MNIST MLP 784-128-64-10 in PyTorch.

    python3 scripts/ref_infer_torch.py [--quick]

The protocol of GradFlowBench's inference benchmarks: random weights (nn.Linear's default init) and
inputs, `torch.inference_mode()`, `mlp_latency` in µs per call at batch 1 and `mlp_infer` in samples/s at
batch 64 and 512, each call on one intra-op thread, from 1 caller and from 2 callers at once (two Python
threads; PyTorch releases the GIL inside its kernels); medians of 5 samples of at least 0.05 s each after
a warm-up. Prints JSON lines in shared/bench's schema with "framework": "torch-inference", e.g.
    {"bench": "mlp_latency", "shape": "784-128-64-10/b1", "threads": 1, "framework": "torch-inference", "value": 30.1, "unit": "us/call"}
Set up: python3 -m venv ../.venv-bench && ../.venv-bench/bin/pip install 'torch==2.13.0+cpu' numpy threadpoolctl pandas
"""
import json
import statistics
import sys
import threading
import time


def main():
    quick = "--quick" in sys.argv
    import torch
    torch.manual_seed(1)
    torch.set_num_threads(1)
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(),
                                torch.nn.Linear(64, 10)).eval()
    samples, min_time = (2, 0.01) if quick else (5, 0.05)

    def timed(x, callers, repetitions):
        def run():
            with torch.inference_mode():
                for _ in range(repetitions):
                    model(x)
        if callers == 1:
            start = time.perf_counter()
            run()
            return time.perf_counter() - start
        threads = [threading.Thread(target=run) for _ in range(callers)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - start

    for batch in (1, 64, 512):
        x = torch.rand(batch, 784)
        for callers in (1, 2):
            timed(x, callers, 20)
            repetitions = 1
            while timed(x, callers, repetitions) < min_time:
                repetitions *= 2
            per_call = statistics.median(timed(x, callers, repetitions) / repetitions for _ in range(samples))
            latency = batch == 1
            print(json.dumps({"bench": "mlp_latency" if latency else "mlp_infer", "shape": "784-128-64-10/b%d" % batch,
                              "threads": callers, "framework": "torch-inference",
                              "value": round(per_call * 1e6 if latency else batch * callers / per_call, 2),
                              "unit": "us/call" if latency else "samples/s"}), flush=True)


if __name__ == "__main__":
    main()
