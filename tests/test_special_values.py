"""Edge values (0, -0, ±inf, nan, ±1e300): the same answers for scalars and arrays, no warnings,
and, where PyTorch is installed, PyTorch's answers, first and second order.

Every elementwise op runs on every combination of the special values, once as Python floats
(the scalar path) and once as arrays (the numpy path). The first tests need no PyTorch: the two
paths must agree to the bit (sign of zero included), numpy must stay silent, and some answers
are known independently (calculus, IEEE 754). The last ones compare with ``torch`` (float64)
when it is installed: special outcomes (inf, nan, 0) exactly, finite ones to 1e-14 (the last
bits of libm's exp, tanh and pow differ between libraries and machines).
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest

import tinygrad_bp as tg

inf, nan = math.inf, math.nan
SPECIAL = [0.0, -0.0, inf, -inf, nan, 1e300, -1e300, 1.0, -2.5, 0.5, 2.0]

# name: (tinygrad_bp function, torch function, number of inputs); the same code for both
# wherever the two libraries spell it alike
ELEMENTWISE = {
    "add": (lambda a, b: a + b, None, 2),
    "sub": (lambda a, b: a - b, None, 2),
    "mul": (lambda a, b: a * b, None, 2),
    "div": (lambda a, b: a / b, None, 2),
    "pow": (lambda a, b: a ** b, None, 2),
    "exp": (lambda a: a.exp(), None, 1),
    "log": (lambda a: a.log(), None, 1),
    "tanh": (lambda a: a.tanh(), None, 1),
    "sigmoid": (lambda a: a.sigmoid(), None, 1),
    "relu": (lambda a: a.relu(), None, 1),
    "neg": (lambda a: -a, None, 1),
    "number-minus": (lambda a: 1.0 - a, None, 1),
    "number-over": (lambda a: 2.0 / a, None, 1),
    "number-to-the": (lambda a: 2.0 ** a, None, 1),
    "where-true": (lambda a, b: a.where(True, b),
                   lambda a, b: _torch().where(_torch().tensor(True), a, b), 2),
    "where-false": (lambda a, b: a.where(False, b),
                    lambda a, b: _torch().where(_torch().tensor(False), a, b), 2),
}
for _k in [2.0, 0.0, 1.0, -1.0, 0.5, -0.5, 3.0, -2.0, 1.5]:
    ELEMENTWISE[f"power-{_k}"] = (lambda a, k=_k: a ** k, None, 1)


def _torch():
    return pytest.importorskip("torch")


def columns(n: int) -> list[list[float]]:
    """Every combination of the special values for n inputs, one list per input."""
    return [list(c) for c in zip(*itertools.product(SPECIAL, repeat=n))]


def derivatives(f, cols: list[list[float]], scalar: bool) -> list[np.ndarray]:
    """f's value, its first derivatives, and the derivatives of their sum, element by element.

    The scalar path builds one graph of Python floats per combination; the array path one
    graph over all combinations at once (its sum's gradient is each element's own derivative).
    """
    if scalar:
        rows = []
        for values in zip(*cols):
            xs = [tg.Value(v) for v in values]
            y = f(*xs)
            firsts = tg.grad(y, xs, create_graph=True, allow_unused=True)
            rows.append([y.data] + [g.data for g in firsts] + _second(firsts, xs))
        return [np.array(column, dtype=float) for column in zip(*rows)]
    xs = [tg.Value(np.array(c)) for c in cols]
    y = f(*xs)
    firsts = tg.grad(y.sum(), xs, create_graph=True, allow_unused=True)
    n = len(cols[0])
    return [np.broadcast_to(np.asarray(r, float), n)
            for r in [y.data] + [g.data for g in firsts] + _second(firsts, xs)]


def _second(firsts: list, xs: list) -> list:
    total = firsts[0].sum()
    for g in firsts[1:]:
        total = total + g.sum()
    if not total.requires_grad:  # the first derivatives are constants: the second are 0
        return [np.zeros(x.shape) for x in xs]
    return [h.data for h in tg.grad(total, xs, allow_unused=True)]


def labels(n: int) -> list[str]:
    return (["value"] + [f"d/dx{i}" for i in range(n)]
            + [f"d/dx{i} of the first derivatives' sum" for i in range(n)])


# -- without PyTorch ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_scalars_and_arrays_agree_and_numpy_stays_silent(name):
    # Python floats go through libm, arrays through numpy's SIMD loops: the two may differ in
    # the last bit (numpy 1.26's AVX-512 exp and log do), which a derivative such as y(1 - y)
    # can magnify to a dozen ulps; never in what is inf, nan or zero, or in a sign
    # (docs/design.md, "The same numbers on every machine").
    f, _, n = ELEMENTWISE[name]
    cols = columns(n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would fail here
        scalar = derivatives(f, cols, scalar=True)
        array = derivatives(f, cols, scalar=False)
    for label, s, a in zip(labels(n), scalar, array):
        with np.errstate(invalid="ignore", over="ignore"):
            relative = np.abs(s - a) / np.maximum(np.abs(s), np.abs(a))
        close = (s == a) | (np.isfinite(s) & np.isfinite(a) & (relative <= 1e-12)
                            & ((s == 0) == (a == 0)))
        bad = ~(close & (np.signbit(s) == np.signbit(a)) | np.isnan(s) & np.isnan(a))
        where = [tuple(c[j] for c in cols) for j in np.flatnonzero(bad)][:5]
        assert not bad.any(), f"{name}: {label} differs between floats and arrays at {where}"


def test_relu_masks_an_infinite_upstream_gradient():
    # d log(relu(x)) / dx = relu'(x) / relu(x): at 2 it is 1/2; at -1, relu' = 0 and the inf
    # coming down from log(0) is masked out (0, not inf * 0 = nan), as PyTorch answers
    x = tg.Value([-1.0, 2.0])
    x.relu().log().sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.5])
    s = tg.Value(-1.0)
    s.relu().log().backward()
    assert s.grad == 0.0


def test_relu_of_nan_is_nan_and_keeps_the_sign_of_zero():
    assert math.isnan(tg.Value(nan).relu().data)
    assert math.isnan(tg.Value([nan, 1.0]).relu().data[0])
    assert math.copysign(1.0, tg.Value(-0.0).relu().data) == -1.0  # relu(-0) = -0
    assert tg.Value(-inf).relu().data == 0.0


def test_the_power_rules_at_zero():
    # x ** 0 is the constant 1: its slope is 0 everywhere, 0 included, whatever flows in
    x = tg.Value(0.0)
    (g,) = tg.grad((x ** 0) * inf, [x])
    assert g.data == 0.0
    # x ** y at (0, 0): the slope in x is 0 (y = 0 makes it constant) and in y is 0 (0 ** y
    # is 0 for every y > 0)
    a, b = tg.Value(0.0), tg.Value(0.0)
    assert [g.data for g in tg.grad(a ** b, [a, b])] == [0.0, 0.0]
    # 0 ** y for y < 0 is inf, and d/dy = 0 ** y * log(0) = inf * -inf = -inf
    y = tg.Value(-1.0)
    (g,) = tg.grad(0.0 ** y, [y])
    assert g.data == -inf
    # ** 0.5 is the square root: (-0) ** 0.5 = -0 and (-inf) ** 0.5 = nan
    assert math.copysign(1.0, (tg.Value(-0.0) ** 0.5).data) == -1.0
    assert math.isnan((tg.Value(-inf) ** 0.5).data)


def test_overflow_and_invalid_operations_give_ieee_answers_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = tg.Value(np.array([1e300, -1e300]))
        assert (big * big).data.tolist() == [inf, inf]  # 1e600 overflows
        assert np.isnan((big * 1e300 - big * 1e300).data).all()  # inf - inf
        assert (tg.Value(1e300) * 1e300).data == inf
        assert np.isnan((tg.Value([0.0]) / 0.0).data).all()  # 0 / 0
        assert (tg.Value([1.0, -1.0]) / 0.0).data.tolist() == [inf, -inf]
        assert (tg.Value([0.0]).log()).data.tolist() == [-inf]
        assert np.isnan((tg.Value([-1.0]) ** 0.5).data).all()


# -- against PyTorch -------------------------------------------------------------------------

def torch_derivatives(torch, tf, cols: list[list[float]]) -> list[np.ndarray]:
    xs = [torch.tensor(c, dtype=torch.float64, requires_grad=True) for c in cols]
    y = tf(*xs)
    firsts = torch.autograd.grad(y.sum(), xs, create_graph=True, materialize_grads=True)
    total = sum((g.sum() for g in firsts[1:]), firsts[0].sum())
    if total.requires_grad:
        seconds = torch.autograd.grad(total, xs, materialize_grads=True)
    else:
        seconds = [torch.zeros(len(cols[0]), dtype=torch.float64) for _ in xs]
    n = len(cols[0])
    return [np.broadcast_to(t.detach().numpy(), n) for t in [y, *firsts, *seconds]]


def assert_like_torch(name: str, cols, ours: list, theirs: list, n: int) -> None:
    for label, o, t in zip(labels(n), ours, theirs):
        same = (o == t) | (np.isnan(o) & np.isnan(t))
        close = np.isfinite(t) & (t != 0) & np.isclose(o, t, rtol=1e-14, atol=0)
        bad = ~(same | close)
        where = [(tuple(c[j] for c in cols), float(o[j]), float(t[j]))
                 for j in np.flatnonzero(bad)][:4]
        assert not bad.any(), (f"{name}: {label} differs from PyTorch at (inputs, ours, "
                               f"torch) {where}")


@pytest.mark.parametrize("path", ["scalar", "array"])
@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_special_values_give_pytorchs_answers(name, path):
    torch = _torch()
    f, tf, n = ELEMENTWISE[name]
    cols = columns(n)
    ours = derivatives(f, cols, scalar=path == "scalar")
    assert_like_torch(name, cols, ours, torch_derivatives(torch, tf or f, cols), n)


# Whole-array ops: (tinygrad_bp function, torch function) on one or two arrays of the special
# values, compared through the array path. A matrix product adds up products in an order (and
# with fused multiply-adds) that BLAS chooses, so where products overflow, inf - inf = nan or
# not depends on the machine: matmul gets the special values without inf, nan and 1e300.
def _t(x):
    return x.T if hasattr(x, "_op") else x.transpose(-1, -2)


def _hse(a, b):
    from tinygrad_bp.losses import half_squared_error
    return half_squared_error(a, b)


ARRAY_OPS = {
    "sum-axis0": (lambda a: a.sum(axis=0), lambda a: a.sum(dim=0)),
    "mean": (lambda a: a.mean(), lambda a: a.mean()),
    "matmul": (lambda a, b: a @ _t(b), lambda a, b: a @ _t(b)),
    "matmul-vector": (lambda a, b: a @ b[0], lambda a, b: a @ b[0]),
    "reshape-square": (lambda a: (a.reshape(-1) * a.reshape(-1)), None),
    "transpose-times": (lambda a, b: _t(a) * _t(b), None),
    "getitem-repeated": (lambda a: a[[0, 0, 1]] * a[[1, 1, 0]], None),
    "half-squared-error": (_hse, lambda a, b: ((b - a) ** 2).sum() / 2),
    "stack": (lambda a, b: tg.stack([a, b]) * a, lambda a, b: _torch().stack([a, b]) * a),
}


@pytest.mark.parametrize("name", list(ARRAY_OPS))
def test_whole_array_ops_at_special_values_give_pytorchs_answers(name):
    torch = _torch()
    f, tf = ARRAY_OPS[name]
    rng = np.random.default_rng(5)
    for _ in range(20):
        shape = (2, 3)
        values = [v for v in SPECIAL if abs(v) < 1e300] if "matmul" in name else SPECIAL
        data = [rng.choice(values, size=shape) for _ in range(f.__code__.co_argcount)]
        xs = [tg.Value(d) for d in data]
        y = f(*xs)
        firsts = tg.grad(y.sum(), xs, create_graph=True, allow_unused=True)
        ours = [np.asarray(y.data, float).ravel()] + [np.ravel(g.data) for g in firsts]
        ours += [np.ravel(h) for h in _second(firsts, xs)]
        ts = [torch.tensor(d, requires_grad=True) for d in data]
        ty = (tf or f)(*ts)
        tfirsts = torch.autograd.grad(ty.sum(), ts, create_graph=True, materialize_grads=True)
        total = sum((g.sum() for g in tfirsts[1:]), tfirsts[0].sum())
        tseconds = (torch.autograd.grad(total, ts, materialize_grads=True) if total.requires_grad
                    else [torch.zeros(shape, dtype=torch.float64) for _ in ts])
        theirs = [t.detach().numpy().ravel() for t in [ty, *tfirsts, *tseconds]]
        for label, o, t in zip(labels(len(xs)), ours, theirs):
            same = (o == t) | (np.isnan(o) & np.isnan(t))
            close = np.isfinite(t) & (t != 0) & np.isclose(o, t, rtol=1e-13, atol=0)
            assert (same | close).all(), (name, label, data, o, t)
