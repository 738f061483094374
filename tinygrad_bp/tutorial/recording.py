"""What the case study records while its k networks train: a ``nn.History`` with ``models=k``.

Per epoch, each fold's ``sum_error`` (the tutorial's printed trace: the sum over the epoch's rows
of ``sum_j (expected_j - output_j)**2``, each row's outputs from its forward pass before its
update) and ``loss`` (the mean half squared error per row, half of ``sum_error / rows``); and at
evenly spaced epochs a ``Snapshot`` of every fold's network with the outputs and deltas for its
first training row, computed by the engine's own backward pass.
"""

from __future__ import annotations

import numpy as np

from ..nn.history import History, Snapshot
from ..nn.losses import half_squared_error
from ..value import Value


def snapshot_epochs(n_epoch: int, count: int) -> list[int]:
    """``count`` epochs evenly spaced from 0 (the initial weights) to ``n_epoch``, no repeats."""
    if count <= 0:
        return []
    if count == 1:
        return [n_epoch]
    return sorted({round(i * n_epoch / (count - 1)) for i in range(count)})


class Recorder:
    """Collects the history of ``train_stacked``: call ``step`` per row, ``epoch`` per epoch."""

    def __init__(self, forward, n_rows: int, n_epoch: int, snapshots: int,
                 first_rows: np.ndarray, first_targets: np.ndarray, settings: dict):
        self.forward = forward  # (weights, x, layers) -> (params, output), filling layers
        self.history = History(models=len(first_rows), settings=settings,
                               layer_names=["hidden layer", "output layer"])
        self.n_rows = n_rows
        self.at = set(snapshot_epochs(n_epoch, snapshots))
        self.rows, self.targets = first_rows, first_targets  # (k, inputs), (k, outputs)
        self.error = np.zeros(len(first_rows))

    def step(self, outputs: np.ndarray, expected: np.ndarray) -> None:
        """One row per model trained: outputs and targets (k, outputs, 1) before the update."""
        self.error += ((expected - outputs) ** 2).sum(axis=(1, 2))

    def epoch(self, done: int, weights) -> None:
        """``done`` epochs are over; ``weights()`` gives the current weights when needed."""
        if done > 0:
            self.history.sum_error.append(self.error.tolist())
            self.history.loss.append((self.error / (2 * self.n_rows)).tolist())
            self.history.epochs = done
            self.error = np.zeros_like(self.error)
        if done in self.at:
            self.history.snapshots.append(self._snapshot(done, weights()))

    def _snapshot(self, epoch: int, weights: list[np.ndarray]) -> Snapshot:
        """Every fold's network on its first training row: outputs and -dE/da per layer."""
        layers: list[tuple[Value, Value]] = []  # each layer's (activation a, output)
        _, out = self.forward(weights, Value(self.rows[..., None], requires_grad=False), layers)
        loss = half_squared_error(out, self.targets[..., None])
        loss.backward()
        outputs = [y.data[..., 0] for _, y in layers]
        deltas = [-a.grad[..., 0] for a, _ in layers]
        per_model = 0.5 * ((self.targets - outputs[-1]) ** 2).sum(axis=1)
        return Snapshot(epoch, [w.copy() for w in weights], self.rows.copy(),
                        self.targets.copy(), outputs, deltas, per_model.tolist())
