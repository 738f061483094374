"""``eps_sweep``: the central-difference error for every eps, so the choice of eps is seen.

The estimate ``(f(x + eps d) - f(x - eps d)) / (2 eps)`` of the slope ``<g, d>`` has two errors
pulling opposite ways: truncation, about ``eps^2 |f'''| / 6``, which shrinks with eps, and
round-off, about ``machine epsilon * |f| / eps``, which grows. Their sum is smallest near
``eps ~ (machine epsilon)^(1/3) ~ 1e-5`` for a smooth f of moderate size; the sweep shows the V.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..value import Value
from .line import Line

EPS = 10.0 ** (-np.arange(2, 25) / 2)
"""1e-1, 10^-1.5, ..., 1e-12: every half decade."""


@dataclass
class EpsSweep:
    """The error of central differences against autograd for each eps, and the best eps."""

    eps: np.ndarray  # from 1e-1 down to 1e-12
    errors: np.ndarray  # max over the directions of |numeric - autograd| for each eps
    slope: float  # the largest |<g, d>| over the directions, for scale

    @property
    def best_eps(self) -> float:
        """The eps with the smallest error (the largest such eps on a tie)."""
        return float(self.eps[self._best()])

    def _best(self) -> int:
        finite = np.isfinite(self.errors)
        return int(np.argmin(np.where(finite, self.errors, np.inf))) if finite.any() else 0

    def guides(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Lines ``c eps^2`` and ``c / eps`` fitted to the sweep's two sides, for the chart."""
        best = self.best_eps
        floor = max(float(self.errors[self._best()]), 1e-300) / 10
        out = {}
        for label, power, side in (("truncation ∝ eps²", 2.0, self.eps > best),
                                   ("round-off ∝ 1/eps", -1.0, self.eps < best)):
            if not side.any():
                continue
            c = float(np.median(self.errors[side] / self.eps[side] ** power))
            line = c * self.eps ** power
            keep = line >= floor
            if c > 0 and keep.sum() >= 2:
                out[label] = (self.eps[keep], line[keep])
        return out

    def plot(self, title: str = "central differences: error against eps"):
        """A log-log SVG chart of the error, with the truncation and round-off lines."""
        from ..viz.chart import line_chart  # drawing on demand: the engine layer needs no viz

        series = {"|numeric − autograd|": (self.eps, self.errors), **self.guides()}
        return line_chart(series, title=title, xlabel="eps", ylabel="error", log_x=True,
                          log_y=True, marker_x=self.best_eps)

    def __str__(self) -> str:
        best = self._best()
        lines = [(f"eps_sweep: best eps {self.best_eps:.0e}, error {self.errors[best]:.1e} "
                  f"(on slopes up to {self.slope:.2g} in size)"),
                 f"{'eps':>7}  error"]
        lines += [f"{eps:7.1e}  {error:.1e}" + ("  <- best" if i == best else "")
                  for i, (eps, error) in enumerate(zip(self.eps, self.errors))]
        return "\n".join(lines)


def eps_sweep(f: Callable[..., Value], *inputs: Value, directions: int = 3,
              seed: int = 0) -> EpsSweep:
    """The error of central differences along seeded random directions, eps 1e-1 to 1e-12.

    ``f`` takes the Values ``inputs`` and returns a Value with one element. Each direction has
    length 1 over all inputs together, so the error compares with ``gradcheck``'s per-element
    one. The inputs' data and gradients are left as found.
    """
    if directions < 1:
        raise ValueError(f"eps_sweep: needs directions >= 1, got {directions!r}")
    line = Line(f, inputs, "eps_sweep")
    errors = np.zeros(EPS.size)
    slopes = []
    for d in line.directions(directions, np.random.default_rng(seed)):
        slope = line.slope(d)
        slopes.append(abs(slope))
        numeric = np.array([(line.at(d, eps) - line.at(d, -eps)) / (2 * eps) for eps in EPS])
        errors = np.maximum(errors, np.abs(numeric - slope))
    return EpsSweep(EPS.copy(), errors, max(slopes))
