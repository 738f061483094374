"""Min-max scaling of features, as the tutorial's case study normalises them."""

from __future__ import annotations

import numpy as np


def minmax(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's smallest and largest value, as float64 arrays ``(mins, maxs)``.

    Refuses (``ValueError`` naming the column) features that are nan or infinite, and columns
    whose ``max - min`` overflows float64, because scaling them would give nan.
    """
    x = np.asarray(features, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"minmax needs a 2-D array with at least one row, got shape {x.shape}")
    _check_finite("minmax", "features", x)
    lo, hi = x.min(axis=0), x.max(axis=0)
    _check_span("minmax", lo, hi)
    return lo, hi


def normalize(features: np.ndarray, mins: np.ndarray, maxs: np.ndarray) -> np.ndarray:
    """Min-max scaling ``(x - min) / (max - min)`` per column, as a new float64 array.

    Computed elementwise in float64, so every value is bit-identical to the tutorial's loop over
    Python floats. A constant column (``max == min``) maps to 0.0 rather than dividing by zero.
    Inputs that would give inf or nan (non-finite values, ``max - min`` or ``x - min`` beyond
    float64) are a ``ValueError`` naming the column, never a silent nan.
    """
    x = np.asarray(features, dtype=np.float64)
    lo = np.asarray(mins, dtype=np.float64)
    hi = np.asarray(maxs, dtype=np.float64)
    for what, array in (("features", x), ("mins", lo), ("maxs", hi)):
        _check_finite("normalize", what, array)
    span = _check_span("normalize", lo, hi)
    with np.errstate(over="ignore"):
        shifted = x - lo
    if not np.all(np.isfinite(shifted)):
        column = _column(~np.isfinite(shifted))
        raise ValueError(f"normalize: x - min overflows float64 in column {column}: a value "
                         "lies too far from the column's min (scale the column down first)")
    out = np.zeros(np.broadcast_shapes(x.shape, span.shape), dtype=np.float64)
    np.divide(shifted, span, out=out, where=span != 0)
    return out


def _column(bad: np.ndarray) -> int:
    """The first column (counting from 1, as load_csv's messages do) where ``bad`` holds."""
    return int(np.argwhere(np.atleast_1d(bad))[0][-1]) + 1


def _check_finite(function: str, what: str, array: np.ndarray) -> None:
    if not np.all(np.isfinite(array)):
        column = _column(~np.isfinite(array))
        raise ValueError(f"{function}: {what} hold nan or inf (column {column}); "
                         "min-max scaling needs finite numbers")


def _check_span(function: str, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``hi - lo``, refused where it overflows float64 (e.g. 1e308 - -1e308)."""
    with np.errstate(over="ignore"):
        span = hi - lo
    if not np.all(np.isfinite(span)):
        column = _column(~np.isfinite(span))
        raise ValueError(f"{function}: max - min overflows float64 in column {column} (values "
                         "too far apart), so the scaled values would be nan; scale the column "
                         "down first")
    return span
