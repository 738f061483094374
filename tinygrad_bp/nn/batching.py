"""Inputs and targets as ``nn.train`` reads them: checked, encoded, and cut into steps.

Targets are class indices (one per row: classification) or arrays (one row of target values
per input row: regression). For a loss that takes class indices (``cross_entropy``,
``cross_entropy_with_logits``) they go to the loss as indices; for every other loss as one-hot
rows, the tutorial's ``expected``.

A model with ``models=k`` reads each network's inputs as columns (see ``MLP``): its data are
``(k, rows, features)`` and ``(k, rows)`` or ``(k, rows, outputs)``, and a step hands the model
``(k, features, n)`` and the loss ``(k, outputs, n)``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..engine import no_grad
from ..operands import first_non_finite
from ..value import Value
from . import losses

INDEX_LOSSES = ("cross_entropy", "cross_entropy_with_logits")
"""The losses (by name in ``nn.losses``) that get class indices instead of one-hot rows."""


def takes_indices(loss) -> bool:
    return any(loss is getattr(losses, name, None) for name in INDEX_LOSSES)


@dataclass
class Examples:
    """One data set, checked: ``inputs``, what the loss gets, and the labels if classifying."""

    inputs: np.ndarray            # (rows, features), or (k, rows, features) for k models
    targets: np.ndarray           # for the loss: one-hot rows, class indices, or target rows
    expected: np.ndarray          # for sum_error: (..., rows, outputs), one-hot for classes
    labels: np.ndarray | None     # class indices (..., rows), or None for regression
    models: int | None

    @property
    def rows(self) -> int:
        return self.inputs.shape[-2]

    def step(self, rows: int | slice | np.ndarray) -> tuple[np.ndarray, np.ndarray | int]:
        """The model's input and the loss's target for ``rows``: an int is one row as the
        tutorial feeds it (a 1-d row), a slice or an index array a batch of rows."""
        if self.models is not None:  # columns: (k, features, n) and (k, outputs, n)
            if isinstance(rows, (int, np.integer)):
                rows = slice(rows, rows + 1)
            x, t = self.columns
            return x[:, :, rows], t[:, :, rows]
        t = self.targets[rows]
        return self.inputs[rows], int(t) if np.ndim(t) == 0 else t

    @cached_property
    def columns(self) -> tuple[np.ndarray, np.ndarray]:
        """For k models: inputs and targets with each row as a column, (k, width, rows)."""
        return np.swapaxes(self.inputs, 1, 2), np.swapaxes(self.targets, 1, 2)


def examples(model, inputs, targets, loss, what: str = "", copy: bool = False) -> Examples:
    """``inputs`` and ``targets`` checked against ``model`` and each other, and encoded; read
    where they are when they are float64 arrays, unless ``copy``."""
    names = (f"{what}inputs", f"{what}targets")
    models = getattr(model, "models", None)
    x = _numbers(inputs, names[0], copy)
    ndim = 2 if models is None else 3
    if x.ndim == ndim and 0 in x.shape[-2:]:
        empty = "rows" if x.shape[-2] == 0 else "features"
        raise ValueError(f"nn.train: {names[0]} has no {empty} (shape {x.shape}): give at "
                         f"least one row of at least one feature")
    if x.ndim != ndim or 0 in x.shape:
        form = "(rows, features)" if models is None else f"({models}, rows, features)"
        raise ValueError(f"nn.train: {names[0]} must be {form}, one row of features per "
                         f"example, not shape {x.shape}")
    if models is not None and x.shape[0] != models:
        raise ValueError(f"nn.train: {names[0]} has shape {x.shape}, but the model holds "
                         f"{models} networks: give shape ({models}, rows, features)")
    n_inputs = getattr(model, "n_inputs", None)
    if n_inputs is not None and x.shape[-1] != n_inputs:
        raise ValueError(f"nn.train: {names[0]} rows have {x.shape[-1]} features, the model "
                         f"takes {n_inputs} inputs")
    if np.asarray(targets).dtype == np.bool_:  # True/False would read as classes 1 and 0
        raise ValueError(f"nn.train: {names[1]} are True/False; give class indices (0, 1) or "
                         "target values as numbers")
    t = _numbers(targets, names[1], copy)
    if t.shape[:ndim - 1] != x.shape[:-1]:
        raise ValueError(f"nn.train: {names[1]} of shape {t.shape} do not match {names[0]} "
                         f"of shape {x.shape}: give one target per row")
    n_outputs = _n_outputs(model, x)
    if t.ndim == ndim - 1 and n_outputs == 1:
        t = t[..., None]  # one output: a target value per row, regression
    if t.ndim == ndim - 1:
        labels = _class_indices(t, n_outputs, names[1])
        expected = np.eye(n_outputs)[labels]
        encoded = labels if takes_indices(loss) else expected
        return Examples(x, encoded, expected, labels, models)
    if t.ndim != ndim or t.shape[-1] != n_outputs:
        raise ValueError(f"nn.train: {names[1]} of shape {t.shape} do not fit a model with "
                         f"{n_outputs} outputs: give a class index per row, or a row of "
                         f"{n_outputs} target values per row")
    return Examples(x, t, t, None, models)


def _numbers(data, name: str, copy: bool = False) -> np.ndarray:
    """``data`` as a float64 array (a copy with ``copy``), or a ValueError saying where it is
    not numbers."""
    if isinstance(data, Value):
        data = data.data
    try:
        array = np.asarray(data)
    except ValueError:  # rows of different lengths
        array = None
    if array is None or array.dtype.kind not in "biuf":
        hint = "; map class names to indices first (tinygrad_bp.data.load_csv does)" \
            if array is not None and array.dtype.kind in "US" else ""
        raise ValueError(f"nn.train: {name} must be numbers, in rows of equal length; "
                         f"{_first_bad(data, name)}{hint}")
    # read where it is, as a data loader would (copying a large data set costs more than an
    # epoch of training on it), unless code of the caller's runs during training (callbacks)
    array = array.astype(np.float64, copy=copy)
    bad = first_non_finite(array)
    if bad is not None:
        raise ValueError(f"nn.train: {name}{bad[0]} is {bad[1]}, not a finite number")
    return array


def _first_bad(data, name: str) -> str:
    """Where ``data`` first holds something that is not a number, or is ragged."""
    def walk(item, where):
        if isinstance(item, (numbers.Real, np.generic)) and not isinstance(item, np.str_):
            return None
        if isinstance(item, (list, tuple, np.ndarray)):
            lengths = {len(e) for e in item if isinstance(e, (list, tuple, np.ndarray))}
            if len(lengths) > 1:
                return f"{name}{where} holds rows of lengths {sorted(lengths)}"
            for i, e in enumerate(item):
                found = walk(e, f"{where}[{i}]")
                if found:
                    return found
            return None
        return f"{name}{where} is {item!r}"
    return walk(data, "") or f"could not read {name}"


def _class_indices(t: np.ndarray, n_classes: int, name: str) -> np.ndarray:
    """Targets, one per row, as class indices 0..n_classes-1, or a ValueError naming the row."""
    bad = np.argwhere((t != np.floor(t)) | (t < 0) | (t >= n_classes))
    if len(bad):
        where = bad[0].tolist()
        value = t[tuple(where)]
        shown = int(value) if value == int(value) else float(value)
        row = f"row {where[-1]}" + ("" if len(where) == 1 else f" of network {where[0]}")
        raise ValueError(f"nn.train: class label {shown!r} ({name}, {row}) is not a class "
                         f"index 0..{n_classes - 1}; map labels to indices first "
                         "(tinygrad_bp.data.load_csv does)")
    return t.astype(np.intp)


def _n_outputs(model, x: np.ndarray) -> int:
    """How many outputs the model gives: its ``n_outputs``, or a look at one row's output."""
    n = getattr(model, "n_outputs", None)
    if n is not None:
        return n
    with no_grad():
        out = model(Value(x[0], requires_grad=False))
    if not isinstance(out, Value) or out.ndim != 1:
        raise ValueError("nn.train: the model must return a Value of shape (outputs,) for a "
                         f"row; it returned {type(out).__name__} of shape {np.shape(out)}")
    return out.shape[0]
