"""Loss functions: what training makes small, and the tutorial's per-epoch error metric."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .value import Value


def half_squared_error(output: Value, expected) -> Value:
    """E = 1/2 * sum((expected - output)^2): the loss whose -dE/da is the tutorial's delta.

    The 1/2 cancels the 2 that differentiating the square brings down, so
    dE/doutput = -(expected - output), exactly the tutorial's error term with its sign flipped.
    """
    return ((expected - output) ** 2).sum() * 0.5


def mean_squared_error(output: Value, expected) -> Value:
    """mean((expected - output)^2), over every element."""
    return ((expected - output) ** 2).mean()


def cross_entropy(probabilities: Value, expected) -> Value:
    """-sum(expected * log(p)) over the last axis, averaged over rows; ``expected`` is one-hot."""
    losses = -(expected * probabilities.log()).sum(axis=-1)
    return losses.mean() if losses.ndim else losses


def sum_squared_error(outputs: Sequence[float], expected: Sequence[float]) -> float:
    """The tutorial's per-row error metric, sum((expected - output)^2), as a plain number."""
    return sum([(e - o) ** 2 for e, o in zip(expected, outputs)])


def one_hot(label: int, n_classes: int) -> list[float]:
    """[0, ..., 1, ..., 0] with the 1 at ``label``: the tutorial's ``expected`` vector."""
    if not 0 <= label < n_classes:
        raise ValueError(f"class label {label} is outside 0..{n_classes - 1}")
    expected = [0.0] * n_classes
    expected[label] = 1.0
    return expected


def one_hot_matrix(labels, n_classes: int) -> np.ndarray:
    """One one-hot row per label."""
    return np.eye(n_classes)[np.asarray(labels, dtype=np.intp)]
