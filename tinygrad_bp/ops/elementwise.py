"""Arithmetic and elementwise functions: the same rule serves a float and an array."""

from __future__ import annotations

import math

import numpy as np

from .base import Op, div, exp, log, positive, power


class Add(Op):
    """y = a + b;  da = g,  db = g"""

    name, symbol = "add", "+"

    @staticmethod
    def forward(a, b):
        return a + b

    @staticmethod
    def backward(g, y, a, b):
        return g, g


class Sub(Op):
    """y = a - b;  da = g,  db = -g"""

    name, symbol = "sub", "-"

    @staticmethod
    def forward(a, b):
        return a - b

    @staticmethod
    def backward(g, y, a, b):
        return g, -g


class Mul(Op):
    """y = a * b;  da = g * b,  db = g * a"""

    name, symbol = "mul", "*"

    @staticmethod
    def forward(a, b):
        return a * b

    @staticmethod
    def backward(g, y, a, b):
        return g * b, g * a


class Div(Op):
    """y = a / b;  da = g / b,  db = -g * y / b"""

    name, symbol = "div", "/"

    @staticmethod
    def forward(a, b):
        return div(a, b)

    @staticmethod
    def backward(g, y, a, b):
        return div(g, b), div(-g * y, b)


class Power(Op):
    """y = a ** k  (k a plain number);  da = g * k * a ** (k - 1)"""

    name, symbol = "power", "**"

    @staticmethod
    def forward(a, k):
        return power(a, k)

    @staticmethod
    def backward(g, y, a, k):
        # a ** 1.0 is a itself, to the bit: skip the power for the common square
        return (g * k * (a if type(k) is float and k == 2.0 else power(a, k - 1.0)),)


class Pow(Op):
    """y = a ** b;  da = g * b * a ** (b - 1),  db = g * y * log(a)"""

    name, symbol = "pow", "**"

    @staticmethod
    def forward(a, b):
        return power(a, b)

    @staticmethod
    def backward(g, y, a, b):
        (da,) = Power.backward(g, y, a, b)
        # where a = 0, y = 0 for every b > 0: the slope in b is 0, not 0 * log(0) = nan
        if type(a) is float:
            a = a if a != 0.0 else 1.0
        else:
            a = np.where(a == 0.0, 1.0, a)
        return da, g * y * log(a)


# -- elementwise functions -------------------------------------------------------------------

class Exp(Op):
    """y = exp(a);  da = g * y"""

    name, symbol = "exp", "exp"

    @staticmethod
    def forward(a):
        return exp(a)

    @staticmethod
    def backward(g, y, a):
        return (g * y,)


class Log(Op):
    """y = log(a);  da = g / a"""

    name, symbol = "log", "log"

    @staticmethod
    def forward(a):
        return log(a)

    @staticmethod
    def backward(g, y, a):
        return (div(g, a),)


class Tanh(Op):
    """y = tanh(a);  da = g * (1 - y * y)"""

    name, symbol = "tanh", "tanh"

    @staticmethod
    def forward(a):
        return math.tanh(a) if type(a) is float else np.tanh(a)

    @staticmethod
    def backward(g, y, a):
        return (g * (1.0 - y * y),)


class Sigmoid(Op):
    """y = 1 / (1 + exp(-a));  da = g * (y * (1 - y))"""

    name, symbol = "sigmoid", "σ"

    @staticmethod
    def forward(a):
        # Written as the tutorial writes it, so its numbers come out to the last bit; for
        # a < -709 exp(-a) is inf and y is 0.0, the correctly rounded answer, with no warning.
        return 1.0 / (1.0 + exp(-a))

    @staticmethod
    def backward(g, y, a):
        return (g * (y * (1.0 - y)),)


class Relu(Op):
    """y = max(a, 0);  da = g * (a > 0)"""

    name, symbol = "relu", "relu"

    @staticmethod
    def forward(a):
        if type(a) is float:
            return a if a > 0.0 else 0.0
        return np.maximum(a, 0.0)

    @staticmethod
    def backward(g, y, a):
        return (g * positive(a),)
