"""Loss functions: what training makes small, and the tutorial's per-epoch error metric."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..ops import HalfSquaredError
from ..value import Value, apply


def half_squared_error(output: Value, expected) -> Value:
    """E = 1/2 * sum((expected - output)^2): the loss whose -dE/da is the tutorial's delta.

    The 1/2 cancels the 2 that differentiating the square brings down, so
    dE/doutput = -(expected - output), exactly the tutorial's error term with its sign flipped.
    One primitive op (``ops.HalfSquaredError``), so a drawing shows that term on one edge.
    """
    return apply(HalfSquaredError, output, expected)


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


def _class_index(label, n_classes: int) -> int:
    """``label`` as an index 0..n_classes-1 (``1.0`` is 1); anything else is a clear error.

    The tutorial's own code crashes here with ``TypeError: list indices must be integers`` for
    float labels and ``IndexError`` for labels outside 0..n-1; truncating 0.7 to 0 would be worse.
    """
    try:
        index = int(label)
    except (TypeError, ValueError, OverflowError):
        index = None
    if index is None or index != label or not 0 <= index < n_classes:
        shown = label.item() if isinstance(label, np.generic) else label
        raise ValueError(f"class label {shown!r} is not a class index 0..{n_classes - 1}; map "
                         "labels to indices first (tinygrad_bp.data.load_csv does)")
    return index


def one_hot(label: int, n_classes: int) -> list[float]:
    """[0, ..., 1, ..., 0] with the 1 at ``label``: the tutorial's ``expected`` vector."""
    expected = [0.0] * n_classes
    expected[_class_index(label, n_classes)] = 1.0
    return expected


def one_hot_matrix(labels, n_classes: int) -> np.ndarray:
    """One one-hot row per label."""
    labels = np.asarray(labels)
    index = [_class_index(label, n_classes) for label in labels.reshape(-1)]
    return np.eye(n_classes)[np.array(index, dtype=np.intp).reshape(labels.shape)]
