"""Scalar-graph training speed: tinygrad_bp's ``Value`` against micrograd's, same code.

Learners build scalar graphs (every weight its own node) exactly as in micrograd, so that
path must take at most half micrograd's time (issue 13; the aim is 0.3). One
model and one training step are written once, with ``Value`` operators only, and run on both
engines in the same process from the same weights and rows: an MLP with 7 inputs, 5 hidden
relu units and 3 linear outputs, squared error, plain SGD.

Before timing, both engines must produce the same losses (to 1e-9), and the loss must move,
because a benchmark of wrong code is worthless. Timing interleaves the engines (A B B A ...)
so drift in the machine's speed hits both alike; it reports the median time per step.

    pip install micrograd          # only this benchmark needs it
    python benchmarks/bench_scalar_mlp.py [--steps 200] [--repeats 21] [--batch 1]

Exit status: 0 when tinygrad_bp is no slower, 1 when it is slower (ratio > 1.0), 2 when
micrograd is not installed.
"""
from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

N_INPUTS, N_HIDDEN, N_OUTPUTS = 7, 5, 3
LEARNING_RATE = 0.05
CHECK_TOLERANCE = 1e-9

Params = tuple[list[list[Any]], list[Any], list[list[Any]], list[Any]]
Row = tuple[list[float], list[float]]


def initial_weights(seed: int = 0) -> tuple[list[list[float]], list[float],
                                            list[list[float]], list[float]]:
    """Plain-float starting weights, uniform in [-1, 1), the same for both engines."""
    rng = random.Random(seed)
    w1 = [[rng.uniform(-1, 1) for _ in range(N_INPUTS)] for _ in range(N_HIDDEN)]
    b1 = [rng.uniform(-1, 1) for _ in range(N_HIDDEN)]
    w2 = [[rng.uniform(-1, 1) for _ in range(N_HIDDEN)] for _ in range(N_OUTPUTS)]
    b2 = [rng.uniform(-1, 1) for _ in range(N_OUTPUTS)]
    return w1, b1, w2, b2


def make_rows(n: int, seed: int = 1) -> list[Row]:
    """``n`` rows of 7 features in [0, 1) with a one-hot target of 3 classes."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        x = [rng.random() for _ in range(N_INPUTS)]
        y = [0.0] * N_OUTPUTS
        y[rng.randrange(N_OUTPUTS)] = 1.0
        rows.append((x, y))
    return rows


def make_params(value_cls: type, seed: int = 0) -> Params:
    """The model's weights as one ``value_cls`` node each."""
    w1, b1, w2, b2 = initial_weights(seed)
    return ([[value_cls(w) for w in ws] for ws in w1], [value_cls(b) for b in b1],
            [[value_cls(w) for w in ws] for ws in w2], [value_cls(b) for b in b2])


def parameters(params: Params) -> list[Any]:
    w1, b1, w2, b2 = params
    return [w for ws in w1 for w in ws] + b1 + [w for ws in w2 for w in ws] + b2


def forward(params: Params, x: list[float]) -> list[Any]:
    """relu hidden layer, linear output layer, built node by node as in micrograd."""
    w1, b1, w2, b2 = params
    hidden = [sum((wi * xi for wi, xi in zip(ws, x)), b).relu() for ws, b in zip(w1, b1)]
    return [sum((wi * hi for wi, hi in zip(ws, hidden)), b) for ws, b in zip(w2, b2)]


def train_step(params: Params, batch: list[Row], lr: float = LEARNING_RATE) -> float:
    """One SGD step on the summed squared error of ``batch``; returns the loss before it.

    The step is ``lr / len(batch)`` times the gradient, so any batch size trains stably.
    """
    loss = sum((pred - t) ** 2 for x, y in batch for pred, t in zip(forward(params, x), y))
    ps = parameters(params)
    for p in ps:
        p.grad = 0
    loss.backward()
    for p in ps:
        p.data -= lr / len(batch) * p.grad
    return loss.data


def train(value_cls: type, rows: list[Row], steps: int, batch: int) -> list[float]:
    """Losses of ``steps`` steps from the seeded weights, cycling through ``rows``."""
    params = make_params(value_cls)
    return [train_step(params, _batch(rows, step, batch)) for step in range(steps)]


def _batch(rows: list[Row], step: int, size: int) -> list[Row]:
    start = (step * size) % len(rows)
    return [rows[(start + i) % len(rows)] for i in range(size)]


def check_same_losses(engines: dict[str, type], rows: list[Row], batch: int) -> None:
    """Exit with a message unless every engine trains to the same losses, which must move."""
    epoch = max(1, len(rows) // batch)  # steps per pass over the rows
    runs = {name: train(cls, rows, 3 * epoch, batch) for name, cls in engines.items()}
    (ref_name, ref), *others = runs.items()
    for name, losses in others:
        for step, (a, b) in enumerate(zip(ref, losses)):
            if not abs(a - b) <= CHECK_TOLERANCE * max(1.0, abs(a)):
                sys.exit(f"losses differ at step {step}: {ref_name} {a!r}, {name} {b!r}")
    if not all(math.isfinite(v) for v in ref) or not sum(ref[-epoch:]) < sum(ref[:epoch]):
        sys.exit(f"the training loss did not go down ({ref[:3]} ... {ref[-3:]}): check the step")


def time_engines(engines: dict[str, type], rows: list[Row], steps: int, repeats: int,
                 batch: int) -> dict[str, list[float]]:
    """Seconds per step of each repeat, per engine; engines take turns going first."""
    names = list(engines)
    samples: dict[str, list[float]] = {name: [] for name in names}
    batches = [_batch(rows, step, batch) for step in range(steps)]
    for repeat in range(repeats + 1):  # repeat 0 warms up and is discarded
        for name in (names if repeat % 2 else names[::-1]):
            params = make_params(engines[name])
            start = time.perf_counter()
            for b in batches:
                train_step(params, b)
            elapsed = time.perf_counter() - start
            if repeat:
                samples[name].append(elapsed / steps)
    return samples


def report(samples: dict[str, list[float]], steps: int, repeats: int, batch: int) -> float:
    """Print a markdown table of medians; return tinygrad_bp's time over micrograd's."""
    medians = {name: statistics.median(times) for name, times in samples.items()}
    ratio = medians["tinygrad_bp"] / medians["micrograd"]
    print(f"Scalar MLP {N_INPUTS}-{N_HIDDEN}-{N_OUTPUTS} (relu, linear out), batch {batch}, "
          f"{steps} steps x {repeats} repeats, Python {sys.version.split()[0]}\n")
    print("| engine | median per step (µs) | min (µs) | max (µs) |")
    print("|---|---:|---:|---:|")
    for name, times in samples.items():
        print(f"| {name} | {medians[name] * 1e6:.1f} | {min(times) * 1e6:.1f} "
              f"| {max(times) * 1e6:.1f} |")
    print(f"\nratio tinygrad_bp / micrograd = {ratio:.3f} (must be <= 0.5; aim <= 0.3)")
    return ratio


def load_engines() -> dict[str, type]:
    """Both ``Value`` classes; exits with status 2 and a hint when micrograd is missing."""
    try:
        from micrograd.engine import Value as MicrogradValue
    except ImportError:
        print("micrograd is not installed; this benchmark compares against it:\n"
              "    pip install micrograd", file=sys.stderr)
        sys.exit(2)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tinygrad_bp import Value as TinygradValue
    return {"micrograd": MicrogradValue, "tinygrad_bp": TinygradValue}


def main(argv: list[str] | None = None,
         engines_loader: Callable[[], dict[str, type]] = load_engines) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=200, help="training steps per repeat")
    parser.add_argument("--repeats", type=int, default=21, help="timed repeats per engine")
    parser.add_argument("--batch", type=int, default=1, help="rows per step (1 = online SGD)")
    args = parser.parse_args(argv)
    if min(args.steps, args.repeats, args.batch) < 1:
        parser.error("--steps, --repeats and --batch must be at least 1")
    engines = engines_loader()
    rows = make_rows(40)
    check_same_losses(engines, rows, args.batch)
    samples = time_engines(engines, rows, args.steps, args.repeats, args.batch)
    ratio = report(samples, args.steps, args.repeats, args.batch)
    return 1 if ratio > 1.0 else 0


if __name__ == "__main__":
    sys.exit(main())
