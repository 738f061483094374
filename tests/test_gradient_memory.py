"""Whose memory a leaf's gradient is: its own, never another leaf's, never an input's data.

The engine skips the copy of a rule's answer only where the op says what that answer is
(``Op.gives``): new memory (a matrix product), or a view of the node's own gradient (a
transpose) when that gradient is itself new memory. So ``W.grad`` from ``x @ W.T`` is
``W.T.grad`` seen transposed, as ``W.T``'s data is ``W``'s, and no two leaves ever share.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_bp as tg
from tinygrad_bp.ops import OPS, Op


@pytest.fixture(autouse=True)
def _registry_as_found():
    """The ops these tests make register themselves: leave ``OPS`` as it was."""
    before = dict(OPS)
    yield
    OPS.clear()
    OPS.update(before)


def _layer_graph():
    rng = np.random.default_rng(0)
    x = tg.Value(rng.random((4, 3)), requires_grad=False)
    w = tg.Value(rng.random((2, 3)))
    w_t = w.T
    (x @ w_t).sum().backward()
    return x, w, w_t


def test_a_transposed_weights_gradient_is_not_copied_but_is_the_transposes_gradient_seen_back():
    x, w, w_t = _layer_graph()
    np.testing.assert_allclose(w.grad, np.ones((4, 2)).T @ x.data, rtol=1e-15)
    assert np.shares_memory(w.grad, w_t.grad)
    assert np.array_equal(w.grad.T, w_t.grad)
    assert w.grad.flags.c_contiguous and w.grad.flags.writeable  # W's own layout


def test_a_matrix_products_gradient_goes_to_the_leaf_as_it_is_made():
    a = tg.Value(np.arange(6.0).reshape(2, 3))
    b = tg.Value(np.arange(12.0).reshape(3, 4))
    (a @ b).sum().backward()
    assert not np.shares_memory(a.grad, b.grad)
    assert not np.shares_memory(a.grad, b.data) and not np.shares_memory(b.grad, a.data)
    np.testing.assert_array_equal(a.grad, np.ones((2, 4)) @ b.data.T)


def test_two_leaves_given_one_gradient_by_an_add_each_get_their_own():
    a, b = tg.Value(np.zeros(3)), tg.Value(np.ones(3))
    (a + b).sum().backward()
    assert a.grad is not b.grad and not np.shares_memory(a.grad, b.grad)
    a.grad[0] = 5.0
    assert b.grad[0] == 1.0


def test_two_transposed_leaves_under_one_add_never_share_a_gradient():
    # A.T + B.T is laid out transposed, so the product's rule hands the add a transposed
    # view: each transpose passes it on, and each leaf must still get memory of its own
    rng = np.random.default_rng(1)
    a, b = tg.Value(rng.random((3, 2))), tg.Value(rng.random((3, 2)))
    x = tg.Value(rng.random((4, 2)), requires_grad=False)
    (x @ (a.T + b.T)).sum().backward()
    assert not np.shares_memory(a.grad, b.grad)
    np.testing.assert_allclose(a.grad, b.grad, rtol=0)


def test_an_ops_answer_of_unknown_memory_is_copied_into_the_leaf():
    from tinygrad_bp.value import record

    class ReturnsItsInput(Op):
        """A user's op whose rule hands back an input's data (it says nothing of its memory)."""

        name, symbol = "test_returns_its_input", "id?"

        @staticmethod
        def forward(a, b):
            return a * b

        @staticmethod
        def da(g, y, a, b):
            return b

        @staticmethod
        def db(g, y, a, b):
            return a

    a, b = tg.Value(np.array([1.0, 2.0])), tg.Value(np.array([3.0, 4.0]))
    record(ReturnsItsInput, (a, b), ()).sum().backward()
    assert not np.shares_memory(a.grad, b.data) and not np.shares_memory(b.grad, a.data)
    a.grad[0] = 9.0
    assert b.data[0] == 3.0


def test_gives_takes_only_the_three_kinds_and_a_view_only_for_one_input():
    with pytest.raises(TypeError, match="gives is 'new', 'view of g' or '', not 'fresh'"):
        type("Fresh", (Op,), {"name": "test_fresh", "gives": "fresh",
                              "forward": staticmethod(lambda a: a),
                              "da": staticmethod(lambda g, y, a: g)})
    with pytest.raises(TypeError, match="only an op with one input and its rule da"):
        type("TwoViews", (Op,), {"name": "test_two_views", "gives": "view of g",
                                 "forward": staticmethod(lambda a, b: a + b),
                                 "da": staticmethod(lambda g, y, a, b: g),
                                 "db": staticmethod(lambda g, y, a, b: g)})


def test_gives_is_refused_for_an_op_with_one_backward_for_all_inputs():
    # one backward can return one array for two inputs, which would then share it
    with pytest.raises(TypeError, match="gives needs one rule per input"):
        type("Both", (Op,), {"name": "test_both", "gives": "new",
                             "forward": staticmethod(lambda a, b: a + b),
                             "backward": staticmethod(lambda g, y, a, b: (g * 1.0,) * 2)})


def test_a_subclass_with_rules_of_its_own_does_not_inherit_what_its_base_gives():
    from tinygrad_bp.ops import MatMul

    sub = type("MyMatMul", (MatMul,), {"name": "test_my_matmul",
                                        "da": staticmethod(lambda g, y, a, b: b)})
    assert MatMul.gives == "new" and sub.gives == ""


@pytest.mark.parametrize("axes", [(1, 0), (2, 0, 1), (-1, 0, 1), (0, 2, 1)])
def test_a_transposes_gradient_undoes_its_permutation(axes):
    rng = np.random.default_rng(2)
    a = tg.Value(rng.random((2, 3, 4)) if len(axes) == 3 else rng.random((2, 3)))
    y = a.transpose(axes)
    weights = rng.random(y.shape)
    (y * weights).sum().backward()
    # d/da of sum(transpose(a) * w) is w moved back: the inverse permutation of axes
    inverse = np.argsort([axis % a.ndim for axis in axes])
    np.testing.assert_array_equal(a.grad, np.transpose(weights, inverse))
