#!/usr/bin/env python3
"""Eager-autograd reference for `make bench-compare`: PyTorch's define-by-run costs, one thread.

    python3 scripts/ref_eager_torch.py [--quick]

The protocol of GradFlowBench's eager benchmarks (`--filter eager`):
- `eager_step` (samples/s): one SGD step (lr 0.1) of the MLP 784-128-64-10 at batch 64 with autograd
  (`loss.backward()`, `torch.optim.SGD`, `zero_grad`), random inputs and labels;
- `eager_op` (µs per call): `a + b` on 4-element tensors with `requires_grad=True` (`add/4`), and
  `((a * b) + a).sum().backward()` (`chain/4`).
Medians of 5 samples of at least 0.1 s each after a warm-up. Prints JSON lines in shared/bench's schema
with "framework": "torch-eager".
"""
import json
import statistics
import sys
import time


def rate(work, body, samples, min_time):
    body(); body()
    repetitions = 1
    while True:
        start = time.perf_counter()
        for _ in range(repetitions):
            body()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time * 0.5:
            break
        repetitions *= 4 if elapsed < min_time * 0.05 else 2
    repetitions = max(1, int(repetitions * min_time / max(elapsed, 1e-9)))
    rates = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(repetitions):
            body()
        rates.append(work * repetitions / (time.perf_counter() - start))
    return statistics.median(rates)


def main():
    quick = "--quick" in sys.argv
    samples, min_time = (2, 0.05) if quick else (5, 0.1)
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(),
                                torch.nn.Linear(64, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    batches = [(torch.rand(64, 784), torch.randint(0, 10, (64,))) for _ in range(32)]
    index = [0]

    def step():
        x, y = batches[index[0] % len(batches)]
        index[0] += 1
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()

    records = [("eager_step", "784-128-64-10/b64", rate(64, step, samples, min_time), "samples/s")]
    a = torch.tensor([1.0, 2, 3, 4], requires_grad=True)
    b = torch.tensor([4.0, 3, 2, 1], requires_grad=True)
    records.append(("eager_op", "add/4", 1e6 / rate(1, lambda: a + b, samples, min_time), "us/call"))
    records.append(("eager_op", "chain/4", 1e6 / rate(1, lambda: ((a * b) + a).sum().backward(), samples, min_time), "us/call"))
    for bench, shape, value, unit in records:
        print(json.dumps({"bench": bench, "shape": shape, "threads": 1, "framework": "torch-eager", "value": round(value, 2), "unit": unit}))


if __name__ == "__main__":
    main()
