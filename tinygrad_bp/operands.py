"""What a Value can hold, and the plain arguments its methods take (axes, indices).

``as_data`` reads a number, a nested list or an array as a Value's data: a Python float for one
number, else a float64 array. ``OneNumber`` is the one-element array ``float()`` accepts.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def as_data(x, what: str = "Value()"):
    """``x`` as a Value's data: a Python float for one number, else a float64 array (a copy;
    a ``OneNumber`` when it has one element)."""
    if type(x) is float:
        return x
    if type(x) is int:
        return float(x)
    if isinstance(x, (numbers.Real, np.bool_)) and not isinstance(x, np.ndarray):
        return float(x)
    if isinstance(x, (list, tuple, np.ndarray)):
        try:
            array = np.array(x, dtype=np.float64)
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"{what} needs numbers, a nested list of numbers with rows of equal length, or "
                f"a numeric array; could not read {short(x)}: {error}"
            ) from None
        if array.ndim == 0:
            return float(array)
        return array.view(OneNumber) if array.size == 1 else array
    raise TypeError(
        f"{what} takes a number, a nested list of numbers or a numpy array, "
        f"not {type(x).__name__} {short(x)}"
    )


def first_non_finite(array: np.ndarray) -> tuple[str, float] | None:
    """Where a float64 ``array`` first holds inf or nan, as ``("[i][j]", value)``; None if
    every number is finite.

    A finite sum first: one pass and no mask (only a sum that is not finite, too large for
    floats or with an inf or nan in it, looks at each number)."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(array, axis=None)
    if np.isfinite(total) or np.isfinite(array).all():
        return None
    at = tuple(np.argwhere(~np.isfinite(array))[0])
    return "".join(f"[{i}]" for i in at), float(array[at])


def short(x) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


class OneNumber(np.ndarray):
    """A one-element float64 array that ``float()`` and ``int()`` accept, as numpy 1 did.

    numpy 2 converts only 0-d arrays, but a Value of shape (1,) or (1, 1) is one number too, and
    ``float(x.grad)`` should say so. It is a view: writing to it writes to the Value. Arithmetic
    on it gives plain arrays, so it does not spread.
    """

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __array_wrap__(self, array, context=None, return_scalar=False):
        array = array.view(np.ndarray)
        return array[()] if return_scalar else array

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))


def axis_argument(axis):
    """An axis argument in the form numpy takes: None, an int, or a tuple of ints."""
    return tuple(axis) if isinstance(axis, list) else axis


def index_argument(index: Any, value_type: Any) -> Any:
    """An index with any Values in it replaced by their data, as integer positions.

    A Value holds float64, so it can only stand for positions; a mask of True/False would read
    as positions 1 and 0, so pass a mask as a numpy bool array instead.
    """
    if isinstance(index, tuple):
        return tuple(index_argument(i, value_type) for i in index)
    if isinstance(index, value_type):
        positions = np.asarray(index._data)
        if not np.array_equal(positions, np.floor(positions)):
            raise TypeError("a Value used as an index must hold whole numbers, "
                            f"not {short(index._data)}")
        return positions.astype(np.intp)
    return index
