"""``nn.train``: the training loop, the one place where the project trains a network.

Each step is what a PyTorch user writes by hand: the model's forward pass on the step's rows,
the loss, ``optimizer.zero_grad()``, ``loss.backward()``, ``optimizer.step()``. Around it:
epochs, minibatches, shuffling, validation, and a ``History`` of what happened
(``tutorial.train_network``, the case study and the examples all train through here).

A step whose graph cannot differ from the last one's (an ``MLP`` without softmax, under a
loss of ``nn.losses``) is not built again: the first one's graph is recorded (``tg.trace``)
and replayed on the new rows, which gives the same numbers for less bookkeeping; under plain
SGD a small network's whole epoch runs as one generated function (``Trace.compile``; see
``nn.steps``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable

import numpy as np

from .. import engine
from ..value import Value
from . import arguments, losses, records, steps
from .batching import Examples, examples
from .history import History
from .losses import half_squared_error
from .module import Module
from .optim import Optimizer


def train(model: Module, inputs, targets, *, loss: Callable = half_squared_error,
          optimizer: Optimizer | None = None, lr: float = 0.1, epochs: int = 10,
          batch_size: int | None = 1, validation: tuple | None = None, shuffle: bool = False,
          rng=None, snapshots: int = 0, progress: bool = False,
          callbacks: Iterable[Callable] | Callable = (), compile: str | bool = "auto") -> History:
    """Train ``model`` on ``inputs`` and ``targets``; returns the ``History`` of the epochs.

    - ``inputs``: rows of features, ``(rows, features)``. ``targets``: a class index per row
      (classification; accuracy is recorded) or a row of target values per row (regression;
      with one output, a number per row is its target value).
    - ``loss(output, target)``: ``half_squared_error`` (the tutorial's) by default. Class
      indices reach it as one-hot rows, or as indices for ``cross_entropy`` and
      ``cross_entropy_with_logits``. The default *sums* over a batch's rows, as the tutorial's
      error does, so its steps grow with ``batch_size``; ``mean_squared_error`` and the
      cross-entropies average over rows. A cross-entropy whose model's output layer makes
      what it does not read (``cross_entropy_with_logits`` after a relu output, say: ``MLP``'s
      output layer takes the hidden activation unless told) gives a ``UserWarning``.
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
      Float64 ``inputs`` and ``targets`` are read where they are, not copied, so leave them
      alone while training runs; with callbacks, which might change them, training reads a
      copy taken at the start.
    - ``compile``: how a replayed step may run under plain SGD (no momentum): "auto" (or
      True) as generated Python when the network is small enough to unroll, "numba" as
      machine code (``pip install 'tinygrad_bp[fast]'``), False never (numpy's arithmetic).
      Compiled, a network of scalars (neuron granularity) trains to the engine's very bits,
      arrays to rounding (numpy adds a matrix product's terms in its own order).
      ``history.settings["step"]`` says how the steps ran.

    An epoch whose loss is inf or nan (the training diverged: too large an ``lr``, usually)
    gives one ``RuntimeWarning`` naming it; the training runs on, as PyTorch's would.

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
    mismatch = arguments.output_mismatch(model, loss)
    if mismatch:
        warnings.warn(mismatch, UserWarning, stacklevel=2)
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
    data = examples(model, inputs, targets, loss, copy=bool(callbacks))
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
    step = steps.Step(model, loss, optimizer, params, compile, groups)
    at = records.snapshot_epochs(snapshots, epochs)
    if 0 in at:
        history.snapshots.append(records.snapshot(model, loss, data, params, 0))
    bar = _bar(epochs) if progress else None
    finite = True  # until the loss is not: then a warning, once
    try:
        for epoch in range(epochs):
            # numpy's overflow warnings from the records would repeat what _diverged says once
            with np.errstate(over="ignore", invalid="ignore"):
                _epoch(step, data, permutation, size, groups, history,
                       last=epoch == epochs - 1 or bool(callbacks))
                if val is not None:
                    records.evaluate(model, loss, val, size, history)
            if finite and not np.isfinite(history.loss[-1]).all():
                finite = False
                warnings.warn(_diverged(history.loss[-1], epoch, optimizer), RuntimeWarning,
                              stacklevel=2)
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
    history.settings["step"] = step.how
    return history


def _epoch(step: steps.Step, data: Examples, permutation, size: int,
           groups: list[list[Value]], history: History, last: bool) -> None:
    """One pass over the rows, in order or shuffled, ``size`` rows a step: a compiled epoch
    where there is one (``last``: its last step runs through the engine), else step by step."""
    order = None if permutation is None else permutation(data.rows)
    record = records.Epoch(data, size, groups)
    if not step.epoch(data, order, size, last, record):
        final = data.rows - 1 - (data.rows - 1) % size  # the epoch's last step's first row
        for start in range(0, data.rows, size):
            rows = start if size == 1 else slice(start, start + size)
            rows = rows if order is None else order[rows]
            x, t = data.step(rows)
            step(x, data.expected[rows] if step.one_hot else t, record,
                 keep_grads=start == final)
    record.finish(history, data, order, size)


def _diverged(loss, epoch: int, optimizer: Optimizer) -> str:
    """The warning for an epoch whose loss is inf or nan (for k networks: the first such)."""
    values = np.atleast_1d(loss)
    k = int(np.flatnonzero(~np.isfinite(values))[0])
    which = "" if np.ndim(loss) == 0 else f" of network {k}"
    return (f"nn.train: the loss{which} is {values[k]} after epoch {epoch} ({optimizer!r}): "
            "training diverged, and the numbers after it are inf or nan; a smaller lr may help")


def _bar(epochs: int):
    from tqdm.auto import tqdm  # here: importing tqdm costs time that most runs do not need

    return tqdm(total=epochs, desc="nn.train", unit="epoch")
