"""Symbolic numbers: run the ops' own rules on them and they write the program of a step.

A ``Sym`` stands for one float that a generated Python function will compute. Arithmetic on it
(Python's operators, the numpy ufuncs and the few numpy functions that op rules call) appends a
line such as ``t7 = t3 * p2`` to the ``Program`` being written and returns the Sym that names
the result. An array of the graph becomes a numpy object array of Syms, so numpy's own
broadcasting, matrix products and sums unroll it element by element. Running a recorded graph's
forward and backward rules on Syms therefore writes its training step as straight-line code,
and each derivative rule stays written once: in its op.

Plain numbers fold at once with the engine's own helpers, so a constant part of the graph
costs nothing at run time. Simplifications are only those that give the same bits
(``x * 1.0`` is ``x``; ``x + 0.0`` is not, since ``-0.0 + 0.0`` is ``0.0``). What cannot be
written ahead of time (a condition on computed numbers that decides a shape, an array
comparison numpy insists on reading as a bool) raises ``Unsupported``, naming it.
"""

from __future__ import annotations

import math

import numpy as np

from .ops import base
from .program import Unsupported, emit, for_numba


def _emit(expr: str, lo: float | None = None, kind: type | None = None):
    return emit(expr, lo, kind or Sym)


def literal(value: float) -> Sym:
    """A Sym for a number known now: it folds with other literals instead of writing code."""
    value = float(value)
    if math.isnan(value):
        code = "_nan"
    elif math.isinf(value):
        code = "_inf" if value > 0 else "(-_inf)"
    else:
        code = repr(value) if math.copysign(1.0, value) > 0 else f"({value!r})"
    return Sym(code, value, value)


def _sym(x) -> Sym:
    if isinstance(x, Sym):
        return x
    if isinstance(x, (float, int, np.floating, np.integer)) and not isinstance(x, bool):
        return literal(float(x))
    raise Unsupported(f"{type(x).__name__} {x!r:.40} in arithmetic with a symbolic number")


# The engine's own float semantics, so folding a constant gives the engine's bits.
_FOLD = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
         "/": base.div, "**": base.power}
_COMPARE = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


def _binary(op: str, a, b) -> Sym:
    a, b = _sym(a), _sym(b)
    if a.value is not None and b.value is not None:
        return literal(_FOLD[op](a.value, b.value))
    same = _identity(op, a, b)
    if same is not None:
        return same
    if not for_numba():  # Python floats raise on 0 and on overflow; numpy gives inf or nan
        if op == "/" and not (b.value or (b.lo is not None and b.lo > 0.0)):
            return _emit(f"_div({a.code}, {b.code})")
        if op == "**":
            return _emit(f"_pow({a.code}, {b.code})")
    lo = None
    if a.lo is not None and b.lo is not None and a.lo >= 0.0 and b.lo >= 0.0 and op in "+*":
        lo = a.lo + b.lo if op == "+" else a.lo * b.lo
    return _emit(f"{a.code} {op} {b.code}", lo)


def _identity(op: str, a: Sym, b: Sym) -> Sym | None:
    """The operand an identity returns to the bit (x * 1, x / 1, x - 0.0, x + -0.0), or None."""
    if b.value is not None:
        if op in "*/" and b.value == 1.0:
            return a
        if op in "+-" and b.value == 0.0 and (op == "-") == (math.copysign(1.0, b.value) > 0):
            return a
    if a.value is not None:
        if op == "*" and a.value == 1.0:
            return b
        if op == "+" and a.value == 0.0 and math.copysign(1.0, a.value) < 0:
            return b
    return None


def _compare(op: str, a, b):
    a, b = _sym(a), _sym(b)
    if a.value is not None and b.value is not None:
        return _COMPARE[op](a.value, b.value)
    return _emit(f"{a.code} {op} {b.code}", kind=SymBool)


def _unary(fn: str, a):
    a = _sym(a)
    if fn == "neg":
        return literal(-a.value) if a.value is not None else _emit(f"-{a.code}")
    if a.value is not None:
        return literal({"exp": base.exp, "log": base.log, "tanh": math.tanh,
                        "abs": abs}[fn](a.value))
    if fn == "abs":
        return _emit(f"abs({a.code})", 0.0)
    if fn == "exp":  # math.exp raises past 709.78 where the engine's exp answers inf
        if for_numba():
            return _emit(f"_exp({a.code})", 0.0)
        return _emit(f"(_e({a.code}) if {a.code} < 709.0 else _exp({a.code}))", 0.0)
    return _emit(f"_{fn}({a.code})")


def choose(condition, a, b):
    """``a`` where ``condition`` holds, else ``b``: one number, or arrays element by element."""
    if any(isinstance(x, np.ndarray) for x in (condition, a, b)):
        return elementwise(choose, condition, a, b)
    if isinstance(condition, (bool, np.bool_)):
        return a if condition else b
    if not isinstance(condition, SymBool):
        raise Unsupported(f"a condition of type {type(condition).__name__}")
    a, b = _sym(a), _sym(b)
    return _emit(f"({a.code} if {condition.code} else {b.code})")


def elementwise(fn, *args):
    """``fn`` applied element by element, with numpy's broadcasting, to Syms, numbers and arrays."""
    objects = [_objects(a) for a in args]
    out = np.frompyfunc(fn, len(args), 1)(*objects)
    return out[()] if isinstance(out, np.ndarray) and out.ndim == 0 else out


def _objects(x):
    """``x`` as an object array of Syms (a Sym as a 0-d one, so numpy does not ask it to
    broadcast; numbers as literals, since numpy calls ``exp`` on the elements of an array)."""
    if isinstance(x, np.ndarray):
        if x.dtype == object or x.dtype == bool:
            return x.astype(object, copy=False)
        x = _LITERALS(x)
        if isinstance(x, np.ndarray):
            return x
    holder = np.empty((), dtype=object)
    holder[()] = x if isinstance(x, (_Symbolic, bool, np.bool_)) else _sym(x)
    return holder


def symbols(prefix: str, shape: tuple):
    """A Sym named ``prefix`` for a number, or an object array of ``prefix_0, prefix_1, ...``."""
    if shape == ():
        return Sym(prefix, None, None)
    names = np.empty(int(np.prod(shape)), dtype=object)
    for i in range(names.size):
        names[i] = Sym(f"{prefix}_{i}", None, None)
    return names.reshape(shape)


def as_symbolic(data):
    """Plain data (a float or an array) as Syms that fold: a constant leaf of the graph."""
    return _LITERALS(data) if isinstance(data, np.ndarray) else literal(data)


def flat(x) -> list:
    """The Syms of a scalar or an array, in C order."""
    if isinstance(x, np.ndarray):
        return [_sym(v) for v in x.reshape(-1)]
    return [_sym(x)]


def _not(a):
    if isinstance(a, (bool, np.bool_)):
        return not a
    return _emit(f"not {a.code}", kind=SymBool)


_LITERALS = np.frompyfunc(literal, 1, 1)

_UFUNCS = {
    np.add: lambda a, b: _binary("+", a, b), np.subtract: lambda a, b: _binary("-", a, b),
    np.multiply: lambda a, b: _binary("*", a, b), np.true_divide: lambda a, b: _binary("/", a, b),
    np.power: lambda a, b: _binary("**", a, b), np.negative: lambda a: _unary("neg", a),
    np.exp: lambda a: _unary("exp", a), np.log: lambda a: _unary("log", a),
    np.tanh: lambda a: _unary("tanh", a), np.absolute: lambda a: _unary("abs", a),
    np.maximum: lambda a, b: choose(_compare(">", a, b), a, b),
    np.less: lambda a, b: _compare("<", a, b), np.less_equal: lambda a, b: _compare("<=", a, b),
    np.greater: lambda a, b: _compare(">", a, b),
    np.greater_equal: lambda a, b: _compare(">=", a, b),
    np.equal: lambda a, b: _compare("==", a, b), np.not_equal: lambda a, b: _compare("!=", a, b),
    np.logical_not: _not,
}


def _scalar(x):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _sum(a, axis=None, dtype=None, out=None, keepdims=False, **_):
    return _objects(a).sum(axis=axis, keepdims=keepdims) if keepdims else _scalar(a)


_FUNCTIONS = {
    np.sum: _sum,
    np.reshape: lambda a, shape=None, **_: _scalar(_objects(a).reshape(shape)),
    np.transpose: lambda a, axes=None: a,
    np.expand_dims: lambda a, axis: np.expand_dims(_objects(a), axis),
    np.broadcast_to: lambda a, shape, **_: np.broadcast_to(_objects(a), shape),
    np.stack: lambda arrays, axis=0, **_: np.stack([_objects(x) for x in arrays], axis),
    np.concatenate: lambda arrays, axis=0, **_: np.concatenate([_objects(x) for x in arrays],
                                                               axis),
    np.where: choose,
    np.shape: lambda a: (), np.ndim: lambda a: 0, np.size: lambda a, axis=None: 1,
}


def _arithmetic(op: str, reflected: bool = False):
    """The method for ``op``: ``self op other``, or ``other op self`` when reflected."""
    if reflected:
        return lambda self, other: _binary(op, other, self)
    return lambda self, other: _binary(op, self, other)


def _comparison(op: str):
    return lambda self, other: _compare(op, self, other)


class _Symbolic:
    """What Sym and SymBool share: numpy hands its ufuncs and functions to them."""

    __slots__ = ("code", "lo", "value")
    shape: tuple = ()
    ndim = 0
    size = 1

    def __init__(self, code: str, value, lo: float | None) -> None:
        self.code, self.value, self.lo = code, value, lo

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        rule = _UFUNCS.get(ufunc)
        if method != "__call__" or rule is None or kwargs.get("out") is not None:
            raise Unsupported(f"numpy's {ufunc.__name__}.{method} on symbolic numbers")
        if any(isinstance(x, np.ndarray) and x.ndim for x in inputs):
            return elementwise(rule, *inputs)
        return rule(*[_scalar(x) for x in inputs])

    def __array_function__(self, func, types, args, kwargs):
        rule = _FUNCTIONS.get(func)
        if rule is None:
            raise Unsupported(f"numpy's {func.__name__} on symbolic numbers")
        return rule(*args, **kwargs)

    def __float__(self):
        raise Unsupported("a symbolic number has no value until the generated code runs")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code})"


class SymBool(_Symbolic):
    """A condition the generated code will compute (``t4 = t3 < 0.0``)."""

    __slots__ = ()

    def __bool__(self):
        raise Unsupported(f"a decision on a computed condition ({self.code}) while the code "
                          "is written (numpy reads comparisons of object arrays as bools)")

    def __invert__(self):
        return _not(self)


class Sym(_Symbolic):
    """A float the generated code will compute, or a literal number (``value`` set)."""

    __slots__ = ()

    def __bool__(self):
        raise Unsupported(f"a decision on a computed number ({self.code}) while the code is "
                          "written")

    __add__, __radd__ = _arithmetic("+"), _arithmetic("+", reflected=True)
    __sub__, __rsub__ = _arithmetic("-"), _arithmetic("-", reflected=True)
    __mul__, __rmul__ = _arithmetic("*"), _arithmetic("*", reflected=True)
    __truediv__, __rtruediv__ = _arithmetic("/"), _arithmetic("/", reflected=True)
    __pow__, __rpow__ = _arithmetic("**"), _arithmetic("**", reflected=True)
    __lt__, __le__, __gt__ = _comparison("<"), _comparison("<="), _comparison(">")
    __ge__, __eq__, __ne__ = _comparison(">="), _comparison("=="), _comparison("!=")

    def __neg__(self):
        return _unary("neg", self)

    def __abs__(self):
        return _unary("abs", self)

    __hash__ = object.__hash__

    # what a Value offers the ops' helpers, so a rule that calls them runs on a Sym too
    data = property(lambda self: self)
    T = property(lambda self: self)

    def exp(self):
        return _unary("exp", self)

    def log(self):
        return _unary("log", self)

    def tanh(self):
        return _unary("tanh", self)

    def where(self, condition, other):
        return choose(condition, self, other)

    def reshape(self, *shape):
        return _scalar(_objects(self).reshape(*shape))

    def transpose(self, *axes):
        return self

    def sum(self, axis=None, keepdims=False):
        return _sum(self, axis, keepdims=keepdims)
