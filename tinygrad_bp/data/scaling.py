"""Min-max scaling of features, as the tutorial's case study normalises them."""

from __future__ import annotations

import numpy as np


def minmax(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's smallest and largest value, as float64 arrays ``(mins, maxs)``."""
    x = np.asarray(features, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"minmax needs a 2-D array with at least one row, got shape {x.shape}")
    return x.min(axis=0), x.max(axis=0)


def normalize(features: np.ndarray, mins: np.ndarray, maxs: np.ndarray) -> np.ndarray:
    """Min-max scaling ``(x - min) / (max - min)`` per column, as a new float64 array.

    Computed elementwise in float64, so every value is bit-identical to the tutorial's loop over
    Python floats. A constant column (``max == min``) maps to 0.0 rather than dividing by zero.
    """
    x = np.asarray(features, dtype=np.float64)
    lo = np.asarray(mins, dtype=np.float64)
    span = np.asarray(maxs, dtype=np.float64) - lo
    out = np.zeros(np.broadcast_shapes(x.shape, span.shape), dtype=np.float64)
    np.divide(x - lo, span, out=out, where=span != 0)
    return out
