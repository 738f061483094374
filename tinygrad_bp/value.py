"""``Value``: a number or a numpy array that remembers how it was computed.

Every operator on a ``Value`` applies a primitive op from ``ops`` through ``record``, the one
function that makes graph nodes, and returns a new ``Value`` linked to its inputs;
``backward()`` then walks those links in reverse (see ``engine``).
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import Any

import numpy as np

from . import engine
from .engine import settle
from .grad_mode import linking, open_blocks, recording, restore, silence
from .operands import OneNumber, as_data, axis_argument, index_argument
from .ops import (Add, Div, Exp, GetItem, Log, MatMul, Mul, Op, Pow, Power, Relu, Reshape,
                  ScatterAdd, Sigmoid, Stack, Sub, Sum, Tanh, Transpose, Where)
from .protocols import NumberProtocols

_new = object.__new__
_F64 = np.dtype(np.float64)
_as_data = as_data  # the name other modules import it by


def record(op: type[Op], inputs: tuple, args: tuple = ()) -> Value:
    """Run ``op`` forward on the inputs' data and make the output node: the one place it is done.

    The node links to its op and inputs only when an input needs a gradient (or inside
    ``grad_mode.linked()``) and this thread is recording (not inside ``no_grad()``); otherwise
    it is a constant with no history. Array
    arithmetic runs with numpy's warnings off: inf and nan are answers, as they are for floats.
    """
    if len(inputs) == 2:  # the common arities spelled out: the scalar path is the hot one
        a, b = inputs
        x, z = a._data, b._data
        if type(x) is float and type(z) is float and not args:
            data = op.forward(x, z)
        else:
            data = _forward(op, (x, z), args)
        track = a.requires_grad or b.requires_grad
    elif len(inputs) == 1:
        a = inputs[0]
        x = a._data
        data = op.forward(x, *args) if type(x) is float else _forward(op, (x,), args)
        track = a.requires_grad
    else:
        data = _forward(op, [v._data for v in inputs], args)
        track = any(v.requires_grad for v in inputs)
    if type(data) is not float and (type(data) is not np.ndarray or data.size == 1):
        data = settle(data)  # a numpy scalar is a Python float; one element, a OneNumber
    if not track or (open_blocks[0] and not recording.get()):
        if not linking.get() or (open_blocks[0] and not recording.get()):
            return _leaf(data)
        track = False  # linked to its inputs, needing no gradient: see grad_mode.linked
    out = _new(Value)
    out._data = data
    out._grad = None
    out.label = ""
    out.requires_grad = track
    out._op = op
    out._parents = inputs
    out._args = args
    out._mark = 0
    return out


def _forward(op: type[Op], data, args: tuple):
    """``op.forward`` with numpy's warnings off: inf and nan are answers, as for floats."""
    token = silence()
    try:
        return op.forward(*data, *args)
    finally:
        restore(token)


def _constant(x) -> Value:
    """A plain operand as a leaf that gets no gradient."""
    return _leaf(x if type(x) is float else float(x) if type(x) is int else
                 as_data(x, "an operand"))


def _leaf(data) -> Value:
    """A node with no history and no gradient, holding ``data`` (already a Value's data)."""
    out = _new(Value)
    out._data = data
    out._grad = None
    out.label = ""
    out.requires_grad = False
    out._op = None
    out._parents = ()
    out._args = ()
    out._mark = 0
    return out


def _one_number(array):
    """A one-element array as one ``float()`` accepts (numpy 2 refuses shape (1,)); else as is."""
    return array.view(OneNumber) if array.size == 1 else array


def _other_data(value):
    """What ``.data = value`` stores when ``value`` is not a float or a float64 array."""
    if isinstance(value, OneNumber) or (type(value) is np.ndarray and value.dtype is _F64
                                        and value.ndim):
        return _one_number(value)  # an array of one element: kept, memory shared
    return as_data(value, "Value.data")


class Value(NumberProtocols):
    """A number or a float64 numpy array, with a gradient and a record of how it was made.

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x
    >>> y.backward()
    >>> x.grad
    7.0
    """

    __slots__ = ("_data", "_grad", "label", "requires_grad", "_op", "_parents", "_args",
                 "_mark", "__weakref__")
    __array_ufunc__ = None  # so ndarray * Value asks Value, instead of making an array of Values

    def __init__(self, data, label: str = "", requires_grad: bool = True):
        self._data: Any = as_data(data._data if isinstance(data, Value) else data)  # a copy
        self._grad: Any = None
        self.label = label
        self.requires_grad = requires_grad
        self._op: type[Op] | None = None
        self._parents = ()
        self._args = ()
        self._mark = 0

    # -- what a Value holds ------------------------------------------------------------------

    def _set_data(self, value) -> None:
        # floats and float64 arrays go straight in: optimisers and replays assign in hot loops
        if type(value) is float or (type(value) is np.ndarray and value.dtype is _F64
                                    and value.size != 1):
            self._data = value
        elif isinstance(value, Value):
            self._data = as_data(value._data, "Value.data")  # its numbers, copied
        else:
            self._data = _other_data(value)

    data = property(attrgetter("_data"), _set_data, doc="""The numbers: a Python float for a
        scalar, else a float64 array (one ``float()`` takes when it has one element, shape (1,)
        included). Assigning anything else a Value could not hold is a TypeError, at once.""")

    @property
    def grad(self):
        """d(root)/d(self) after ``root.backward()``; zeros, shaped like ``data``, before."""
        grad = self._grad
        if grad is None:
            return 0.0 if type(self._data) is float else _one_number(np.zeros(self._data.shape))
        return grad if type(grad) is float else _one_number(grad)

    @grad.setter
    def grad(self, value) -> None:
        if value is None:
            self._grad = None
        elif type(self._data) is float:
            self._grad = float(value)
        else:
            self._grad = np.array(np.broadcast_to(np.asarray(value, np.float64),
                                                  self._data.shape))

    @property
    def shape(self) -> tuple:
        return () if type(self._data) is float else self._data.shape

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return 1 if type(self._data) is float else self._data.size

    @property
    def op(self) -> str:
        """The name of the op that made this Value ("" for a leaf)."""
        return self._op.name if self._op is not None else ""

    @property
    def parents(self) -> tuple:
        """The Values this one was computed from, in the op's input order."""
        return self._parents

    def __len__(self) -> int:
        if type(self._data) is float:
            raise TypeError("len() of a scalar Value")
        return len(self._data)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        extra = f", label={self.label!r}" if self.label else ""
        extra += f", op={self.op!r}" if self._op is not None else ""
        if type(self._data) is float:
            return f"Value(data={self._data!r}, grad={self.grad!r}{extra})"
        text = np.array2string(self._data, precision=4, threshold=20, separator=", ")
        return f"Value(shape={self.shape}, data={text}{extra})"

    def __getstate__(self) -> dict:
        # a walk's stamp means nothing in another process (or copy): it is not kept
        return {name: getattr(self, name) for name in Value.__slots__[:-2]}

    def __setstate__(self, state: dict) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self._mark = 0

    def backward(self) -> None:
        """Fill ``.grad`` of every Value this one depends on (see ``engine.backward``)."""
        engine.backward(self)

    def zero_grad(self) -> None:
        self._grad = None

    def detach(self) -> Value:
        """The same data as a constant: a path through it carries no gradient."""
        return Value(self._data, requires_grad=False)

    # -- arithmetic --------------------------------------------------------------------------

    def __add__(self, other):
        return record(Add, (self, other if isinstance(other, Value) else _constant(other)))

    def __radd__(self, other):
        return record(Add, (_constant(other), self))

    def __sub__(self, other):
        return record(Sub, (self, other if isinstance(other, Value) else _constant(other)))

    def __rsub__(self, other):
        return record(Sub, (_constant(other), self))

    def __mul__(self, other):
        return record(Mul, (self, other if isinstance(other, Value) else _constant(other)))

    def __rmul__(self, other):
        return record(Mul, (_constant(other), self))

    def __truediv__(self, other):
        return record(Div, (self, other if isinstance(other, Value) else _constant(other)))

    def __rtruediv__(self, other):
        return record(Div, (_constant(other), self))

    def __pow__(self, other):
        if isinstance(other, Value):
            return record(Pow, (self, other))
        return record(Power, (self,), (as_data(other, "the exponent"),))

    def __rpow__(self, other):
        return record(Pow, (_constant(other), self))

    def __neg__(self):
        return self * -1.0

    def __pos__(self):
        return self

    def __matmul__(self, other):
        return record(MatMul, (self, other if isinstance(other, Value) else _constant(other)))

    def __rmatmul__(self, other):
        return record(MatMul, (_constant(other), self))

    # -- functions ---------------------------------------------------------------------------

    def exp(self):
        return record(Exp, (self,))

    def log(self):
        return record(Log, (self,))

    def tanh(self):
        return record(Tanh, (self,))

    def sigmoid(self):
        return record(Sigmoid, (self,))

    def relu(self):
        return record(Relu, (self,))

    def where(self, condition, other) -> Value:
        """``self`` where ``condition`` holds, else ``other``, as ``torch.where(c, self, other)``.

        ``condition`` is plain data (bools, or numbers read as nonzero): no gradient flows
        through it, and each side's gradient is masked, so an inf on the other side stays out.
        """
        condition = np.asarray(condition._data if isinstance(condition, Value) else condition)
        condition = condition.astype(bool)
        cond = bool(condition) if condition.ndim == 0 else condition
        other = other if isinstance(other, Value) else _constant(other)
        return record(Where, (self, other), (cond,))

    # -- shapes and reductions ---------------------------------------------------------------

    def sum(self, axis=None, keepdims: bool = False):
        return record(Sum, (self,), (axis_argument(axis), keepdims))

    def mean(self, axis=None, keepdims: bool = False):
        total = self.sum(axis, keepdims)  # first, so a bad axis gets numpy's own error
        count = self.size // max(total.size, 1)
        return total / count

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return record(Reshape, (self,), (shape,))

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return record(Transpose, (self,), (axes or tuple(reversed(range(self.ndim))),))

    @property
    def T(self):
        return self.transpose()

    def __getitem__(self, index):
        if type(self._data) is float:
            raise TypeError("a scalar Value cannot be indexed")
        return record(GetItem, (self,), (index_argument(index, Value),))

    def _scatter_add(self, shape: tuple, index) -> Value:
        """Zeros of ``shape`` with this Value added at ``[index]``: indexing's adjoint."""
        return record(ScatterAdd, (self,), (tuple(shape), index))


def apply(op: type[Op], *inputs, params: tuple = ()) -> Value:
    """Apply a primitive op, one of ``OPS`` or your own ``Op`` subclass, to Values or numbers.

    ``params`` are plain values handed to ``forward`` and the rules after the inputs' data
    (an axis, a shape). Plain numbers among ``inputs`` become constants.
    """
    inputs = tuple(v if isinstance(v, Value) else _constant(v) for v in inputs)
    if not inputs:
        raise ValueError(f"apply({op.__name__}) needs at least one input")
    return record(op, inputs, tuple(params))


def stack(values: Iterable) -> Value:
    """One Value of shape ``(n, *shape)`` from n Values (or numbers) of the same shape."""
    return apply(Stack, *values)


def zero_grad(values: Iterable[Value]) -> None:
    """Reset the gradient of each Value to zero (``model.zero_grad()`` for a list)."""
    for i, value in enumerate(values):
        if not isinstance(value, Value):
            raise TypeError(f"zero_grad: item {i} is {type(value).__name__}, not a Value "
                            "(pass model.parameters())")
        value._grad = None


__all__ = ["Value", "apply", "record", "stack", "zero_grad"]
