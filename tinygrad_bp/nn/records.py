"""What ``nn.train`` records: each epoch's numbers, the validation scores, the snapshots.

Every number comes from what the steps computed anyway (the outputs of each step's forward
pass, before its update, and its gradients); validation and snapshots run the model again,
without an update.
"""

from __future__ import annotations

import numpy as np

from .. import engine
from ..value import Value, zero_grad
from .batching import Examples, takes_indices
from .history import History, Snapshot
from .layers import Layer
from .module import Module
from .modules import MLP

GRADIENT_SAMPLES = 32
"""At most this many steps an epoch have their gradients measured for ``grad_norm`` (evenly
spaced, from the first): measuring every step slows a small network's training by ~6%."""


class Epoch:
    """One epoch's outputs (in training order), losses and gradient sizes, as they come."""

    def __init__(self, data: Examples, size: int, groups: list[list[Value]]):
        self.outputs: list[np.ndarray] = []
        self.values: list[float] = []  # each step's loss: k networks' come from the outputs
        self.done = 0  # steps added
        self.models = data.models
        self.groups = groups
        self.steps = steps = -(-data.rows // size)
        self.every = -(-steps // GRADIENT_SAMPLES)  # measure every n-th step's gradient
        # each parameter's squared gradient norm (each network's, for k), added up
        self.params = [p for params in groups for p in params]
        self.squares: list = [0.0 if self.models is None else np.zeros(self.models)
                              for _ in self.params]
        self.measured = 0

    def add(self, out: Value, value: float) -> None:
        o = out.data
        # the next step's updates are in place: a view of a parameter would change under us
        self.outputs.append(o.copy() if type(o) is np.ndarray and o.base is not None else o)
        if self.done % self.every == 0:
            for i, p in enumerate(self.params):
                g = p._grad
                if g is not None:
                    self.squares[i] += _squared_norm(g, self.models)
            self.measured += 1
        self.values.append(value)
        self.done += 1

    def sampled(self) -> range:
        """The steps whose gradients are measured, counted from the epoch's first."""
        return range(0, self.steps, self.every)

    def add_steps(self, outputs: np.ndarray, values: np.ndarray | None, gradients: np.ndarray,
                  params: list[Value]) -> None:
        """Steps a compiled epoch ran: their outputs and losses (None for k networks), step
        first, and the gradients (one row per step of ``sampled``, every parameter's elements
        in a row, in the order of ``params``)."""
        if self.models is None:
            self.outputs.append(outputs.reshape(-1, outputs.shape[-1]))
        else:  # (steps, k, outputs, size) to the columns add collects, (k, outputs, rows)
            self.outputs.append(np.moveaxis(outputs, 0, 2).reshape(outputs.shape[1:3] + (-1,)))
        if values is not None:
            self.values.extend(values.tolist())
        self.done += len(outputs)
        if len(gradients):
            at, where = 0, {id(p): i for i, p in enumerate(self.params)}
            for p in params:
                size = int(np.size(p.data))
                if id(p) in where:
                    block = gradients[:, at:at + size]
                    self.squares[where[id(p)]] += (
                        float(np.sum(block * block)) if self.models is None else
                        np.square(block.reshape(len(block), self.models, -1)).sum(axis=(0, 2)))
                at += size
            self.measured += len(gradients)

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
        errors = row_errors(outputs, expected)
        history.sum_error.append(listed(np.cumsum(errors, axis=-1)[..., -1]))
        if self.models is None:
            history.loss.append(row_weighted(self.values, data.rows, size))
        else:
            history.loss.append(listed(row_weighted(step_losses(errors, size), data.rows,
                                                      size)))
        if labels is not None:
            history.accuracy.append(listed(accuracy(outputs, labels)))
        history.grad_norm.append(self.grad_norms())

    def grad_norms(self) -> list:
        """Per layer (per network, for k): sqrt of the mean over measured steps of |g|^2."""
        squares = iter(self.squares)
        totals = np.array([sum(next(squares) for _ in params) for params in self.groups],
                          dtype=np.float64)
        norms = np.sqrt(totals / self.measured)
        return norms.tolist() if self.models is None else norms.T.tolist()


def _squared_norm(g, models: int | None):
    """``|g|^2``, one pass over g (numpy's dot); per network for k networks side by side."""
    if type(g) is float:
        return g * g
    if models is None:
        r = g.ravel(order="K")  # a view of a contiguous gradient, C or F
        return float(np.dot(r, r))
    r = np.reshape(g, (models, -1))
    return np.einsum("mi,mi->m", r, r)


def row_weighted(values, rows: int, size: int):
    """The mean of per-step values (on the last axis), each step weighted by its rows: for a
    loss that averages over rows, the mean over rows, however short the last step."""
    counts = np.full(-(-rows // size), size)
    counts[-1] = rows - size * (len(counts) - 1)
    if isinstance(values, list):  # floats, added in step order
        return sum(v * c for v, c in zip(values, counts.tolist())) / rows
    return np.sum(values * counts, axis=-1) / rows


def row_errors(outputs: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Each row's ``sum_j (expected_j - output_j)**2``, added in the tutorial's order
    (cumsum adds one term after another, where sum would add in pairs)."""
    return np.cumsum((expected - outputs) ** 2, axis=-1)[..., -1]


def step_losses(errors: np.ndarray, size: int) -> np.ndarray:
    """half_squared_error of each step of ``size`` rows, from the rows' squared errors."""
    return 0.5 * np.add.reduceat(errors, np.arange(0, errors.shape[-1], size), axis=-1)


def accuracy(outputs: np.ndarray, labels: np.ndarray):
    """Percent of rows whose largest output is at their label (the tutorial's formula)."""
    correct = np.sum(np.argmax(outputs, axis=-1) == labels, axis=-1)
    return correct / float(labels.shape[-1]) * 100.0


def listed(x):
    """A float, or a list of floats for k models."""
    return float(x) if np.ndim(x) == 0 else np.asarray(x, dtype=np.float64).tolist()


def evaluate(model, loss, val: Examples, size: int, history: History) -> None:
    """Validation loss and accuracy after an epoch, in steps of ``size`` rows, without a graph."""
    with engine.no_grad():
        if isinstance(model, MLP) and model.granularity == "layer":  # batches: one call
            outputs = as_rows(model(val.step(slice(None))[0]).data, val.models)
        else:
            outputs = np.concatenate([
                np.reshape(model(Value(val.step(step_rows(start, size))[0], requires_grad=False))
                           .data, (-1, val.expected.shape[-1]))
                for start in range(0, val.rows, size)])
        if val.models is not None:
            per_model = step_losses(row_errors(outputs, val.expected), size)
            history.val_loss.append(listed(row_weighted(per_model, val.rows, size)))
        else:
            values = []
            for start in range(0, val.rows, size):
                rows = step_rows(start, size)
                t = val.step(rows)[1]
                target = t if takes_indices(loss) else Value(t, requires_grad=False)
                values.append(loss(Value(outputs[rows], requires_grad=False), target).item())
            history.val_loss.append(row_weighted(values, val.rows, size))
    if val.labels is not None:
        history.val_accuracy.append(listed(accuracy(outputs, val.labels)))


def step_rows(start: int, size: int) -> int | slice:
    """The rows of the step from ``start``: one row by itself, as the tutorial feeds it, or a
    slice of ``size`` rows."""
    return start if size == 1 else slice(start, start + size)


def as_rows(data: np.ndarray, models: int | None) -> np.ndarray:
    """A model's output as rows, ``(..., rows, outputs)`` (k models give columns)."""
    return data if models is None else np.swapaxes(data, 1, 2)


def snapshot(model, loss, data: Examples, params: list[Value], epoch: int) -> Snapshot:
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
        sample_loss = listed(0.5 * row_errors(as_rows(out.data, data.models)[:, 0], expected))
    if data.models is not None:  # each network's row, not the column it reads
        x = x[..., 0]
    return Snapshot(epoch, weights, np.array(x), np.array(expected), outputs, deltas,
                    sample_loss)


def snapshot_epochs(n: int, epochs: int) -> set[int]:
    """``n`` epochs evenly spaced from 0 to ``epochs``, each rounded to the nearest (distinct
    while ``n <= epochs + 1``: they lie at least one epoch apart)."""
    if n == 0:
        return set()
    if n == 1:
        return {epochs}
    return {round(j * epochs / (n - 1)) for j in range(n)}


def layer_groups(model: Module) -> tuple[list[str], list[list[Value]]]:
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
