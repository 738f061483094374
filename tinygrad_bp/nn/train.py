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

import numbers
import random
from collections.abc import Callable, Iterable

import numpy as np

from .. import engine
from ..value import Value, zero_grad
from . import losses
from .batching import Examples, examples, takes_indices
from .history import History, Snapshot
from .layers import ArrayLayer, Layer
from .losses import half_squared_error
from .module import Module
from .modules import MLP
from .optim import SGD, Optimizer, _positive

REPLAYED_LOSSES = ("half_squared_error", "mean_squared_error")
GRADIENT_SAMPLES = 32
"""At most this many steps an epoch have their gradients measured for ``grad_norm`` (evenly
spaced, from the first): measuring every step slows a small network's training by ~6%."""


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
      ``cross_entropy_with_logits``.
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
    _check_model(model)
    if not callable(loss):
        raise TypeError(f"nn.train: loss must be a function loss(output, target), "
                        f"not {type(loss).__name__}")
    epochs = _count("epochs", epochs, 1)
    batch_size = None if batch_size is None else _count("batch_size", batch_size, 1)
    snapshots = _count("snapshots", snapshots, 0)
    if snapshots > epochs + 1:
        raise ValueError(f"nn.train: snapshots={snapshots} is more than the {epochs + 1} "
                         f"epochs there are to take them at (0 to {epochs})")
    progress = _flag("progress", progress)
    permutation = _shuffler(_flag("shuffle", shuffle), rng)
    callbacks = _callbacks(callbacks)
    models = getattr(model, "models", None)
    if models is not None and loss is not losses.half_squared_error:
        raise ValueError(f"nn.train: a model with models={models} trains under "
                         "half_squared_error, which adds the networks' losses; train each "
                         "network of MLP.unstack() to use another loss")
    if not engine.is_grad_enabled():
        raise RuntimeError("nn.train inside no_grad(): no graph, so no gradient to train on")
    data = examples(model, inputs, targets, loss)
    val = _validation(model, validation, loss, data)
    optimizer = _optimizer(model, optimizer, lr)
    names, groups = _layer_groups(model)
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
    at = _snapshot_epochs(snapshots, epochs)
    if 0 in at:
        history.snapshots.append(_snapshot(model, loss, data, params, 0))
    bar = _bar(epochs) if progress else None
    try:
        for epoch in range(epochs):
            _epoch(step, data, permutation, size, groups, history)
            if val is not None:
                _evaluate(model, loss, val, size, history)
            history.epochs = epoch + 1
            if epoch + 1 in at:
                history.snapshots.append(_snapshot(model, loss, data, params, epoch + 1))
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
    record = _Epoch(data, size, groups)
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
            _check_loss(value)
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


class _Epoch:
    """One epoch's outputs (in training order), losses and gradient sizes, as they come."""

    def __init__(self, data: Examples, size: int, groups: list[list[Value]]):
        self.outputs: list[np.ndarray] = []
        self.values: list[float] = []
        self.models = data.models
        self.groups = groups
        steps = -(-data.rows // size)
        self.every = -(-steps // GRADIENT_SAMPLES)  # measure every n-th step's gradient
        # each parameter's squared gradients, added up elementwise (summed once, at the end)
        self.params = [p for params in groups for p in params]
        self.squares = [0.0 if type(p.data) is float else np.zeros_like(p.data)
                        for p in self.params]
        self.measured = 0

    def add(self, out: Value, value: float) -> None:
        o = out.data
        # the next step's updates are in place: a view of a parameter would change under us
        self.outputs.append(o.copy() if type(o) is np.ndarray and o.base is not None else o)
        if len(self.values) % self.every == 0:
            for i, p in enumerate(self.params):
                g = p._grad
                if g is not None:
                    self.squares[i] += g * g
            self.measured += 1
        self.values.append(value)

    def finish(self, history: History, data: Examples, order, size: int) -> None:
        expected, labels = data.expected, data.labels
        if order is not None:  # the targets in the order the rows were trained
            expected = np.take(expected, order, axis=-2)
            labels = None if labels is None else np.take(labels, order, axis=-1)
        if self.models is None:
            outputs = np.concatenate([np.reshape(o, (-1, expected.shape[-1]))
                                      for o in self.outputs])
        else:  # columns (k, outputs, n) to rows (k, n, outputs)
            outputs = np.swapaxes(np.concatenate(self.outputs, axis=-1), 1, 2)
        errors = _row_errors(outputs, expected)
        history.sum_error.append(_listed(np.cumsum(errors, axis=-1)[..., -1]))
        if self.models is None:
            history.loss.append(_row_weighted(self.values, data.rows, size))
        else:
            history.loss.append(_listed(_row_weighted(_step_losses(errors, size), data.rows,
                                                      size)))
        if labels is not None:
            history.accuracy.append(_listed(_accuracy(outputs, labels)))
        history.grad_norm.append(self.grad_norms())

    def grad_norms(self) -> list:
        """Per layer (per network, for k): sqrt of the mean over measured steps of |g|^2."""
        squares = iter(self.squares)
        axes = None if self.models is None else (1, 2)
        totals = np.array([sum(np.sum(next(squares), axis=axes) for _ in params)
                           for params in self.groups], dtype=np.float64)
        norms = np.sqrt(totals / self.measured)
        return norms.tolist() if self.models is None else norms.T.tolist()


def _row_weighted(values, rows: int, size: int):
    """The mean of per-step values (on the last axis), each step weighted by its rows: for a
    loss that averages over rows, the mean over rows, however short the last step."""
    counts = np.full(-(-rows // size), size)
    counts[-1] = rows - size * (len(counts) - 1)
    if isinstance(values, list):  # floats, added in step order
        return sum(v * c for v, c in zip(values, counts.tolist())) / rows
    return np.sum(values * counts, axis=-1) / rows


def _row_errors(outputs: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Each row's ``sum_j (expected_j - output_j)**2``, added in the tutorial's order
    (cumsum adds one term after another, where sum would add in pairs)."""
    return np.cumsum((expected - outputs) ** 2, axis=-1)[..., -1]


def _step_losses(errors: np.ndarray, size: int) -> np.ndarray:
    """half_squared_error of each step of ``size`` rows, from the rows' squared errors."""
    return 0.5 * np.add.reduceat(errors, np.arange(0, errors.shape[-1], size), axis=-1)


def _accuracy(outputs: np.ndarray, labels: np.ndarray):
    """Percent of rows whose largest output is at their label (the tutorial's formula)."""
    correct = np.sum(np.argmax(outputs, axis=-1) == labels, axis=-1)
    return correct / float(labels.shape[-1]) * 100.0


def _listed(x):
    """A float, or a list of floats for k models."""
    return float(x) if np.ndim(x) == 0 else np.asarray(x, dtype=np.float64).tolist()


def _evaluate(model, loss, val: Examples, size: int, history: History) -> None:
    """Validation loss and accuracy after an epoch, in steps of ``size`` rows, without a graph."""
    with engine.no_grad():
        if isinstance(model, MLP) and model.granularity == "layer":  # batches: one call
            outputs = _rows(model(val.step(slice(None))[0]).data, val.models)
        else:
            outputs = np.concatenate([
                np.reshape(model(Value(val.step(_rows_at(start, size))[0], requires_grad=False))
                           .data, (-1, val.expected.shape[-1]))
                for start in range(0, val.rows, size)])
        if val.models is not None:
            per_model = _step_losses(_row_errors(outputs, val.expected), size)
            history.val_loss.append(_listed(_row_weighted(per_model, val.rows, size)))
        else:
            values = []
            for start in range(0, val.rows, size):
                rows = _rows_at(start, size)
                t = val.step(rows)[1]
                target = t if takes_indices(loss) else Value(t, requires_grad=False)
                values.append(loss(Value(outputs[rows], requires_grad=False), target).item())
            history.val_loss.append(_row_weighted(values, val.rows, size))
    if val.labels is not None:
        history.val_accuracy.append(_listed(_accuracy(outputs, val.labels)))


def _rows_at(start: int, size: int) -> int | slice:
    """The rows of the step from ``start``: one row by itself, as the tutorial feeds it, or a
    slice of ``size`` rows."""
    return start if size == 1 else slice(start, start + size)


def _rows(data: np.ndarray, models: int | None) -> np.ndarray:
    """A model's output as rows, ``(..., rows, outputs)`` (k models give columns)."""
    return data if models is None else np.swapaxes(data, 1, 2)


def _snapshot(model, loss, data: Examples, params: list[Value], epoch: int) -> Snapshot:
    """The network now, and its outputs and deltas for the first training row."""
    x, t = data.step(0)
    out = model(Value(x, requires_grad=False))
    value = loss(out, t if takes_indices(loss) else Value(t, requires_grad=False))
    zero_grad(params)
    value.backward()
    layers = getattr(model, "layers", None) or ([model] if isinstance(model, Layer) else [])
    if layers and all(hasattr(layer, "last_outputs") for layer in layers):
        one = (lambda a: a[:, 0]) if data.models is not None else (lambda a: a)
        outputs = [one(layer.last_outputs()) for layer in layers]
        deltas = [one(layer.last_deltas()) for layer in layers]
    else:
        outputs, deltas = [], []
    if hasattr(model, "get_weights"):
        weights = model.get_weights()
    else:
        weights = [np.array(p.data, dtype=np.float64) for p in model.parameters()]
    expected = data.expected[..., 0, :]  # a one-hot row for a class index
    if data.models is None:
        sample_loss = value.item()
    else:  # half_squared_error, network by network
        sample_loss = _listed(0.5 * _row_errors(_rows(out.data, data.models)[:, 0], expected))
    if data.models is not None:  # each network's row, not the column it reads
        x = x[..., 0]
    return Snapshot(epoch, weights, np.array(x), np.array(expected), outputs, deltas,
                    sample_loss)


def _snapshot_epochs(n: int, epochs: int) -> set[int]:
    """``n`` epochs evenly spaced from 0 to ``epochs``, each rounded to the nearest (distinct
    while ``n <= epochs + 1``: they lie at least one epoch apart)."""
    if n == 0:
        return set()
    if n == 1:
        return {epochs}
    return {round(j * epochs / (n - 1)) for j in range(n)}


def _layer_groups(model: Module) -> tuple[list[str], list[list[Value]]]:
    """What ``grad_norm`` measures: each of ``model.layers``, or else each sub-module or
    parameter set as an attribute; a Layer, or a module with neither, is one group."""
    layers = getattr(model, "layers", None)
    if isinstance(layers, (list, tuple)) and layers and all(isinstance(m, Module) for m in layers):
        if isinstance(model, MLP):
            hidden = len(layers) - 1
            names = ["hidden layer"] if hidden == 1 else \
                [f"hidden layer {i + 1}" for i in range(hidden)]
            names = names[:hidden] + ["output layer"]
        else:
            names = [f"layers.{i}" for i in range(len(layers))]
        return names, [m.parameters() for m in layers]
    children = [] if isinstance(model, Layer) else list(model.children())
    if not children:
        return [type(model).__name__], [model.parameters()]
    return ([name for name, _ in children],
            [[c] if isinstance(c, Value) else c.parameters() for _, c in children])


# --- the arguments ------------------------------------------------------------------------


def _check_model(model) -> None:
    if not isinstance(model, Module):
        raise TypeError(f"nn.train: model must be an nn.Module (an MLP, a Layer, or your own "
                        f"subclass), not {type(model).__name__}")
    if not model.parameters():
        raise ValueError(f"nn.train: the model ({type(model).__name__}) has no parameters to "
                         "train; set its Values or layers as attributes, or give it "
                         "parameters()")


def _check_loss(value) -> None:
    if not isinstance(value, Value) or value.size != 1:
        shape = value.shape if isinstance(value, Value) else type(value).__name__
        raise ValueError(f"nn.train: the loss must return a Value holding one number, not {shape}")
    if value._op is None:
        raise ValueError("nn.train: the loss does not depend on the model's parameters (its "
                         "Value has no graph), so there is nothing to train")


def _count(name: str, n, least: int) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < least:
        what = "a positive whole number" if least == 1 else "a whole number >= 0"
        raise ValueError(f"nn.train: {name} must be {what}, not {n!r}")
    return int(n)


def _flag(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"nn.train: {name} must be True or False, not {value!r}")
    return bool(value)


def _callbacks(callbacks) -> list[Callable]:
    found = [callbacks] if callable(callbacks) else callbacks
    try:
        found = list(found)
    except TypeError:
        found = None
    if found is None or not all(callable(c) for c in found):
        raise TypeError("nn.train: callbacks must be functions callback(epoch, history), "
                        f"or a list of them, not {callbacks!r}")
    return found


def _shuffler(shuffle: bool, rng) -> Callable[[int], np.ndarray] | None:
    """A function giving the rows' order for the next epoch, or None to keep them in order.

    Each epoch shuffles the last epoch's order in place, as a hand-written loop does with
    ``rng.shuffle(order)``: every epoch's order is a uniformly random permutation.
    """
    if not shuffle:
        if rng is not None:
            raise ValueError("nn.train: rng is only used to shuffle the rows; pass "
                             "shuffle=True, or leave rng out")
        return None
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        rng = np.random.default_rng(None if rng is None else int(rng))
    numpy_like = isinstance(rng, (np.random.Generator, np.random.RandomState)) or rng is np.random
    if not numpy_like and not (isinstance(rng, random.Random) or rng is random):
        raise TypeError(f"nn.train: rng must be a seed, a numpy Generator or a random.Random, "
                        f"not {type(rng).__name__}")
    orders: list = []

    def next_order(n: int) -> np.ndarray:
        if not orders:
            orders.append(np.arange(n) if numpy_like else list(range(n)))
        rng.shuffle(orders[0])
        return np.array(orders[0])

    return next_order


def _validation(model, validation, loss, data: Examples) -> Examples | None:
    if validation is None:
        return None
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise ValueError("nn.train: validation must be a pair (inputs, targets)")
    val = examples(model, validation[0], validation[1], loss, "validation ")
    if (val.labels is None) != (data.labels is None):
        raise ValueError("nn.train: validation targets must be of the training targets' kind "
                         "(class indices, or rows of target values)")
    return val


def _optimizer(model: Module, optimizer, lr) -> Optimizer:
    if optimizer is None:
        return SGD(model.parameters(), _positive("lr", lr, "nn.train"))
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"nn.train: optimizer must be an optim optimiser (SGD, Adam, ...), "
                        f"not {type(optimizer).__name__}")
    if not {id(p) for p in optimizer.params} & {id(p) for p in model.parameters()}:
        raise ValueError("nn.train: the optimizer holds none of the model's parameters; make "
                         "it with optimizer(model.parameters(), ...)")
    return optimizer


def _bar(epochs: int):
    from tqdm.auto import tqdm  # here: importing tqdm costs time that most runs do not need

    return tqdm(total=epochs, desc="nn.train", unit="epoch")
