"""Activation functions by name, as layers and the tutorial's recipes call them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..ops import LogSoftmax
from ..value import Value, apply


def softmax(x: Value, axis: int = -1) -> Value:
    """exp(x) / sum(exp(x)) along ``axis``; the max is subtracted first so exp cannot overflow."""
    shifted = x - np.max(x.data, axis=axis, keepdims=True)  # a constant: the result is unchanged
    e = shifted.exp()
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x: Value, axis: int = -1) -> Value:
    """log(softmax(x)) along ``axis``, computed stably: finite at x = ±1000, where softmax
    underflows to 0 and its log would be -inf. One primitive op (``ops.LogSoftmax``)."""
    x = x if isinstance(x, Value) else Value(x, requires_grad=False)
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) \
            or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"log_softmax: axis {axis!r} names no axis of x, which has shape "
                         f"{x.shape}")
    return apply(LogSoftmax, x, params=(int(axis),))


ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "linear": lambda a: a,
    "softmax": softmax,
}
"""Activation functions by name; softmax works across a layer, so only on the output layer."""


def check_activation(name: str, where: str) -> str:
    if name not in ACTIVATIONS:
        raise ValueError(f"{where}: unknown activation {name!r}; "
                         f"choose from {', '.join(ACTIVATIONS)}")
    return name
