#!/usr/bin/env python3
"""Writes the .npy/.npz fixtures of NumpyFileTests into Tests/GradFlowTests/Fixtures/numpy/ with
numpy itself, plus expected.json (each fixture's shape and values as float64 lists).

    python3 scripts/make_npy_fixtures.py Tests/GradFlowTests/Fixtures/numpy
"""
import json
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
arrays = {
    "f4": np.array([[1.5, -2.25, 3.0], [0.1, 1e-7, -1e30]], dtype=np.float32),
    "f8": np.array([np.pi, -np.e, 1e300, 0.0], dtype=np.float64),
    "i8": np.arange(-3, 9, dtype=np.int64).reshape(3, 4),
    "i4": np.array([[-(2 ** 31), 2 ** 31 - 1], [7, 0]], dtype=np.int32),
    "u1": np.arange(250, 256, dtype=np.uint8).reshape(2, 3),
    "b1": np.array([True, False, True, True]),
    "scalar": np.float32(2.5),
    "empty": np.zeros((0, 3), dtype=np.float32),
    "rank3": np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 8,
}
expected = {}
for name, a in arrays.items():
    np.save(os.path.join(out, name + ".npy"), a)
    expected[name] = {"shape": list(np.shape(a)), "values": [float(v) for v in np.ravel(a)]}
np.lib.format.write_array(open(os.path.join(out, "version2.npy"), "wb"), arrays["f4"], version=(2, 0))
expected["version2"] = expected["f4"]
np.save(os.path.join(out, "fortran.npy"), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save(os.path.join(out, "bigendian.npy"), np.arange(4, dtype=">f4"))
np.save(os.path.join(out, "object.npy"), np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
np.save(os.path.join(out, "complex.npy"), np.array([1 + 2j], dtype=np.complex64))
weights = {"W1": np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4), "b1": np.array([0.5, -0.5, 0, 1], dtype=np.float32)}
np.savez(os.path.join(out, "weights.npz"), **weights)
# Compressible data (long runs and a pattern), so zlib uses dynamic Huffman blocks with back-references.
big = np.tile(np.arange(100, dtype=np.float32), 40).reshape(40, 100)
np.savez_compressed(os.path.join(out, "compressed.npz"), big=big, labels=np.arange(40, dtype=np.int64) % 3, **weights)
expected["npz"] = {k: {"shape": list(v.shape), "values": [float(x) for x in v.ravel()]} for k, v in weights.items()}
expected["compressed_big_sum"] = float(big.sum())
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
