"""The axes of a line chart: a data range, its ticks and their labels, and pixels.

Linear axes get about five ticks at 1, 2, 2.5 or 5 times a power of ten, widened to whole
ticks at both ends; log axes whole decades (1, 2, 5 within a single decade). Tick labels
carry as many decimals as the step needs, or powers of ten (``10⁻⁸``) on a wide log axis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass
class Axis:
    """One axis: its data range, scale and the pixel span it maps onto."""

    lo: float
    hi: float
    log: bool
    ticks: list[float]
    start: float = 0.0  # pixel of lo
    end: float = 1.0  # pixel of hi

    def pixel(self, v: float) -> float:
        f = (math.log10(v) - math.log10(self.lo)) / (math.log10(self.hi) - math.log10(self.lo)) \
            if self.log else (v - self.lo) / (self.hi - self.lo)
        return self.start + f * (self.end - self.start)

    def label(self, v: float) -> str:
        if self.log:
            return _power_label(v, self.lo, self.hi)
        step = self.ticks[1] - self.ticks[0] if len(self.ticks) > 1 else 1.0
        decimals = next(d for d in range(12) if abs(round(step, d) - step) <= 1e-9 * step)
        return f"{round(v, decimals) + 0.0:.{decimals}f}"  # + 0.0: no "-0.0"


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_label(v: float, lo: float, hi: float) -> str:
    """Plain numbers on an axis from 0.001 to 10000, else powers of ten: ``10⁻⁸``, ``2×10⁻⁸``."""
    if 1e-3 <= lo and hi <= 1e4:
        return f"{v:g}"
    power = math.floor(math.log10(v) + 1e-9)
    lead = round(v / 10.0 ** power)
    return ("" if lead == 1 else f"{lead}×") + "10" + str(power).translate(SUPERSCRIPT)


def linear_axis(values: np.ndarray, whole: bool) -> Axis:
    """Nice ticks (1, 2 or 5 times a power of ten) covering ``values``, about five of them."""
    lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / 5
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * 0.999)
    if whole:  # whole-numbered x (epochs) gets whole-numbered ticks
        step = max(1.0, round(step)) if step >= 1 else 1.0
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    ticks = [k * step for k in range(first, last + 1)]
    return Axis(ticks[0], ticks[-1], False, ticks)


def log_axis(values: np.ndarray) -> Axis:
    """Whole decades covering ``values``; 1, 2, 5 within them when there is only one."""
    lo, hi = (float(values.min()), float(values.max())) if values.size else (1.0, 10.0)
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    if last == first:
        last += 1
    if last - first == 1:
        ticks = [m * 10.0 ** first for m in (1, 2, 5)] + [10.0 ** last]
    else:
        stride = math.ceil((last - first) / 8)
        last = first + stride * math.ceil((last - first) / stride)  # a tick at the top
        ticks = [10.0 ** k for k in range(first, last + 1, stride)]
    return Axis(10.0 ** first, 10.0 ** last, True, ticks)
