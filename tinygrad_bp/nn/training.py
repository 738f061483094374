"""``nn.train``: the training loop, the one place where the project trains a network.

Each step is what a PyTorch user writes by hand: the model's forward pass on the step's rows,
the loss, ``optimizer.zero_grad()``, ``loss.backward()``, ``optimizer.step()``. Around it:
epochs, minibatches, shuffling, validation, and a ``History`` of what happened
(``tutorial.train_network``, the case study and the examples all train through here).

A step whose graph cannot differ from the last one's (an ``MLP`` at layer granularity without
softmax, under ``half_squared_error`` or ``mean_squared_error``, on a batch of the same shape)
is not built again: the first one's graph is recorded and replayed on the new rows
(``engine.recompute``), which gives the same numbers for less bookkeeping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from .. import engine
from ..value import Value
from . import arguments, losses, records
from .batching import Examples, examples, takes_indices
from .history import History
from .layers import ArrayLayer
from .losses import half_squared_error
from .module import Module
from .modules import MLP
from .optim import Optimizer

REPLAYED_LOSSES = ("half_squared_error", "mean_squared_error")


def train(model: Module, inputs, targets, *, loss: Callable = half_squared_error,
          optimizer: Optimizer | None = None, lr: float = 0.1, epochs: int = 10,
          batch_size: int | None = 1, validation: tuple | None = None, shuffle: bool = False,
          rng=None, snapshots: int = 0, progress: bool = False,
          callbacks: Iterable[Callable] | Callable = ()) -> History:
    """Train ``model`` on ``inputs`` and ``targets``; returns the ``History`` of the epochs.

    - ``inputs``: rows of features, ``(rows, features)``. ``targets``: a class index per row
      (classification; accuracy is recorded) or a row of target values per row (regression;
      with one output, a number per row is its target value).
    - ``loss(output, target)``: ``half_squared_error`` (the tutorial's) by default. Class
      indices reach it as one-hot rows, or as indices for ``cross_entropy`` and
      ``cross_entropy_with_logits``. The default *sums* over a batch's rows, as the tutorial's
      error does, so its steps grow with ``batch_size``; ``mean_squared_error`` and the
      cross-entropies average over rows.
    - ``optimizer``: ``optim.SGD(model.parameters(), lr)`` unless given (then ``lr`` is unused).
    - ``batch_size``: 1 is the tutorial's online training (one update per row, each row given
      to the model as a 1-d row), None one full batch per epoch, k minibatches of k rows (the
      last may be shorter).
    - ``shuffle``: a new order of the rows every epoch, ``rng.shuffle(order)`` of the last
      epoch's order, from ``rng`` (a seed, a ``numpy.random.Generator`` or a
      ``random.Random``; a fresh unseeded Generator if None, never a global stream unless you
      pass ``random`` or ``numpy.random`` itself). Without shuffling the rows go in order.
    - ``validation``: ``(inputs, targets)`` scored after every epoch.
    - ``snapshots``: how many ``Snapshot``s of the network to keep, at epochs evenly spaced
      from 0 (before training) to ``epochs``, both included, each rounded to the nearest
      epoch (1: the trained network only; at most ``epochs + 1``).
      Taking one runs the first training row forward and backward, so afterwards the model's
      last outputs, deltas and gradients are that row's.
    - ``progress``: a progress bar over the epochs (tqdm; in Jupyter, its widget).
    - ``callbacks``: each called as ``callback(epoch, history)`` after every epoch (``epoch``
      counts from 0, the index of its numbers in ``history``); their results are ignored.

    A model with ``models=k`` (``MLP(..., models=k)``, k networks side by side) takes
    ``inputs`` of shape ``(k, rows, features)`` and ``targets`` ``(k, rows)`` or
    ``(k, rows, outputs)``: step t feeds row t of each network's rows to that network. It
    trains under ``half_squared_error``, whose sum over the networks leaves each network's
    gradient its own; every number in the history is then a list, one per network.
    """
    arguments.check_model(model)
    if not callable(loss):
        raise TypeError(f"nn.train: loss must be a function loss(output, target), "
                        f"not {type(loss).__name__}")
    epochs = arguments.count("epochs", epochs, 1)
    batch_size = None if batch_size is None else arguments.count("batch_size", batch_size, 1)
    snapshots = arguments.count("snapshots", snapshots, 0)
    if snapshots > epochs + 1:
        raise ValueError(f"nn.train: snapshots={snapshots} is more than the {epochs + 1} "
                         f"epochs there are to take them at (0 to {epochs})")
    progress = arguments.flag("progress", progress)
    permutation = arguments.shuffler(arguments.flag("shuffle", shuffle), rng)
    callbacks = arguments.callbacks(callbacks)
    models = getattr(model, "models", None)
    if models is not None and loss is not losses.half_squared_error:
        raise ValueError(f"nn.train: a model with models={models} trains under "
                         "half_squared_error, which adds the networks' losses; train each "
                         "network of MLP.unstack() to use another loss")
    if not engine.is_grad_enabled():
        raise RuntimeError("nn.train inside no_grad(): no graph, so no gradient to train on")
    data = examples(model, inputs, targets, loss)
    val = arguments.validation(model, validation, loss, data)
    optimizer = arguments.optimizer(model, optimizer, lr)
    names, groups = records.layer_groups(model)
    size = data.rows if batch_size is None else min(batch_size, data.rows)
    history = History(models=models, layer_names=names, settings=dict(
        loss=getattr(loss, "__name__", repr(loss)), optimizer=repr(optimizer), epochs=epochs,
        batch_size=batch_size, shuffle=shuffle, rows=data.rows,
        validation_rows=0 if val is None else val.rows,
        targets="class indices" if data.labels is not None else "values"))
    layers = getattr(model, "layers", None) or []
    if layers and all(isinstance(getattr(layer, "activation", None), str) for layer in layers):
        history.settings["activations"] = [layer.activation for layer in layers]
    params = list({id(p): p for p in [*model.parameters(), *optimizer.params]}.values())
    step = _Step(model, loss, optimizer, params)
    at = records.snapshot_epochs(snapshots, epochs)
    if 0 in at:
        history.snapshots.append(records.snapshot(model, loss, data, params, 0))
    bar = _bar(epochs) if progress else None
    try:
        for epoch in range(epochs):
            _epoch(step, data, permutation, size, groups, history)
            if val is not None:
                records.evaluate(model, loss, val, size, history)
            history.epochs = epoch + 1
            if epoch + 1 in at:
                history.snapshots.append(records.snapshot(model, loss, data, params, epoch + 1))
            if bar is not None:
                bar.set_postfix(loss=f"{np.mean(history.loss[-1]):.4g}", refresh=False)
                bar.update(1)
            for callback in callbacks:
                callback(epoch, history)
    finally:
        if bar is not None:
            bar.close()
    return history


def _epoch(step: _Step, data: Examples, permutation, size: int, groups: list[list[Value]],
           history: History) -> None:
    """One pass over the rows, in order or shuffled, ``size`` rows a step."""
    order = None if permutation is None else permutation(data.rows)
    record = records.Epoch(data, size, groups)
    for start in range(0, data.rows, size):
        rows = start if size == 1 else slice(start, start + size)
        out, value = step(*data.step(rows if order is None else order[rows]))
        record.add(out, value)
    record.finish(history, data, order, size)


class _Step:
    """One step of training; replays the first step's graph when no other graph could come."""

    def __init__(self, model, loss, optimizer: Optimizer, params: list[Value]):
        self.model, self.loss, self.optimizer, self.params = model, loss, optimizer, params
        self.replay = (type(model) is MLP and model.granularity == "layer"
                       and all(type(layer) is ArrayLayer and layer.activation != "softmax"
                               for layer in model.layers)
                       and any(loss is getattr(losses, n) for n in REPLAYED_LOSSES))
        self.recorded: tuple | None = None  # (input's shape, x leaf, target leaf, out, loss, order)
        self.reached = False  # whether a gradient has reached a parameter yet

    def __call__(self, x: np.ndarray, t) -> tuple[Value, float]:
        recorded = self.recorded
        if recorded is not None and recorded[0] == x.shape:
            _, x_leaf, t_leaf, out, value, order = recorded
            x_leaf.data, t_leaf.data = x, t
            engine.recompute(order)
        else:
            x_leaf = Value(x, requires_grad=False)
            t_leaf = t if takes_indices(self.loss) else Value(t, requires_grad=False)
            out = self.model(x_leaf)
            value = self.loss(out, t_leaf)
            arguments.check_loss(value)
            order = engine.topological_order(value, leaves=False)
            if self.replay and recorded is None and self._replayable(order, x_leaf, t_leaf):
                self.recorded = (x.shape, x_leaf, t_leaf, out, value, order)
        for p in self.params:  # zero_grad, without a call: this loop runs every step
            p._grad = None
        engine.backward(value, order)
        if not self.reached:  # once: a loss that no parameter takes part in trains nothing
            self.reached = any(p._grad is not None for p in self.params)
            if not self.reached:
                raise ValueError("nn.train: the loss does not depend on the model's "
                                 "parameters (no gradient reached them), so there is nothing "
                                 "to train")
        self.optimizer.step()
        data = value.data
        return out, data if type(data) is float else value.item()

    def _replayable(self, order: list, x_leaf: Value, t_leaf: Value) -> bool:
        """True when the graph reads nothing but the parameters, the step's rows and targets,
        and numbers (so new rows in those two leaves are all a new step would change)."""
        known = {id(p) for p in self.params} | {id(x_leaf), id(t_leaf)}
        leaves = {id(p): p for node in order for p in node._parents if p._op is None}
        return id(x_leaf) in leaves and id(t_leaf) in leaves and all(
            i in known or (type(p.data) is float and not p.requires_grad)
            for i, p in leaves.items())


def _bar(epochs: int):
    from tqdm.auto import tqdm  # here: importing tqdm costs time that most runs do not need

    return tqdm(total=epochs, desc="nn.train", unit="epoch")
