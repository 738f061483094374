"""``taylor_test``: tell a right gradient from a wrong one by how fast an error shrinks.

Along a direction ``d`` the first-order Taylor remainder ``r(h) = |f(x + h d) - f(x) - h <g, d>|``
is ``O(h^2)`` when ``g`` is the gradient, but only ``O(h)`` when it is not: halving ``h``
divides ``r`` by 4 (order ``log2(r(h) / r(h/2)) = 2``) or by 2 (order 1). The test reads the
order off a halving sequence, so no step size has to be chosen well: too large a step is the
pre-asymptotic start of the table, too small a one is the round-off floor at its end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..value import Value
from .line import Line

ROUNDOFF = 1e3 * np.finfo(np.float64).eps
"""A remainder below this times the size of the numbers subtracted is rounding, not signal."""
ASYMPTOTIC = 6  # how many of the last orders above the floor decide
RIGHT = 1.8  # a median order above this: the remainder is quadratic, the gradient right


@dataclass
class TaylorReport:
    """The remainders per step and direction, the orders they show, and the verdict ``.ok``."""

    h: np.ndarray  # the steps, halving
    remainders: np.ndarray  # shape (directions, len(h))
    floors: np.ndarray  # the round-off level of each remainder, same shape
    orders: list[float]  # per halving down to the round-off floor (NaN: every direction at it)

    @property
    def order(self) -> float:
        """The median of the last orders above the round-off floor (NaN if there are none)."""
        tail = [o for o in self.orders if not np.isnan(o)][-ASYMPTOTIC:]
        return float(np.median(tail)) if tail else float("nan")

    @property
    def ok(self) -> bool:
        """True when the remainder shrinks as h^2 (or stays at rounding level throughout)."""
        return np.isnan(self.order) or self.order > RIGHT

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if np.isnan(self.order):
            verdict = "ok: the remainder is rounding at every step (f is linear along d)"
        elif self.ok:
            verdict = (f"ok: the remainder shrinks like h^2 (order {self.order:.1f}): "
                       "the gradient is right")
        else:
            verdict = (f"WRONG: the remainder shrinks like h^{self.order:.1f}, not h^2: "
                       "the gradient is wrong")
        n = self.remainders.shape[0]
        lines = [f"taylor_test: {verdict}",
                 f"{'h':>9}  r(h) = |f(x+hd) - f(x) - h<g,d>|, {n} random directions"
                 + " " * 2 + "order"]
        for i, h in enumerate(self.h):
            cells = [f"{r:9.2e}" + ("*" if r <= floor else " ")
                     for r, floor in zip(self.remainders[:, i], self.floors[:, i])]
            known = 0 < i <= len(self.orders) and not np.isnan(self.orders[i - 1])
            order = f"{self.orders[i - 1]:5.2f}" if known else "    -"
            lines.append(f"{h:9.3g}  " + " ".join(cells) + f"  {order}")
        lines.append("* at the round-off floor, left out of the orders")
        return "\n".join(lines)


def taylor_test(f: Callable[..., Value], *inputs: Value, directions: int = 3, steps: int = 20,
                h: float = 0.5, seed: int = 0) -> TaylorReport:
    """Check ``f``'s gradient by the Taylor remainder along seeded random directions.

    ``f`` takes the Values ``inputs`` and returns a Value with one element. The step starts
    at ``h`` and halves ``steps`` times; each direction has length 1 over all inputs together.
    ``.ok`` is True when the median of the last orders above the round-off floor exceeds 1.8.
    At a kink of ``f`` (relu at exactly 0) no gradient gives order 2, so the test says wrong
    there; ``check_graph`` accepts a one-sided slope. The inputs' data and gradients are left
    as found.
    """
    if directions < 1 or steps < 2 or not h > 0:
        raise ValueError(f"taylor_test: needs directions >= 1, steps >= 2 and h > 0, got "
                         f"directions={directions!r}, steps={steps!r}, h={h!r}")
    line = Line(f, inputs, "taylor_test")
    hs = h * 0.5 ** np.arange(steps + 1)
    remainders = np.zeros((directions, hs.size))
    floors = np.zeros_like(remainders)
    for j, d in enumerate(line.directions(directions, np.random.default_rng(seed))):
        slope = line.slope(d)
        for i, step in enumerate(hs):
            moved = line.at(d, step)
            remainders[j, i] = abs(moved - line.value - step * slope)
            floors[j, i] = ROUNDOFF * max(abs(moved), abs(line.value), abs(step * slope))
    return TaylorReport(hs, remainders, floors, _orders(remainders, floors))


def _orders(remainders: np.ndarray, floors: np.ndarray) -> list[float]:
    """log2(r(h) / r(h/2)) per halving, median over the directions above the floor at both h.

    NaN where no direction is; the halvings after the last one with a value are left out.
    """
    orders = []
    signal = remainders > floors
    for i in range(remainders.shape[1] - 1):
        alive = signal[:, i] & signal[:, i + 1]
        ratios = remainders[alive, i] / remainders[alive, i + 1]
        orders.append(float(np.median(np.log2(ratios))) if alive.any() else float("nan"))
    while orders and np.isnan(orders[-1]):
        orders.pop()
    return orders
