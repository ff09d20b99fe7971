#!/usr/bin/env python3
"""Writes Tests/GradFlowTests/Fixtures/tensor_ops.json: fixed float32 inputs and numpy's results for
the tensor operations (TensorOperationValueTests compares GradFlow's against them).

    python3 scripts/make_tensor_op_fixtures.py > Tests/GradFlowTests/Fixtures/tensor_ops.json

Results are computed in float64 from the float32 inputs and rounded to float32.
"""
import json

import numpy as np

rng = np.random.default_rng(13)
x = rng.normal(size=(2, 3, 4)).astype(np.float32)
b = (rng.uniform(0.5, 2.0, size=(4,))).astype(np.float32)
m = rng.normal(size=(3, 4)).astype(np.float32)
X, B, M = x.astype(np.float64), b.astype(np.float64), m.astype(np.float64)


def lse(a, axis):
    top = a.max(axis=axis, keepdims=True)
    return (top + np.log(np.exp(a - top).sum(axis=axis, keepdims=True))).squeeze(axis)


cases = {
    "subtract": X - B,
    "divide": X / B,
    "exp": np.exp(X),
    "log": np.log(np.abs(X) + 0.5),
    "sqrt": np.sqrt(np.abs(X)),
    "abs": np.abs(X),
    "pow3": X ** 3,
    "clamp": np.clip(X, -0.5, 1.0),
    "sum_axis1": X.sum(axis=1),
    "sum_all": X.sum(),
    "mean_axes02_keep": X.mean(axis=(0, 2), keepdims=True),
    "max_last": X.max(axis=-1),
    "min_axis0": X.min(axis=0),
    "argmax_axis1": X.argmax(axis=1).astype(np.float64),
    "argmin_axis2": X.argmin(axis=2).astype(np.float64),
    "logsumexp_axis1": lse(X, 1),
    "var_axis2_ddof1": X.var(axis=2, ddof=1),
    "std_axis0": X.std(axis=0),
    "transpose_201": X.transpose(2, 0, 1),
    "reshape_4x6": X.reshape(4, 6),
    "take_axis1": np.take(X, [2, 0, 2], axis=1),
    "slice_axis2": X[:, :, 1:4:2],
    "slice_negative": X[:, -2:, :],
    "concatenate_axis1": np.concatenate([X, X[:, :1, :]], axis=1),
    "stack_axis1": np.stack([M, -M], axis=1),
    "matmul_T": M.T @ M,
    "prod_axis2": X.prod(axis=2),
    "node_take": np.take(X, [1, -1, 1], axis=2),
    "node_slice": X[:, ::2, 1:],
    "gather_axis1": np.take(X, [2, 2, 0, 1], axis=1),
    "node_concat": np.concatenate([X, X * 2], axis=2),
    "node_stack": np.stack([M, M + 1, -M], axis=0),
    "broadcast_to": np.broadcast_to(B, (2, 3, 4)),
    "maximum": np.maximum(X, B - 1),
    "minimum": np.minimum(X, B - 1),
    "greater": (X > B - 1).astype(np.float64),
    "where": np.where(X > 0, X, B),
    "split_second": np.split(X, 2, axis=2)[1],
    "squeeze_unsqueeze": X[:, :1, :].squeeze(1)[:, None, :, None],
    "arange": np.arange(0.5, 3.0, 0.5),
    "linspace": np.linspace(-1.0, 1.0, 5),
    "eye": np.eye(3),
}


def encode(a):
    a = np.asarray(a, dtype=np.float64).astype(np.float32)
    return {"shape": list(a.shape), "data": [float(v) for v in a.ravel()]}


print(json.dumps({"inputs": {"x": encode(x), "b": encode(b), "m": encode(m)},
                  "cases": {name: encode(value) for name, value in cases.items()}}, indent=1))
