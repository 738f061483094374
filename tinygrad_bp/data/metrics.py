"""Scoring predictions: the tutorial's accuracy and a confusion matrix."""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np


def accuracy(actual: Sequence[int], predicted: Sequence[int]) -> float:
    """Percentage of predictions equal to the actual labels, as the tutorial's accuracy_metric.

    Computed as ``correct / len(actual) * 100.0`` in that order, so the figures match the
    tutorial's to the last bit (38 of 42 gives 90.47619047619048).
    """
    if len(actual) != len(predicted):
        raise ValueError(f"accuracy needs as many predictions as labels, "
                         f"got {len(predicted)} predictions for {len(actual)} labels")
    if len(actual) == 0:
        raise ValueError("accuracy of no predictions is undefined")
    correct = sum(1 for a, p in zip(actual, predicted) if a == p)
    return correct / float(len(actual)) * 100.0


def confusion_matrix(actual: Sequence[int], predicted: Sequence[int],
                     n_classes: int) -> np.ndarray:
    """Counts as an int64 array indexed ``[actual, predicted]``; the diagonal is correct."""
    if len(actual) != len(predicted):
        raise ValueError(f"confusion_matrix needs as many predictions as labels, "
                         f"got {len(predicted)} predictions for {len(actual)} labels")
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    for a, p in zip(actual, predicted):
        a, p = operator.index(a), operator.index(p)  # a float label is a caller's mistake
        if not (0 <= a < n_classes and 0 <= p < n_classes):
            raise ValueError(f"class index out of range 0..{n_classes - 1}: "
                             f"actual {a}, predicted {p}")
        matrix[a, p] += 1
    return matrix
