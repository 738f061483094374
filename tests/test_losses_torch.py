"""Optional: the losses and log_softmax give PyTorch's values and gradients (float64), edges too.

Skipped when PyTorch is not installed (tests/test_losses.py checks the same functions against
numpy formulas). Special values (0 and 1 for probabilities, ±1000, ±inf and nan for scores)
must give torch's answer, nan where torch gives nan.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_bp as tg
from tinygrad_bp import losses
from tinygrad_bp.nn import log_softmax

torch = pytest.importorskip("torch")
F = torch.nn.functional

rng = np.random.default_rng(21)
INF, NAN = math.inf, math.nan


def ours(f, x: np.ndarray, *rest):
    v = tg.Value(x)
    loss = f(v, *rest)
    loss.backward()
    return loss.item(), np.asarray(v.grad)


def theirs(f, x: np.ndarray, *rest):
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    loss = f(t, *rest)
    loss.backward()
    return loss.item(), t.grad.numpy()


def same(mine, torchs, rtol=1e-12, atol=1e-15):
    """Equal values and gradients, nan where torch has nan and infinities of the same sign."""
    (value, grad), (t_value, t_grad) = mine, torchs
    np.testing.assert_allclose(value, t_value, rtol=rtol, atol=atol, equal_nan=True)
    np.testing.assert_allclose(grad, t_grad, rtol=rtol, atol=atol, equal_nan=True)


def as_long(labels):
    return torch.tensor(np.asarray(labels), dtype=torch.long)


# -- cross_entropy_with_logits = F.cross_entropy ---------------------------------------------

@pytest.mark.parametrize("shape", [(3,), (1, 5), (6, 4), (3, 3)])
def test_cross_entropy_with_logits_with_class_indices(shape):
    z = rng.normal(size=shape) * 3
    labels = rng.integers(0, shape[-1], size=shape[:-1])
    target = int(labels) if len(shape) == 1 else labels
    same(ours(losses.cross_entropy_with_logits, z, target),
         theirs(F.cross_entropy, z, as_long(labels)))


@pytest.mark.parametrize("shape", [(4,), (5, 3)])
def test_cross_entropy_with_logits_with_class_probabilities(shape):
    z = rng.normal(size=shape) * 2
    e = rng.uniform(0.0, 1.0, size=shape)
    e /= e.sum(axis=-1, keepdims=True)
    same(ours(losses.cross_entropy_with_logits, z, e),
         theirs(F.cross_entropy, z, torch.tensor(e)))


@pytest.mark.parametrize("z, label", [
    ([1000.0, -1000.0], 1), ([1000.0, -1000.0], 0), ([-1000.0, 1000.0, 999.0], 2),
    ([1e300, -1e300], 1), ([-INF, 0.0], 1), ([-INF, 0.0], 0), ([-INF, 3.0, 1.0], 2),
    ([INF, 0.0], 0), ([INF, 0.0], 1), ([-INF, -INF], 0), ([NAN, 0.0], 1), ([0.0, -0.0], 0),
])
def test_cross_entropy_with_logits_at_special_scores(z, label):
    z = np.array([z])
    same(ours(losses.cross_entropy_with_logits, z, [label]),
         theirs(F.cross_entropy, z, as_long([label])))


# -- cross_entropy on probabilities = nll_loss of their log ----------------------------------

@pytest.mark.parametrize("shape", [(3,), (4, 3)])
def test_cross_entropy_of_probabilities_is_nll_of_their_log(shape):
    p = rng.uniform(0.05, 1.0, size=shape)
    p /= p.sum(axis=-1, keepdims=True)
    labels = rng.integers(0, shape[-1], size=shape[:-1])
    target = int(labels) if len(shape) == 1 else labels
    same(ours(losses.cross_entropy, p, target),
         theirs(lambda t, y: F.nll_loss(torch.log(t), y), p, as_long(labels)))


def test_cross_entropy_where_a_non_target_probability_is_zero():
    # The loss does not depend on p[0, 0] at all, so its derivative there is 0. torch's
    # nll_loss(log(p)) chains 0 through log's slope 1/0 and gets 0 * inf = nan; we give 0.
    p = np.array([[0.0, 1.0], [0.5, 0.5]])
    (value, grad) = ours(losses.cross_entropy, p, [1, 0])
    t_value, t_grad = theirs(lambda t, y: F.nll_loss(torch.log(t), y), p, as_long([1, 0]))
    assert value == t_value == math.log(2) / 2
    assert math.isnan(t_grad[0, 0]) and grad[0, 0] == 0.0
    np.testing.assert_array_equal(grad.reshape(-1)[1:], t_grad.reshape(-1)[1:])


# -- binary cross-entropy ------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(), (5,), (3, 4)])
def test_binary_cross_entropy_with_soft_and_hard_targets(shape):
    p = rng.uniform(0.01, 0.99, size=shape)
    for y in (rng.uniform(0.0, 1.0, size=shape), np.round(rng.uniform(0.0, 1.0, size=shape))):
        target = float(y) if shape == () else y
        same(ours(losses.binary_cross_entropy, float(p) if shape == () else p, target),
             theirs(F.binary_cross_entropy, p, torch.tensor(y)))


EDGE_P = [0.0, 1.0, 1e-300, 1e-20, 1 - 1e-16, 0.5]
EDGE_Y = [0.0, 1.0, 0.3]


@pytest.mark.parametrize("p", EDGE_P)
@pytest.mark.parametrize("y", EDGE_Y)
def test_binary_cross_entropy_at_the_ends(p, y):
    # torch clamps log at -100 and floors p(1 - p) at 1e-12 in the gradient; so do we
    p_, y_ = np.array([p, 0.4]), np.array([y, 1.0])
    same(ours(losses.binary_cross_entropy, p_, y_),
         theirs(F.binary_cross_entropy, p_, torch.tensor(y_)), rtol=1e-13)


@pytest.mark.parametrize("shape", [(), (5,), (3, 4)])
def test_binary_cross_entropy_with_logits(shape):
    z = rng.normal(size=shape) * 4
    for y in (rng.uniform(0.0, 1.0, size=shape), np.round(rng.uniform(0.0, 1.0, size=shape))):
        target = float(y) if shape == () else y
        same(ours(losses.binary_cross_entropy_with_logits, float(z) if shape == () else z,
                  target),
             theirs(F.binary_cross_entropy_with_logits, z, torch.tensor(y)), rtol=1e-13)


@pytest.mark.parametrize("z", [1000.0, -1000.0, 40.0, -40.0, 1e300, -1e300, INF, -INF, NAN,
                               0.0, -0.0])
@pytest.mark.parametrize("y", EDGE_Y)
def test_binary_cross_entropy_with_logits_at_special_scores(z, y):
    z_, y_ = np.array([z, 0.5]), np.array([y, 1.0])
    same(ours(losses.binary_cross_entropy_with_logits, z_, y_),
         theirs(F.binary_cross_entropy_with_logits, z_, torch.tensor(y_)))


# -- log_softmax and the squared error -------------------------------------------------------

@pytest.mark.parametrize("shape, axis", [((4,), -1), ((3, 4), -1), ((3, 4), 0), ((2, 3, 4), 1)])
def test_log_softmax(shape, axis):
    x = rng.normal(size=shape) * 3
    w = rng.uniform(0.5, 1.5, size=shape)
    same(ours(lambda v: (log_softmax(v, axis) * w).sum(), x),
         theirs(lambda t: (F.log_softmax(t, dim=axis) * torch.tensor(w)).sum(), x))


@pytest.mark.parametrize("x", [[1000.0, -1000.0, 0.0], [-INF, 0.0, 1.0], [1e300, 1.0, -1e300]])
def test_log_softmax_at_special_values(x):
    x, w = np.array(x), np.array([0.5, 1.0, 2.0])
    mine = log_softmax(tg.Value(x)).data
    np.testing.assert_allclose(mine, F.log_softmax(torch.tensor(x), dim=-1).numpy(),
                               rtol=1e-15, equal_nan=True)
    same(ours(lambda v: (log_softmax(v) * w).sum(), x),
         theirs(lambda t: (F.log_softmax(t, dim=-1) * torch.tensor(w)).sum(), x))


def test_mean_squared_error_of_equal_shapes():
    o, e = rng.normal(size=(4, 1)), rng.normal(size=(4, 1))
    same(ours(losses.mean_squared_error, o, e), theirs(F.mse_loss, o, torch.tensor(e)))
