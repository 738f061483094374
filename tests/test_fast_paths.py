"""The quicker ways some steps are computed give exactly what the plain ways give.

Each fast path is compared with the formula it replaces (numpy's where, the textbook
``a.T @ g``, the graph built afresh every step), bit for bit where they do the same
operations, with the engine's special values (signed zeros, nan, inf) included.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

import tinygrad_bp as tg
from tinygrad_bp import nn
from tinygrad_bp.grad_mode import linked
from tinygrad_bp.nn.losses import cross_entropy_with_logits
from tinygrad_bp.ops import MatMul, Relu


def test_relu_of_an_array_keeps_the_sign_of_zero_and_nan_as_where_does():
    a = np.array([-0.0, 0.0, -1.5, 2.0, np.nan, -np.inf, np.inf] * 9)  # past numpy's SIMD width
    fast, plain = Relu.forward(a), np.where(a < 0.0, 0.0, a)
    assert np.array_equal(fast, plain, equal_nan=True)
    assert np.array_equal(np.signbit(fast), np.signbit(plain))  # relu(-0.0) is -0.0, as torch's
    assert [Relu.forward(x) for x in (-0.0, 0.0, -1.5)] == [0.0, 0.0, 0.0]
    assert np.signbit(Relu.forward(-0.0))


def test_the_gradient_of_a_transposed_weight_is_laid_out_as_the_weight():
    rng = np.random.default_rng(0)
    x, w, g = rng.random((5, 7)), rng.random((3, 7)), rng.random((5, 3))
    db = MatMul.db(g, None, x, w.T)  # x @ W.T, as a layer computes it
    np.testing.assert_allclose(db, x.T @ g, rtol=1e-14)
    assert db.T.flags.c_contiguous  # so W's gradient (db transposed back) is W's own order


def test_inside_linked_an_op_on_constants_keeps_its_inputs():
    x = tg.Value([1.0, 2.0], requires_grad=False)
    assert (x * 2.0).op == ""  # a constant, as ever
    with linked():
        y = x * 2.0
    assert y.op == "mul" and y.parents[0] is x and not y.requires_grad
    with tg.no_grad(), linked():
        assert (x * 2.0).op == ""  # no_grad still records nothing


def test_a_cross_entropy_target_given_as_a_value_stays_the_ops_input():
    logits, rows = tg.Value([[1.0, 2.0, 0.5]]), tg.Value([[0.0, 1.0, 0.0]], requires_grad=False)
    loss = cross_entropy_with_logits(logits, rows)
    assert loss.parents[1] is rows
    with pytest.raises(ValueError, match="requires a gradient, but the target is data"):
        cross_entropy_with_logits(logits, tg.Value([[0.0, 1.0, 0.0]]))


class Rebuilt(nn.MLP):
    """An MLP nn.train does not replay: its graph is built afresh at every step."""


def test_cross_entropy_of_class_indices_replays_on_one_hot_rows_to_the_same_bits():
    rng = np.random.default_rng(1)
    X, labels = rng.random((12, 4)), rng.integers(0, 3, 12)
    results = []
    for cls in (nn.MLP, Rebuilt):
        model = cls(4, [6, 3], activation="relu", output_activation="linear",
                    rng=random.Random(2))
        history = nn.train(model, X, labels, loss=cross_entropy_with_logits, lr=0.3, epochs=3,
                           batch_size=4, compile=False)
        results.append((model.get_weights(), history))
    (replayed, h1), (rebuilt, h2) = results
    assert h1.settings["step"] == "replayed" and h2.settings["step"] == "built every step"
    for a, b in zip(replayed, rebuilt):
        assert np.array_equal(a, b)
    assert h1.loss == h2.loss and h1.accuracy == h2.accuracy
