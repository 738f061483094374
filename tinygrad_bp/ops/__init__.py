"""The primitive operations, each defined once: forward, one derivative rule per input, the maths.

Every op is a class with static methods:

- ``forward(*inputs, *params)`` takes the inputs' data (a Python float for a scalar, a float64
  ``numpy.ndarray`` otherwise) and any plain parameters (an axis, a shape, an index) and returns
  the output's data.
- ``da(g, y, *inputs, *params)``, ``db(...)``, ...: one rule per input, each returning that
  input's gradient, given the gradient ``g`` of the final result with respect to the output
  ``y``. The engine calls only the rules of inputs that need a gradient. (An op may define one
  ``backward(g, y, *inputs, *params)`` returning every input's gradient instead.)

The same rules run on data (plain backward) and on Values (``tg.grad(..., create_graph=True)``,
which differentiates gradients again), so they are written with operators and the helpers in
``base``. ``formula`` and ``derivatives`` hold the maths drawings print; the docstring says the
same in one line. Ops never deal with broadcasting: an input's gradient may come back with the
output's shape and the engine sums it down to the input's shape (see ``engine.unbroadcast``).

Scalars stay Python floats so that a graph of scalars (every weight its own node, as learners
build it) runs at plain-Python speed; the helpers pick ``math`` or ``numpy`` by type and give
numpy's answers (inf, nan) where ``math`` would raise.
"""

from .base import OPS, Op
from .elementwise import Add, Div, Exp, Log, Mul, Pow, Power, Relu, Sigmoid, Sub, Tanh, Where
from .loss import (BinaryCrossEntropy, BinaryCrossEntropyWithLogits, CrossEntropy,
                   CrossEntropyWithLogits, HalfSquaredError, LogSoftmax)
from .tensor import GetItem, MatMul, Reshape, ScatterAdd, Stack, Sum, Transpose

__all__ = ["OPS", "Op", "Add", "BinaryCrossEntropy", "BinaryCrossEntropyWithLogits", "CrossEntropy",
           "CrossEntropyWithLogits", "Div", "Exp", "GetItem", "HalfSquaredError", "Log",
           "LogSoftmax", "MatMul", "Mul", "Pow", "Power", "Relu", "Reshape", "ScatterAdd",
           "Sigmoid", "Stack", "Sub", "Sum", "Tanh", "Transpose", "Where"]
