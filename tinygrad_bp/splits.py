"""Splitting rows for evaluation and scoring predictions, as the tutorial's case study does.

Splits work on row indices, not rows, so one set of features and labels serves every fold.
``tinygrad_bp.data`` re-exports everything here.
"""

from __future__ import annotations

import operator
import random
from collections.abc import Sequence
from types import ModuleType

import numpy as np

from .errors import DataError

__all__ = ["kfold_indices", "train_test_split", "accuracy", "confusion_matrix"]


def kfold_indices(n_rows: int, n_folds: int, rng: random.Random | ModuleType = random,
                  path: str | None = None) -> list[list[int]]:
    """The tutorial's cross-validation split: ``n_folds`` lists of row indices.

    Each fold holds ``int(n_rows / n_folds)`` rows, drawn one at a time by popping
    ``rng.randrange(len(remaining))`` from the rows not yet drawn; the rows left over are dropped.
    ``rng`` defaults to Python's global ``random`` module because the tutorial draws from that
    stream: ``random.seed(1)`` followed by this call picks exactly the tutorial's rows. Pass a
    ``random.Random`` to keep the global stream untouched.

    Too few rows raises ``DataError`` (a ``ValueError``); with ``path`` given, its message starts
    with ``"path: "`` like the other data errors.
    """
    if n_folds < 2 or n_rows // n_folds < 1:
        where = f"{path}: " if path is not None else ""
        raise DataError(f"{where}cannot make {n_folds} folds from {n_rows} rows: "
                        f"need at least 2 folds and at least one row per fold")
    fold_size = n_rows // n_folds  # int(n_rows / n_folds) for any row count that fits in memory
    remaining = list(range(n_rows))
    folds = []
    for _ in range(n_folds):
        fold = []
        while len(fold) < fold_size:
            fold.append(remaining.pop(rng.randrange(len(remaining))))
        folds.append(fold)
    return folds


def train_test_split(n_rows: int, test_fraction: float = 0.25,
                     rng: random.Random | int = 0) -> tuple[list[int], list[int]]:
    """Shuffle row indices with ``rng`` and return ``(train_idx, test_idx)``.

    ``rng`` is a ``random.Random`` or an integer seed (default 0), so a split is repeatable and
    never disturbs the global ``random`` stream. The test part holds ``n_rows * test_fraction``
    rows rounded to the nearest whole row (halves up); both parts must be non-empty.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    n_test = int(n_rows * test_fraction + 0.5)
    if n_test < 1 or n_test >= n_rows:
        raise ValueError(f"cannot split {n_rows} rows with test_fraction={test_fraction}: "
                         f"the test part would hold {n_test} rows and the train part "
                         f"{n_rows - n_test}; each needs at least one")
    if not isinstance(rng, random.Random):
        rng = random.Random(rng)
    order = list(range(n_rows))
    rng.shuffle(order)
    return order[n_test:], order[:n_test]


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
