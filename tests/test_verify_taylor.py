"""tg.taylor_test and tg.eps_sweep: order 2 for a right gradient, 1 for a wrong one; the eps V.

With one scalar input a unit direction is +1 or -1, so the remainders and errors have closed
forms (exp's Taylor series and sinh), which the tests compare with; with many inputs the
orders are compared with their theoretical values, 2 and 1, with margins.
"""

from __future__ import annotations

import math
import random
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from planted_ops import planted_ops

import tinygrad_bp as tg
from tinygrad_bp.nn import MLP
from tinygrad_bp.nn.losses import half_squared_error

planted = pytest.fixture(planted_ops)


def _tail(report) -> list[float]:
    return [o for o in report.orders if not math.isnan(o)][-6:]


# -- taylor_test ------------------------------------------------------------------------------

def test_the_remainder_of_exp_is_its_taylor_series_and_shrinks_as_h_squared():
    x = tg.Value(0.5, label="x")
    report = tg.taylor_test(lambda x: x.exp(), x, directions=1)
    # d = +1 or -1: r(h) = e^x |e^(h d) - 1 - h d|, whichever sign was drawn
    for h, r in zip(report.h[:8], report.remainders[0, :8]):
        assert r in (pytest.approx(math.exp(0.5) * abs(math.exp(h) - 1 - h), rel=1e-9),
                     pytest.approx(math.exp(0.5) * abs(math.exp(-h) - 1 + h), rel=1e-9))
    assert report.ok
    assert all(1.95 < o < 2.05 for o in _tail(report))
    assert report.order == pytest.approx(2.0, abs=0.05)


def test_a_right_gradient_through_a_batch_mlp_has_order_two():
    net = MLP(5, [4, 2], rng=random.Random(2), init="symmetric")
    rng = np.random.default_rng(1)
    x, target = rng.normal(size=(6, 5)), rng.uniform(size=(6, 2))
    report = tg.taylor_test(lambda *params: half_squared_error(net(x), target),
                            *net.parameters())
    assert report.ok
    assert all(1.9 < o < 2.1 for o in _tail(report))


@pytest.mark.parametrize("bug", ["cube", "mul", "sub", "getitem", "sigmoid_no_slope"])
def test_each_planted_bug_has_order_one(planted, bug):
    a = tg.Value([0.8, -1.3, 0.4, 2.1], label="a")
    b = tg.Value([1.1, 0.6, -0.7, 0.9], label="b")
    op = planted[bug]

    def f(a, b):
        if bug in ("cube", "sigmoid_no_slope"):
            return (tg.apply(op, a) * b).sum()
        if bug == "getitem":
            return (tg.apply(op, a * b, params=(np.array([0, 2]),)) ** 2).sum()
        return (tg.apply(op, a, b) ** 2).sum()
    report = tg.taylor_test(f, a, b)
    assert not report.ok
    assert all(0.9 < o < 1.1 for o in _tail(report)), report.orders
    assert "WRONG" in str(report)


def test_a_wrong_op_in_the_middle_of_a_batch_mlp_has_order_one(planted):
    net = MLP(5, [4, 2], rng=random.Random(2), init="symmetric")
    rng = np.random.default_rng(1)
    x, target = rng.normal(size=(6, 5)), rng.uniform(size=(6, 2))

    def loss(W0, b0, W1, b1):
        hidden = tg.apply(planted["sigmoid_no_slope"], x @ W0.T + b0)
        return half_squared_error((hidden @ W1.T + b1).sigmoid(), target)

    report = tg.taylor_test(loss, *net.parameters())
    assert not report.ok
    assert report.order == pytest.approx(1.0, abs=0.1)


def test_a_linear_function_stays_at_the_rounding_floor_and_passes():
    x = tg.Value([1.0, 2.0, 3.0], label="x")
    report = tg.taylor_test(lambda x: (x * 2.0).sum() + 1.0, x)
    assert report.ok and report.orders == [] and math.isnan(report.order)
    assert np.all(report.remainders <= report.floors)
    assert "rounding at every step" in str(report)


def test_at_a_kink_no_gradient_has_order_two_as_the_docstring_says():
    x = tg.Value(0.0, label="x")  # |x| = relu(x) + relu(-x): r(h) = |h d| = h whatever d is
    report = tg.taylor_test(lambda x: x.relu() + (-x).relu(), x)
    assert not report.ok and report.order == pytest.approx(1.0, abs=0.05)
    assert "kink" in tg.taylor_test.__doc__


def test_the_table_has_a_row_per_step_and_the_orders_between_them():
    x = tg.Value(0.5, label="x")
    report = tg.taylor_test(lambda x: x.exp(), x, directions=2, steps=6, h=0.25)
    lines = str(report).splitlines()
    assert lines[0].startswith("taylor_test: ok: the remainder shrinks like h^2")
    rows = lines[2:-1]
    assert len(rows) == 7
    for i, row in enumerate(rows):
        cells = row.split()
        assert float(cells[0]) == pytest.approx(0.25 / 2 ** i, rel=1e-2)
        assert [float(c.rstrip("*")) for c in cells[1:3]] == \
            [pytest.approx(r, rel=1e-2) for r in report.remainders[:, i]]
        assert cells[3] == ("-" if i == 0 else f"{report.orders[i - 1]:.2f}")


def test_taylor_test_leaves_the_inputs_as_found_and_rejects_bad_input():
    x = tg.Value([0.5, 1.5], label="x")
    x.grad = [7.0, 8.0]
    tg.taylor_test(lambda x: (x * x).sum(), x, directions=1, steps=4)
    assert x.data.tolist() == [0.5, 1.5] and x.grad.tolist() == [7.0, 8.0]
    with pytest.raises(TypeError, match="input 0 must be a Value"):
        tg.taylor_test(lambda x: x, 1.0)
    with pytest.raises(ValueError, match="input 0 has requires_grad=False"):
        tg.taylor_test(lambda x: x, tg.Value(1.0, requires_grad=False))
    with pytest.raises(TypeError, match="f must return a Value holding one element"):
        tg.taylor_test(lambda x: x * 2.0, x)
    with pytest.raises(ValueError, match="steps >= 2"):
        tg.taylor_test(lambda x: x.sum(), x, steps=1)


# -- eps_sweep --------------------------------------------------------------------------------

def test_the_sweep_runs_half_decades_and_matches_exps_truncation_error():
    x = tg.Value(0.5, label="x")
    sweep = tg.eps_sweep(lambda x: x.exp(), x, directions=1)
    assert sweep.eps[0] == pytest.approx(1e-1) and sweep.eps[-1] == pytest.approx(1e-12)
    assert np.allclose(np.diff(np.log10(sweep.eps)), -0.5)
    big = sweep.eps >= 1e-3  # truncation dominates: (e^(x+eps) - e^(x-eps)) / 2eps - e^x
    expected = math.exp(0.5) * (np.sinh(sweep.eps[big]) / sweep.eps[big] - 1.0)
    np.testing.assert_allclose(sweep.errors[big], expected, rtol=1e-4)


def test_the_best_eps_of_a_smooth_function_is_between_1e_7_and_1e_4():
    w = tg.Value(np.array([[0.3, -1.1, 0.8], [1.4, 0.2, -0.6]]), label="w")
    v = tg.Value([0.5, -0.25, 2.0], label="v")
    sweep = tg.eps_sweep(lambda w, v: ((w @ v).tanh().exp()).sum(), w, v)
    assert 1e-7 <= sweep.best_eps <= 1e-4
    best = list(sweep.eps).index(sweep.best_eps)
    # truncation to the right of the V (error about c eps^2), round-off to the left
    assert sweep.errors[0] > 1e3 * sweep.errors[best]
    assert sweep.errors[-1] > 1e3 * sweep.errors[best]
    assert f"best eps {sweep.best_eps:.0e}" in str(sweep)


def test_a_wrong_gradient_has_no_v_only_a_floor_at_the_error_of_the_rule(planted):
    x = tg.Value(1.5, label="x")
    sweep = tg.eps_sweep(lambda x: tg.apply(planted["cube"], x), x, directions=1)
    # the rule says 2x = 3, the slope is 3x^2 = 6.75: every eps small enough sees 3.75
    assert sweep.errors[8] == pytest.approx(3.75, rel=1e-6)
    assert sweep.errors.min() == pytest.approx(3.75, rel=1e-3)


def test_the_plot_is_an_svg_with_the_error_and_both_guide_lines():
    x = tg.Value([0.3, -1.2, 2.0], label="x")
    chart = tg.eps_sweep(lambda x: (x * x * x).sigmoid().sum(), x).plot()
    root = ET.fromstring(chart.svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    labels = [p.get("data-label") for p in root.iter("{http://www.w3.org/2000/svg}path")
              if p.get("data-label")]
    assert labels == ["|numeric − autograd|", "truncation ∝ eps²", "round-off ∝ 1/eps"]
    assert chart._repr_svg_() == chart.svg


def test_eps_sweep_rejects_bad_input():
    with pytest.raises(TypeError, match="eps_sweep: input 0 must be a Value"):
        tg.eps_sweep(lambda x: x, [1.0])
    with pytest.raises(ValueError, match="directions >= 1"):
        tg.eps_sweep(lambda x: x, tg.Value(1.0), directions=0)
