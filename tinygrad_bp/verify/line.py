"""A function of Values seen along straight lines: what ``taylor_test`` and ``eps_sweep`` share.

Both look at ``phi(t) = f(x + t d)`` for random unit directions ``d`` through all inputs at
once, whose slope at 0 is ``<gradient, d>`` when the gradient is right.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..engine import no_grad
from ..value import Value


class Line:
    """``f`` at ``inputs``: its value, its autograd gradient, and its value along directions."""

    def __init__(self, f: Callable[..., Value], inputs: tuple, who: str):
        for i, x in enumerate(inputs):
            if not isinstance(x, Value):
                raise TypeError(f"{who}: input {i} must be a Value, not {type(x).__name__}")
            if not x.requires_grad:
                raise ValueError(f"{who}: input {i} has requires_grad=False, so it gets no "
                                 "gradient to test; pass it inside f as a constant instead")
        if not inputs:
            raise ValueError(f"{who} needs at least one input Value")
        self.f, self.inputs, self.who = f, inputs, who
        self.value, self.gradient = _value_and_gradient(f, inputs, who)

    def directions(self, n: int, rng: np.random.Generator) -> list[list[np.ndarray]]:
        """``n`` random directions, each one array per input, of length 1 over all inputs."""
        out = []
        for _ in range(n):
            d = [rng.standard_normal(np.shape(x.data)) for x in self.inputs]
            norm = np.sqrt(sum(float(np.sum(part * part)) for part in d))
            out.append([part / norm for part in d])
        return out

    def slope(self, d: list[np.ndarray]) -> float:
        """``<gradient, d>``: the directional derivative autograd predicts."""
        return sum(float(np.sum(g * part)) for g, part in zip(self.gradient, d))

    def at(self, d: list[np.ndarray], t: float) -> float:
        """``f(x + t d)``, computed without a graph; the inputs' data is left as found."""
        saved = [x.data for x in self.inputs]
        try:
            for x, data, part in zip(self.inputs, saved, d):
                moved = np.asarray(data, dtype=np.float64) + t * part
                x.data = float(moved) if moved.ndim == 0 else moved
            with no_grad():
                return _scalar(self.f(*self.inputs), self.who)
        finally:
            for x, data in zip(self.inputs, saved):
                x.data = data


def _scalar(out, who: str) -> float:
    if not isinstance(out, Value) or out.size != 1:
        raise TypeError(f"{who}: f must return a Value holding one element, got "
                        f"{type(out).__name__} {getattr(out, 'shape', '')}".rstrip())
    return out.item()


def _value_and_gradient(f, inputs: tuple, who: str) -> tuple[float, list[np.ndarray]]:
    """``f(*inputs)`` and its gradient by one backward pass; the inputs' ``.grad`` is kept."""
    saved = [x._grad for x in inputs]
    try:
        for x in inputs:
            x._grad = None
        out = f(*inputs)
        value = _scalar(out, who)
        out.backward()
        return value, [np.array(x.grad, dtype=np.float64) for x in inputs]
    finally:
        for x, grad in zip(inputs, saved):
            x._grad = grad
