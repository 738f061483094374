"""Engine invariants: the order of the walk, accumulation, constants, no_grad, safety, messages.

Expected numbers come from hand derivations written next to each assertion (or numpy), never from
tinygrad_bp's own output.
"""

from __future__ import annotations

import io
import math
import sys
import warnings

import numpy as np
import pytest

import tinygrad_bp as tg
from tinygrad_bp import engine


# -- the shape of the walk ---------------------------------------------------------------------

def test_diamond_counts_both_paths():
    # c = b + b = 4a, so dc/da = 4: each of b's two uses of a, and each of c's two uses of b
    a = tg.Value(3.0, label="a")
    b = a + a
    c = b + b
    c.backward()
    assert c.data == 12.0
    assert a.grad == 4.0
    assert b.grad == 2.0


def test_chain_of_100000_ops_has_no_recursion_limit():
    depth = 100_000
    assert depth > 50 * sys.getrecursionlimit()
    x = tg.Value(1.0, label="x")
    y = x
    for _ in range(depth):
        y = y * 1.000001
    y.backward()
    # y = x * 1.000001 ** depth, so dy/dx = 1.000001 ** depth (about e ** 0.1)
    assert x.grad == pytest.approx(math.pow(1.000001, depth), rel=1e-9)
    assert len(engine.topological_order(y)) == 2 * depth + 1  # each step adds a constant too
    del y  # freeing the chain must not overflow the C stack either


def test_chain_of_tensor_ops_is_as_deep_as_you_like():
    x = tg.Value(np.array([1.0, 2.0]))
    y = x
    for _ in range(20_000):
        y = y + 1.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])
    np.testing.assert_array_equal(y.data, [20_001.0, 20_002.0])


def test_second_backward_doubles_leaves_and_recomputes_interior_nodes():
    x = tg.Value(2.0, label="x")
    b = x * x          # interior: db/dx = 2x = 4
    c = b * 3.0        # dc/db = 3, dc/dx = 6x = 12
    c.backward()
    assert (x.grad, b.grad, c.grad) == (12.0, 3.0, 1.0)
    c.backward()
    assert x.grad == 24.0              # leaves accumulate, as in PyTorch
    assert (b.grad, c.grad) == (3.0, 1.0)  # interior grads are one call's worth, not doubled


def test_second_backward_with_arrays():
    W = tg.Value(np.array([[1.0, 2.0], [3.0, 4.0]]))
    h = W * 2.0
    loss = h.sum()
    loss.backward()
    loss.backward()
    np.testing.assert_array_equal(W.grad, np.full((2, 2), 4.0))  # 2 per call, two calls
    np.testing.assert_array_equal(h.grad, np.ones((2, 2)))


def test_a_node_used_many_times_accumulates_every_use():
    x = tg.Value(3.0)
    y = x * x + x * 4.0 + x  # dy/dx = 2x + 4 + 1 = 11
    y.backward()
    assert y.data == 9.0 + 12.0 + 3.0
    assert x.grad == 11.0


def test_accumulation_with_arrays_and_indexing():
    v = tg.Value(np.array([1.0, 2.0, 3.0]))
    y = v[0] * v[2] + v.sum()  # d/dv = [v2 + 1, 1, v0 + 1]
    y.backward()
    np.testing.assert_array_equal(v.grad, [4.0, 1.0, 2.0])


def test_micrograd_example_keeps_every_intermediate_gradient():
    a, b, c, f = (tg.Value(v, label=name) for v, name in
                  [(2.0, "a"), (-3.0, "b"), (10.0, "c"), (-2.0, "f")])
    e = a * b
    d = e + c
    L = d * f
    L.backward()
    # L = (a b + c) f: dL/dd = f, dL/df = d, dL/de = dL/dc = f, dL/da = f b, dL/db = f a
    assert L.data == -8.0
    assert (d.grad, f.grad, e.grad, c.grad, a.grad, b.grad) == (-2.0, 4.0, -2.0, -2.0, 6.0, -4.0)


def test_backward_from_a_leaf_gives_it_one():
    x = tg.Value(5.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_backward_on_a_one_element_array():
    x = tg.Value(np.array([[2.0]]))
    y = x * x
    y.backward()
    np.testing.assert_array_equal(x.grad, [[4.0]])


def test_topological_order_of_random_dags_lists_parents_first():
    rng = np.random.default_rng(0)
    for _ in range(20):
        nodes = [tg.Value(float(v)) for v in rng.normal(size=4)]
        for _ in range(40):
            i, j = rng.integers(len(nodes), size=2)
            kind = rng.integers(4)
            if kind == 0:
                nodes.append(nodes[i] + nodes[j])
            elif kind == 1:
                nodes.append(nodes[i] * nodes[j])
            elif kind == 2:
                nodes.append(nodes[i].tanh())
            else:
                nodes.append(nodes[i] - 1.5)
        root = nodes[-1] + nodes[int(rng.integers(len(nodes) - 1))]
        order = engine.topological_order(root)
        position = {id(node): k for k, node in enumerate(order)}
        assert len(position) == len(order)  # no node twice
        assert order[-1] is root
        for node in order:
            for parent in node.parents:
                assert position[id(parent)] < position[id(node)]
        # exactly the ancestors of root, found here by a separate walk
        ancestors, todo = {id(root)}, [root]
        while todo:
            for parent in todo.pop().parents:
                if id(parent) not in ancestors:
                    ancestors.add(id(parent))
                    todo.append(parent)
        assert set(position) == ancestors
        interior = engine.topological_order(root, leaves=False)
        assert [n for n in order if n.op] == interior
        assert [id(n) for n in engine.topological_order(root)] == [id(n) for n in order]


# -- what gets a gradient ----------------------------------------------------------------------

def test_no_grad_builds_no_graph():
    x = tg.Value(2.0)
    with tg.no_grad():
        y = x * 3.0 + 1.0
    assert y.data == 7.0
    assert y.parents == () and y.op == ""
    assert y.requires_grad is False
    y.backward()
    assert y.grad == 1.0
    assert x.grad == 0.0  # the leaf gets nothing
    z = x * 3.0  # and recording comes back afterwards
    assert z.parents == (x, z.parents[1]) and z.op == "mul"


def test_no_grad_restores_recording_after_an_exception():
    with pytest.raises(RuntimeError, match="boom"), tg.no_grad():
        raise RuntimeError("boom")
    assert engine.is_grad_enabled() is True
    with tg.no_grad():
        with tg.no_grad():
            pass
        assert engine.is_grad_enabled() is False
    assert engine.is_grad_enabled() is True


def test_plain_numbers_are_constants_with_no_gradient():
    x = tg.Value(np.array([1.0, 2.0]))
    y = 2.0 * x + 3
    constant = y.parents[1]
    assert constant.requires_grad is False and constant.data == 3.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])
    assert constant.grad == 0.0


def test_requires_grad_false_gets_no_gradient():
    w = tg.Value(4.0, requires_grad=False)
    x = tg.Value(3.0)
    (w * x).backward()
    assert (w.grad, x.grad) == (0.0, 4.0)
    k = tg.Value(2.0, requires_grad=False)
    both_constant = k * w
    assert both_constant.parents == () and both_constant.requires_grad is False


def test_detach_cuts_the_path():
    x = tg.Value(3.0)
    y = x * x.detach()  # only one factor carries a gradient: dy/dx = 3, not 6
    y.backward()
    assert x.grad == 3.0


def test_zero_grad_resets_to_zeros_shaped_like_data():
    x = tg.Value(2.0)
    W = tg.Value(np.ones((2, 3)))
    ((W * x).sum()).backward()
    assert x.grad == 6.0
    tg.zero_grad([x, W])
    assert x.grad == 0.0 and type(x.grad) is float
    np.testing.assert_array_equal(W.grad, np.zeros((2, 3)))
    x.grad = 5.0
    x.zero_grad()
    assert x.grad == 0.0


def test_gradients_before_backward_are_zeros_shaped_like_data():
    x = tg.Value(2.0)
    W = tg.Value(np.ones((3, 4)))
    assert x.grad == 0.0 and type(x.grad) is float
    assert isinstance(W.grad, np.ndarray)
    assert W.grad.shape == (3, 4) and W.grad.dtype == np.float64
    assert not W.grad.any()


def test_gradients_convert_as_the_api_promises():
    x = tg.Value(2.0)
    W = tg.Value(np.arange(6.0).reshape(2, 3))
    ((W * x).sum() * x).backward()
    # f = x^2 * sum(W): df/dx = 2 x sum(W) = 60, df/dW = x^2 = 4
    assert float(x.grad) == 60.0
    assert np.asarray(W.grad).shape == W.shape == (2, 3)
    np.testing.assert_array_equal(W.grad, np.full((2, 3), 4.0))
    assert W.grad.dtype == np.float64


def test_leaf_gradient_is_its_own_memory():
    W = tg.Value(np.zeros(3))
    h = W + 1.0
    h.sum().backward()
    W.grad[0] = 100.0  # an optimiser may change a gradient in place
    np.testing.assert_array_equal(h.grad, [1.0, 1.0, 1.0])


# -- numpy on the left -------------------------------------------------------------------------

def test_ndarray_and_numpy_scalars_on_the_left_give_values():
    x = tg.Value(np.array([1.0, 2.0, 3.0]))
    s = tg.Value(2.0)
    left = np.array([10.0, 20.0, 30.0])
    for y in (left * x, left + x, left - x, left / x, np.float64(2.0) * x):
        assert isinstance(y, tg.Value)
        assert y.shape == (3,)
    assert isinstance(np.float64(3.0) * s, tg.Value)
    assert (np.float64(3.0) * s).data == 6.0
    assert isinstance(np.ones((2, 3)) @ x, tg.Value)
    (left * x).sum().backward()
    np.testing.assert_array_equal(x.grad, left)
    assert tg.Value.__array_ufunc__ is None


# -- numerically safe functions ----------------------------------------------------------------

SATURATED = {  # name: (value at +1000, at -1000, at 0), (slope at +-1000, at 0)
    "sigmoid": ((1.0, 0.0, 0.5), (0.0, 0.25)),  # sigmoid' = s (1 - s)
    "tanh": ((1.0, -1.0, 0.0), (0.0, 1.0)),     # tanh' = 1 - tanh^2
    "exp": ((math.inf, 0.0, 1.0), (None, 1.0)),
}


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_sigmoid_and_tanh_saturate_without_warnings(name):
    (high, low, _), (slope, _) = SATURATED[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for data, value in [(1000.0, high), (-1000.0, low)]:
            x = tg.Value(data)
            y = getattr(x, name)()
            y.backward()
            assert (y.data, x.grad) == (value, slope)
            assert type(y.data) is float


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "exp"])
def test_saturating_functions_on_arrays_without_warnings(name):
    values, (_, slope_at_zero) = SATURATED[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = tg.Value(np.array([1000.0, -1000.0, 0.0]))
        y = getattr(x, name)()
        np.testing.assert_array_equal(y.data, values)
        if name != "exp":
            y.sum().backward()
            np.testing.assert_array_equal(x.grad, [0.0, 0.0, slope_at_zero])
            assert np.all(np.isfinite(y.data))


def test_exp_overflows_to_inf_without_an_exception():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tg.Value(1000.0).exp().data == math.inf
        assert tg.Value(-1000.0).exp().data == 0.0


def test_log_of_zero_and_negative_numbers_follows_numpy():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tg.Value(0.0).log().data == -math.inf
        assert math.isnan(tg.Value(-1.0).log().data)
        arr = tg.Value(np.array([0.0, -1.0, math.e])).log().data
    # log(e) is 1 to within an ulp (numpy 1.26's AVX-512 log answers 0.9999999999999999)
    assert arr[0] == -math.inf and math.isnan(arr[1]) and abs(arr[2] - 1.0) <= 2.3e-16
    x = tg.Value(0.0)
    x.log().backward()
    assert x.grad == math.inf  # d log(x)/dx = 1/x
    y = tg.Value(-1.0)
    y.log().backward()
    assert y.grad == -1.0


def test_division_by_zero_gives_inf_not_an_exception():
    assert (tg.Value(1.0) / 0.0).data == math.inf
    assert math.isnan((tg.Value(0.0) / tg.Value(0.0)).data)


# -- constructing Values and their messages ----------------------------------------------------

@pytest.mark.parametrize("bad, error, shown", [
    ("abc", TypeError, "str 'abc'"),
    (object(), TypeError, "object <object object at"),
    ([[1, 2], [3]], ValueError, "[[1, 2], [3]]"),
    (None, TypeError, "NoneType None"),
    ({"w": 1}, TypeError, "dict {'w': 1}"),
])
def test_bad_data_is_refused_with_what_was_passed(bad, error, shown):
    with pytest.raises(error) as caught:
        tg.Value(bad)
    assert str(caught.value).startswith("Value() ")
    assert shown in str(caught.value)


def test_backward_on_a_non_scalar_names_the_shape():
    W = tg.Value(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"one element, not shape \(2, 3\).*y\.sum\(\)\.backward"):
        (W * 2.0).backward()


def test_data_is_float64_or_a_python_float():
    assert type(tg.Value(3).data) is float
    assert type(tg.Value(np.float32(0.5)).data) is float
    assert type(tg.Value(np.array(2.5)).data) is float
    v = tg.Value([[1, 2], [3, 4]])
    assert v.data.dtype == np.float64 and v.shape == (2, 2)
    source = np.array([1.0, 2.0])
    w = tg.Value(source)
    source[0] = 99.0
    assert w.data[0] == 1.0  # a copy, so the graph does not change under the user's feet


def test_item_shape_label_and_repr():
    x = tg.Value(2.0, label="x")
    assert repr(x) == "Value(data=2.0, grad=0.0, label='x')"
    y = x * x
    y.backward()
    assert repr(x) == "Value(data=2.0, grad=4.0, label='x')"
    assert repr(y) == "Value(data=4.0, grad=1.0, op='mul')"
    assert (x.item(), x.shape, x.label, float(x.data)) == (2.0, (), "x", 2.0)
    W = tg.Value(np.zeros((3, 4)), label="W")
    assert W.shape == (3, 4) and W.label == "W"
    assert tg.Value([[7.5]]).item() == 7.5
    with pytest.raises(ValueError, match=r"item\(\) needs a Value holding one element, "
                                         r"not shape \(3, 4\)"):
        W.item()


# -- broadcasting ------------------------------------------------------------------------------

def test_each_input_gets_a_gradient_of_its_own_shape():
    a = tg.Value(np.array([[1.0], [2.0]]))          # (2, 1)
    b = tg.Value(np.array([[10.0, 20.0, 30.0]]))    # (1, 3)
    s = tg.Value(0.5)                               # ()
    v = tg.Value(np.array([1.0, -1.0, 2.0]))        # (3,)
    L = (a * b + s * v).sum()
    L.backward()
    # dL/da_i = sum_j b_j = 60; dL/db_j = sum_i a_i = 3; dL/ds = 2 * sum(v) = 4; dL/dv_j = 2 s = 1
    np.testing.assert_array_equal(a.grad, [[60.0], [60.0]])
    np.testing.assert_array_equal(b.grad, [[3.0, 3.0, 3.0]])
    assert s.grad == 4.0 and type(s.grad) is float
    np.testing.assert_array_equal(v.grad, [1.0, 1.0, 1.0])


def test_matmul_gradients_match_the_textbook_formulas():
    A = tg.Value(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))  # (3, 2)
    B = tg.Value(np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]))    # (2, 3)
    G = np.arange(9.0).reshape(3, 3)
    ((A @ B) * G).sum().backward()
    np.testing.assert_array_equal(A.grad, G @ B.data.T)
    np.testing.assert_array_equal(B.grad, A.data.T @ G)


def test_unbroadcast_sums_copies_back():
    grad = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(engine.unbroadcast(grad, (3, 4)), grad[0] + grad[1])
    np.testing.assert_array_equal(engine.unbroadcast(grad, (3, 1)),
                                  grad.sum(axis=(0, 2)).reshape(3, 1))
    assert engine.unbroadcast(grad, ()) == 276.0  # 0 + 1 + ... + 23
    np.testing.assert_array_equal(engine.unbroadcast(np.ones((5, 2)), (1, 2)), [[5.0, 5.0]])


def test_mean_divides_by_the_count():
    x = tg.Value(np.arange(6.0).reshape(2, 3))
    m = x.mean(axis=1)
    np.testing.assert_array_equal(m.data, [1.0, 4.0])
    m.sum().backward()
    np.testing.assert_allclose(x.grad, np.full((2, 3), 1 / 3), rtol=0, atol=1e-15)


def test_pow_with_a_value_exponent():
    x = tg.Value(2.0)
    k = tg.Value(3.0)
    y = x ** k
    y.backward()
    # d(x^k)/dx = k x^(k-1) = 12, d(x^k)/dk = x^k ln x = 8 ln 2
    assert y.data == 8.0
    assert x.grad == 12.0
    assert k.grad == pytest.approx(8 * math.log(2), rel=1e-15)


def test_pow_exponent_gradient_where_the_base_is_zero():
    # 0 ** k = 0 for every k > 0, so d(0 ** k)/dk = 0 (PyTorch agrees), not 0 * log(0) = nan;
    # at the base 2: d(2 ** k)/dk = 2 ** k * ln 2 = 4 ln 2, d(x ** k)/dx = k x ** (k - 1) = 4
    x = tg.Value(np.array([0.0, 2.0]))
    k = tg.Value(2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (x ** k).sum().backward()
    assert k.grad == pytest.approx(4 * math.log(2), rel=1e-15)
    np.testing.assert_array_equal(x.grad, [0.0, 4.0])
    s, p = tg.Value(0.0), tg.Value(3.0)
    (s ** p).backward()
    assert (s.grad, p.grad) == (0.0, 0.0)


def test_mean_with_an_axis_out_of_range_gives_numpys_axis_error():
    x = tg.Value(np.ones((2, 3)))
    for axis in (2, -3):
        with pytest.raises(np.exceptions.AxisError, match="out of bounds"):
            x.mean(axis)
    assert x.mean(axis=(0, 1)).item() == 1.0 and x.mean(-1, keepdims=True).shape == (2, 1)


def test_an_interior_node_cut_by_hand_passes_nothing_back():
    # d(z * x)/dx = z = 3x with z treated as a constant: 6.0 at x = 2, and nothing through z
    x = tg.Value(2.0)
    z = x * 3.0
    z.requires_grad = False
    (z * x).backward()
    assert x.grad == 6.0


def test_a_value_index_must_hold_whole_numbers():
    x = tg.Value([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(x[tg.Value([2.0, 0.0])].data, [3.0, 1.0])
    with pytest.raises(TypeError, match=r"a Value used as an index must hold whole numbers, not "
                                        r"array\(\[0\.5\]\)"):
        x[tg.Value([0.5])]


def test_the_rule_text_is_a_field_of_the_op_and_an_op_without_it_still_explains_itself():
    class NoRules(tg.Op):
        """y = nodoc(a);  da = g * 2  (a docstring is for readers: nothing parses it)"""

        name, symbol = "norules_for_tests", "nd"

    class Hypot(tg.Op):
        name, symbol = "hypot_for_tests", "hypot"
        formula, derivatives = "y = sqrt(a*a + b*b)", ("da = g * a / y", "db = g * b / y")

    try:
        assert NoRules.rules() == ("y = norules_for_tests(...)", ["(no rule written)"])
        assert Hypot.rules() == ("y = sqrt(a*a + b*b)", ["da = g * a / y", "db = g * b / y"])
        assert tg.OPS["transpose"].rules()[1] == ["da = transpose(g, inverse of axes)"]
        assert tg.OPS["mul"].rules() == ("y = a * b", ["da = g * b", "db = g * a"])
    finally:
        tg.OPS.pop("norules_for_tests")
        tg.OPS.pop("hypot_for_tests")


def test_every_built_in_docstring_says_the_ops_fields_in_one_line():
    # the one-line maths a reader sees is the text the drawings print, so they cannot drift
    for name, op in tg.OPS.items():
        if op.__module__.startswith("tinygrad_bp."):
            assert op.__doc__ == f"{op.formula};  {',  '.join(op.derivatives)}", name
            assert len(op.derivatives) in (1, len(op._rules or ())), name


def test_an_op_without_a_docstring_can_be_drawn_and_explained():
    class Twice(tg.Op):
        name, symbol = "twice_for_tests", "2x"

        @staticmethod
        def forward(a):
            return 2.0 * a

        @staticmethod
        def backward(g, y, a):
            return (2.0 * g,)

    try:
        y = tg.apply(Twice, tg.Value(1.5, label="x"))
        assert "2x" in tg.draw_graph(y).source
        lines = tg.explain_backward(y, file=io.StringIO())
        assert any("x.grad" in line and "2.0000" in line for line in lines)
    finally:
        tg.OPS.pop("twice_for_tests")
