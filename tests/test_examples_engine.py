"""Run the engine chapters' examples (01-04) as scripts and check every line they print.

The expected lines are built here from hand-derived formulas, numpy, or a central difference
written in this file, never from tinygrad_bp's output. Where a number is rounding noise (a
central difference with a tiny eps) it is recomputed with the same float arithmetic here and a
bound states the point the example makes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest


# -- 01: derivatives ---------------------------------------------------------------------------

def central_difference(x, eps):
    return ((x + eps) ** 3 - (x - eps) ** 3) / (2 * eps)


def test_01_derivatives(examples):
    lines = list(examples("01_derivatives"))
    expected = ["f(x) = x**3 at x = 2: the exact slope 3 * x**2 is 12",
                "    eps   forward    central"]
    for h in (1e-1, 1e-2, 1e-3):
        # ((2 + h)^3 - 8) / h = 12 + 6h + h^2;  ((2 + h)^3 - (2 - h)^3) / 2h = 12 + h^2
        expected.append(f"{h:7.0e}   {12 + 6 * h + h * h:.6f}  {12 + h * h:.6f}")
    expected += ["error of the central difference in float64 and in float32",
                 "    eps   float64   float32"]
    errors64, errors32 = {}, {}
    for h in (1e-2, 1e-4, 1e-6, 1e-9, 1e-12):
        errors64[h] = abs(central_difference(2.0, h) - 12.0)
        x32, h32 = np.float32(2.0), np.float32(h)  # every operand float32, on any numpy
        three, two, twelve = np.float32(3), np.float32(2), np.float32(12)
        errors32[h] = float(abs(((x32 + h32) ** three - (x32 - h32) ** three) / (two * h32)
                                - twelve))
        expected.append(f"{h:7.0e}   {errors64[h]:.1e}   {errors32[h]:.1e}")
    expected += ["y = x**3 - 2*x at x = 2: y = 4.0, backprop dy/dx = 10.0, central difference "
                 f"{3 * 2.0 ** 2 - 2:.6f}",
                 "tg.gradcheck: True"]
    assert lines == expected
    # the points the table makes, by reasoning rather than by recomputation:
    assert errors64[1e-2] == pytest.approx(1e-4, rel=1e-6)  # the error is h^2 while h is large
    assert errors64[1e-4] == pytest.approx(1e-8, rel=1e-2)
    assert errors64[1e-6] < errors64[1e-4] and errors64[1e-6] < 1e-8  # near the best h
    assert errors64[1e-12] > 1e-5 > errors64[1e-6]  # too small: rounding dominates
    assert errors32[1e-4] > 1e4 * errors64[1e-4]  # float32 has ~7 digits, float64 ~16
    assert np.float32(2.0) + np.float32(1e-9) == np.float32(2.0)  # float32 loses the nudge
    assert errors32[1e-9] == errors32[1e-12] == 12.0  # the estimate is 0, the error all of 12


# -- 02: Value and the graph -------------------------------------------------------------------

def test_02_value_graph(examples):
    lines = list(examples("02_value_graph"))
    a, b, c, f = 2.0, -3.0, 10.0, -2.0
    e = a * b          # -6
    d = e + c          # 4
    L = d * f          # -8
    assert lines == [
        f"Value(data={L}, grad=0.0, label='L', op='mul')",
        # depth first from L, inputs in order: L's first input d needs e, which needs a and b;
        # then d's second input c; then L's second input f
        f"a (a leaf)       data = {a}",
        f"b (a leaf)       data = {b}",
        f"e = a * b        data = {e}",
        f"c (a leaf)       data = {c}",
        f"d = e + c        data = {d}",
        f"f (a leaf)       data = {f}",
        f"L = d * f        data = {L}",
        "the rule of mul: y = a * b;  da = g * b,  db = g * a",
        f"2 * a + 1 = {2 * a + 1}; the 1 is a constant with requires_grad=False",
        f"made under no_grad: z = {a * b}, parents ()",
        f"W has shape (2, 3); W.T has shape (3, 2); W.sum() = {float(1 + 2 + 3 + 4 + 5 + 6)}",
    ]
    assert (e, d, L) == (-6.0, 4.0, -8.0)


# -- 03: backprop ------------------------------------------------------------------------------

def test_03_backprop(examples):
    lines = list(examples("03_backprop"))
    a, b, c, f = 2.0, -3.0, 10.0, -2.0
    d = a * b + c
    # L = d f: dL/df = d, dL/dd = f, and d = e + c passes f on to e and c; e = a b gives f b, f a
    # the walk's order is the topological order a, b, e, c, d, f, L (see test_02) reversed
    grads = [("L", 1.0), ("f", d), ("d", f), ("c", f), ("e", f), ("b", f * a), ("a", f * b)]
    assert grads == [("L", 1.0), ("f", 4.0), ("d", -2.0), ("c", -2.0), ("e", -2.0),
                     ("b", -4.0), ("a", 6.0)]
    w = 2.0  # out = 3 w^2: dout/dw = 6 w = 12 per call, dout/dh = 3
    assert lines[:-1] == [
        "L = (a * b + c) * f; the walk visits the nodes from L back to the leaves:",
        "  " + "  ".join(f"dL/d{name} = {grad}" for name, grad in grads),
        f"by hand: dL/da = f * 1 * b = {f * b}",
        f"y = x * x at x = 3: dy/dx = {2 * 3.0}",
        f"diamond q = p + p, r = q + q: dr/dp = {4.0}, dr/dq = {2.0}",
        f"after one backward():  dout/dw = {6 * w}, dout/dh = {3.0}",
        f"after two backward():  dout/dw = {2 * 6 * w}, dout/dh = {3.0}",
    ]
    prefix = "a chain of 20000 multiplications by 1.0001: dy/dz = "
    assert lines[-1].startswith(prefix)
    printed = float(lines[-1][len(prefix):])
    assert abs(printed - math.pow(1.0001, 20_000)) <= 5e-7  # y = z * 1.0001^20000
    assert printed == pytest.approx(math.exp(20_000 * math.log1p(1e-4)), abs=5e-7)


# -- 04: broadcasting --------------------------------------------------------------------------

def test_04_broadcasting(examples):
    lines = list(examples("04_broadcasting"))
    M = np.arange(6.0).reshape(2, 3)
    col, row = np.array([[1.0], [2.0]]), np.array([[10.0, 20.0, 30.0]])
    W = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    x, bias = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0])
    y = W @ x + bias  # L = sum(y^2) / 2, so dL/dy = y
    X = np.arange(12.0).reshape(4, 3)
    assert y.tolist() == [-1.5, 3.0]
    assert lines == [
        # s is copied to all six places: dL/ds = sum(M) = 15, dL/dM = s everywhere
        f"L = sum(s * M): dL/ds = {float(M.sum())} (the sum of M), "
        f"dL/dM = {np.full((2, 3), 0.5).tolist()}",
        # dL/dcol_i = sum_j row_j = 60, dL/drow_j = sum_i col_i = 3
        f"L = sum(col * row): dL/dcol = {[[float(row.sum())]] * 2}, "
        f"dL/drow = {[[float(col.sum())] * 3]}",
        f"unbroadcast(ones((4, 2, 3)), (2, 1)) = {[[4.0 * 3.0]] * 2}",
        f"y = W @ x + bias = {y.tolist()}",
        f"dL/dW = outer(y, x) = {np.outer(y, x).tolist()}",
        f"dL/dx = W.T @ y = {(W.T @ y).tolist()}",
        f"dL/dbias = y = {y.tolist()}",
        # each of the 4 rows adds its 1 to each bias; dL/dW_ij = sum over rows of X_nj
        f"batch of 4, L = sum(X @ W.T + bias): dL/dbias = {[4.0, 4.0]}, "
        f"dL/dW = {[X.sum(axis=0).tolist()] * 2}",
    ]
    assert X.sum(axis=0).tolist() == [18.0, 22.0, 26.0]
