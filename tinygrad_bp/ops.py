"""The primitive operations, each defined once: forward, backward and one line of maths.

Every op is a class with two static methods:

- ``forward(*inputs, *params)`` takes the inputs' data (a Python float for a scalar, a float64
  ``numpy.ndarray`` otherwise) and any plain parameters (an axis, a shape, an index) and returns
  the output's data.
- ``backward(g, y, *inputs, *params)`` takes the gradient ``g`` of the final result with respect
  to this op's output ``y`` and returns one gradient per input, in input order.

The docstring of each op is its maths, ``y = ...;  da = ...``, read by the drawings and the docs.
Ops never deal with broadcasting: an input's gradient may come back with the output's shape and
the engine sums it down to the input's shape (see ``engine.unbroadcast``).

Scalars stay Python floats so that a graph of scalars (every weight its own node, as learners
build it) runs at plain-Python speed; the helpers below pick ``math`` or ``numpy`` by type and
give numpy's answers (inf, nan) where ``math`` would raise.
"""

from __future__ import annotations

import math

import numpy as np

OPS: dict[str, type[Op]] = {}
"""Every primitive op by name, so tests can enumerate them and drawings can explain them."""


class Op:
    """Base class of a primitive op; subclasses register themselves in ``OPS`` by ``name``."""

    name = ""
    symbol = ""  # how a drawing labels the node, e.g. "+" or "exp"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        OPS[cls.name] = cls

    @classmethod
    def rules(cls) -> tuple[str, list[str]]:
        """The docstring split into the forward formula and one derivative formula per input."""
        forward, _, backward = cls.__doc__.partition(";")
        return forward.strip(), [part.strip() for part in backward.split(",  ")]


# -- scalar-or-array helpers: the same maths for a float and for an array ---------------------

def _exp(a):
    if type(a) is float:
        try:
            return math.exp(a)
        except OverflowError:
            return math.inf
    with np.errstate(over="ignore"):
        return np.exp(a)


def _log(a):
    if type(a) is float:
        if a > 0.0:
            return math.log(a)
        return -math.inf if a == 0.0 else math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(a)


def _div(a, b):
    try:
        return a / b
    except ZeroDivisionError:  # Python floats raise where numpy gives inf or nan
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.float64(a) / np.float64(b))


def _pow(a, b):
    if type(a) is float and type(b) is float:
        try:
            result = a ** b
        except (ZeroDivisionError, OverflowError):
            result = None
        if type(result) is float:
            return result
        # Python answered complex or raised, where numpy answers nan or inf
        with np.errstate(all="ignore"):
            return float(np.power(np.float64(a), b))
    return np.power(a, b)


def _positive(a):
    """1.0 where a > 0, else 0.0: the slope of relu."""
    if type(a) is float:
        return 1.0 if a > 0.0 else 0.0
    return (a > 0.0).astype(np.float64)


def _swap(x):
    return x.swapaxes(-1, -2)


# -- arithmetic ------------------------------------------------------------------------------

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
        return _div(a, b)

    @staticmethod
    def backward(g, y, a, b):
        return _div(g, b), _div(-g * y, b)


class Power(Op):
    """y = a ** k  (k a plain number);  da = g * k * a ** (k - 1)"""

    name, symbol = "power", "**"

    @staticmethod
    def forward(a, k):
        return _pow(a, k)

    @staticmethod
    def backward(g, y, a, k):
        # a ** 1.0 is a itself, to the bit: skip the power for the common square
        return (g * k * (a if type(k) is float and k == 2.0 else _pow(a, k - 1.0)),)


class Pow(Op):
    """y = a ** b;  da = g * b * a ** (b - 1),  db = g * y * log(a)"""

    name, symbol = "pow", "**"

    @staticmethod
    def forward(a, b):
        return _pow(a, b)

    @staticmethod
    def backward(g, y, a, b):
        (da,) = Power.backward(g, y, a, b)
        # where a = 0, y = 0 for every b > 0: the slope in b is 0, not 0 * log(0) = nan
        if type(a) is float:
            a = a if a != 0.0 else 1.0
        else:
            a = np.where(a == 0.0, 1.0, a)
        return da, g * y * _log(a)


# -- elementwise functions -------------------------------------------------------------------

class Exp(Op):
    """y = exp(a);  da = g * y"""

    name, symbol = "exp", "exp"

    @staticmethod
    def forward(a):
        return _exp(a)

    @staticmethod
    def backward(g, y, a):
        return (g * y,)


class Log(Op):
    """y = log(a);  da = g / a"""

    name, symbol = "log", "log"

    @staticmethod
    def forward(a):
        return _log(a)

    @staticmethod
    def backward(g, y, a):
        return (_div(g, a),)


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
        return 1.0 / (1.0 + _exp(-a))

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
        return (g * _positive(a),)


# -- tensor operations -----------------------------------------------------------------------

class MatMul(Op):
    """y = a @ b;  da = g @ b.T,  db = a.T @ g"""

    name, symbol = "matmul", "@"

    @staticmethod
    def forward(a, b):
        return a @ b

    @staticmethod
    def backward(g, y, a, b):
        # A 1-d operand is a row (on the left) or a column (on the right) whose new axis
        # numpy drops from y; put it back, use the 2-d rule, then drop it again.
        if a.ndim == 1 and b.ndim == 1:
            return g * b, g * a
        if a.ndim == 1:
            return (b @ g[..., None])[..., 0], a[:, None] * g[..., None, :]
        if b.ndim == 1:
            return g[..., None] * b, (_swap(a) @ g[..., None])[..., 0]
        return g @ _swap(b), _swap(a) @ g


class Sum(Op):
    """y = sum(a, axis);  da = g copied back along the summed axes"""

    name, symbol = "sum", "sum"

    @staticmethod
    def forward(a, axis, keepdims):
        if type(a) is np.ndarray:  # the method skips np.sum's dispatch: it matters in hot loops
            return a.sum(axis=axis, keepdims=keepdims)
        return np.sum(a, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(g, y, a, axis, keepdims):
        if axis is not None and not keepdims:
            g = np.expand_dims(g, axis)
        shape = a.shape if type(a) is np.ndarray else ()
        return (np.zeros(shape) + g,)  # faster than np.broadcast_to for small arrays


class Reshape(Op):
    """y = reshape(a, shape);  da = reshape(g, a.shape)"""

    name, symbol = "reshape", "reshape"

    @staticmethod
    def forward(a, shape):
        return np.reshape(a, shape)

    @staticmethod
    def backward(g, y, a, shape):
        return (np.reshape(g, np.shape(a)),)


class Transpose(Op):
    """y = transpose(a, axes);  da = transpose(g, inverse of axes)"""

    name, symbol = "transpose", "T"

    @staticmethod
    def forward(a, axes):
        return np.transpose(a, axes)

    @staticmethod
    def backward(g, y, a, axes):
        # argsort inverts a permutation written with axes >= 0; numpy also takes -1 for the last
        return (np.transpose(g, np.argsort([axis % np.ndim(a) for axis in axes])),)


class GetItem(Op):
    """y = a[index];  da = zeros like a, with g added at [index]"""

    name, symbol = "getitem", "[]"

    @staticmethod
    def forward(a, index):
        return a[index]

    @staticmethod
    def backward(g, y, a, index):
        da = np.zeros(np.shape(a))
        np.add.at(da, index, g)  # add.at, not +=, so a repeated index collects every g
        return (da,)


class Stack(Op):
    """y = stack(a_0, ..., a_n);  da_i = g[i]"""

    name, symbol = "stack", "stack"

    @staticmethod
    def forward(*inputs):
        return np.stack(inputs)

    @staticmethod
    def backward(g, y, *inputs):
        return tuple(g)
