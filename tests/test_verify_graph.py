"""tg.check_graph: a wrong rule is named by node, op, input and element; right graphs pass.

The planted bugs (tests/planted_ops.py) are the kinds people make. Each expected analytic and
numeric value comes from calculus on the planted rule and on the true one, not from the report.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from planted_ops import planted_ops
from test_ops_gradcheck import ALL_CASES, make, weigh

import tinygrad_bp as tg
from tinygrad_bp import engine
from tinygrad_bp.nn import MLP
from tinygrad_bp.nn.losses import half_squared_error
from tinygrad_bp.ops import OPS, Mul, Op, Relu
from tinygrad_bp.tutorial.samples import tutorial_loss
from tinygrad_bp.verify import RuleMismatch

planted = pytest.fixture(planted_ops)


def _only(report) -> RuleMismatch:
    assert not report.ok
    assert len(report.bad) == 1, str(report)
    return report.bad[0]


# -- each kind of bug, alone ------------------------------------------------------------------

def test_a_wrong_slope_is_named_with_the_local_derivatives(planted):
    x = tg.Value(2.0, label="x")
    c = tg.apply(planted["cube"], x)
    c.label = "c"
    y = (c * 0.5 + x).tanh()
    bad = _only(tg.check_graph(y))
    # a scalar op reports dy/dx itself: the rule's 2x = 4 against the true 3x^2 = 12
    assert (bad.node, bad.label, bad.op, bad.input, bad.input_label, bad.element) == \
        (c, "c", "cube_slope_for_tests", 0, "x", ())
    assert bad.analytic == pytest.approx(4.0, rel=1e-12)
    assert bad.numeric == pytest.approx(12.0, rel=1e-6)


def test_a_missing_factor_names_the_input_whose_rule_lost_it(planted):
    a, b = tg.Value([1.5, -2.0, 0.5], label="a"), tg.Value([3.0, 4.0, -1.0], label="b")
    p = tg.apply(planted["mul"], a, b)
    report = tg.check_graph((p * p).sum())
    bad = _only(report)
    assert (bad.node, bad.op, bad.input, bad.input_label) == (p, "mul_missing_factor_for_tests",
                                                              1, "b")
    # with upstream g the planted rule gives g, the true one g * a: the element that differs
    # the most is the one where |g| * |a - 1| is largest; check the ratio numeric / analytic
    assert bad.numeric / bad.analytic == pytest.approx(a.data[bad.element], rel=1e-6)


def test_a_flipped_sign_gives_opposite_values(planted):
    a, b = tg.Value(0.3, label="a"), tg.Value(-1.2, label="b")
    d = tg.apply(planted["sub"], a, b)
    bad = _only(tg.check_graph(d.exp()))
    assert (bad.node, bad.input, bad.element) == (d, 1, ())
    assert (bad.analytic, bad.numeric) == (pytest.approx(1.0, rel=1e-12),
                                           pytest.approx(-1.0, rel=1e-6))


def test_a_gradient_one_element_off_is_caught_at_the_element_it_left(planted):
    x = tg.Value([0.5, -1.0, 2.0, 4.0], label="x")
    part = tg.apply(planted["getitem"], x, params=(np.array([1]),))
    bad = _only(tg.check_graph((part * part).sum()))
    assert (bad.node, bad.op, bad.input) == (part, "getitem_off_by_one_for_tests", 0)
    # the slope meant for x[1] went to x[2]; x[2] is worst, its tolerance being the tighter
    # (atol + rtol * |numeric| with numeric 0 there, 1 at x[1])
    assert (bad.element, bad.analytic, bad.numeric) == ((2,), 1.0, 0.0)


def test_a_rule_ignoring_the_upstream_gradient_is_caught(planted):
    x = tg.Value(0.7, label="x")
    s = tg.apply(planted["sigmoid"], x)
    bad = _only(tg.check_graph(s * 3.0))
    sig = 1 / (1 + np.exp(-0.7))
    assert bad.numeric == pytest.approx(sig * (1 - sig), rel=1e-6)
    # the rule returned sigma'(x) whatever g was; per unit of g (|g| in [0.5, 2]) that is sigma'/g
    assert 0.5 <= abs(bad.numeric / bad.analytic) <= 2.0
    assert bad.analytic != pytest.approx(bad.numeric, rel=1e-3)


# -- in the middle of bigger graphs -----------------------------------------------------------

def _swap(node, op):
    """Give ``node`` another op with the same forward: a wrong rule planted in a built graph."""
    node._op = op
    return node


def test_a_wrong_op_in_the_tutorials_loss_graph_is_named_exactly(planted):
    loss = tutorial_loss(backward=False)
    nodes = {n.label: n for n in engine.topological_order(loss)}
    assert tg.check_graph(loss).ok
    hidden = _swap(nodes["h"], planted["sigmoid"])
    bad = _only(tg.check_graph(loss))
    assert (bad.node, bad.label, bad.op, bad.input, bad.input_label) == \
        (hidden, "h", "sigmoid_ignores_g_for_tests", 0, "a_h")
    h = hidden.data  # the true local slope sigma'(a_h) = h (1 - h)
    assert bad.numeric == pytest.approx(h * (1 - h), rel=1e-6)


def test_a_wrong_product_deep_in_the_tutorials_loss_names_that_node_and_input(planted):
    loss = tutorial_loss(backward=False)
    products = [n for n in engine.topological_order(loss) if n.op == "mul"]
    target = products[2]  # w_o11 * h: the hidden output's weight into the first output neuron
    weight, hidden = target.parents
    _swap(target, planted["mul"])
    bad = _only(tg.check_graph(loss))
    assert (bad.node, bad.input, bad.input_label) == (target, 1, "h")
    # d(w * h)/dh = w; the planted rule says 1 (g per unit g)
    assert (bad.analytic, bad.numeric) == (pytest.approx(1.0), pytest.approx(weight.data))
    assert weight.label == "w_o11" and hidden.label == "h"


@pytest.fixture
def batch_mlp():
    """A layer-granularity MLP 12-16-3 on a batch of 8 rows: arrays big enough to be sampled."""
    net = MLP(12, [16, 3], activation="relu", output_activation="sigmoid", rng=random.Random(3),
              init="symmetric")
    rng = np.random.default_rng(5)
    x, target = rng.normal(size=(8, 12)), rng.uniform(size=(8, 3))
    return net, half_squared_error(net(x), target)


def test_a_wrong_op_in_a_batch_mlp_graph_is_named_with_the_sample_said(batch_mlp, planted):
    net, loss = batch_mlp
    assert tg.check_graph(loss, max_elements=20).ok
    hidden = _swap(net.layers[0].out, planted["relu"])
    net.layers[0].out.label = "hidden"
    report = tg.check_graph(loss, max_elements=20)
    bad = _only(report)
    assert (bad.node, bad.op, bad.input) == (hidden, "relu_shifted_for_tests", 0)
    assert len(bad.element) == 2 and 0 <= bad.element[0] < 8 and 0 <= bad.element[1] < 16
    # the 8 x 16 hidden layer, its input, the 16 x 12 weights, ...: sampled, and said so
    assert ("hidden input 0", 128) in report.sampled
    assert "sampled:" in str(report) and "20 elements of each" in str(report)


def test_one_wrong_element_outside_the_sample_is_found_by_halving(batch_mlp):
    net, loss = batch_mlp
    pre = net.layers[0].preactivation.data
    wrong = tuple(int(i) for i in np.unravel_index(np.argmax(pre), pre.shape))  # relu passes it

    class ReluOneWrong(Relu):
        """y = max(a, 0);  da = g * (a > 0), doubled at one element (wrong on purpose)"""

        name = "relu_one_wrong_for_tests"

        @staticmethod
        def backward(g, y, a):
            da = np.array(g * (a > 0))
            da[wrong] *= 2.0
            return (da,)

    try:
        hidden = _swap(net.layers[0].out, ReluOneWrong)
        report = tg.check_graph(loss, max_elements=4)  # 4 of 128 elements: it is missed
        bad = _only(report)
        assert (bad.node, bad.element) == (hidden, wrong)
        assert bad.analytic == pytest.approx(2 * bad.numeric, rel=1e-6)
    finally:
        OPS.pop(ReluOneWrong.name, None)


def test_several_wrong_nodes_get_one_entry_each(planted):
    x = tg.Value([0.5, 1.5], label="x")
    c = tg.apply(planted["cube"], x)
    d = tg.apply(planted["sub"], c, x)
    report = tg.check_graph(d.sum())
    assert [(b.node, b.input) for b in report.bad] == [(c, 0), (d, 1)]
    assert "2 op nodes with a wrong rule" in str(report)


# -- right graphs pass ------------------------------------------------------------------------

@pytest.mark.parametrize("op, f, inputs", ALL_CASES)
def test_every_registered_ops_rule_passes_where_its_gradient_case_runs(op, f, inputs):
    rng = np.random.default_rng(20240601)
    values = [tg.Value(make(kind, shape, rng), label=f"x{i}") for i, (kind, shape)
              in enumerate(inputs)]
    report = tg.check_graph(weigh(f(*values)))
    assert report.ok, str(report)
    assert report.checked >= 1


def test_the_tutorials_loss_and_a_batch_mlp_pass(batch_mlp):
    report = tg.check_graph(tutorial_loss(backward=False))
    assert report.ok and report.checked == 17  # 29 nodes: 12 leaves and constants, 17 ops
    assert report.elements == 24  # the ops' inputs that need a gradient, all scalars
    assert str(report).startswith("check_graph: 17 op nodes checked")
    assert tg.check_graph(batch_mlp[1]).ok


def test_a_kink_is_accepted_when_the_rule_gives_one_sides_slope():
    x = tg.Value([-1.0, 0.0, 2.0], label="x")
    report = tg.check_graph((x.relu() * np.array([1.0, 2.0, 3.0])).sum())
    assert report.ok and report.kinks == 1
    assert "1 element at a kink" in str(report)


def test_a_slope_outside_both_sides_of_a_kink_is_still_wrong():
    class ReluThree(Relu):
        """y = max(a, 0);  da = g * 3 at a = 0 (no side has slope 3)"""

        name = "relu_three_for_tests"

        @staticmethod
        def backward(g, y, a):
            return (g * np.where(a == 0, 3.0, a > 0),)

    try:
        x = tg.Value([-1.0, 0.0, 2.0], label="x")
        r = tg.apply(ReluThree, x)
        bad = _only(tg.check_graph(r.sum()))
        # central differences at the kink average the sides: g * 0.5, against the rule's g * 3
        assert (bad.element, bad.analytic / bad.numeric) == ((1,), pytest.approx(6.0, rel=1e-6))
    finally:
        OPS.pop(ReluThree.name, None)


def test_steep_curvature_and_the_edge_of_the_domain_are_no_false_alarms():
    x = tg.Value([1e-7, 1.0, 0.0], label="x")
    with np.errstate(divide="ignore"):
        y = x.log()
    report = tg.check_graph((y * np.array([2.0, 1.0, 3.0])).sum())
    assert report.ok, str(report)
    # log at 0 (nan to its left), the -inf going into the product, and all three inputs of the
    # sum, whose output -inf absorbs any step
    assert report.unchecked == 1 + 1 + 3
    assert "5 elements not checked" in str(report)


def test_huge_values_are_no_false_alarms_and_a_wrong_rule_there_is_still_caught(planted):
    x = tg.Value([1e35, 2.0], label="x")  # 1e35 + 1e-6 is 1e35: the step scales with |x|
    assert tg.check_graph((x * 3.0).sum()).ok
    # 1e17 + 1.0 + 1e-6 rounds to 1e17 + 1.0: the sum cannot see the step, which is allowed for
    assert tg.check_graph(tg.Value([1e17, 1.0], label="v").sum() * 2.0).ok
    big = tg.Value([1e3, -2e4], label="big")
    c = tg.apply(planted["cube"], big)
    bad = _only(tg.check_graph(c.sum()))
    # numeric / analytic = 3x^2 / 2x = 1.5 x at the worst element, whatever g is
    assert bad.node is c and bad.numeric / bad.analytic == pytest.approx(
        1.5 * big.data[bad.element], rel=1e-6)


def test_constants_are_not_checked_and_nothing_in_the_graph_changes():
    w = tg.Value(np.array([[1.0, 2.0], [3.0, 4.0]]), label="w")
    x = tg.Value([0.5, -0.5], label="x", requires_grad=False)
    y = (w @ x).tanh().sum()
    y.backward()
    before = [(n.data.copy() if isinstance(n.data, np.ndarray) else n.data, np.copy(n.grad))
              for n in engine.topological_order(y)]
    report = tg.check_graph(y)
    after = [(n.data, n.grad) for n in engine.topological_order(y)]
    for (d0, g0), (d1, g1) in zip(before, after):
        np.testing.assert_array_equal(d0, d1)
        np.testing.assert_array_equal(g0, g1)
    assert report.elements == 4 + 2 + 2  # w's 4 elements, then tanh's 2 and sum's 2; not x


def test_the_same_seed_gives_the_same_report(planted):
    x = tg.Value(np.linspace(-1, 1, 30), label="x")
    y = tg.apply(planted["cube"], x).sum()
    first, again = tg.check_graph(y, max_elements=5), tg.check_graph(y, max_elements=5)
    assert str(first) == str(again)
    assert first.bad[0].element == again.bad[0].element


def test_the_table_lists_label_op_element_and_both_values(planted):
    x = tg.Value(np.array([[1.0, 2.0]]), label="x")
    c = tg.apply(planted["cube"], x)
    report = tg.check_graph(c.sum())
    bad = _only(report)
    head, row = str(report).splitlines()[1:3]
    assert head.split() == ["node", "op", "input", "element", "analytic", "numeric"]
    row_, col = bad.element
    assert row.split() == ["cube_slope_for_tests1", "cube_slope_for_tests", "0", "(x)",
                           f"({row_},", f"{col})", f"{bad.analytic:.6g}", f"{bad.numeric:.6g}"]
    # numeric / analytic = g 3x^2 / (g 2x) = 1.5 x, whatever the random g
    assert bad.numeric / bad.analytic == pytest.approx(1.5 * x.data[bad.element], rel=1e-6)


def test_draw_frames_wrong_nodes_red_and_right_ones_green(planted):
    x = tg.Value(2.0, label="x")
    c = tg.apply(planted["cube"], x)
    c.label = "c"
    y = c.tanh()
    y.label = "y"
    dot = tg.check_graph(y).draw()
    assert isinstance(dot, tg.Figure)
    lines = {name: line for line in dot.source.splitlines() for name in ("c", "y", "x")
             if f"<b>{name}</b>" in line}
    assert 'color="#d62728"' in lines["c"]
    assert 'color="#2ca02c"' in lines["y"]
    assert "#d62728" not in lines["x"] and "#2ca02c" not in lines["x"]  # a leaf: not checked
    ET.fromstring(dot.pipe(format="svg"))


def test_a_rule_with_too_few_gradients_or_a_wrong_shape_is_an_error_naming_the_node():
    class HalfMul(Mul):
        """y = a * b;  da = g * b  (and no db: wrong on purpose)"""

        name = "half_mul_for_tests"

        @staticmethod
        def backward(g, y, a, b):
            return (g * b,)

    class WideExp(Op):
        """y = exp(a);  da = a gradient of the wrong shape (on purpose)"""

        name = "wide_exp_for_tests"

        @staticmethod
        def forward(a):
            return np.exp(a)

        @staticmethod
        def backward(g, y, a):
            return (np.ones(5),)

    try:
        x = tg.Value([1.0, 2.0], label="x")
        p = tg.apply(HalfMul, x, x)
        p.label = "p"
        with pytest.raises(ValueError, match="the backward of op 'half_mul_for_tests' at node p "
                                             "returned 1 gradients for 2 inputs"):
            tg.check_graph(p.sum())
        with pytest.raises(ValueError, match=r"at node wide_exp_for_tests1, input 0: a gradient "
                                             r"of shape \(5,\) does not fit an input of shape "
                                             r"\(2,\)"):
            tg.check_graph(tg.apply(WideExp, x).sum())
    finally:
        OPS.pop(HalfMul.name, None)
        OPS.pop(WideExp.name, None)


def test_bad_arguments_are_errors_naming_them():
    with pytest.raises(TypeError, match="check_graph takes the Value"):
        tg.check_graph(3.0)
    with pytest.raises(ValueError, match="eps must be > 0"):
        tg.check_graph(tg.Value(1.0) * 2, eps=0)
