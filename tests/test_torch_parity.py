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


# -- second order: tg.grad with create_graph, tg.hessian and tg.jacobian ------------------------

@pytest.mark.parametrize("name", sorted(CASES))
def test_second_derivatives_along_a_direction_match_pytorch(name):
    # d/dx <grad f(x), v>: a Hessian-vector product, through every op each case uses
    f, arrays = CASES[name]
    directions = [np.random.default_rng(11).normal(size=np.shape(a)) for a in arrays]
    values = [tg.Value(a) for a in arrays]
    firsts = tg.grad(f(*values), values, create_graph=True)
    along = sum(((g * v).sum() for g, v in zip(firsts, directions)), tg.Value(0.0))
    ours = [np.asarray(h.data) for h in tg.grad(along, values, allow_unused=True)]
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    tfirsts = torch.autograd.grad(f(*tensors), tensors, create_graph=True)
    talong = sum((g * torch.tensor(v)).sum() for g, v in zip(tfirsts, directions))
    theirs = torch.autograd.grad(talong, tensors, materialize_grads=True)
    for i, (mine, reference) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(np.broadcast_to(mine, reference.shape), reference.numpy(),
                                   rtol=1e-9, atol=1e-10, err_msg=f"input {i}")


def _like(matrix: np.ndarray, x):
    """A constant matrix in x's library: torch wants a tensor on the left of @."""
    return matrix if isinstance(x, tg.Value) else torch.tensor(matrix)


FUNCTIONS = {  # one input each, for jacobian and hessian
    "cubic-sum": (lambda x: (x ** 3 * x.tanh()).sum(), rng.normal(size=4)),
    "quadratic-form": (lambda x: (x @ (_like(A, x) @ x)) * 0.5 + (x * x).sum().log(),
                       rng.normal(size=3)),
    "softmax-entropy": (lambda x: -((x.exp() / x.exp().sum()) * (x.exp() / x.exp().sum()).log())
                        .sum(), rng.normal(size=(2, 3))),
    "sigmoid-network": (lambda w: ((_like(W0, w) @ w[0]).sigmoid() * w[1]).sum(),
                        rng.normal(size=(2, 3))),
    "scalar": (lambda x: x.sigmoid() * x ** 2.5, np.array(1.3)),
}
A = rng.normal(size=(3, 3))
W0 = rng.normal(size=(3, 3))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_hessian_matches_pytorchs(name):
    f, x = FUNCTIONS[name]
    ours = tg.hessian(f, x)
    assert ours.shape == np.shape(x) + np.shape(x)
    theirs = torch.autograd.functional.hessian(f, torch.tensor(x, dtype=torch.float64))
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_jacobian_of_the_gradient_matches_pytorch(name):
    f, x = FUNCTIONS[name]

    def gradient(x):  # a vector-valued function of x, written once for both libraries
        if isinstance(x, tg.Value):
            return tg.grad(f(x), [x], create_graph=True)[0]
        return torch.autograd.grad(f(x), x, create_graph=True)[0]

    ours = tg.jacobian(gradient, x)
    assert ours.shape == np.shape(x) + np.shape(x)
    theirs = torch.autograd.functional.jacobian(
        gradient, torch.tensor(x, dtype=torch.float64), create_graph=True)
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-9, atol=1e-10)


def test_jacobian_and_hessian_of_several_inputs_are_nested_like_pytorchs():
    a0, b0 = rng.normal(size=(2, 3)), rng.normal(size=3)
    f = lambda a, b: (a @ b).tanh().sum() * (b * b).sum()  # noqa: E731
    g = lambda a, b: (a * b).sigmoid()  # noqa: E731
    ours_h = tg.hessian(f, a0, b0)
    theirs_h = torch.autograd.functional.hessian(f, (torch.tensor(a0), torch.tensor(b0)))
    ours_j = tg.jacobian(g, a0, b0)
    theirs_j = torch.autograd.functional.jacobian(g, (torch.tensor(a0), torch.tensor(b0)))
    for i in range(2):
        np.testing.assert_allclose(ours_j[i], theirs_j[i].numpy(), rtol=1e-12, atol=1e-14)
        for j in range(2):
            assert ours_h[i][j].shape == theirs_h[i][j].shape
            np.testing.assert_allclose(ours_h[i][j], theirs_h[i][j].numpy(), rtol=1e-9,
                                       atol=1e-10)


def test_grad_matches_torch_autograd_grad_and_touches_no_grad():
    x0, w0 = rng.normal(size=3), rng.normal(size=(2, 3))
    x, w = tg.Value(x0), tg.Value(w0)
    x.grad = np.ones(3)
    gx, gw = tg.grad(((w @ x).tanh() ** 2).sum(), [x, w])
    tx = torch.tensor(x0, requires_grad=True)
    tw = torch.tensor(w0, requires_grad=True)
    rx, rw = torch.autograd.grad(((tw @ tx).tanh() ** 2).sum(), [tx, tw])
    np.testing.assert_allclose(gx.data, rx.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gw.data, rw.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(x.grad, np.ones(3))
    assert w._grad is None and not gx.requires_grad
