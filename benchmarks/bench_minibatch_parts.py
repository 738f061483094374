"""Where the minibatch step's time goes: each layer of tinygrad_bp against handwritten NumPy.

The workload is bench_training's ``minibatch`` (MLP 784-256-10, relu, cross-entropy from
logits, SGD, batch 128, float64, 5 epochs of 10 steps, data and weights made inside each run).
Four sides, each timed right after a run of the handwritten NumPy step and divided by it
(the median of those paired ratios: a slow moment of a shared machine hits both):

- ``ops in a line``: the ops' own forward and derivative functions (``MatMul.forward``,
  ``Relu.da``, ...) called one after another, no engine, updates in place;
- ``tg.trace replay``: the step recorded once and replayed (``Trace.step``), then SGD by hand;
- ``nn.train``: the public API, as bench_training times it.

Each side first checks it ends with the weights NumPy's step ends with (to 1e-9).

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_minibatch_parts.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from bench_training import (_minibatch_data, _minibatch_init, _same, minibatch_model,
                            minibatch_numpy, minibatch_public_api)


def ops_in_a_line(epochs: int) -> list[np.ndarray]:
    """The step as the ops' own functions compute it, called in order by hand."""
    from tinygrad_bp.engine import unbroadcast
    from tinygrad_bp.ops import CrossEntropyWithLogits, MatMul, Relu, Transpose

    x, y = _minibatch_data()
    rows = np.eye(10)[y]
    w1, b1, w2, b2 = _minibatch_init()
    for _ in range(epochs):
        for start in range(0, len(x), 128):
            xb, tb = x[start:start + 128], rows[start:start + 128]
            w1t, w2t = Transpose.forward(w1, (1, 0)), Transpose.forward(w2, (1, 0))
            m1 = MatMul.forward(xb, w1t)
            z1 = m1 + b1
            h = Relu.forward(z1)
            m2 = MatMul.forward(h, w2t)
            z2 = m2 + b2
            loss = CrossEntropyWithLogits.forward(z2, tb)
            g2 = CrossEntropyWithLogits.backward(1.0, loss, z2, tb)[0]
            gw2 = Transpose.da(MatMul.db(g2, m2, h, w2t), w2t, w2, (1, 0))
            g1 = Relu.da(MatMul.da(g2, m2, h, w2t), h, z1)
            gw1 = Transpose.da(MatMul.db(g1, m1, xb, w1t), w1t, w1, (1, 0))
            gb1, gb2 = unbroadcast(g1, b1.shape), unbroadcast(g2, b2.shape)
            for p, g in ((w1, gw1), (b1, gb1), (w2, gw2), (b2, gb2)):
                p -= g * 0.1
    return [w1, b1, w2, b2]


def trace_replay(epochs: int) -> list[np.ndarray]:
    """The step recorded once (``tg.trace``) and replayed, SGD written by hand."""
    import tinygrad_bp as tg
    from tinygrad_bp import losses

    x, y = _minibatch_data()
    rows = np.eye(10)[y]
    model = minibatch_model()
    params = model.parameters()
    step = tg.trace(lambda xb, tb: losses.cross_entropy_with_logits(model(xb), tb),
                    inputs=[x[:128], rows[:128]])
    for _ in range(epochs):
        for start in range(0, len(x), 128):
            step.step(x[start:start + 128], rows[start:start + 128], keep_grads=False)
            for p in params:
                p.data -= p.grad * 0.1
    return [p.data for p in params]


SIDES = {"ops in a line": ops_in_a_line, "tg.trace replay": trace_replay,
         "nn.train": minibatch_public_api}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="paired runs per side")
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.epochs < 1:
        parser.error("--rounds and --epochs must be at least 1")
    reference = minibatch_numpy(args.epochs)
    for name, side in SIDES.items():
        if not _same(side(args.epochs), reference):
            print(f"{name}: different weights from NumPy's step", file=sys.stderr)
            return 1
    ratios: dict[str, list[float]] = {name: [] for name in SIDES}
    for _ in range(args.rounds):
        for name, side in SIDES.items():
            start = time.perf_counter()
            minibatch_numpy(args.epochs)
            numpy_time = time.perf_counter() - start
            start = time.perf_counter()
            side(args.epochs)
            ratios[name].append((time.perf_counter() - start) / numpy_time)
    epochs = f"{args.epochs} epoch{'s' if args.epochs > 1 else ''}"
    print(f"MLP 784-256-10, batch 128, {epochs} of 10 steps; every side ends with NumPy's "
          f"weights (to 1e-9)\nPython {sys.version.split()[0]}, numpy {np.__version__}, "
          f"{args.rounds} rounds, median of paired ratios\n")
    print("| side | time / handwritten NumPy's |\n|---|---:|")
    for name, values in ratios.items():
        print(f"| {name} | {statistics.median(values):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
