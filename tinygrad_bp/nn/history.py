"""What ``nn.train`` records while it trains: per-epoch numbers and snapshots of the network.

Plain data, so a learner can print it, plot it or compare it with the tutorial's trace; the
pictures of it (learning curves, the training page) are drawn from these fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Snapshot:
    """The network after ``epoch`` epochs of training (``epoch == 0``: its initial weights).

    - ``weights``: one array per layer in the tutorial's layout, a row per neuron with its
      bias last (``MLP.get_weights()``); a model with ``models=k`` has a leading axis of k.
      For a module without ``layers``, a copy of each parameter's data instead.
    - ``inputs``: the sample row the outputs and deltas belong to: the first training row
      (for ``models=k``, the first row of each model, ``(k, features)``).
    - ``target``: that row's expected outputs: a one-hot row for a class index (whatever
      form the loss got it in), the target values for regression.
    - ``outputs``: one array per layer, each neuron's output for the sample row.
    - ``deltas``: one array per layer, each neuron's delta ``-dE/da`` for the sample row,
      ``E`` the training loss and ``a`` the neuron's activation (the tutorial's delta).
    - ``loss``: the loss on the sample row (for ``models=k``, a list of k numbers).

    ``outputs`` and ``deltas`` are empty for a module without ``layers``.
    """

    epoch: int
    weights: list[np.ndarray]
    inputs: np.ndarray
    target: np.ndarray
    outputs: list[np.ndarray] = field(default_factory=list)
    deltas: list[np.ndarray] = field(default_factory=list)
    loss: float | list[float] = 0.0


@dataclass(repr=False)
class History:
    """Per-epoch numbers from ``nn.train``: index ``e`` of every list is epoch ``e`` (from 0).

    For a model with ``models=k`` (k networks trained side by side), each per-epoch entry is a
    list of k entries, one per model, in model order.

    - ``epochs``: how many epochs were trained (the length of every per-epoch list).
    - ``loss``: the mean, over the epoch's steps, of the loss function's value on the step's
      rows, each computed by the step's forward pass, before its update; each step weighs as
      many rows as it has, so for a loss that averages over rows (cross-entropy, mean squared
      error) this is the mean over the epoch's rows, however short the last step.
    - ``sum_error``: the tutorial's ``sum_error``: the sum over the epoch's rows, in the order
      they were trained, of ``sum_j (expected_j - output_j)**2`` with each row's outputs from
      its step's forward pass (``expected`` one-hot for class indices). With ``batch_size=1``
      this is the tutorial's printed trace to the last bit.
    - ``val_loss``: after the epoch's last update, the loss on the validation rows taken in
      steps of ``batch_size`` rows (one step for ``batch_size=None``) and averaged as for
      ``loss``, so that the two are on one scale. Empty without ``validation``.
    - ``accuracy``: classification only (targets were class indices), else empty: the
      percentage of the epoch's rows whose largest output (the first, on a tie) is at their
      class index, outputs as for ``loss`` (during the epoch, before each row's update).
    - ``val_accuracy``: the same for the validation rows, after the epoch's last update.
      Empty without ``validation`` or for regression.
    - ``grad_norm``: one number per layer (``layer_names`` says which): the root mean
      square, over the epoch's steps, of the L2 norm of the gradient of the step's loss with
      respect to all of the layer's parameters, weights and biases together,
      ``sqrt(mean_steps(sum (dE/dw)**2 + sum (dE/db)**2))``. Numbers that shrink layer by
      layer towards the inputs are gradients vanishing on their way back. An epoch of more
      than 32 steps is measured at 32 or so of them, evenly spaced from its first (every
      ``ceil(steps / 32)``-th step): measuring every step would slow a small network's
      training by several percent.
    - ``layer_names``: what each ``grad_norm`` entry measures: an MLP's ``"hidden layer"``
      (or ``"hidden layer 1"``, ...) and ``"output layer"``; else ``model.layers`` in order,
      or for a module without them its sub-modules (attribute names) or its parameters.
    - ``snapshots``: the network at evenly spaced epochs (see ``Snapshot``), in epoch order.
    - ``models``: k for a model with ``models=k``, else None.
    - ``settings``: how training was run (loss, optimiser, batch size, rows, the layers'
      activations, ...), as text and numbers, for a picture's caption.
    """

    epochs: int = 0
    loss: list = field(default_factory=list)
    sum_error: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    layer_names: list[str] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    models: int | None = None
    settings: dict = field(default_factory=dict)

    # The pictures are viz's job. nn imports only the engine, so each method loads viz when
    # it is called (tests/test_layout.py allows exactly these imports inside functions).

    def plot(self, *, model: int | None = None, gradients: bool = False):
        """The learning curves as an SVG ``viz.Chart``: train and validation loss per epoch,
        accuracy below when classifying; ``gradients=True`` adds each layer's gradient norm.

        For ``models=k``, ``model=m`` draws model m alone, else each model gets its lines.
        Save it with ``.save("curves.svg")``; Jupyter shows it inline.
        """
        from ..viz.training import learning_curves
        return learning_curves(self, model=model, gradients=gradients)

    def _repr_svg_(self) -> str | None:
        """Jupyter shows a History as its learning curves (nothing trained: as text)."""
        return self.plot().svg if self.loss else None

    def save_page(self, directory, *, model: int | None = None):
        """Write ``directory/index.html``: the snapshots one by one, the network (weights as
        colour and width, outputs and deltas for the first training row) beside the curves
        with that epoch marked. Needs ``snapshots=N`` in training; returns the page's path.
        """
        from ..viz.training import save_training_page
        return save_training_page(self, directory, model=model)[-1]

    def __repr__(self) -> str:
        parts = [f"{self.epochs} epochs" + ("" if self.models is None else
                                            f" of {self.models} models")]
        for name in ("loss", "val_loss", "accuracy", "val_accuracy"):
            values = getattr(self, name)
            if values:
                parts.append(f"{name} {_short(values[0])} -> {_short(values[-1])}")
        if self.snapshots:
            parts.append(f"{len(self.snapshots)} snapshots")
        return f"History({', '.join(parts)})"


def _short(value) -> str:
    """A number to 4 significant digits; a list of them (one per model) in brackets."""
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return f"{value:.4g}"
