#!/usr/bin/env python3
"""Check that a safetensors file written by GradFlow loads in Python with the same values.

Usage: check_safetensors.py FILE.safetensors EXPECTED.json [--tolerance 1e-6]

EXPECTED.json maps each tensor name to {"shape": [...], "values": [...]} (values flattened in
row-major order), as GradFlow's test dumps it. The file is loaded with the `safetensors` package
(numpy flavour) and every tensor is compared with the dump: same names, shapes, dtype float32 and
values within the tolerance.

Exit status: 0 when everything matches, or when Python's `safetensors`/`numpy` are not installed
(then it prints a line starting with "skipped"); 1 on any mismatch; 2 on bad usage.
"""
import json
import sys


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path, expected_path = argv[1], argv[2]
    tolerance = float(argv[argv.index("--tolerance") + 1]) if "--tolerance" in argv else 1e-6
    try:
        import numpy as np
        from safetensors.numpy import load_file
    except ImportError as error:
        print(f"skipped: {error.name or error} is not installed (pip install safetensors numpy)")
        return 0

    with open(expected_path, encoding="utf-8") as handle:
        expected = json.load(handle)
    tensors = load_file(path)
    problems = []
    if set(tensors) != set(expected):
        problems.append(f"names differ: file {sorted(tensors)} vs expected {sorted(expected)}")
    for name in sorted(set(tensors) & set(expected)):
        array, want = tensors[name], expected[name]
        if array.dtype != np.float32:
            problems.append(f"{name}: dtype {array.dtype}, expected float32")
        if list(array.shape) != list(want["shape"]):
            problems.append(f"{name}: shape {list(array.shape)}, expected {want['shape']}")
            continue
        reference = np.asarray(want["values"], dtype=np.float32).reshape(want["shape"])
        if not np.allclose(array, reference, rtol=0, atol=tolerance):
            worst = float(np.max(np.abs(array - reference)))
            problems.append(f"{name}: values differ by up to {worst}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"ok: {len(tensors)} tensors match ({path})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
