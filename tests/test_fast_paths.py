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


@pytest.mark.parametrize("size", [8191, 8192, 40_000])  # below and above the masked path
def test_a_select_against_zero_gives_numpys_where_to_the_bit(size):
    from tinygrad_bp.ops.base import _MASKED_BITS_FROM, where

    assert _MASKED_BITS_FROM == 8192
    rng = np.random.default_rng(size)
    specials = np.array([-0.0, 0.0, np.nan, -np.nan, np.inf, -np.inf, 5e-324, -1e300])
    x = rng.standard_normal(size)
    x[rng.integers(0, size, 64)] = rng.choice(specials, 64)
    keep = rng.random(size) < 0.5
    before = keep.copy()
    for fast, plain in [(where(keep, x, 0.0), np.where(keep, x, 0.0)),
                        (where(keep, 0.0, x), np.where(keep, 0.0, x))]:
        assert fast.dtype == np.float64 and fast.shape == (size,)
        assert np.array_equal(fast.view(np.int64), plain.view(np.int64))  # every bit, nan's too
        assert not np.shares_memory(fast, x)
    assert np.array_equal(keep, before)  # the caller's condition is left as it was
    # other operands than float64 and +0.0 are numpy's own where
    assert np.signbit(where(~keep, -0.0, x)[keep.argmin()])
    assert where(keep, x, 0).dtype == np.float64


def test_a_select_reads_any_nonzero_byte_of_a_bool_array_as_true_and_keeps_the_layout():
    from tinygrad_bp.ops.base import where

    odd = np.frombuffer(bytes([0, 2, 255, 1] * 2500), dtype=np.bool_)  # as .view(bool) makes
    x = np.arange(10_000.0)
    assert where(odd, x, 0.0)[:4].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert where(odd, 0.0, x)[:8].tolist() == [0.0, 0.0, 0.0, 0.0, 4.0, 0.0, 0.0, 0.0]
    rng = np.random.default_rng(2)
    keep, w = rng.random((256, 128)) < 0.5, rng.standard_normal((256, 128))
    fast = where(keep.T, w.T, 0.0)  # a transposed operand gives a transposed result
    assert fast.strides == np.where(keep.T, w.T, 0.0).strides == (8, 1024)
    assert np.array_equal(fast, np.where(keep.T, w.T, 0.0))


def test_a_scalar_nodes_rule_that_returns_none_gives_that_input_nothing():
    from tinygrad_bp.ops import Op
    from tinygrad_bp.value import record

    class FirstOnly(Op):
        """y = 3a + b, with a rule for a alone: b's says nobody needs its gradient."""

        name, symbol = "test_first_only", "3a+"
        forward = staticmethod(lambda a, b: 3.0 * a + b)
        da = staticmethod(lambda g, y, a, b: 3.0 * g)
        db = staticmethod(lambda g, y, a, b: None)

    try:
        a, b = tg.Value(2.0), tg.Value(5.0)
        record(FirstOnly, (a, b), ()).backward()
        assert (a.grad, b.grad) == (3.0, 0.0)
    finally:
        tg.OPS.pop("test_first_only")  # the test's own op: leave the registry as found


def test_relus_gradient_is_masked_to_plus_zero_past_the_masked_paths_size():
    rng = np.random.default_rng(1)
    y = Relu.forward(rng.standard_normal((128, 256)))
    g = rng.standard_normal((128, 256))
    g[0, :4] = [np.inf, -np.inf, np.nan, -0.0]
    y[0, :4] = [0.0, 0.0, 0.0, 1.0]
    expected = np.where(y <= 0.0, 0.0, g)
    got = Relu.da(g, y, y)
    assert np.array_equal(got.view(np.int64), expected.view(np.int64))
    assert list(got[0, :3]) == [0.0, 0.0, 0.0] and np.signbit(got[0, 3])


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


@pytest.fixture
def replays(monkeypatch) -> list:
    """Each ``engine.recompute`` call of the test (a replayed forward), by its graph's size."""
    from tinygrad_bp import engine

    calls: list = []
    recompute = engine.recompute
    monkeypatch.setattr(engine, "recompute", lambda order: (calls.append(len(order)),
                                                            recompute(order)))
    return calls


def test_a_step_recorded_on_its_own_rows_is_not_computed_again(replays):
    rng = np.random.default_rng(3)
    model = nn.MLP(3, [4, 2], rng=random.Random(1))
    # steps of 4, 4 and 2 rows: recorded, replayed, recorded again for the shorter shape
    history = nn.train(model, rng.random((10, 3)), rng.integers(0, 2, 10), batch_size=4,
                       epochs=1, compile=False)
    assert len(replays) == 1
    assert history.settings["step"] == "replayed"


def test_a_graph_recorded_to_compile_and_too_big_for_it_serves_the_first_step(replays):
    rng = np.random.default_rng(4)
    model = nn.MLP(100, [100, 2], rng=random.Random(2))  # 4 x 100 x 100 products a step
    history = nn.train(model, rng.random((8, 100)), rng.integers(0, 2, 8), batch_size=4,
                       epochs=1)
    assert history.settings["step"].startswith("replayed (not compiled: about ")
    assert len(replays) == 1  # the second step's; the first is the graph recorded to compile
