"""One mini-batch step of cross-entropy from scores: the fused op against compositions.

Times ``loss = f(z, labels); loss.backward()`` for scores ``z`` of shape (batch, classes), four
ways, in interleaved repeats, and reports medians and each one's ratio to the fused op:

- fused: ``losses.cross_entropy_with_logits(z, labels)``, one node;
- the fused op alone: ``tg.apply(ops.CrossEntropyWithLogits, z, onehot)``, what the step
  costs without reading and checking the labels;
- softmax then cross_entropy: ``cross_entropy(nn.softmax(z), labels)``, the textbook route
  (softmax is six nodes of exp, sum and divide);
- log-softmax composed: ``-(nn.log_softmax(z) * onehot).sum(axis=-1).mean()``.

    python benchmarks/bench_cross_entropy.py [--batch 32] [--classes 10] [--steps 2000]
        [--repeats 7]

Before timing, all four must give the same loss and the same gradient of ``z`` (to 1e-12):
the speed of a wrong answer means nothing. Exit status 0, or 1 when they differ.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tinygrad_bp import Value, apply  # noqa: E402  (needs the repo root on sys.path)
from tinygrad_bp.losses import cross_entropy, cross_entropy_with_logits  # noqa: E402
from tinygrad_bp.nn import log_softmax, softmax  # noqa: E402
from tinygrad_bp.ops import CrossEntropyWithLogits  # noqa: E402


def ways(labels: np.ndarray, n_classes: int) -> dict:
    onehot = np.eye(n_classes)[labels]
    return {
        "fused cross_entropy_with_logits": lambda z: cross_entropy_with_logits(z, labels),
        "the fused op alone": lambda z: apply(CrossEntropyWithLogits, z, onehot),
        "softmax then cross_entropy": lambda z: cross_entropy(softmax(z), labels),
        "log_softmax composed": lambda z: -(log_softmax(z) * onehot).sum(axis=-1).mean(),
    }


def step(f, z: Value) -> float:
    z.zero_grad()
    loss = f(z)
    loss.backward()
    return loss.item()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=32, help="rows per mini-batch")
    parser.add_argument("--classes", type=int, default=10, help="classes (columns of z)")
    parser.add_argument("--steps", type=int, default=2000, help="steps per timed run")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per way")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    z = Value(rng.normal(size=(args.batch, args.classes)) * 3)
    labels = rng.integers(0, args.classes, size=args.batch)
    candidates = ways(labels, args.classes)

    reference = None
    for name, f in candidates.items():
        loss = step(f, z)
        if reference is None:
            reference = (loss, z.grad.copy())
        elif abs(loss - reference[0]) > 1e-12 or np.abs(z.grad - reference[1]).max() > 1e-12:
            print(f"FAIL: {name} differs from the fused op", file=sys.stderr)
            return 1

    samples: dict[str, list[float]] = {name: [] for name in candidates}
    order = list(candidates)
    for repeat in range(args.repeats):
        for name in order if repeat % 2 == 0 else order[::-1]:
            f = candidates[name]
            start = time.perf_counter()
            for _ in range(args.steps):
                step(f, z)
            samples[name].append((time.perf_counter() - start) / args.steps * 1e6)

    fused = statistics.median(samples[order[0]])
    print(f"z of shape ({args.batch}, {args.classes}), {args.steps} steps x {args.repeats} "
          "repeats, interleaved\n")
    print("| way | median per step (µs) | min (µs) | max (µs) | / fused |")
    print("|---|---:|---:|---:|---:|")
    for name in order:
        times = samples[name]
        median = statistics.median(times)
        print(f"| {name} | {median:.1f} | {min(times):.1f} | {max(times):.1f} | "
              f"{median / fused:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
