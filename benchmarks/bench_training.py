"""Training speed on every public path, each against its reference in the same process.

Workloads (issue 13's table), each side checked to compute the same thing before it is timed:

- ``online``: the seeds case study (k folds, online SGD) written with the public API,
  ``nn.train(MLP(7, [5, 3]), ..., batch_size=1)`` fold by fold, against the tutorial's code
  (``tests/reference/tutorial_algorithm.py``): same fold scores.
- ``scalar``: the same with ``tutorial.train_network`` on ``tutorial.initialize_network`` (every
  weight its own scalar Value) against the tutorial's ``train_network``: same per-epoch trace.
- ``minibatch``: an MLP 784-256-10 (relu, logits, cross-entropy from logits, SGD, batch 128,
  float64) through ``nn.train`` against the same step written by hand in NumPy: same weights.
- ``relu``: ``nn.train(MLP(7, [5, 3], activation="relu", output_activation="linear"), ...,
  loss=cross_entropy_with_logits, batch_size=1)`` on the seeds rows, compiled (the default)
  against the same with ``compile=False`` (each step replayed with numpy, as relu networks
  ran before they compiled): same weights, to rounding.
- ``build``: ``MLP(784, [256, 10])`` construction time (no reference; the target is 50 ms).

Repeats interleave the sides (A B B A ...), so each repeat runs a side next to its reference;
the report gives each side's median time and the median over repeats of its time divided by
the reference's in the same repeat (a slow moment of a shared machine slows both). Each
side's first run is left out (it pays for imports' first use and any compiling). Where PyTorch
or JAX is installed, the minibatch workload also runs in it (float64, the same start).
On a shared machine, give numpy's BLAS one thread (``OPENBLAS_NUM_THREADS=1``; PyTorch then
gets one too): threads that wait for a busy core make the minibatch timings random.

    python benchmarks/bench_training.py [--workloads online scalar minibatch build]
        [--epochs 50] [--repeats 3]

``--epochs`` scales the online and scalar workloads (the tutorial's case study runs 500; the
ratio does not depend on it once the first epoch's set-up is paid).
"""
from __future__ import annotations

import argparse
import importlib
import os
import importlib.util
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.reference import tutorial_algorithm as ta  # noqa: E402  (the repo root, above)


def _seeds_folds(n_folds: int = 5, seed: int = 1):
    """The case study's normalised rows and folds, drawn as the tutorial draws them."""
    rows = ta.load_seeds_csv(ta.DEFAULT_SEEDS_CSV)
    ta.normalize_dataset(rows, ta.dataset_minmax(rows))
    random.seed(seed)
    return ta.cross_validation_split(rows, n_folds)


def online_reference(epochs: int) -> list[float]:
    folds = _seeds_folds()
    return [ta.accuracy_metric([r[-1] for r in fold],
                               ta.back_propagation([r for f in folds if f is not fold for r in f],
                                                   fold, 0.3, epochs, 5))
            for fold in folds]


def online_public_api(epochs: int) -> list[float]:
    from tinygrad_bp import nn
    from tinygrad_bp.data import accuracy

    folds = _seeds_folds()
    scores = []
    for fold in folds:
        train = [r for f in folds if f is not fold for r in f]
        model = nn.MLP(7, [5, 3])  # draws from Python's random, as the tutorial's network does
        nn.train(model, np.array([r[:-1] for r in train]), np.array([r[-1] for r in train]),
                 lr=0.3, epochs=epochs, batch_size=1)
        predicted = np.argmax(model(np.array([r[:-1] for r in fold])).data, axis=1)
        scores.append(accuracy([r[-1] for r in fold], list(predicted)))
    return scores


def _relu_online(epochs: int, compile) -> list[np.ndarray]:
    """A relu network under cross-entropy from logits, trained row by row on the seeds rows."""
    from tinygrad_bp import losses, nn

    rows = np.array([r for fold in _seeds_folds() for r in fold])
    model = nn.MLP(7, [5, 3], activation="relu", output_activation="linear",
                   rng=np.random.default_rng(0))
    nn.train(model, rows[:, :-1], rows[:, -1], loss=losses.cross_entropy_with_logits, lr=0.05,
             epochs=epochs, batch_size=1, compile=compile)
    return [p.data for p in model.parameters()]


def relu_compiled(epochs: int) -> list[np.ndarray]:
    return _relu_online(epochs, "auto")


def relu_replayed(epochs: int) -> list[np.ndarray]:
    return _relu_online(epochs, False)


def scalar_reference(epochs: int) -> list[float]:
    random.seed(1)
    network = ta.initialize_network(2, 2, 2)
    return ta.train_network(network, _contrived(), 0.5, epochs, 2)


def scalar_tutorial(epochs: int) -> list[float]:
    from tinygrad_bp import tutorial as tut

    random.seed(1)
    network = tut.initialize_network(2, 2, 2)
    return tut.train_network(network, _contrived(), 0.5, epochs, 2)


def _contrived() -> list[list[float]]:
    from tinygrad_bp.tutorial import contrived_dataset

    return contrived_dataset() * 20  # 200 rows, so an epoch is not all set-up


def _minibatch_data(n_rows: int = 1280, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.random((n_rows, 784))
    y = rng.integers(0, 10, n_rows)
    return x, y


def _minibatch_init(seed: int = 0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, (256, 784)) / 28.0, np.zeros(256),
            rng.uniform(-1, 1, (10, 256)) / 16.0, np.zeros(10)]


def minibatch_numpy(epochs: int) -> list[np.ndarray]:
    """The step by hand: forward, softmax cross-entropy's gradient, backward, in-place SGD."""
    x, y = _minibatch_data()
    w1, b1, w2, b2 = _minibatch_init()
    lr = 0.1
    for _ in range(epochs):
        for start in range(0, len(x), 128):
            xb, yb = x[start:start + 128], y[start:start + 128]
            z1 = xb @ w1.T + b1
            h = np.maximum(z1, 0.0)
            z2 = h @ w2.T + b2
            p = np.exp(z2 - z2.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(yb)), yb] -= 1.0
            g2 = p / len(yb)
            gh = g2 @ w2
            gh *= z1 > 0
            w2 -= lr * (g2.T @ h)
            b2 -= lr * g2.sum(axis=0)
            w1 -= lr * (gh.T @ xb)
            b1 -= lr * gh.sum(axis=0)
    return [w1, b1, w2, b2]


def minibatch_model():
    """The MLP 784-256-10 from the NumPy side's start (drawn nowhere else)."""
    from tinygrad_bp import nn

    w1, b1, w2, b2 = _minibatch_init()
    return nn.MLP(784, [256, 10], activation="relu", output_activation="linear",
                  weights=[np.column_stack([w1, b1]), np.column_stack([w2, b2])])


def minibatch_public_api(epochs: int) -> list[np.ndarray]:
    from tinygrad_bp import losses, nn

    x, y = _minibatch_data()
    model = minibatch_model()
    nn.train(model, x, y, loss=losses.cross_entropy_with_logits, lr=0.1, epochs=epochs,
             batch_size=128)
    return [p.data for p in model.parameters()]


def minibatch_torch(epochs: int) -> list[np.ndarray]:
    """The same training in PyTorch (float64, autograd, its own SGD step)."""
    import torch

    threads = os.environ.get("OPENBLAS_NUM_THREADS")
    if threads:  # as many threads as numpy's BLAS is given, for a like-for-like run
        torch.set_num_threads(int(threads))
    x, y = _minibatch_data()
    w1, b1, w2, b2 = [torch.tensor(p, requires_grad=True) for p in _minibatch_init()]
    xs, ys = torch.tensor(x), torch.tensor(y)
    params = [w1, b1, w2, b2]
    for _ in range(epochs):
        for start in range(0, len(x), 128):
            xb, yb = xs[start:start + 128], ys[start:start + 128]
            logits = torch.relu(xb @ w1.T + b1) @ w2.T + b2
            loss = torch.nn.functional.cross_entropy(logits, yb)
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= 0.1 * p.grad
    return [p.detach().numpy() for p in params]


_JAX_STEP: list = []


def minibatch_jax(epochs: int) -> list[np.ndarray]:
    """The same training in JAX (float64, jit of one SGD step, called per minibatch)."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    if not _JAX_STEP:
        def loss(params, xb, yb):
            w1, b1, w2, b2 = params
            logits = jnp.maximum(xb @ w1.T + b1, 0.0) @ w2.T + b2
            return -jnp.mean(jax.nn.log_softmax(logits)[jnp.arange(len(yb)), yb])

        def step(params, xb, yb):
            grads = jax.grad(loss)(params, xb, yb)
            return [p - 0.1 * g for p, g in zip(params, grads)]

        _JAX_STEP.append(jax.jit(step))
    x, y = _minibatch_data()
    params = [jnp.asarray(p) for p in _minibatch_init()]
    for _ in range(epochs):
        for start in range(0, len(x), 128):
            params = _JAX_STEP[0](params, x[start:start + 128], y[start:start + 128])
    return [np.asarray(p) for p in params]


def build_mlp(_epochs: int) -> None:
    from tinygrad_bp import nn

    nn.MLP(784, [256, 10], rng=random.Random(0))


WORKLOADS: dict[str, tuple[Callable, Callable | None, str]] = {
    "online": (online_public_api, online_reference, "tutorial's code"),
    "scalar": (scalar_tutorial, scalar_reference, "tutorial's code"),
    "minibatch": (minibatch_public_api, minibatch_numpy, "handwritten NumPy"),
    "relu": (relu_compiled, relu_replayed, "nn.train, compile=False"),
    "build": (build_mlp, None, "-"),
}
OTHERS: dict[str, dict[str, tuple[Callable, str]]] = {  # more sides, when their library is here
    "minibatch": {"PyTorch": (minibatch_torch, "torch"), "JAX": (minibatch_jax, "jax")},
}


def _same(a, b) -> bool:
    if isinstance(a, list) and a and isinstance(a[0], np.ndarray):
        return all(np.allclose(x, y, rtol=1e-9, atol=1e-12) for x, y in zip(a, b))
    return a == b


def run(name: str, epochs: int, repeats: int) -> list[dict]:
    """Each side's median time (its first run apart: it may compile), the median of its
    repeats' ratios to the reference's, and whether it computed what the reference did."""
    ours, reference, what = WORKLOADS[name]
    sides = {"tinygrad_bp": ours} if reference is None else {"tinygrad_bp": ours,
                                                            what: reference}
    for side, (function, module) in OTHERS.get(name, {}).items():
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)  # imported now: no timing pays for it
            sides[side] = function
    times: dict[str, list[float]] = {side: [] for side in sides}
    results = {}
    for repeat in range(repeats + 1):  # repeat 0 is every side's first run, not counted
        for side in (list(sides) if repeat % 2 == 0 else list(sides)[::-1]):
            start = time.perf_counter()
            results[side] = sides[side](epochs)
            if repeat:
                times[side].append(time.perf_counter() - start)
    rows = []
    for side in sides:
        row = {"workload": name, "side": side, "seconds": statistics.median(times[side])}
        if reference is not None:  # each repeat's quotient: a slow moment slows both sides
            row["ratio"] = statistics.median(t / r for t, r in zip(times[side], times[what]))
            row["same"] = _same(results[side], results[what])
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workloads", nargs="+", choices=list(WORKLOADS),
                        default=list(WORKLOADS))
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}, {args.epochs} epochs "
          f"(online, scalar, relu; minibatch runs {max(1, args.epochs // 10)}), "
          f"{args.repeats} repeats, medians (of times, and of each repeat's ratio)\n")
    print("| workload | side | median (s) | median ratio to the reference | same result |")
    print("|---|---|---:|---:|---|")
    failed = False
    for name in args.workloads:
        epochs = max(1, args.epochs // 10) if name == "minibatch" else args.epochs
        for row in run(name, epochs, args.repeats):
            if "ratio" in row:
                failed |= not row["same"]
                print(f"| {name} | {row['side']} | {row['seconds']:.3f} | {row['ratio']:.2f} "
                      f"| {'yes' if row['same'] else 'NO'} |")
            else:
                print(f"| {name} | {row['side']} | {row['seconds']:.3f} | - | - |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
