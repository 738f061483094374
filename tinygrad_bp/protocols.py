"""How a Value answers Python's and numpy's protocols: a one-element Value acts as its number.

``float()``, ``int()``, ``round()``, ``format()`` and ``bool()`` answer for the one number a
Value holds (shape (1,) and (1, 1) included, which numpy 2 refuses for arrays) and refuse a
Value of several numbers, as numpy does; ``np.asarray(value)`` gives its data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .grad_mode import differentiating


class NumberProtocols:
    """The protocol methods of ``Value``, read from its ``_data``."""

    __slots__ = ()
    _data: Any  # a float or a float64 array: the Value's own slot

    def item(self) -> float:
        """The single number this Value holds."""
        return self._one("item()")

    def _one(self, what: str) -> float:
        data = self._data
        if type(data) is float:
            return data
        if data.size != 1:
            raise ValueError(f"{what} needs a Value holding one element, not shape {data.shape}")
        return float(data.reshape(()))

    def __float__(self) -> float:
        return self._one("float()")

    def __int__(self) -> int:
        return int(self._one("int()"))

    def __round__(self, ndigits: int | None = None):
        return round(self._one("round()"), ndigits)

    def __bool__(self) -> bool:
        if np.size(self._data) != 1:
            raise ValueError(f"the truth value of a Value of shape {np.shape(self._data)} is "
                             "ambiguous (as for a numpy array): use .data.any() or .data.all()")
        return bool(self._one("bool()"))

    def __format__(self, spec: str) -> str:
        if np.size(self._data) == 1:
            return format(self._one("format()"), spec)
        if spec:
            raise TypeError(f"format spec {spec!r} needs a Value holding one element, not shape "
                            f"{np.shape(self._data)}; format the numbers in .data instead")
        return str(self)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        if differentiating.get():
            raise TypeError("a rule converted a Value to a numpy array, which would cut the "
                            "graph of a gradient of a gradient")
        return np.array(self._data, dtype=dtype) if copy else np.asarray(self._data, dtype)
