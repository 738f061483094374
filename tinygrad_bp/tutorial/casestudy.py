"""The tutorial's case study: k-fold cross-validation of a sigmoid network trained online.

The recipe is the tutorial's, step for step: seed Python's ``random``; min-max normalise every
feature over the whole data set; split the rows into k folds by its pop-from-a-copy draws;
for each fold, a fresh ``initialize_network(n_features, n_hidden, n_classes)`` trained on the
other folds (in fold order) one row at a time, then scored on the held-out fold.

What differs is only how the arithmetic is scheduled. The k networks train side by side as one
stack with a leading model axis: step t feeds row t of every fold's training rows to that
fold's own network. No fold ever sees another's rows or gradients (each network's gradient
comes from its own term of the summed loss), so every fold trains exactly as it would alone,
in 1/k of the Python steps. The weights are drawn fold after fold, as the tutorial draws them.
And since the step's graph has the same shape every time, it is recorded once and replayed
(``engine.recompute``), so each step costs numpy's arithmetic and little else.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import engine
from ..data import Dataset, accuracy, confusion_matrix, kfold_indices, minmax, normalize
from ..nn.history import History
from ..nn.losses import half_squared_error, one_hot_matrix
from ..nn.modules import MLP
from ..value import Value
from .recording import Recorder


@dataclass
class CrossValidation:
    """What a cross-validation run found: per-fold scores (percent correct) and more."""

    scores: list[float]
    classes: list[str]
    confusion: np.ndarray  # [actual, predicted] counts, summed over the held-out folds
    fold_size: int
    seconds: float = 0.0
    settings: dict = field(default_factory=dict)
    history: History | None = None  # with history=True: per-fold sum_error, loss, snapshots

    @property
    def mean(self) -> float:
        return sum(self.scores) / len(self.scores)


def cross_validate(dataset: Dataset, n_folds: int = 5, l_rate: float = 0.3, n_epoch: int = 500,
                   n_hidden: int = 5, seed: int = 1,
                   on_epoch: Callable[[int], None] | None = None, history: bool = False,
                   snapshots: int = 0) -> CrossValidation:
    """Run the tutorial's case study on ``dataset``; the defaults are the tutorial's.

    Seeds Python's global ``random`` with ``seed`` (the tutorial's numbers come from that
    stream). ``on_epoch(epoch)`` is called after each epoch, e.g. to move a progress bar.
    ``history=True`` (or ``snapshots=N``) also records ``result.history``, an ``nn.History``
    with one model per fold: each fold's ``sum_error`` and ``loss`` per epoch, and ``N``
    snapshots at evenly spaced epochs (0 to ``n_epoch``) with outputs and deltas for the
    fold's first training row. Recording changes no number of the training.
    """
    start = time.perf_counter()
    features, labels, classes = dataset
    features, labels = np.asarray(features, dtype=np.float64), np.asarray(labels, dtype=np.intp)
    random.seed(seed)
    features = normalize(features, *minmax(features))
    folds = kfold_indices(len(labels), n_folds, path=getattr(dataset, "path", None))
    n_features, n_classes = features.shape[1], len(classes)
    networks = [MLP(n_features, [n_hidden, n_classes]) for _ in folds]
    # each fold trains on the other folds' rows, in fold order
    train_rows = np.array([[i for other in folds if other is not fold for i in other]
                           for fold in folds])
    test_rows = np.array(folds)

    weights = [np.stack([net.get_weights()[i] for net in networks]) for i in range(2)]
    expected = one_hot_matrix(labels[train_rows], n_classes)
    settings = dict(n_folds=n_folds, l_rate=l_rate, n_epoch=n_epoch, n_hidden=n_hidden, seed=seed)
    recorder = None
    if history or snapshots:
        recorder = Recorder(_stacked_network, train_rows.shape[1], n_epoch, snapshots,
                            features[train_rows[:, 0]], expected[:, 0],
                            dict(settings, activations=["sigmoid", "sigmoid"],
                                 loss="half_squared_error", batch_size=1))
    weights = train_stacked(weights, features[train_rows], expected, l_rate, n_epoch, on_epoch,
                            recorder)
    predicted = predict_stacked(weights, features[test_rows])

    actual = labels[test_rows]
    scores = [accuracy(a, p) for a, p in zip(actual, predicted)]
    confusion = sum(confusion_matrix(a, p, n_classes) for a, p in zip(actual, predicted))
    return CrossValidation(scores, list(classes), confusion, len(folds[0]),
                           time.perf_counter() - start, settings,
                           recorder.history if recorder else None)


def _stacked_network(weights: list[np.ndarray], x: Value,
                     layers: list | None = None) -> tuple[list[Value], Value]:
    """Parameters and output of k sigmoid networks applied to columns ``x`` (k, inputs, n).

    ``weights[i]`` is layer i of every network, shape (k, neurons, inputs + 1), bias last.
    ``layers``, if given, receives each layer's (activation, output) Values.
    """
    params, out = [], x
    for w in weights:
        W, b = Value(w[..., :-1]), Value(w[..., -1:])
        params += [W, b]
        a = W @ out + b
        out = a.sigmoid()
        if layers is not None:
            layers.append((a, out))
    return params, out


def train_stacked(weights: list[np.ndarray], rows: np.ndarray, expected: np.ndarray,
                  l_rate: float, n_epoch: int, on_epoch: Callable[[int], None] | None = None,
                  recorder: Recorder | None = None) -> list[np.ndarray]:
    """Online gradient descent on k networks at once; returns their trained weights.

    ``rows`` is (k, n, features) and ``expected`` (k, n, outputs): network m sees rows[m] in
    order, one update per row, for ``n_epoch`` passes, minimising 1/2 * sum((e - o)^2).
    A ``recorder`` (see ``recording``) sees every step's outputs and the weights per epoch.
    """
    # step t's inputs and targets for all k networks, each row as a column vector
    steps = list(zip(np.swapaxes(rows, 0, 1)[..., None], np.swapaxes(expected, 0, 1)[..., None]))
    x = Value(steps[0][0], requires_grad=False)
    e = Value(steps[0][1], requires_grad=False)
    params, out = _stacked_network(weights, x)
    loss = half_squared_error(out, e)
    order = engine.topological_order(loss, leaves=False)

    def current() -> list[np.ndarray]:
        return [np.concatenate([W.data, b.data], axis=-1)
                for W, b in zip(params[::2], params[1::2])]

    if recorder is not None:
        recorder.epoch(0, current)
    for epoch in range(n_epoch):
        for inputs, targets in steps:
            x.data, e.data = inputs, targets
            engine.recompute(order)
            if recorder is not None:
                recorder.step(out.data, targets)
            for p in params:
                p._grad = None
            engine.backward(loss, order)
            for p in params:
                p.data -= l_rate * p._grad
        if recorder is not None:
            recorder.epoch(epoch + 1, current)
        if on_epoch is not None:
            on_epoch(epoch)
    return current()


def predict_stacked(weights: list[np.ndarray], rows: np.ndarray) -> np.ndarray:
    """Class predictions (k, n) of k networks for their rows (k, n, features): largest output."""
    with engine.no_grad():
        _, out = _stacked_network(weights, Value(np.swapaxes(rows, 1, 2)))
    return np.argmax(out.data, axis=1)
