"""Splitting rows for evaluation, as the tutorial's case study does.

Splits work on row indices, not rows, so one set of features and labels serves every fold.
"""

from __future__ import annotations

import random
from types import ModuleType

from ..errors import DataError

__all__ = ["kfold_indices", "train_test_split"]


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
    folds: list[list[int]] = []
    for _ in range(n_folds):
        fold: list[int] = []
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
