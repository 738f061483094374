"""Ops with one planted bug each (forward right, backward wrong), for the verification tests.

The kinds of slip people make: a wrong slope, a missing factor, a flipped sign, a gradient one
element off, a rule that ignores the upstream gradient ``g``. ``planted_ops`` yields them by kind
and removes them from ``tg.OPS`` afterwards, so the guard that every registered op has a
gradient case never sees them.
"""

from __future__ import annotations

import numpy as np

from tinygrad_bp.ops import OPS, GetItem, Mul, Op, Relu, Sigmoid, Sub


def planted_ops():
    """Ops with one planted bug each (forward right, backward wrong); unregistered afterwards.

    A generator for ``pytest.fixture``: ``planted = pytest.fixture(planted_ops)`` in a test file.
    """

    class CubeSlope(Op):
        """y = a ** 3;  da = g * 2 * a  (wrong on purpose: 3 * a ** 2)"""

        name, symbol = "cube_slope_for_tests", "cube"

        @staticmethod
        def forward(a):
            return a ** 3

        @staticmethod
        def backward(g, y, a):
            return (g * 2.0 * a,)

    class MulMissingFactor(Mul):
        """y = a * b;  da = g * b,  db = g  (wrong on purpose: g * a)"""

        name = "mul_missing_factor_for_tests"

        @staticmethod
        def backward(g, y, a, b):
            return g * b, g

    class SubSignFlip(Sub):
        """y = a - b;  da = g,  db = g  (wrong on purpose: -g)"""

        name = "sub_sign_flip_for_tests"

        @staticmethod
        def backward(g, y, a, b):
            return g, g

    class GetItemOffByOne(GetItem):
        """y = a[index];  da = g added at [index + 1]  (wrong on purpose)"""

        name = "getitem_off_by_one_for_tests"

        @staticmethod
        def backward(g, y, a, index):
            da = np.zeros(np.shape(a))
            np.add.at(da, np.asarray(index) + 1, g)
            return (da,)

    class SigmoidIgnoresG(Sigmoid):
        """y = sigmoid(a);  da = y * (1 - y)  (wrong on purpose: times g)"""

        name = "sigmoid_ignores_g_for_tests"

        @staticmethod
        def backward(g, y, a):
            return (y * (1.0 - y),)

    class SigmoidNoSlope(Sigmoid):
        """y = sigmoid(a);  da = g * y  (wrong on purpose: the factor 1 - y is missing)"""

        name = "sigmoid_no_slope_for_tests"

        @staticmethod
        def backward(g, y, a):
            return (g * y,)

    class ReluShifted(Relu):
        """y = max(a, 0);  da = g * (a > 0) shifted one element along the last axis (wrong)"""

        name = "relu_shifted_for_tests"

        @staticmethod
        def backward(g, y, a):
            return (np.roll(g * (a > 0), 1, axis=-1),)

    ops = {"cube": CubeSlope, "mul": MulMissingFactor, "sub": SubSignFlip,
           "getitem": GetItemOffByOne, "sigmoid": SigmoidIgnoresG, "sigmoid_no_slope":
           SigmoidNoSlope, "relu": ReluShifted}
    yield ops
    for op in ops.values():
        OPS.pop(op.name, None)
