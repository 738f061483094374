"""The tutorial's loss as one primitive: its gradient is the tutorial's error term."""

from __future__ import annotations

import numpy as np

from .base import Op


class HalfSquaredError(Op):
    """y = sum((b - a) ** 2) / 2;  da = g * (a - b),  db = g * (b - a)"""

    # a is the output, b the expected value. One node instead of four (subtract, square, sum,
    # halve): a drawing shows the error term on the output's edge, and a training step does
    # less bookkeeping. da = -(b - a) exactly, so -dE/da through a sigmoid is the tutorial's
    # delta to the last bit.
    name, symbol = "half_squared_error", "½Σ(b−a)²"

    @staticmethod
    def forward(a, b):
        d = b - a
        squares = d * d
        return (squares.sum() if type(squares) is np.ndarray else squares) * 0.5

    @staticmethod
    def backward(g, y, a, b):
        return g * (a - b), g * (b - a)
