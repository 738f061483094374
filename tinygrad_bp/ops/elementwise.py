"""Arithmetic and elementwise functions: one rule serves a float, an array and a Value.

Where PyTorch defines a gradient at an edge value (``x ** 0`` at 0, ``0 ** y``, relu at an
infinite upstream gradient) the rules are written the way PyTorch writes them, so the answers
match it there too, first and second order.
"""

from __future__ import annotations

import math

import numpy as np

from .base import (Op, data_of, div, exp, less, less_equal, log, passes_g, power,
                   power_number, where)


class Add(Op):
    """y = a + b;  da = g,  db = g"""

    name, symbol = "add", "+"
    formula, derivatives = "y = a + b", ("da = g", "db = g")

    @staticmethod
    def forward(a, b):
        return a + b

    @staticmethod
    @passes_g
    def da(g, y, a, b):
        return g

    @staticmethod
    @passes_g
    def db(g, y, a, b):
        return g


class Sub(Op):
    """y = a - b;  da = g,  db = -g"""

    name, symbol = "sub", "-"
    formula, derivatives = "y = a - b", ("da = g", "db = -g")

    @staticmethod
    def forward(a, b):
        return a - b

    @staticmethod
    @passes_g
    def da(g, y, a, b):
        return g

    @staticmethod
    def db(g, y, a, b):
        return -g


class Mul(Op):
    """y = a * b;  da = g * b,  db = g * a"""

    name, symbol = "mul", "*"
    formula, derivatives = "y = a * b", ("da = g * b", "db = g * a")

    @staticmethod
    def forward(a, b):
        return a * b

    @staticmethod
    def da(g, y, a, b):
        return g * b

    @staticmethod
    def db(g, y, a, b):
        return g * a


class Div(Op):
    """y = a / b;  da = g / b,  db = -g * (y / b)"""

    name, symbol = "div", "/"
    formula, derivatives = "y = a / b", ("da = g / b", "db = -g * (y / b)")

    @staticmethod
    def forward(a, b):
        return div(a, b)

    @staticmethod
    def da(g, y, a, b):
        return div(g, b)

    @staticmethod
    def db(g, y, a, b):
        return -g * div(y, b)


class Power(Op):
    """y = a ** k  (k a plain number);  da = g * (k * a ** (k - 1))"""

    name, symbol = "power", "**"
    formula, derivatives = "y = a ** k  (k a plain number)", ("da = g * (k * a ** (k - 1))",)

    @staticmethod
    def forward(a, k):
        return power_number(a, k)

    @staticmethod
    def da(g, y, a, k):
        if type(k) is float:
            if k == 2.0:  # a ** 1.0 is a itself, to the bit: skip the power for the square
                return g * (2.0 * a)
            if k == 0.0:  # the slope of a constant is 0, whatever g is (inf, nan): PyTorch's
                return 0.0
            return g * (k * power_number(a, k - 1.0))
        return where(k == 0.0, 0.0, g * (k * power_number(a, k - 1.0)))


class Pow(Op):
    """y = a ** b;  da = g * (b * a ** (b - 1)),  db = g * (y * log(a))"""

    name, symbol = "pow", "**"
    formula = "y = a ** b"
    derivatives = ("da = g * (b * a ** (b - 1))", "db = g * (y * log(a))")

    @staticmethod
    def forward(a, b):
        return power(a, b)

    @staticmethod
    def da(g, y, a, b):
        # at b = 0 the slope in a is 0 even where a ** (b - 1) is inf (a = 0), as in PyTorch
        return where(data_of(b) == 0.0, 0.0, g * (b * power(a, b - 1.0)))

    @staticmethod
    def db(g, y, a, b):
        # where a = 0, y = 0 for every b > 0: the slope in b is 0, not 0 * log(0) = nan
        base_zero = (data_of(a) == 0.0) & (data_of(b) >= 0.0)
        return g * where(base_zero, 0.0, y * log(a))


# -- elementwise functions -------------------------------------------------------------------

class Exp(Op):
    """y = exp(a);  da = g * y"""

    name, symbol = "exp", "exp"
    formula, derivatives = "y = exp(a)", ("da = g * y",)

    @staticmethod
    def forward(a):
        return exp(a)

    @staticmethod
    def da(g, y, a):
        return g * y


class Log(Op):
    """y = log(a);  da = g / a"""

    name, symbol = "log", "log"
    formula, derivatives = "y = log(a)", ("da = g / a",)

    @staticmethod
    def forward(a):
        return log(a)

    @staticmethod
    def da(g, y, a):
        return div(g, a)


class Tanh(Op):
    """y = tanh(a);  da = g * (1 - y * y)"""

    name, symbol = "tanh", "tanh"
    formula, derivatives = "y = tanh(a)", ("da = g * (1 - y * y)",)

    @staticmethod
    def forward(a):
        return math.tanh(a) if type(a) is float else np.tanh(a)

    @staticmethod
    def da(g, y, a):
        return g * (1.0 - y * y)


class Sigmoid(Op):
    """y = 1 / (1 + exp(-a));  da = g * (y * (1 - y))"""

    name, symbol = "sigmoid", "σ"
    formula, derivatives = "y = 1 / (1 + exp(-a))", ("da = g * (y * (1 - y))",)

    @staticmethod
    def forward(a):
        # Written as the tutorial writes it, so its numbers come out to the last bit; for
        # a < -709 exp(-a) is inf and y is 0.0, the correctly rounded answer.
        return 1.0 / (1.0 + exp(-a))

    @staticmethod
    def da(g, y, a):
        return g * (y * (1.0 - y))  # the tutorial's transfer_derivative, y * (1 - y)


class Relu(Op):
    """y = max(a, 0);  da = g * (a > 0)"""

    name, symbol = "relu", "relu"
    formula, derivatives = "y = max(a, 0)", ("da = g * (a > 0)",)

    @staticmethod
    def forward(a):
        # a < 0 picks 0, as PyTorch does: relu(nan) is nan and relu(-0.0) is -0.0
        if type(a) is float:
            return 0.0 if a < 0.0 else a
        if type(a) is np.ndarray and a.dtype == np.float64:  # numpy's maximum is many times
            y = np.maximum(a, 0.0)  # quicker than where, but gives +0.0 for -0.0: the zeros
            # get their own signs back (symbolic numbers, codegen's, take where below)
            zeros = a == 0.0
            if zeros.any():
                np.copyto(y, a, where=zeros)
            return y
        return where(less(a, 0.0), 0.0, a)

    @staticmethod
    def da(g, y, a):
        # masked, not multiplied: an infinite g where a <= 0 gives 0, not inf * 0 = nan
        if type(y) is float:
            return 0.0 if y <= 0.0 else g
        return where(less_equal(data_of(y), 0.0), 0.0, g)


class Where(Op):
    """y = where(c, a, b);  da = where(c, g, 0),  db = where(c, 0, g)"""

    # c is a plain condition (a bool or a bool array), so it carries no gradient.
    name, symbol = "where", "where"
    formula, derivatives = "y = where(c, a, b)", ("da = where(c, g, 0)", "db = where(c, 0, g)")

    @staticmethod
    def forward(a, b, c):
        return where(c, a, b)

    @staticmethod
    def da(g, y, a, b, c):
        return where(c, g, 0.0)

    @staticmethod
    def db(g, y, a, b, c):
        return where(c, 0.0, g)
