"""The tutorial's evaluation by its names: k folds, accuracy, and the algorithm it evaluates.

``evaluate_algorithm(dataset, back_propagation, n_folds, l_rate, n_epoch, n_hidden)`` is the
tutorial's case study written with its own functions, on its lists of rows: the folds are
``tinygrad_bp.data``'s split (the tutorial's pop-from-a-copy draws from Python's global
``random``), the score is ``data.accuracy``, and ``back_propagation`` trains a fresh
``initialize_network`` with ``train_network``. After ``random.seed(1)`` and the tutorial's
normalisation of the wheat seeds data it gives the tutorial's scores. ``cross_validate`` (in
``casestudy``) computes the same numbers faster, on arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..data import accuracy, kfold_indices
from .functions import initialize_network, predict, train_network
from .rows import check_row

__all__ = ["accuracy_metric", "back_propagation", "cross_validation_split", "evaluate_algorithm"]


def cross_validation_split(dataset: Sequence[list], n_folds: int) -> list[list[list]]:
    """``n_folds`` folds of ``int(len(dataset) / n_folds)`` rows each; the rest is left out.

    Rows are drawn as the tutorial draws them, popping ``random.randrange(len(remaining))`` from
    a copy, on Python's global ``random``; the folds hold the dataset's own row lists.
    """
    return [[dataset[i] for i in fold] for fold in kfold_indices(len(dataset), n_folds)]


def accuracy_metric(actual: Sequence[int], predicted: Sequence[int]) -> float:
    """Percent of predictions equal to the actual labels, ``correct / len(actual) * 100.0``."""
    return accuracy(actual, predicted)


def evaluate_algorithm(dataset: Sequence[list], algorithm: Callable[..., list[int]],
                       n_folds: int, *args: Any) -> list[float]:
    """k-fold cross-validation of ``algorithm(train, test, *args)``: one score per fold.

    For each fold in turn the other folds, concatenated in fold order, are the training rows,
    and a copy of the fold with every class label set to None is the test set, so the
    algorithm cannot read the answers.
    """
    folds = cross_validation_split(dataset, n_folds)
    scores = []
    for k, fold in enumerate(folds):
        train_set = [row for j, other in enumerate(folds) if j != k for row in other]
        test_set = [[*row[:-1], None] for row in fold]
        predicted = algorithm(train_set, test_set, *args)
        scores.append(accuracy_metric([row[-1] for row in fold], predicted))
    return scores


def back_propagation(train: Sequence[list], test: Sequence[list], l_rate: float, n_epoch: int,
                     n_hidden: int) -> list[int]:
    """Train a fresh tutorial network on ``train``; return its prediction for every test row.

    The network has ``len(train[0]) - 1`` inputs, ``n_hidden`` hidden neurons and one output per
    class seen in ``train`` (classes are indices 0, 1, ..., as ``str_column_to_int`` makes
    them); its weights are drawn from Python's global ``random``, as the tutorial draws them.
    """
    if not train:
        raise ValueError("back_propagation: the training set has no rows")
    n_inputs = len(train[0]) - 1
    n_outputs = len({row[-1] for row in train})
    for i, row in enumerate(test):
        check_row(row, n_inputs, "back_propagation", f"test[{i}]")
    network = initialize_network(n_inputs, n_hidden, n_outputs)
    train_network(network, train, l_rate, n_epoch, n_outputs)
    return [predict(network, row) for row in test]
