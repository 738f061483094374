"""Loss functions: what training makes small, and the tutorial's per-epoch error metric.

Each loss takes what the model computed first and the target second, and refuses what it cannot
mean instead of guessing: shapes that differ are a ``ValueError`` naming both (PyTorch only warns
and broadcasts, which turns an output of shape (4, 1) and a target of shape (4,) into a 4 x 4
comparison), and so are labels that are not class indices and probabilities outside [0, 1].

The classification losses take their target as data: it gets no gradient, so a target that is
a Value wanting one is refused (pass plain numbers, an array, or ``target.detach()``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..ops import (BinaryCrossEntropy, BinaryCrossEntropyWithLogits, CrossEntropy,
                   CrossEntropyWithLogits, HalfSquaredError)
from ..value import Value, _as_data, apply
from .labels import class_indices, one_hot, one_hot_matrix  # the targets losses take

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "class_indices",
           "cross_entropy", "cross_entropy_with_logits", "half_squared_error",
           "mean_squared_error", "one_hot", "one_hot_matrix", "sum_squared_error"]

ROW_SUM_TOLERANCE = 1e-4
"""How far from 1 a target row of class probabilities may sum (float32 rows pass, 0.9 does not)."""


def half_squared_error(output: Value, expected) -> Value:
    """E = 1/2 * sum((expected - output)^2): the loss whose -dE/da is the tutorial's delta.

    The 1/2 cancels the 2 that differentiating the square brings down, so
    dE/doutput = -(expected - output), exactly the tutorial's error term with its sign flipped.
    One primitive op (``ops.HalfSquaredError``), so a drawing shows that term on one edge.
    ``expected`` (a Value, which then gets a gradient too, a list, an array or a number) must
    have ``output``'s shape: a number only for a one-number output; nothing is broadcast.
    """
    pair = _same_shape("half_squared_error", ("output", output), ("expected", expected))
    return apply(HalfSquaredError, *pair)


def mean_squared_error(output: Value, expected) -> Value:
    """mean((expected - output)^2), over every element.

    ``expected`` must have ``output``'s shape, as for ``half_squared_error``; to compare every
    element with one number c, pass ``np.full(output.shape, c)``.
    """
    output, expected = _same_shape("mean_squared_error", ("output", output),
                                   ("expected", expected))
    return ((expected - output) ** 2).mean()


def cross_entropy(probabilities: Value, expected) -> Value:
    """-sum(e * log(p)) over each row's classes, averaged over rows; one primitive op.

    ``probabilities`` is one row of shape (C,) or a batch of shape (N, C), each entry in
    [0, 1] (a softmax output, say). ``expected`` is either

    - rows of the same shape: one-hot, or class probabilities (each row in [0, 1], summing
      to 1), or
    - class indices: one int for a row of shape (C,), one int per row (shape (N,)) for a batch;
      whole floats such as 2.0 count, fractions, bools and indices outside 0..C-1 do not.

    A class whose target weight is 0 costs nothing, even at probability 0 (0 log 0 is 0); a
    target class at probability 0 costs inf. For scores rather than probabilities use
    ``cross_entropy_with_logits``, which stays finite.
    """
    p = _operand("cross_entropy", "probabilities", probabilities)
    rows = _target_rows("cross_entropy", "probabilities", p.shape, expected)
    _check_unit_interval("cross_entropy", "probabilities", p.data)
    return apply(CrossEntropy, p, rows)


def cross_entropy_with_logits(logits: Value, expected) -> Value:
    """-sum(e * log_softmax(z)) over each row's classes, averaged over rows: cross-entropy of
    softmax(logits), as ``torch.nn.functional.cross_entropy`` computes it (classes on the last
    axis; mean over rows).

    ``expected`` takes the forms ``cross_entropy`` takes. The log-softmax is computed stably,
    so logits of ±1000 give finite losses and gradients. One primitive op: its gradient is
    (softmax(z) - e) / N, and a drawing or a backward walk meets one node, not a dozen.
    """
    z = _operand("cross_entropy_with_logits", "logits", logits)
    rows = _target_rows("cross_entropy_with_logits", "logits", z.shape, expected)
    return apply(CrossEntropyWithLogits, z, rows)


def binary_cross_entropy(p: Value, y) -> Value:
    """mean(-(y log p + (1 - y) log(1 - p))) over every element, as torch computes it.

    ``p`` (probabilities, e.g. a sigmoid output) and ``y`` (targets, 0, 1 or in between) must
    have the same shape and hold numbers in [0, 1]. Like
    ``torch.nn.functional.binary_cross_entropy``, each log is clamped at -100, so p = 0 or 1
    gives a finite loss (100 per element when wrong), and the gradient is torch's
    (p - y) / max(p (1 - p), 1e-12) / n: finite at p = 0 and 1, 0 where p = y.
    """
    p, y = _same_shape("binary_cross_entropy", ("p", p), ("y", y), constant_target=True)
    _check_unit_interval("binary_cross_entropy", "p", p.data)
    _check_unit_interval("binary_cross_entropy", "y", y.data)
    return apply(BinaryCrossEntropy, p, y)


def binary_cross_entropy_with_logits(z: Value, y) -> Value:
    """mean(max(z, 0) - z y + log(1 + exp(-|z|))) over every element: binary cross-entropy of
    sigmoid(z), computed stably (finite at z = ±1000), as
    ``torch.nn.functional.binary_cross_entropy_with_logits`` computes it.

    ``y`` must have ``z``'s shape and hold numbers in [0, 1]; the gradient is
    (sigmoid(z) - y) / n.
    """
    z, y = _same_shape("binary_cross_entropy_with_logits", ("z", z), ("y", y),
                       constant_target=True)
    _check_unit_interval("binary_cross_entropy_with_logits", "y", y.data)
    return apply(BinaryCrossEntropyWithLogits, z, y)


def sum_squared_error(outputs: Sequence[float], expected: Sequence[float]) -> float:
    """The tutorial's per-row error metric, sum((expected - output)^2), as a plain number."""
    return sum([(e - o) ** 2 for e, o in zip(expected, outputs)])


# -- what each loss accepts ------------------------------------------------------------------

def _operand(function: str, name: str, x, constant: bool = False) -> Value:
    """``x`` as a Value: a Value as it is, anything else read as numbers into a constant."""
    if isinstance(x, Value):
        if constant and x.requires_grad:
            raise ValueError(
                f"{function}: {name} is a Value that requires a gradient, but the target is "
                f"data and gets none; pass plain numbers, an array, or {name}.detach()")
        return x
    return Value(_as_data(x, f"{function}: {name}"), requires_grad=False)


def _same_shape(function: str, computed: tuple[str, object], target: tuple[str, object],
                constant_target: bool = False) -> tuple[Value, Value]:
    """Both (name, argument) pairs as Values of one shape, or a ValueError naming both shapes."""
    (first, output), (second, expected) = computed, target
    output = _operand(function, first, output)
    expected = _operand(function, second, expected, constant=constant_target)
    if output.shape != expected.shape:
        hint = (f"to compare every element with one number c, pass np.full({output.shape}, c)"
                if expected.shape == () else
                f"reshape {second} to {output.shape}" if expected.size == output.size else
                "nothing is broadcast")
        raise ValueError(f"{function}: {first} has shape {output.shape} but {second} has shape "
                         f"{expected.shape}; the shapes must be equal ({hint})")
    return output, expected


def _check_unit_interval(function: str, name: str, data) -> None:
    """A ValueError naming the first entry of ``data`` outside [0, 1] (nan included)."""
    array = np.asarray(data)
    outside = ~((array >= 0.0) & (array <= 1.0))
    if outside.any():
        where = np.unravel_index(int(np.argmax(outside)), array.shape)
        at = f" at {tuple(int(i) for i in where)}" if array.ndim else ""
        raise ValueError(f"{function}: {name} must hold numbers in [0, 1]; it holds "
                         f"{float(array[where])!r}{at}")


def _target_rows(function: str, name: str, shape: tuple, expected) -> np.ndarray | Value:
    """The target of a cross-entropy as rows of class weights shaped like the scores.

    Class indices become one-hot rows; rows of the scores' shape must be distributions.
    """
    if len(shape) not in (1, 2) or 0 in shape:
        hint = "; for one probability per row use binary_cross_entropy" if not shape else ""
        raise ValueError(f"{function}: {name} must be one row of shape (C,) or a batch of shape "
                         f"(N, C), with at least one class and one row; got shape {shape}{hint}")
    target = None
    if isinstance(expected, Value):
        target = _operand(function, "expected", expected, constant=True)
        expected = target.data
    try:
        given = np.shape(expected)
    except ValueError:  # rows of different lengths
        given = None
    if given == shape:
        rows = _distribution_rows(function, expected)
        # a Value of rows stays the op's input: a recorded step (tg.trace) puts new rows in it
        return rows if target is None else target
    if given == shape[:-1]:  # one index for a row, one per row for a batch
        indices = class_indices(expected, shape[-1], where=function, name="expected")
        return np.eye(shape[-1])[indices]
    if len(shape) == 2 and given is not None and len(given) == 1:
        raise ValueError(f"{function}: {name} has {shape[0]} rows but expected holds "
                         f"{given[0]} class indices; give one index per row")
    index_form = "one class index (an int)" if len(shape) == 1 else \
        f"{shape[0]} class indices (shape ({shape[0]},))"
    raise ValueError(f"{function}: {name} has shape {shape}, so expected must be rows of that "
                     f"shape or {index_form}; got {_describe(expected, given)}")


def _distribution_rows(function: str, expected) -> np.ndarray:
    """Same-shaped target rows, checked to be one-hot or class probabilities."""
    rows = np.asarray(_as_data(expected, f"{function}: expected"))
    _check_unit_interval(function, "expected", rows)
    totals = rows.sum(axis=-1).reshape(-1)
    off = np.abs(totals - 1.0) > ROW_SUM_TOLERANCE
    if off.any():
        row = int(np.argmax(off))
        which = f"row {row} of expected" if rows.ndim == 2 else "expected"
        raise ValueError(f"{function}: {which} sums to {float(totals[row])!r}, not 1; a target "
                         "row is one-hot or class probabilities (for several labels per row use "
                         "binary_cross_entropy)")
    return rows


def _describe(x, shape) -> str:
    text = " ".join(repr(x).split())
    text = text if len(text) <= 40 else text[:37] + "..."
    return f"shape {shape}: {text}" if shape is not None else text
