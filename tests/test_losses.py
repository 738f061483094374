"""The losses: what each accepts, what it refuses (and says), and numbers from plain numpy.

Every expected number here comes from a formula written in numpy or from calculus, not from the
library (tests/test_losses_torch.py compares with PyTorch where it is installed). The gradient
checks over shapes and target forms are in tests/test_ops_gradcheck.py's table.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_bp as tg
from tinygrad_bp import losses
from tinygrad_bp.losses import (binary_cross_entropy, binary_cross_entropy_with_logits,
                                cross_entropy, cross_entropy_with_logits, half_squared_error,
                                mean_squared_error)
from tinygrad_bp.nn import log_softmax, softmax

rng = np.random.default_rng(8)


def numpy_log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """z - log(sum(exp(z))), with the sum of exponentials done by np.logaddexp (no overflow)."""
    return z - np.logaddexp.reduce(z, axis=axis, keepdims=True)


def graded(f, x: np.ndarray, *rest):
    """f's loss and the gradient it sends to a fresh Value holding ``x``."""
    v = tg.Value(x)
    loss = f(v, *rest)
    loss.backward()
    return loss.item(), np.asarray(v.grad)


# -- squared errors: equal shapes or a ValueError naming both -------------------------------

SQUARED = [mean_squared_error, half_squared_error]


@pytest.mark.parametrize("loss", SQUARED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("form", ["array", "list", "Value"])
def test_a_column_against_a_flat_target_is_refused_naming_both_shapes(loss, form):
    # the case: silently 2.5 before, a 4 x 4 comparison by broadcasting
    target = {"array": np.arange(4.0), "list": [0.0, 1.0, 2.0, 3.0],
              "Value": tg.Value(np.arange(4.0))}[form]
    with pytest.raises(ValueError, match=rf"^{loss.__name__}: output has shape \(4, 1\) but "
                                         r"expected has shape \(4,\); the shapes must be equal "
                                         r"\(reshape expected to \(4, 1\)\)$"):
        loss(tg.Value(np.arange(4.0).reshape(4, 1)), target)


@pytest.mark.parametrize("loss", SQUARED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("output_shape, target", [
    ((3,), 0.5), ((2, 3), [1.0, 2.0, 3.0]), ((3,), [[1.0, 2.0, 3.0]]), ((), [1.0]),
    ((1,), 2.0),
])
def test_no_broadcasting_of_any_kind(loss, output_shape, target):
    shown = str(np.shape(target)).replace("(", r"\(").replace(")", r"\)")
    with pytest.raises(ValueError, match=rf"has shape {shown}; the shapes must be equal"):
        loss(tg.Value(np.ones(output_shape) if output_shape else 1.0), target)


def test_the_hint_for_one_number_says_how_to_compare_with_it():
    with pytest.raises(ValueError, match=r"pass np\.full\(\(3,\), c\)"):
        mean_squared_error(tg.Value([1.0, 2.0, 3.0]), 0.5)


@pytest.mark.parametrize("target", [0.5, np.float64(0.5), tg.Value(0.5), [0.5][0]])
def test_a_scalar_output_takes_a_number(target):
    assert mean_squared_error(tg.Value(2.0), target).item() == 2.25   # (2 - 0.5)^2, exact
    assert half_squared_error(tg.Value(2.0), target).item() == 1.125


def test_squared_errors_of_equal_shapes_and_their_gradients():
    o, e = rng.normal(size=(4, 1)), rng.normal(size=(4, 1))
    loss, grad = graded(mean_squared_error, o, e)
    assert loss == pytest.approx(np.mean((e - o) ** 2), rel=1e-14)
    np.testing.assert_allclose(grad, 2 * (o - e) / 4, rtol=1e-14)
    loss, grad = graded(half_squared_error, o, e.tolist())
    assert loss == pytest.approx(0.5 * np.sum((e - o) ** 2), rel=1e-14)
    np.testing.assert_allclose(grad, o - e, rtol=1e-14)


def test_a_target_value_still_gets_its_gradient_from_squared_errors():
    o, e = tg.Value([1.0, 2.0]), tg.Value([0.5, 3.0])
    mean_squared_error(o, e).backward()
    assert e.grad.tolist() == [-0.5, 1.0]  # d/de mean((e - o)^2) = (e - o) for two elements


# -- cross_entropy: one-hot rows or class indices --------------------------------------------

P = np.array([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]])
LABELS = [1, 0, 2, 2]
EXPECTED = -np.mean(np.log(P[np.arange(4), LABELS]))  # -1/N sum log p[label]


@pytest.mark.parametrize("target", [
    LABELS, tuple(LABELS), np.array(LABELS), np.array(LABELS, dtype=np.int8),
    np.array(LABELS, dtype=np.uint64), [1.0, 0.0, 2.0, 2.0], np.eye(3)[LABELS],
    np.eye(3)[LABELS].tolist(), np.eye(3, dtype=bool)[LABELS],
    tg.Value(np.array(LABELS, dtype=float), requires_grad=False),
], ids=["list", "tuple", "int-array", "int8", "uint64", "whole-floats", "one-hot",
        "one-hot-list", "one-hot-bool", "constant-Value"])
def test_cross_entropy_takes_indices_and_one_hot_rows_alike(target):
    loss, grad = graded(cross_entropy, P, target)
    assert loss == pytest.approx(EXPECTED, rel=1e-15)
    onehot = np.eye(3)[LABELS]
    np.testing.assert_allclose(grad, -onehot / P / 4, rtol=1e-15)  # d/dp of -mean(log p[label])


def test_indices_used_to_give_a_silently_wrong_number():
    # Read as weights, an index multiplied every log: one row with label 2 scored
    # -2 * sum(log p), and 3 labels for 3 classes weighted the columns of every row.
    row = np.array([0.25, 0.25, 0.5])
    assert cross_entropy(tg.Value(row), 2).item() == -math.log(0.5)
    square = P[:3]
    assert cross_entropy(tg.Value(square), [1, 0, 2]).item() == pytest.approx(
        -(math.log(0.5) + math.log(0.9) + math.log(0.8)) / 3, rel=1e-15)


@pytest.mark.parametrize("label", [2, np.int64(2), 2.0, np.float32(2.0)])
def test_one_row_takes_one_index(label):
    p = np.array([0.25, 0.25, 0.5])
    assert cross_entropy(tg.Value(p), label).item() == -math.log(0.5)


def test_the_op_gives_the_composition_it_replaced_to_the_last_bit():
    # the same float operations in the same order: -(e * log(p)).sum(-1).mean() and its backward
    e = np.array([[0.2, 0.3, 0.5], [0.0, 0.5, 0.5], [1.0, 0.0, 0.0], [0.25, 0.25, 0.5]])
    loss, grad = graded(cross_entropy, P, e)
    p = tg.Value(P)
    composed = -(e * p.log()).sum(axis=-1).mean()
    composed.backward()
    assert loss == composed.item()
    np.testing.assert_array_equal(grad, p.grad)


def test_class_probabilities_as_targets():
    e = np.array([[0.2, 0.3, 0.5], [0.0, 0.5, 0.5], [1.0, 0.0, 0.0], [0.25, 0.25, 0.5]])
    loss, grad = graded(cross_entropy, P, e)
    assert loss == pytest.approx(-np.sum(e * np.log(P)) / 4, rel=1e-14)
    np.testing.assert_allclose(grad, -e / P / 4, rtol=1e-15)


def test_a_zero_probability_costs_nothing_where_the_target_is_zero():
    # 0 * log 0 is its limit, 0: no nan in the loss or the gradient
    p = tg.Value([[1.0, 0.0], [0.5, 0.5]])
    loss = cross_entropy(p, [0, 1])
    loss.backward()
    assert loss.item() == pytest.approx(math.log(2) / 2, rel=1e-15)
    assert p.grad.tolist() == [[-0.5, -0.0], [-0.0, -1.0]]  # -e / p / N
    assert cross_entropy(tg.Value([1.0, 0.0]), 1).item() == math.inf  # the target at p = 0


def test_cross_entropy_of_softmax_has_gradient_p_minus_e():
    z = rng.normal(size=(4, 3))
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    _, grad = graded(lambda v: cross_entropy(softmax(v), LABELS), z)
    np.testing.assert_allclose(grad, (p - np.eye(3)[LABELS]) / 4, rtol=1e-12, atol=1e-16)


# -- what the cross-entropies refuse ---------------------------------------------------------

BATCH_ERRORS = [  # (target for scores of shape (4, 3), what the message must say)
    ([1, 0, 3, 2], r"expected\[2\]: class label 3 is not a class index 0\.\.2"),
    ([1, 0, -1, 2], r"expected\[2\]: class label -1 is not a class index 0\.\.2"),
    ([1, 0.5, 2, 2], r"expected\[1\]: class label 0\.5 is not a class index 0\.\.2"),
    ([1, 0, math.nan, 2], r"expected\[2\]: class label nan is not a class index"),
    ([1, 0, math.inf, 2], r"expected\[2\]: class label inf is not a class index"),
    ([1, True, 2, 2], r"expected\[1\]: class label True is not a class index"),
    (np.array([True, False, True, True]), r"expected\[0\]: class label True is not a class"),
    (["1", "0", "2", "2"], r"expected\[0\]: class label '1' is not a class index"),
    ([1, 0, 2], r"has 4 rows but expected holds 3 class indices; give one index per row"),
    ([1, 0, 2, 2, 1], r"has 4 rows but expected holds 5 class indices"),
    (1, r"has shape \(4, 3\), so expected must be rows of that shape or 4 class indices "
        r"\(shape \(4,\)\); got shape \(\): 1"),
    (np.array([[1], [0], [2], [2]]), r"got shape \(4, 1\)"),
    (np.ones((4, 2)) / 2, r"got shape \(4, 2\)"),
    ([[1, 0], [2], [2], [1]], r"got \[\[1, 0\], \[2\], \[2\], \[1\]\]"),
    (np.eye(3)[[1, 0, 2, 2]] * 2, r"expected must hold numbers in \[0, 1\]; it holds 2\.0 at "
                                  r"\(0, 1\)"),
    (np.array([[1, 0, 0], [0, 1, 1], [0, 0, 1], [1, 0, 0]]),
     r"row 1 of expected sums to 2\.0, not 1; .* use binary_cross_entropy"),
    (np.array([[0.5, 0.4, 0.0]] * 4), r"row 0 of expected sums to 0\.9"),
    (tg.Value([1.0, 0.0, 2.0, 2.0]), r"expected is a Value that requires a gradient, but the "
                                     r"target is data and gets none; .* expected\.detach\(\)"),
]


@pytest.mark.parametrize("loss", [cross_entropy, cross_entropy_with_logits],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("target, message", BATCH_ERRORS)
def test_cross_entropy_refuses_targets_it_cannot_mean(loss, target, message):
    with pytest.raises(ValueError, match=f"^{loss.__name__}: .*{message}"):
        loss(tg.Value(P), target)


@pytest.mark.parametrize("loss", [cross_entropy, cross_entropy_with_logits],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("target, message", [
    ([2], r"has shape \(3,\), so expected must be rows of that shape or one class index "
          r"\(an int\); got shape \(1,\): \[2\]"),
    (3, r"class label 3 is not a class index 0\.\.2"),
    (True, r"class label True is not a class index"),
    (None, r"class label None is not a class index"),
    (np.eye(3)[:2], r"got shape \(2, 3\)"),
])
def test_one_row_refuses_what_is_not_one_index_or_one_row(loss, target, message):
    with pytest.raises(ValueError, match=f"^{loss.__name__}: .*{message}"):
        loss(tg.Value([0.2, 0.3, 0.5]), target)


@pytest.mark.parametrize("loss", [cross_entropy, cross_entropy_with_logits],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape, extra", [((), "; for one probability per row use "
                                               "binary_cross_entropy"),
                                          ((2, 2, 3), ""), ((0, 3), ""), ((2, 0), "")])
def test_scores_must_be_one_row_or_a_batch(loss, shape, extra):
    with pytest.raises(ValueError, match=rf"must be one row of shape \(C,\) or a batch of shape "
                                         rf"\(N, C\).*got shape {re_shape(shape)}{extra}$"):
        loss(tg.Value(np.full(shape, 0.5) if shape else 0.5), 0)


def re_shape(shape: tuple) -> str:
    return str(shape).replace("(", r"\(").replace(")", r"\)")


@pytest.mark.parametrize("bad, where", [(-0.1, "(0, 1)"), (1.5, "(0, 1)"), (math.nan, "(0, 1)")])
def test_cross_entropy_refuses_probabilities_outside_0_1(bad, where):
    p = P.copy()
    p[0, 1] = bad
    with pytest.raises(ValueError, match=rf"cross_entropy: probabilities must hold numbers in "
                                         rf"\[0, 1\]; it holds {bad!r} at {re_shape(where)}"):
        cross_entropy(tg.Value(p), LABELS)


# -- cross_entropy_with_logits: the same targets, from scores, stably ------------------------

@pytest.mark.parametrize("shape", [(3,), (1, 4), (5, 3), (2, 2)])
def test_cross_entropy_with_logits_against_numpy(shape):
    z = rng.normal(size=shape) * 3
    labels = rng.integers(0, shape[-1], size=shape[:-1])
    onehot = np.eye(shape[-1])[labels]
    n = 1 if len(shape) == 1 else shape[0]
    target = int(labels) if len(shape) == 1 else labels
    loss, grad = graded(cross_entropy_with_logits, z, target)
    assert loss == pytest.approx(-np.sum(onehot * numpy_log_softmax(z)) / n, rel=1e-13)
    softmax_z = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(grad, (softmax_z - onehot) / n, rtol=1e-12, atol=1e-16)


def test_cross_entropy_with_logits_is_cross_entropy_of_softmax():
    z = rng.normal(size=(4, 3))
    soft = np.array([[0.2, 0.3, 0.5], [0.0, 0.5, 0.5], [1.0, 0.0, 0.0], [0.25, 0.25, 0.5]])
    for target in (LABELS, soft):
        direct, direct_grad = graded(cross_entropy_with_logits, z, target)
        composed, composed_grad = graded(lambda v, t=target: cross_entropy(softmax(v), t), z)
        assert direct == pytest.approx(composed, rel=1e-14)
        np.testing.assert_allclose(direct_grad, composed_grad, rtol=1e-12, atol=1e-16)


def test_logits_of_a_thousand_give_finite_losses_and_gradients():
    # softmax([1000, -1000]) underflows to [1, 0]: the composition gives log 0 = -inf
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [1000.0, 1000.0]])
    loss, grad = graded(cross_entropy_with_logits, z, [1, 1, 0])
    assert loss == (2000.0 + 0.0 + math.log(2)) / 3   # -log_softmax: 2000, 0 and log 2
    np.testing.assert_array_equal(grad, np.array([[1.0, -1.0], [0.0, 0.0], [-0.5, 0.5]]) / 3)
    assert cross_entropy(softmax(tg.Value(z)), [1, 1, 0]).item() == math.inf


def test_a_class_at_minus_infinity_is_free_unless_it_is_the_target():
    # as torch: a class with score -inf has probability 0, which costs nothing off-target
    loss, grad = graded(cross_entropy_with_logits, np.array([-math.inf, 0.0]), 1)
    assert (loss, grad.tolist()) == (0.0, [0.0, 0.0])
    loss, grad = graded(cross_entropy_with_logits, np.array([-math.inf, 0.0]), 0)
    assert (loss, grad.tolist()) == (math.inf, [-1.0, 1.0])


def test_the_gradient_is_one_node_softmax_minus_target_over_n():
    z = tg.Value(rng.normal(size=(3, 4)))
    loss = cross_entropy_with_logits(z, [0, 3, 1])
    assert loss.op == "cross_entropy_with_logits" and loss.parents[0] is z
    assert not loss.parents[1].requires_grad  # the target is a constant input


# -- binary cross-entropy ------------------------------------------------------------------

def test_binary_cross_entropy_against_numpy():
    p, y = rng.uniform(0.01, 0.99, size=(3, 4)), rng.uniform(0, 1, size=(3, 4))
    loss, grad = graded(binary_cross_entropy, p, y)
    assert loss == pytest.approx(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))), rel=1e-13)
    np.testing.assert_allclose(grad, (p - y) / (p * (1 - p)) / 12, rtol=1e-12)  # calculus
    assert binary_cross_entropy(tg.Value(0.25), 1.0).item() == pytest.approx(math.log(4),
                                                                            rel=1e-15)


TORCH_FLOOR = float(np.float32(1e-12))  # torch's EPSILON in binary_cross_entropy_backward


@pytest.mark.parametrize("p, y, loss, slope", [
    (0.0, 0.0, 0.0, 0.0), (1.0, 1.0, 0.0, 0.0),                     # right and certain
    (0.0, 1.0, 100.0, -1 / TORCH_FLOOR), (1.0, 0.0, 100.0, 1 / TORCH_FLOOR),  # log clamped
    (1e-300, 1.0, 100.0, -1 / TORCH_FLOOR), (0.0, 0.5, 50.0, -0.5 / TORCH_FLOOR),
])
def test_binary_cross_entropy_at_0_and_1_clamps_like_torch(p, y, loss, slope):
    value, grad = graded(binary_cross_entropy, np.array([p, 0.5]), np.array([y, 0.5]))
    assert value == pytest.approx((loss + math.log(2)) / 2, rel=1e-15)
    assert grad[0] == pytest.approx(slope / 2, rel=1e-15) and grad[1] == 0.0
    assert np.isfinite(grad).all()


def test_binary_cross_entropy_with_logits_against_the_stable_formula():
    z, y = rng.normal(size=(2, 5)) * 4, rng.uniform(0, 1, size=(2, 5))
    loss, grad = graded(binary_cross_entropy_with_logits, z, y)
    stable = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    assert loss == pytest.approx(np.mean(stable), rel=1e-13)
    sigmoid = 0.5 * (1 + np.tanh(z / 2))  # another way to write 1 / (1 + exp(-z))
    np.testing.assert_allclose(grad, (sigmoid - y) / 10, rtol=1e-12, atol=1e-17)
    p = tg.Value(1 / (1 + np.exp(-z)))
    assert binary_cross_entropy(p, y).item() == pytest.approx(loss, rel=1e-12)


def test_binary_cross_entropy_with_logits_is_finite_at_a_thousand():
    z = np.array([1000.0, -1000.0, 1000.0, -1000.0])
    loss, grad = graded(binary_cross_entropy_with_logits, z, np.array([1.0, 0.0, 0.0, 1.0]))
    assert loss == 2000.0 / 4  # right twice (0), wrong twice by 1000
    assert grad.tolist() == [0.0, 0.0, 0.25, -0.25]


@pytest.mark.parametrize("loss", [binary_cross_entropy, binary_cross_entropy_with_logits],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("y, message", [
    ([0.5, 1.5], r"y must hold numbers in \[0, 1\]; it holds 1\.5 at \(1,\)"),
    ([-1.0, 0.0], r"y must hold numbers in \[0, 1\]; it holds -1\.0 at \(0,\)"),
    ([math.nan, 0.0], r"y must hold numbers in \[0, 1\]; it holds nan at \(0,\)"),
    ([[0.0, 1.0]], r"has shape \(2,\) but y has shape \(1, 2\); the shapes must be equal "
                   r"\(reshape y to \(2,\)\)"),
    ([0.0, 1.0, 1.0], r"has shape \(2,\) but y has shape \(3,\); the shapes must be equal "
                      r"\(nothing is broadcast\)"),
    (1.0, r"has shape \(2,\) but y has shape \(\)"),
    (tg.Value([0.0, 1.0]), r"y is a Value that requires a gradient"),
])
def test_binary_losses_refuse_what_they_cannot_mean(loss, y, message):
    with pytest.raises(ValueError, match=f"^{loss.__name__}: .*{message}"):
        loss(tg.Value([0.25, 0.75]), y)


@pytest.mark.parametrize("p, shown", [(1.5, "1.5"), (-0.5, "-0.5"), (math.nan, "nan")])
def test_binary_cross_entropy_refuses_p_outside_0_1(p, shown):
    with pytest.raises(ValueError, match=rf"binary_cross_entropy: p must hold numbers in \[0, 1\]; "
                                         rf"it holds {shown} at \(1,\)"):
        binary_cross_entropy(tg.Value([0.5, p]), [1.0, 0.0])


# -- log_softmax ----------------------------------------------------------------------------

@pytest.mark.parametrize("shape, axis", [((4,), -1), ((2, 3), -1), ((2, 3), 0), ((2, 3, 4), 1)])
def test_log_softmax_against_numpy_and_gradcheck(shape, axis):
    x = rng.normal(size=shape) * 3
    y = log_softmax(tg.Value(x), axis)
    np.testing.assert_allclose(y.data, numpy_log_softmax(x, axis), rtol=1e-14, atol=1e-15)
    weights = rng.uniform(0.5, 1.5, size=shape)
    assert tg.gradcheck(lambda v: (log_softmax(v, axis) * weights).sum(), tg.Value(x))


def test_log_softmax_gradient_from_calculus():
    # d/dx_j of sum_i w_i log_softmax(x)_i = w_j - softmax(x)_j * sum(w)
    x, w = np.array([1.0, 2.0, 0.5]), np.array([0.3, -1.0, 2.0])
    v = tg.Value(x)
    (log_softmax(v) * w).sum().backward()
    s = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(v.grad, w - s * w.sum(), rtol=1e-14, atol=1e-16)


def test_log_softmax_is_finite_where_softmax_underflows():
    v = tg.Value([1000.0, -1000.0, 0.0])
    y = log_softmax(v)
    assert y.data.tolist() == [0.0, -2000.0, -1000.0]
    (y * np.array([0.0, 1.0, 0.0])).sum().backward()
    assert v.grad.tolist() == [-1.0, 1.0, 0.0]  # w - softmax * sum(w), softmax = [1, 0, 0]
    assert softmax(tg.Value([1000.0, -1000.0])).data.tolist() == [1.0, 0.0]  # log 0 = -inf


@pytest.mark.parametrize("axis", [1, -2, 0.5, None, True, (0,)])
def test_log_softmax_names_a_bad_axis(axis):
    with pytest.raises(ValueError, match=rf"log_softmax: axis {re_shape(repr(axis))} names no "
                                         r"axis of x, which has shape \(3,\)"):
        log_softmax(tg.Value([1.0, 2.0, 3.0]), axis)


def test_log_softmax_exported_where_the_api_says():
    assert tg.nn.log_softmax is log_softmax
    assert losses.cross_entropy_with_logits is cross_entropy_with_logits
    assert tg.losses.binary_cross_entropy_with_logits is binary_cross_entropy_with_logits


# -- class labels -------------------------------------------------------------------------

def test_class_indices_reads_ints_and_whole_floats():
    assert losses.class_indices([2, 0, 1], 3).tolist() == [2, 0, 1]
    assert losses.class_indices(np.array([2.0, 0.0]), 3).dtype == np.intp
    with pytest.raises(ValueError, match=r"^labels\[1\]: class label 0\.5 is not a class index"):
        losses.class_indices([1, 0.5], 3)
    with pytest.raises(ValueError, match=r"class labels must be one label or a flat sequence"):
        losses.class_indices([[1, 0], [2]], 3)


@pytest.mark.parametrize("label", [True, False, np.bool_(True)])
def test_one_hot_refuses_bools(label):
    with pytest.raises(ValueError, match=f"class label {bool(label)!r} is not a class index"):
        losses.one_hot(label, 2)


def test_binary_cross_entropies_of_scalar_values_at_their_edges_do_not_warn():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning from numpy fails the test
        assert binary_cross_entropy(tg.Value(0.0), 1.0).data == 100.0  # log 0 clamped at -100
        assert math.isnan(binary_cross_entropy_with_logits(tg.Value(-math.inf), 0.0).data)
