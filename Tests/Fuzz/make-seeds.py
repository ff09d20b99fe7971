#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (small valid and invalid files) into Corpus/<target>/.

Run from anywhere: python3 Tests/Fuzz/make-seeds.py. The graph-file seeds also include the demo
graphs in Graphs/ (copied). libFuzzer adds the inputs it finds to these folders' copies in the
build directory, not here, so the checked-in corpora stay small.
"""
import json, os, shutil, struct

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))

def write(target, name, data):
    folder = os.path.join(here, "Corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)

# Graph files: the demos, plus small valid and invalid ones.
for name in sorted(os.listdir(os.path.join(root, "Graphs"))):
    if name.endswith(".graph"):
        shutil.copy(os.path.join(root, "Graphs", name), os.path.join(here, "Corpus", "graphfile", "demo-" + name))
write("graphfile", "valid-softmax.graph", "input x [batch, 4]\ninput y [batch, 3]\nparam W [4, 3] he\nparam b [3]\n"
      "logits = linear(x, W, b)\nloss = add(softmax_ce(logits, y), l2(W, lambda: 0.01))\noutput logits\n"
      "data csv(\"d.csv\", target: \"t\", standardize: true, test: 0.25)\ntrain adam(lr: 1e-3) epochs 2 batch 8 seed 1 metric accuracy\n")
write("graphfile", "valid-dropout.graph", "input x [batch, 2]\ninput y [batch, 1]\nparam W [2, 1] uniform(-0.1, 0.1)\n"
      "h = dropout(tanh(matmul(x, W)), rate: 0.5, seed: 3)\nloss = mse(y, sigmoid(h))\ndata line(count: 20, noise: 0.1)\n")
write("graphfile", "bad-unknown-op.graph", "input x [batch, 2]\nloss = sigmod(x)\n")
write("graphfile", "bad-cycle.graph", "input x [batch, 1]\na = add(x, b)\nb = add(x, a)\nloss = mse(a, b)\n")
write("graphfile", "bad-huge-shape.graph", "param W [1000000000, 1000000000]\nloss = l2(W, lambda: 0.1)\n")
write("graphfile", "bad-overflow-shape.graph", "param W [1099511627776, 1099511627776, 1099511627776]\nloss = l2(W, lambda: 0.1)\n")
write("graphfile", "bad-unterminated.graph", "data csv(\"x.csv\n")
write("graphfile", "bad-shape-mismatch.graph", "input x [batch, 2]\nparam W [3, 1]\nloss = mse(matmul(x, W), x)\n")
write("graphfile", "bad-deep.graph", "input x [1]\nloss = " + "relu(" * 70 + "x" + ")" * 70 + "\n")

# CSV files (target column "y").
write("csv", "valid.csv", "a,b,y\n1,2,3\n4.5,-6e2,0\n")
write("csv", "valid-quoted-crlf.csv", "\ufeff\"a\", \"y\"\r\n\"1.5\",2\r\n\r\n3,\"4\"\r\n")
write("csv", "valid-only-target.csv", "y\n1\n2\n")
write("csv", "bad-field-count.csv", "a,y\n1,2,3\n")
write("csv", "bad-not-number.csv", "a,y\n1,abc\n")
write("csv", "bad-nan.csv", "a,y\nnan,1\ninf,2\n")
write("csv", "bad-unterminated.csv", "a,y\n\"1,2\n")
write("csv", "bad-no-rows.csv", "a,y\n")
write("csv", "bad-missing-target.csv", "a,b\n1,2\n")

# IDX files of unsigned bytes.
def idx(dims, data=None):
    header = bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    count = 1
    for d in dims:
        count *= d
    return header + (bytes(i % 256 for i in range(count)) if data is None else data)
write("idx", "valid-images.idx", idx([2, 3, 3]))
write("idx", "valid-labels.idx", idx([5], bytes([0, 1, 2, 9, 3])))
write("idx", "valid-empty-images.idx", idx([0, 28, 28]))
write("idx", "bad-label-class.idx", idx([2], bytes([1, 200])))
write("idx", "bad-truncated.idx", idx([2, 3, 3])[:-4])
write("idx", "bad-magic.idx", bytes([0, 0, 9, 1, 0, 0, 0, 1, 7]))
write("idx", "bad-huge-dims.idx", idx([0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF], b""))
write("idx", "bad-zero-and-huge-dims.idx", idx([0, 0xFFFFFFFF, 0xFFFFFFFF], b""))

# safetensors checkpoints (F32 only).
def safetensors(entries, data, metadata=None, pad=True):
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    header.update(entries)
    text = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data
floats = lambda *xs: b"".join(struct.pack("<f", x) for x in xs)
write("safetensors", "valid.safetensors", safetensors(
    {"b": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
     "w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [8, 24]}},
    floats(0.5, -1, 1, 2, 3, 4), metadata={"epoch": "3", "format": "pt"}))
write("safetensors", "valid-scalar-and-empty.safetensors", safetensors(
    {"s": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]},
     "e": {"dtype": "F32", "shape": [0, 5], "data_offsets": [4, 4]}}, floats(7)))
write("safetensors", "bad-dtype.safetensors", safetensors({"x": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}}, b"\0\0"))
write("safetensors", "bad-overlap.safetensors", safetensors(
    {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
     "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, floats(1, 2, 3)))
write("safetensors", "bad-huge-shape.safetensors", safetensors(
    {"x": {"dtype": "F32", "shape": [1000000000, 1000000000], "data_offsets": [0, 4]}}, floats(1)))
write("safetensors", "bad-overflow-shape.safetensors", safetensors(
    {"x": {"dtype": "F32", "shape": [4294967296, 4294967296, 4294967296], "data_offsets": [0, 4]}}, floats(1)))
write("safetensors", "bad-header-length.safetensors", struct.pack("<Q", 2**63) + b"{}")
write("safetensors", "bad-json.safetensors", struct.pack("<Q", 8) + b"{\"a\":[1,")
write("safetensors", "bad-offsets.safetensors", safetensors({"x": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, floats(1)))
