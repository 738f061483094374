"""``Value``: a number or a numpy array that remembers how it was computed.

Every operator on a ``Value`` applies a primitive op from ``ops`` and returns a new ``Value``
linked to its inputs; ``backward()`` then walks those links in reverse (see ``engine``).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

from . import engine
from .ops import (Add, Div, Exp, GetItem, Log, MatMul, Mul, Op, Pow, Power, Relu, Reshape,
                  Sigmoid, Stack, Sub, Sum, Tanh, Transpose)


def _as_data(x, what: str = "Value()"):
    """``x`` as a Value's data: a Python float for one number, else a float64 array (a copy)."""
    if type(x) is float:
        return x
    if isinstance(x, Value):
        return x.data if type(x.data) is float else x.data.copy()
    if isinstance(x, (numbers.Real, np.bool_)) and not isinstance(x, np.ndarray):
        return float(x)
    if isinstance(x, (list, tuple, np.ndarray)):
        try:
            array = np.array(x, dtype=np.float64)
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"{what} needs numbers, a nested list of numbers with rows of equal length, or "
                f"a numeric array; could not read {_short(x)}: {error}"
            ) from None
        return float(array) if array.ndim == 0 else array
    raise TypeError(
        f"{what} takes a number, a nested list of numbers or a numpy array, "
        f"not {type(x).__name__} {_short(x)}"
    )


def _short(x) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def _lift(x) -> Value:
    """An operand as a Value: a plain number becomes a constant that gets no gradient."""
    if isinstance(x, Value):
        return x
    return _node(x if type(x) is float else _as_data(x, "an operand"), False, None, (), ())


def _node(data, requires_grad: bool, op, parents: tuple, args: tuple) -> Value:
    """A Value made by the library itself: ``data`` is already a float or a float64 array."""
    out = _new(Value)
    out.data = data
    out._grad = None
    out.label = ""
    out.requires_grad = requires_grad
    out._op = op
    out._parents = parents
    out._args = args
    out._id = next(engine.creation_order)
    out._mark = 0
    return out


def _unary(op, a: Value, args: tuple = ()) -> Value:
    """Run a one-input op forward and record the node (no node links when no gradient is wanted)."""
    data = op.forward(a.data, *args)
    if type(data) is not float:
        data = engine.settle(data)
    if a.requires_grad and engine._grad_enabled:
        return _node(data, True, op, (a,), args)
    return _node(data, False, None, (), ())


def _binary(op, a: Value, b: Value) -> Value:
    """Run a two-input op forward and record the node, as ``_unary`` does."""
    data = op.forward(a.data, b.data)
    if type(data) is not float:
        data = engine.settle(data)
    if (a.requires_grad or b.requires_grad) and engine._grad_enabled:
        return _node(data, True, op, (a, b), ())
    return _node(data, False, None, (), ())


_new = object.__new__


class Value:
    """A number or a float64 numpy array, with a gradient and a record of how it was made.

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x
    >>> y.backward()
    >>> x.grad
    7.0
    """

    __slots__ = ("data", "_grad", "label", "requires_grad", "_op", "_parents", "_args", "_id",
                 "_mark", "__weakref__")
    __array_ufunc__ = None  # so ndarray * Value asks Value, instead of making an array of Values

    def __init__(self, data, label: str = "", requires_grad: bool = True):
        self.data = _as_data(data)
        self._grad = None
        self.label = label
        self.requires_grad = requires_grad
        self._op = None
        self._parents = ()
        self._args = ()
        self._id = next(engine.creation_order)
        self._mark = 0

    # -- what a Value holds ------------------------------------------------------------------

    @property
    def grad(self):
        """d(root)/d(self) after ``root.backward()``; zeros, shaped like ``data``, before."""
        if self._grad is None:
            return 0.0 if type(self.data) is float else np.zeros(self.data.shape)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is None:
            self._grad = None
        elif type(self.data) is float:
            self._grad = float(value)
        else:
            self._grad = np.array(np.broadcast_to(np.asarray(value, np.float64), self.data.shape))

    @property
    def shape(self) -> tuple:
        return () if type(self.data) is float else self.data.shape

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return 1 if type(self.data) is float else self.data.size

    @property
    def op(self) -> str:
        """The name of the op that made this Value ("" for a leaf)."""
        return self._op.name if self._op is not None else ""

    @property
    def parents(self) -> tuple:
        """The Values this one was computed from, in the op's input order."""
        return self._parents

    def item(self) -> float:
        """The single number this Value holds."""
        if self.size != 1:
            raise ValueError(f"item() needs a Value holding one element, not shape {self.shape}")
        return self.data if type(self.data) is float else float(self.data.reshape(()))

    def __float__(self) -> float:
        return self.item()

    def __len__(self) -> int:
        if type(self.data) is float:
            raise TypeError("len() of a scalar Value")
        return len(self.data)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        extra = f", label={self.label!r}" if self.label else ""
        extra += f", op={self.op!r}" if self._op is not None else ""
        if type(self.data) is float:
            return f"Value(data={self.data!r}, grad={self.grad!r}{extra})"
        text = np.array2string(self.data, precision=4, threshold=20, separator=", ")
        return f"Value(shape={self.shape}, data={text}{extra})"

    def backward(self) -> None:
        """Fill ``.grad`` of every Value this one depends on (see ``engine.backward``)."""
        engine.backward(self)

    def zero_grad(self) -> None:
        self._grad = None

    def detach(self) -> Value:
        """The same data as a constant: a path through it carries no gradient."""
        return Value(self.data, requires_grad=False)

    # -- arithmetic --------------------------------------------------------------------------

    def __add__(self, other):
        return _binary(Add, self, _lift(other))

    def __radd__(self, other):
        return _binary(Add, _lift(other), self)

    def __sub__(self, other):
        return _binary(Sub, self, _lift(other))

    def __rsub__(self, other):
        return _binary(Sub, _lift(other), self)

    def __mul__(self, other):
        return _binary(Mul, self, _lift(other))

    def __rmul__(self, other):
        return _binary(Mul, _lift(other), self)

    def __truediv__(self, other):
        return _binary(Div, self, _lift(other))

    def __rtruediv__(self, other):
        return _binary(Div, _lift(other), self)

    def __pow__(self, other):
        if isinstance(other, Value):
            return _binary(Pow, self, other)
        return _unary(Power, self, (_as_data(other, "the exponent"),))

    def __rpow__(self, other):
        return _binary(Pow, _lift(other), self)

    def __neg__(self):
        return self * -1.0

    def __matmul__(self, other):
        return _binary(MatMul, self, _lift(other))

    def __rmatmul__(self, other):
        return _binary(MatMul, _lift(other), self)

    # -- functions ---------------------------------------------------------------------------

    def exp(self):
        return _unary(Exp, self)

    def log(self):
        return _unary(Log, self)

    def tanh(self):
        return _unary(Tanh, self)

    def sigmoid(self):
        return _unary(Sigmoid, self)

    def relu(self):
        return _unary(Relu, self)

    # -- shapes and reductions ---------------------------------------------------------------

    def sum(self, axis=None, keepdims: bool = False):
        return _unary(Sum, self, (_axis(axis), keepdims))

    def mean(self, axis=None, keepdims: bool = False):
        total = self.sum(axis, keepdims)  # first, so a bad axis gets numpy's own error
        count = self.size // max(total.size, 1)
        return total / count

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _unary(Reshape, self, (shape,))

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return _unary(Transpose, self, (axes or tuple(reversed(range(self.ndim))),))

    @property
    def T(self):
        return self.transpose()

    def __getitem__(self, index):
        if type(self.data) is float:
            raise TypeError("a scalar Value cannot be indexed")
        return _unary(GetItem, self, (_index(index),))


def _axis(axis):
    """An axis argument in the form numpy takes: None, an int, or a tuple of ints."""
    return tuple(axis) if isinstance(axis, list) else axis


def _index(index):
    """An index with any Values in it replaced by their data, as integer positions.

    A Value holds float64, so it can only stand for positions; a mask of True/False would read
    as positions 1 and 0, so pass a mask as a numpy bool array instead.
    """
    if isinstance(index, tuple):
        return tuple(_index(i) for i in index)
    if isinstance(index, Value):
        positions = np.asarray(index.data)
        if not np.array_equal(positions, np.floor(positions)):
            raise TypeError("a Value used as an index must hold whole numbers, "
                            f"not {_short(index.data)}")
        return positions.astype(np.intp)
    return index


def apply(op: type[Op], *inputs, params: tuple = ()) -> Value:
    """Apply a primitive op, one of ``OPS`` or your own ``Op`` subclass, to Values or numbers.

    ``params`` are plain values handed to ``forward`` and ``backward`` after the inputs' data
    (an axis, a shape). Plain numbers among ``inputs`` become constants.
    """
    inputs = tuple(_lift(v) for v in inputs)
    if not inputs:
        raise ValueError(f"apply({op.__name__}) needs at least one input")
    data = engine.settle(op.forward(*[v.data for v in inputs], *params))
    if engine._grad_enabled and any(v.requires_grad for v in inputs):
        return _node(data, True, op, inputs, tuple(params))
    return _node(data, False, None, (), ())


def stack(values: Iterable) -> Value:
    """One Value of shape ``(n, *shape)`` from n Values (or numbers) of the same shape."""
    return apply(Stack, *values)


def zero_grad(values: Iterable[Value]) -> None:
    """Reset the gradient of each Value to zero (``model.zero_grad()`` for a list)."""
    for value in values:
        value._grad = None
