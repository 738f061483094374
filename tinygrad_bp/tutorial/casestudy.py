"""The tutorial's case study: k-fold cross-validation of a sigmoid network trained online.

The recipe is the tutorial's, step for step: seed Python's ``random``; min-max normalise every
feature over the whole data set; split the rows into k folds by its pop-from-a-copy draws;
for each fold, a fresh ``initialize_network(n_features, n_hidden, n_classes)`` trained on the
other folds (in fold order) one row at a time, then scored on the held-out fold.

What differs is only how the arithmetic is scheduled. The k networks train side by side as one
``nn.MLP(..., models=k)``, a stack with a leading model axis, through ``nn.train``: step t
feeds row t of every fold's training rows to that fold's own network. No fold ever sees
another's rows or gradients (each network's gradient comes from its own term of the summed
loss), so every fold trains exactly as it would alone, in 1/k of the Python steps. The weights
are drawn fold after fold, as the tutorial draws them. Asked for a history, the held-out
folds are also ``nn.train``'s validation rows, so it has every fold's curves.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..data import Dataset, accuracy, confusion_matrix, kfold_indices, minmax, normalize
from ..engine import no_grad
from ..nn.history import History
from ..nn.modules import MLP
from ..nn.training import train


@dataclass
class CrossValidation:
    """What a cross-validation run found: per-fold scores (percent correct) and more."""

    scores: list[float]
    classes: list[str]
    confusion: np.ndarray  # [actual, predicted] counts, summed over the held-out folds
    fold_size: int
    seconds: float = 0.0
    settings: dict = field(default_factory=dict)
    history: History | None = None  # with history=True: nn.train's, a list per fold per epoch

    @property
    def mean(self) -> float:
        return sum(self.scores) / len(self.scores)


def cross_validate(dataset: Dataset, n_folds: int = 5, l_rate: float = 0.3, n_epoch: int = 500,
                   n_hidden: int = 5, seed: int = 1,
                   on_epoch: Callable[[int], None] | None = None, history: bool = False,
                   snapshots: int = 0, compile: str | bool = "auto") -> CrossValidation:
    """Run the tutorial's case study on ``dataset``; the defaults are the tutorial's.

    Seeds Python's global ``random`` with ``seed`` (the tutorial's numbers come from that
    stream). ``on_epoch(epoch)`` is called after each epoch, e.g. to move a progress bar.
    ``history=True`` (or ``snapshots=N``) also returns ``result.history``, the ``nn.History``
    of the training, with one model per fold: each fold's ``sum_error`` and ``loss`` per
    epoch, its held-out fold's ``val_loss`` and ``val_accuracy``, and ``N`` snapshots at
    evenly spaced epochs (0 to ``n_epoch``; at most one per epoch) with outputs and deltas for
    the fold's first training row. None of it changes a number of the training.
    ``compile`` is ``nn.train``'s: "numba" runs the epochs as machine code (the ``fast``
    extra), False replays each step's graph with numpy's arithmetic.
    """
    start = time.perf_counter()
    features, labels, classes = dataset
    features, labels = np.asarray(features, dtype=np.float64), np.asarray(labels, dtype=np.intp)
    random.seed(seed)
    features = normalize(features, *minmax(features))
    folds = kfold_indices(len(labels), n_folds, path=getattr(dataset, "path", None))
    n_features, n_classes = features.shape[1], len(classes)
    # each fold trains on the other folds' rows, in fold order
    train_rows = np.array([[i for other in folds if other is not fold for i in other]
                           for fold in folds])
    test_rows = np.array(folds)
    networks = MLP(n_features, [n_hidden, n_classes], models=len(folds))  # fold after fold
    settings = dict(n_folds=n_folds, l_rate=l_rate, n_epoch=n_epoch, n_hidden=n_hidden, seed=seed)
    recorded = history or snapshots
    trained = train(networks, features[train_rows], labels[train_rows], lr=l_rate,
                    epochs=n_epoch, snapshots=min(snapshots, n_epoch + 1),
                    validation=(features[test_rows], labels[test_rows]) if recorded else None,
                    callbacks=[] if on_epoch is None else [lambda epoch, _: on_epoch(epoch)],
                    compile=compile)
    with no_grad():  # the networks read columns: (folds, features, rows)
        outputs = networks(np.swapaxes(features[test_rows], 1, 2))
    predicted = np.argmax(outputs.data, axis=1)  # the largest output (the first, on a tie)

    actual = labels[test_rows]
    scores = [accuracy(a, p) for a, p in zip(actual, predicted)]
    confusion = np.sum([confusion_matrix(a, p, n_classes) for a, p in zip(actual, predicted)],
                       axis=0)
    trained.settings.update(settings)
    return CrossValidation(scores, list(classes), confusion, len(folds[0]),
                           time.perf_counter() - start, settings,
                           trained if recorded else None)
