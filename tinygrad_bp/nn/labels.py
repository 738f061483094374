"""Class labels as the losses read them: indices 0..C-1, and one-hot rows made from them."""

from __future__ import annotations

import numpy as np


def _class_index(label, n_classes: int) -> int:
    """``label`` as an index 0..n_classes-1 (``1.0`` is 1); anything else is a clear error.

    The tutorial's own code crashes here with ``TypeError: list indices must be integers`` for
    float labels and ``IndexError`` for labels outside 0..n-1; truncating 0.7 to 0 would be worse.
    True and False are refused too: they say yes or no, not which class.
    """
    try:
        index = None if isinstance(label, (bool, np.bool_)) else int(label)
    except (TypeError, ValueError, OverflowError):
        index = None
    if index is None or index != label or not 0 <= index < n_classes:
        shown = label.item() if isinstance(label, np.generic) else label
        raise ValueError(f"class label {shown!r} is not a class index 0..{n_classes - 1}; map "
                         "labels to indices first (tinygrad_bp.data.load_csv does)")
    return index


def class_indices(labels, n_classes: int, *, where: str = "", name: str = "labels") -> np.ndarray:
    """``labels`` (one label or a sequence) as an integer array of class indices 0..n_classes-1.

    Ints and whole floats (``2.0``) are indices; fractions, nan, bools, strings and anything
    outside 0..n_classes-1 are a ``ValueError`` naming the first such label and its position
    (``name[i]``); ``where``, a function's name, starts the message.
    """
    prefix = f"{where}: " if where else ""
    try:
        array = np.asarray(labels, dtype=object if _holds_bools(labels) else None)
    except ValueError:  # rows of different lengths
        raise ValueError(f"{prefix}class labels must be one label or a flat sequence of them, "
                         f"not {labels!r:.60}") from None
    if array.dtype.kind in "iuf":  # the common case, checked without a Python loop
        good = (array >= 0) & (array < n_classes)
        if array.dtype.kind == "f":
            good &= array == np.floor(array)  # nan and inf fail here too
        if good.all():
            return array.astype(np.intp)
    for position, label in np.ndenumerate(array):
        try:
            _class_index(label, n_classes)
        except ValueError as error:
            at = f"{name}[{', '.join(map(str, position))}]: " if array.ndim else ""
            raise ValueError(f"{prefix}{at}{error}") from None
    return array.astype(np.intp)


def _holds_bools(labels) -> bool:
    """True for True/False or a sequence holding one (numpy would read them as 1 and 0)."""
    if isinstance(labels, (bool, np.bool_)):
        return True
    if isinstance(labels, np.ndarray):
        return labels.dtype == bool
    return isinstance(labels, (list, tuple)) and any(isinstance(v, (bool, np.bool_))
                                                      for v in labels)


def one_hot(label: int, n_classes: int) -> list[float]:
    """[0, ..., 1, ..., 0] with the 1 at ``label``: the tutorial's ``expected`` vector."""
    expected = [0.0] * n_classes
    expected[_class_index(label, n_classes)] = 1.0
    return expected


def one_hot_matrix(labels, n_classes: int) -> np.ndarray:
    """One one-hot row per label (labels as ``class_indices`` reads them)."""
    return np.eye(n_classes)[class_indices(labels, n_classes)]
