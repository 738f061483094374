"""The seeds case study written without tinygrad_bp, for ``bench_seeds.py`` to time side by side.

Every side runs the tutorial's recipe (seed, min-max normalisation, its k-fold split, a fresh
sigmoid network per fold drawn from Python's ``random`` fold after fold, online SGD on
1/2 * sum((e - o)^2), the largest output predicts) and returns the fold scores, which must
equal the tutorial's own. The k folds train side by side, as tinygrad_bp's case study does:
step t feeds row t of every fold's training rows to that fold's network.

- ``numpy``: handwritten NumPy on the stack of k networks (batched matrix products);
- ``numba``: a handwritten numba loop in the tutorial's order of arithmetic (the floor: no
  framework does less work);
- ``jax``: jit of lax.scan over rows and epochs, vmap over the folds (float64);
- ``torch``: PyTorch autograd, float64, one thread, the stack of k networks per step.

Each needs only its own library, imported when the side first runs (not timed by the bench).
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def setup(args: argparse.Namespace):
    """Rows (k, n, features), one-hot targets (k, n, classes), test rows and labels per fold,
    and the initial weights [W1 (k, h, f), b1 (k, h), W2 (k, c, h), b2 (k, c)]."""
    from tests.reference import tutorial_algorithm as ta

    dataset = ta.load_seeds_csv(args.data)
    random.seed(args.seed)
    ta.normalize_dataset(dataset, ta.dataset_minmax(dataset))
    folds = ta.cross_validation_split(dataset, args.folds)
    n_classes = len({row[-1] for row in dataset})
    trains = [[r for other in folds if other is not fold for r in other] for fold in folds]
    nets = [ta.initialize_network(len(dataset[0]) - 1, args.hidden, n_classes) for _ in folds]
    x = np.array([[r[:-1] for r in rows] for rows in trains])
    e = np.eye(n_classes)[np.array([[r[-1] for r in rows] for rows in trains])]
    weights = [np.array([[n["weights"][:-1] for n in net[i]] for net in nets]) for i in (0, 1)]
    biases = [np.array([[n["weights"][-1] for n in net[i]] for net in nets]) for i in (0, 1)]
    tests = [(np.array([r[:-1] for r in fold]), [r[-1] for r in fold]) for fold in folds]
    return x, e, tests, [weights[0], biases[0], weights[1], biases[1]]


def scores(params, tests) -> list[float]:
    """Each fold's percent correct, from its trained weights (the tutorial's formula)."""
    w1, b1, w2, b2 = [np.asarray(p) for p in params]
    found = []
    for k, (x, labels) in enumerate(tests):
        h = 1.0 / (1.0 + np.exp(-(x @ w1[k].T + b1[k])))
        o = 1.0 / (1.0 + np.exp(-(h @ w2[k].T + b2[k])))
        correct = sum(1 for a, p in zip(labels, np.argmax(o, axis=1)) if a == p)
        found.append(correct / float(len(labels)) * 100.0)
    return found


def run_numpy(args: argparse.Namespace) -> list[float]:
    x, e, tests, (w1, b1, w2, b2) = setup(args)
    b1, b2 = b1[..., None], b2[..., None]
    steps = list(zip(np.swapaxes(x, 0, 1)[..., None], np.swapaxes(e, 0, 1)[..., None]))
    lr = args.lr
    for _ in range(args.epochs):
        for xs, es in steps:  # xs (k, f, 1), es (k, c, 1)
            h = 1.0 / (1.0 + np.exp(-(w1 @ xs + b1)))
            o = 1.0 / (1.0 + np.exp(-(w2 @ h + b2)))
            d2 = (es - o) * o * (1.0 - o)
            d1 = (np.swapaxes(w2, 1, 2) @ d2) * h * (1.0 - h)
            w2 += lr * (d2 @ np.swapaxes(h, 1, 2))
            b2 += lr * d2
            w1 += lr * (d1 @ np.swapaxes(xs, 1, 2))
            b1 += lr * d1
    return scores([w1, b1[..., 0], w2, b2[..., 0]], tests)


_NUMBA_LOOP = None


def _numba_loop():
    global _NUMBA_LOOP
    if _NUMBA_LOOP is None:
        import math

        from numba import njit

        @njit(cache=True)
        def train(x, e, w1, b1, w2, b2, lr, epochs):  # the tutorial's loops, in its order
            k, n, f = x.shape
            h_n, c = w1.shape[1], w2.shape[1]
            h, o, d1, d2 = np.empty(h_n), np.empty(c), np.empty(h_n), np.empty(c)
            for m in range(k):
                for _ in range(epochs):
                    for r in range(n):
                        for j in range(h_n):
                            a = b1[m, j]
                            for i in range(f):
                                a += w1[m, j, i] * x[m, r, i]
                            h[j] = 1.0 / (1.0 + math.exp(-a))
                        for j in range(c):
                            a = b2[m, j]
                            for i in range(h_n):
                                a += w2[m, j, i] * h[i]
                            o[j] = 1.0 / (1.0 + math.exp(-a))
                        for j in range(c):
                            d2[j] = (e[m, r, j] - o[j]) * (o[j] * (1.0 - o[j]))
                        for j in range(h_n):
                            err = 0.0
                            for i in range(c):
                                err += w2[m, i, j] * d2[i]
                            d1[j] = err * (h[j] * (1.0 - h[j]))
                        for j in range(h_n):
                            for i in range(f):
                                w1[m, j, i] += lr * d1[j] * x[m, r, i]
                            b1[m, j] += lr * d1[j]
                        for j in range(c):
                            for i in range(h_n):
                                w2[m, j, i] += lr * d2[j] * h[i]
                            b2[m, j] += lr * d2[j]

        _NUMBA_LOOP = train
    return _NUMBA_LOOP


def run_numba(args: argparse.Namespace) -> list[float]:
    x, e, tests, params = setup(args)
    _numba_loop()(x, e, *params, args.lr, args.epochs)
    return scores(params, tests)


_JAX_TRAIN: dict = {}  # (lr, epochs) -> the jitted training, so repeats run compiled code


def run_jax(args: argparse.Namespace) -> list[float]:
    x, e, tests, params = setup(args)
    return scores(_jax_train(args.lr, args.epochs)(tuple(params), x, e), tests)


def _jax_train(lr: float, epochs: int):
    if (lr, epochs) in _JAX_TRAIN:
        return _JAX_TRAIN[lr, epochs]
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)

    def step(p, row):
        w1, b1, w2, b2 = p
        xs, es = row
        h = 1.0 / (1.0 + jnp.exp(-(w1 @ xs + b1)))
        o = 1.0 / (1.0 + jnp.exp(-(w2 @ h + b2)))
        d2 = (es - o) * o * (1.0 - o)
        d1 = (w2.T @ d2) * h * (1.0 - h)
        return (w1 + lr * jnp.outer(d1, xs), b1 + lr * d1, w2 + lr * jnp.outer(d2, h),
                b2 + lr * d2), None

    def train(p, xs, es):
        def epoch(q, _):
            return jax.lax.scan(step, q, (xs, es))[0], None
        return jax.lax.scan(epoch, p, None, length=epochs)[0]

    _JAX_TRAIN[lr, epochs] = jax.jit(jax.vmap(train))
    return _JAX_TRAIN[lr, epochs]


def run_torch(args: argparse.Namespace) -> list[float]:
    import torch

    torch.set_num_threads(1)
    x, e, tests, params = setup(args)
    w1, b1, w2, b2 = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]
    xs = torch.tensor(np.swapaxes(x, 0, 1)[..., None])  # (n, k, f, 1)
    es = torch.tensor(np.swapaxes(e, 0, 1)[..., None])
    for _ in range(args.epochs):
        for t in range(len(xs)):
            h = torch.sigmoid(w1 @ xs[t] + b1[..., None])
            o = torch.sigmoid(w2 @ h + b2[..., None])
            loss = 0.5 * ((es[t] - o) ** 2).sum()
            for p in (w1, b1, w2, b2):
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in (w1, b1, w2, b2):
                    p -= args.lr * p.grad
    return scores([p.detach().numpy() for p in (w1, b1, w2, b2)], tests)


SIDES = {"numpy": (run_numpy, "numpy"), "numba": (run_numba, "numba"),
         "jax": (run_jax, "jax"), "torch": (run_torch, "torch")}
"""side name -> (function, the module it needs)."""
