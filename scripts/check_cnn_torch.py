#!/usr/bin/env python3
"""Loads a GradFlow Sequential LeNet-5 checkpoint into torch.nn.Conv2d / nn.Linear and checks that
PyTorch predicts what GradFlow did.

    python3 scripts/check_cnn_torch.py MODEL.safetensors INPUTS.f32 OUTPUTS.f32 [--batchnorm]

With --batchnorm the network has BatchNormalization after each convolution (nn.BatchNorm2d, whose
weight, bias, running_mean and running_var load under GradFlow's names unchanged) and PyTorch runs it
in evaluation mode, with the running statistics GradFlow saved.

The checkpoint is read with the format's own rules (8-byte header length, JSON header, F32 data),
so only numpy and torch are needed. Convolution weights are loaded as they are (GradFlow uses
PyTorch's [out, in/groups, kh, kw] and [out]); Dense weights [in, out] are transposed to
nn.Linear's [out, in]. INPUTS.f32 holds [n, 1, 28, 28] and OUTPUTS.f32 GradFlow's [n, 10] logits
(little-endian float32). Exits 0 and prints the largest difference when they agree to 1e-4.
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn as nn


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(body[begin:end], dtype="<f4").reshape(entry["shape"])
    return tensors


def main():
    checkpoint, inputs_path, outputs_path = sys.argv[1:4]
    batchnorm = "--batchnorm" in sys.argv[4:]
    t = read_safetensors(checkpoint)
    norm = (lambda channels: [nn.BatchNorm2d(channels)]) if batchnorm else (lambda channels: [])
    layers = ([nn.Conv2d(1, 6, 5, padding=2)] + norm(6) + [nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5)] + norm(16)
              + [nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                 nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)])
    model = nn.Sequential(*layers).eval()
    counts = {}
    with torch.no_grad():
        for layer in layers:
            kind = {nn.Conv2d: "conv", nn.BatchNorm2d: "batchnorm", nn.Linear: "dense"}.get(type(layer))
            if kind is None:
                continue
            name = f"{kind}{counts.get(kind, 0)}"
            counts[kind] = counts.get(kind, 0) + 1
            weight = t[name + ".weight"]
            if kind == "dense":
                weight = weight.T                      # GradFlow's Linear [in, out] → nn.Linear [out, in]
            layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(weight)))
            layer.bias.copy_(torch.from_numpy(t[name + ".bias"].copy()))
            if kind == "batchnorm":                    # buffers: the same names and layouts
                layer.running_mean.copy_(torch.from_numpy(t[name + ".running_mean"].copy()))
                layer.running_var.copy_(torch.from_numpy(t[name + ".running_var"].copy()))
        x = torch.from_numpy(np.fromfile(inputs_path, dtype="<f4").reshape(-1, 1, 28, 28))
        expected = np.fromfile(outputs_path, dtype="<f4").reshape(-1, 10)
        got = model(x).numpy()
    difference = float(np.abs(got - expected).max())
    print(f"largest difference {difference:.2e} over {expected.size} logits")
    sys.exit(0 if difference < 1e-4 else 1)


if __name__ == "__main__":
    main()
