"""Optional: the same expressions on tinygrad_bp and on PyTorch (float64) give the same gradients.

Skipped when PyTorch is not installed; nothing else in the test suite needs it. Each case is one
function written with the operators both libraries share, run once on each.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_bp as tg

torch = pytest.importorskip("torch")

rng = np.random.default_rng(3)


def _permute(x, *axes):
    """Reorder axes: ``transpose(*axes)`` here, ``permute(*axes)`` in PyTorch."""
    return x.transpose(*axes) if isinstance(x, tg.Value) else x.permute(*axes)


CASES = {
    "micrograd-example": (lambda a, b, c, f: (a * b + c) * f,
                          [np.array(2.0), np.array(-3.0), np.array(10.0), np.array(-2.0)]),
    "linear-sigmoid-broadcast": (lambda X, W, b: (X @ W.T + b).sigmoid().mean(),
                                 [rng.normal(size=(4, 3)), rng.normal(size=(2, 3)),
                                  rng.normal(size=2)]),
    "batched-matmul-tanh": (lambda A, B: (A @ B).tanh().sum(),
                            [rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 5))]),
    "pow-log-div-relu": (lambda x, y: ((x ** y).log() / (y * y + 1.0) + (x - 1.0).relu()).sum(),
                         [rng.uniform(0.5, 2.0, size=(2, 3)), rng.normal(size=3)]),
    "indexing-reshape-exp": (lambda x: (x[[0, 0, 2]].reshape(3, 4) * x[1].exp()).sum(),
                             [rng.normal(size=(3, 4))]),
    "outer-broadcast-div": (lambda a, b: (a * b / (b * b + 1.0) - a).sum(),
                            [rng.normal(size=(3, 1)), rng.normal(size=(1, 4))]),
    "reversed-operands": (lambda x, y: (2.0 ** x + 3.0 - y + 1.0 / (y * y + 1.0) - (-x)).sum(),
                          [rng.normal(size=(2, 3)), rng.normal(size=(2, 3))]),
    "value-exponent-broadcast": (lambda x, y: (x ** y).mean(),
                                 [rng.uniform(0.5, 2.0, size=(4, 3)), rng.normal(size=(1, 3))]),
    "matmul-1d-both-sides": (lambda v, M, u: (v @ M @ u) * (M @ u).sum(),
                             [rng.normal(size=3), rng.normal(size=(3, 4)), rng.normal(size=4)]),
    "batched-both-broadcast": (lambda A, B: (A @ B).exp().mean(),
                               [rng.normal(size=(2, 1, 3, 4)) * 0.3,
                                rng.normal(size=(5, 4, 2)) * 0.3]),
    "transpose-axes-slices": (lambda x: (_permute(x, 2, 0, 1)[:, 1:3] * x[..., 0].T.T[1:3]).sum(),
                              [rng.normal(size=(3, 4, 2))]),
    "reductions-keepdims": (lambda x: (x.sum(axis=(0, 2), keepdims=True)
                                       * x.mean(axis=1, keepdims=True) - x.mean()).tanh().sum(),
                            [rng.normal(size=(2, 3, 4))]),
    "negative-and-mask-index": (lambda x: (x[-1] * x[:, -2:].sum()
                                           + x[np.array([True, False, True])].relu().sum()).sum(),
                                [rng.normal(size=(3, 3)) + 0.05]),
    "reshape-minus-one-softmax": (lambda x: ((x.reshape(2, -1) - 1.0).exp()
                                             / (x.reshape(2, -1) - 1.0).exp()
                                             .sum(axis=1, keepdims=True)).log()[:, 0].sum(),
                                  [rng.normal(size=(2, 3, 2))]),
    "scalar-with-matrix": (lambda s, M: (s * M + M / s - s ** 2.0).sigmoid().sum(),
                           [np.array(1.7), rng.normal(size=(3, 2))]),
}


def run_tinygrad(f, arrays):
    values = [tg.Value(a) for a in arrays]
    out = f(*values)
    out.backward()
    return out.item(), [np.asarray(v.grad, dtype=np.float64) for v in values]


def run_torch(f, arrays):
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = f(*tensors)
    out.backward()
    return out.item(), [t.grad.numpy() for t in tensors]


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_value_and_gradients_as_pytorch(name):
    f, arrays = CASES[name]
    ours, our_grads = run_tinygrad(f, arrays)
    theirs, their_grads = run_torch(f, arrays)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)
    for i, (mine, reference) in enumerate(zip(our_grads, their_grads)):
        assert mine.shape == reference.shape, f"input {i}"
        np.testing.assert_allclose(mine, reference, rtol=1e-10, atol=1e-12, err_msg=f"input {i}")
