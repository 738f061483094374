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
build it) runs at plain-Python speed; the helpers in ``base`` pick ``math`` or ``numpy`` by type and
give numpy's answers (inf, nan) where ``math`` would raise.
"""

from .base import OPS, Op
from .elementwise import Add, Div, Exp, Log, Mul, Pow, Power, Relu, Sigmoid, Sub, Tanh
from .loss import (BinaryCrossEntropy, BinaryCrossEntropyWithLogits, CrossEntropy,
                   CrossEntropyWithLogits, HalfSquaredError, LogSoftmax)
from .tensor import GetItem, MatMul, Reshape, Stack, Sum, Transpose

__all__ = ["OPS", "Op", "Add", "BinaryCrossEntropy", "BinaryCrossEntropyWithLogits", "CrossEntropy",
           "CrossEntropyWithLogits", "Div", "Exp", "GetItem", "HalfSquaredError", "Log",
           "LogSoftmax", "MatMul", "Mul", "Pow", "Power", "Relu", "Reshape", "Sigmoid", "Stack",
           "Sub", "Sum", "Tanh", "Transpose"]
