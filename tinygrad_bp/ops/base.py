"""The base of every primitive op, its registry, and the helpers its rules are written with.

A rule is written once and runs on three kinds of operand: a Python float, a float64 numpy
array, and a ``Value``. Plain backward hands it data, so it costs plain arithmetic; a gradient
asked for with ``create_graph=True`` hands it Values, so the same lines build graph nodes and
the gradient can be differentiated again. Operators (``+ - * / ** @``, indexing) already work
on all three; the helpers below do the rest, choosing ``math``, ``numpy`` or the Value's own
method by type.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

OPS: dict[str, type[Op]] = {}
"""Every primitive op by name, so tests can enumerate them and drawings can explain them."""

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Op:
    """Base class of a primitive op; each subclass registers itself in ``OPS`` by its ``name``.

    A subclass sets ``name``, unique and its own: a subclass that keeps its base's name (``class
    MyAdd(Add)``) or takes another op's is a TypeError when the class is made, and only a class
    made again from the same place (a notebook cell run twice) replaces itself. It sets
    ``symbol`` (a drawing's label), ``formula`` and ``derivatives`` (the maths drawings print,
    e.g. ``"y = a * b"`` and ``("da = g * b", "db = g * a")``), and defines ``forward`` and
    either one rule per input (``da``, ``db``, ... each returning that input's gradient, so an
    input that needs none costs nothing) or one ``backward`` returning every input's gradient.
    """

    name = ""
    symbol = ""  # how a drawing labels the node, e.g. "+" or "exp"
    formula = ""  # e.g. "y = a * b"
    derivatives: tuple[str, ...] = ()  # one rule per input, e.g. ("da = g * b", "db = g * a")
    _rules: tuple | None = None  # the per-input rules da, db, ...; None for an op with backward
    forward: Callable[..., Any]  # each op's own: the output's data from the inputs' data
    # What an array a rule returns is, so that a leaf can keep it as its gradient without a
    # copy: "new" (every rule returns memory it made, e.g. g @ b.T), "view of g" (a view of the
    # node's own gradient, e.g. a transpose), "" (not known: the leaf's gradient is a copy).
    # Each class's own: a subclass with other rules does not inherit it.
    gives: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("name"):
            raise TypeError(
                f"op class {cls.__name__} needs a name of its own (name = '...'): it "
                + (f"would replace OPS[{cls.name!r}]" if cls.name else "has none"))
        taken = OPS.get(cls.name)
        if taken is not None and _origin(taken) != _origin(cls):
            raise TypeError(f"an op named {cls.name!r} is already registered ({_origin(taken)}); "
                            f"give {cls.__qualname__} another name")
        defines_backward = any("backward" in k.__dict__ for k in cls.__mro__[:-2])
        cls._rules = None if defines_backward else _per_input_rules(cls)
        cls.gives = cls.__dict__.get("gives", "")
        if cls.gives not in ("", "new", "view of g"):
            raise TypeError(f"op {cls.name!r}: gives is 'new', 'view of g' or '', not "
                            f"{cls.gives!r}")
        if cls.gives and cls._rules is None:
            raise TypeError(f"op {cls.name!r}: gives needs one rule per input (da, db, ...): "
                            "one backward may hand two inputs the same array")
        if cls.gives == "view of g" and len(cls._rules) != 1:
            raise TypeError(f"op {cls.name!r}: only an op with one input and its rule da can "
                            "give a view of g (two inputs would share it)")
        OPS[cls.name] = cls

    @classmethod
    def backward(cls, g, y, *inputs_and_params) -> tuple:
        """Every input's gradient, in input order, from the per-input rules ``da``, ``db``, ..."""
        if not cls._rules:
            raise NotImplementedError(f"op {cls.name!r} has no backward rule: define backward "
                                      "or one rule per input (da, db, ...)")
        return tuple(g if rule is None else rule(g, y, *inputs_and_params)
                     for rule in cls._rules)

    @classmethod
    def rules(cls) -> tuple[str, list[str]]:
        """The forward formula and one derivative formula per input, as drawings print them.

        An op without them (your own, say) still draws: its name stands for the formula and its
        edges say that no rule is written.
        """
        return (cls.formula or f"y = {cls.name}(...)",
                list(cls.derivatives) or ["(no rule written)"])


def _origin(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _per_input_rules(cls) -> tuple:
    """The rules da, db, ... in input order; None stands for a rule marked ``passes_g``."""
    rules = []
    for letter in _LETTERS:
        rule = getattr(cls, "d" + letter, None)
        if rule is None:
            break
        rules.append(None if getattr(rule, "passes_g", False) else rule)
    return tuple(rules)


def passes_g(rule):
    """Mark a rule that returns ``g`` itself (``da = g``): the engine uses g without the call."""
    rule.passes_g = True
    return rule


# -- helpers: the same maths for a float, an array and a Value --------------------------------

_DATA = (float, int, np.ndarray, np.generic)


def is_data(x) -> bool:
    """True for plain data (a number, an array, or any other object that is not a graph node,
    such as a symbolic number), False for a Value: a node has an ``_op``."""
    return isinstance(x, _DATA) or not hasattr(x, "_op")


def data_of(x):
    """The numbers in ``x``: a condition computed from them carries no gradient."""
    return x if is_data(x) else x.data


def shape_of(x) -> tuple:
    return getattr(x, "shape", ())  # a Python number has no shape: it is a scalar


def exp(a):
    if type(a) is float:
        try:
            return math.exp(a)
        except OverflowError:
            return math.inf
    return np.exp(a) if is_data(a) else a.exp()


def log(a):
    if type(a) is float:
        if a > 0.0:
            return math.log(a)
        return -math.inf if a == 0.0 else math.nan
    return np.log(a) if is_data(a) else a.log()


def div(a, b):
    try:
        return a / b
    except ZeroDivisionError:  # Python floats raise where numpy gives inf or nan
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.float64(a) / np.float64(b))


def power(a, b):
    """``a ** b`` as C's ``pow`` answers, for floats and arrays alike (and PyTorch's ``a ** b``)."""
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
    if not (is_data(a) and is_data(b)):
        return a ** b
    if type(b) is float:  # an array exponent keeps numpy off its sqrt shortcut for b = 0.5
        b = np.array([b]) if np.ndim(a) else b
    return np.power(a, b)


def power_number(a, k):
    """``a ** k`` for a plain-number exponent as PyTorch computes it: ``k = 0.5`` is ``sqrt(a)``
    and ``k = -0.5`` is ``1 / sqrt(a)`` (so ``(-0.0) ** 0.5`` is -0.0 and ``(-inf) ** 0.5`` nan)."""
    if not is_data(a):
        return a ** k
    if type(k) is float and abs(k) == 0.5:
        root = sqrt(a)
        return root if k > 0.0 else div(1.0, root)
    return power(a, k)


def sqrt(a):
    if type(a) is float:
        return math.sqrt(a) if a >= 0.0 else math.nan if a == a else a
    return np.sqrt(a)


def _comparison(ufunc):
    def compare(a, b):
        # numpy reads an object array's comparisons as bools; symbolic numbers (codegen's)
        # answer with conditions the generated code computes, which it keeps as objects
        if type(a) is np.ndarray and a.dtype == object:
            return ufunc(a, b, dtype=object)
        return ufunc(a, b)
    compare.__name__ = compare.__qualname__ = ufunc.__name__
    compare.__doc__ = f"``np.{ufunc.__name__}(a, b)`` on data, symbolic numbers too."
    return compare


less, less_equal, greater = (_comparison(np.less), _comparison(np.less_equal),
                             _comparison(np.greater))


def where(condition, a, b):
    """``a`` where ``condition`` holds, else ``b``; the condition (from data) gets no gradient.

    Masking, unlike multiplying by 0 or 1, keeps an inf or nan on the other side out.
    """
    if isinstance(condition, (bool, np.bool_)):  # one side whole, the other plain data: no op
        chosen, other = (a, b) if condition else (b, a)
        if is_data(other) and shape_of(other) in ((), shape_of(chosen)):
            return chosen
    if type(condition) is np.ndarray and condition.dtype == object:
        # symbolic conditions (codegen's): numpy's where would ask each one for a bool
        return _each_where(condition, a, b)
    if is_data(a) and is_data(b):
        return _select(condition, a, b)
    if is_data(a):
        return b.where(np.logical_not(condition), a)
    return a.where(condition, b)



_each_where = np.frompyfunc(where, 3, 1)  # where, one element at a time


# np.where branches on each element: on a mask with no pattern, such as relu's over a layer,
# it is several times slower than the whole-array passes below, which give the same bits (an inf
# or nan masked out is +0.0 too). Below this many elements its single call is quicker.
_MASKED_BITS_FROM = 8192


def _select(condition, a, b):
    """``np.where(condition, a, b)``; a float64 array against +0.0 by masking its bits."""
    if type(condition) is np.ndarray and condition.size >= _MASKED_BITS_FROM \
            and condition.dtype == np.bool_:
        # 1 for True, 0 for False; a bool array's byte may hold any other nonzero (made with
        # .view(bool), say), which np.where reads as True, and so does this
        bits = np.not_equal(condition.view(np.uint8), 0).view(np.int8)
        if _is_plus_zero(b) and _float64_of_shape(a, condition.shape):
            return _masked(a, np.negative(bits, out=bits))  # True: -1, every bit set
        if _is_plus_zero(a) and _float64_of_shape(b, condition.shape):
            return _masked(b, np.subtract(bits, 1, out=bits))  # False: -1, True: none
    return np.where(condition, a, b)


def _is_plus_zero(x) -> bool:
    return type(x) is float and x == 0.0 and math.copysign(1.0, x) == 1.0


def _float64_of_shape(x, shape: tuple) -> bool:
    return type(x) is np.ndarray and x.dtype == np.float64 and x.shape == shape


def _masked(x: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``x`` where ``keep`` (int8) is -1, +0.0 where it is 0: numpy widens -1 to 64 set bits
    a block at a time, so no mask as large as ``x`` is made (that would cost more). The result
    is laid out as ``x`` is (a transposed ``x`` gives a transposed result, as np.where does)."""
    out = np.empty_like(x)
    np.bitwise_and(x.view(np.int64), keep, out=out.view(np.int64))
    return out


def reshape(a, shape: tuple):
    return np.reshape(a, shape) if is_data(a) else a.reshape(shape)


def transpose(a, axes: tuple):
    if type(a) is np.ndarray:  # the method: np.transpose's wrapper costs more than the view
        return a.transpose(axes)
    return np.transpose(a, axes) if is_data(a) else a.transpose(axes)


def swap_last_axes(a):
    if type(a) is np.ndarray:
        return a.swapaxes(-1, -2)
    axes = list(range(a.ndim))
    axes[-2:] = axes[:-3:-1]
    return a.transpose(tuple(axes))


def broadcast_to(a, shape: tuple):
    """``a`` copied along new or length-1 axes to ``shape``: the adjoint of a sum."""
    if is_data(a):
        return np.zeros(shape) + a  # faster than np.broadcast_to for small arrays, and writable
    return a + np.zeros(shape)


def scatter_add(a, shape: tuple, index):
    """Zeros of ``shape`` with ``a`` added at ``[index]``: the adjoint of indexing."""
    if not is_data(a):
        return a._scatter_add(shape, index)
    out = np.zeros(shape)
    np.add.at(out, index, a)  # add.at, not +=, so a repeated index collects every a
    return out


def kept_shape(shape: tuple, axis) -> tuple:
    """``shape`` with the summed ``axis`` (an int or a tuple) kept as length 1."""
    axes = {ax % len(shape) for ax in ((axis,) if isinstance(axis, int) else axis)}
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def positive(a):
    """1.0 where a > 0, else 0.0, as a constant (from the data): the slope of relu."""
    a = data_of(a)
    if type(a) is float:
        return 1.0 if a > 0.0 else 0.0
    return (a > 0.0).astype(np.float64)


def largest(a, axis):
    """The max of ``a`` along ``axis``, kept as an axis of length 1, as a constant.

    Subtracting it before ``exp`` keeps exp from overflowing and changes nothing else (softmax
    and log-softmax do not move when every input moves by the same amount), so, like
    ``positive``, it carries no gradient.
    """
    a = data_of(a)
    if type(a) is np.ndarray and a.dtype == object:  # symbolic (codegen's): numpy's own
        return _maximum_each.reduce(a, axis=axis, keepdims=True)  # would read them as bools
    return np.maximum.reduce(a, axis=axis, keepdims=True)  # np.max's wrapper costs more


_maximum_each = np.frompyfunc(np.maximum, 2, 1)  # np.maximum, one pair of elements at a time


def total(a, axis):
    """The sum of ``a`` along ``axis``, kept as an axis of length 1 (numpy's own reduction for
    data: the method's and np.sum's Python wrappers cost as much as the sum of a small batch)."""
    return np.add.reduce(a, axis=axis, keepdims=True) if is_data(a) else \
        a.sum(axis=axis, keepdims=True)
