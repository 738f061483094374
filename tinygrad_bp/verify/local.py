"""One op's derivative rule against central differences of its forward, at one node.

``check_graph`` asks, per op node and input, whether ``backward(g)`` agrees with how
``<g, forward(inputs)>`` changes when that input moves, one element at a time or along a
direction. Every call of an op's forward or backward goes through ``op_forward`` and
``op_backward`` below, the one place that knows how an op is called.
"""

from __future__ import annotations

import numpy as np

from .. import engine
from ..grad_mode import restore, silence

ROUNDING = 8 * np.finfo(np.float64).eps
"""The relative rounding a forward's outputs may carry (sums of many terms carry some)."""


def op_forward(node, inputs: list):
    """The node's op run forward on ``inputs`` (data), with the node's plain parameters."""
    token = silence()  # inf and nan are answers, as in the engine's own calls
    try:
        return node._op.forward(*inputs, *node._args)
    finally:
        restore(token)


def op_backward(node, g, out, inputs: list, name: str) -> list:
    """Each input's gradient from the node's op for upstream ``g``, shaped like that input.

    ``None`` for an input that needs no gradient (a constant): the engine never uses it. A
    rule that returns too few gradients, or one of the wrong shape, is named with its node.
    """
    token = silence()
    try:
        grads = tuple(node._op.backward(g, out, *inputs, *node._args))
    finally:
        restore(token)
    where = f"check_graph: the backward of op {node._op.name!r} at node {name}"
    if len(grads) != len(inputs):
        raise ValueError(f"{where} returned {len(grads)} gradients for {len(inputs)} inputs")
    fitted = []
    for k, (parent, grad, x) in enumerate(zip(node._parents, grads, inputs)):
        try:
            fitted.append(engine._fit(np.asarray(grad, dtype=np.float64), x)
                          if parent.requires_grad else None)
        except ValueError as error:
            raise ValueError(f"{where}, input {k}: {error}") from None
    return fitted


class Probe:
    """How ``<g, forward(inputs)>`` changes when input k moves: one element, or a direction.

    A move is an element's flat index (that element alone is stepped, in a working copy,
    so an input of 200,000 elements is not copied per step) or an array, a direction through
    every element.
    """

    def __init__(self, node, inputs, k, out, g, unit, eps):
        self.node, self.inputs, self.k, self.g = node, inputs, k, g
        self.out, self.unit, self.eps = np.asarray(out, dtype=np.float64), unit, eps
        self.abs_g = np.abs(np.asarray(g, dtype=np.float64))
        self.base = np.array(inputs[k], dtype=np.float64)
        self.work = self.base.copy()
        self.flat = self.work.reshape(-1)  # a view: writing it writes work
        self.finite = bool(np.isfinite(self.out).all())  # an inf output absorbs any step
        # the largest output term: a step too small to move it in its last bits is invisible
        # there, so its rounding bounds what the differences can resolve (y = 1e17 + x)
        terms = self.abs_g * np.abs(self.out)
        self.largest = float(np.max(terms[np.isfinite(terms)], initial=0.0))

    def scale(self, move) -> float:
        """How far to step: eps for an element up to 1 in size, eps * |x| beyond (1e35 + 1e-6
        is 1e35); a direction comes scaled already."""
        if isinstance(move, np.ndarray):
            return 1.0
        return max(1.0, abs(float(self.base.reshape(-1)[move])))

    def change(self, move, t: float) -> tuple[float, float]:
        """The change of ``<g, y>`` for a step ``t`` along ``move``, and ``sum |g| |y|`` over
        the outputs that moved, the size of their rounding."""
        if not isinstance(move, np.ndarray):
            if self.base.ndim == 0:
                return self._effect(float(self.base) + t)
            old = self.flat[move]
            self.flat[move] = old + t
            try:
                return self._effect(self.work)  # before restoring: y may be a view of work
            finally:
                self.flat[move] = old
        moved = self.base + t * move.reshape(self.base.shape)
        return self._effect(float(moved) if moved.ndim == 0 else moved)

    def _effect(self, data) -> tuple[float, float]:
        inputs = list(self.inputs)
        inputs[self.k] = data
        with np.errstate(all="ignore"):  # a step off the domain (log below 0) answers nan
            new = np.asarray(op_forward(self.node, inputs), dtype=np.float64)
            diff = new - self.out  # differences first: the unchanged outputs cancel exactly
            if not self.finite:
                diff = np.where(new == self.out, 0.0, diff)  # an inf left alone adds nothing
            moved = diff != 0
            size = float(np.sum(self.abs_g[moved] * np.abs(new[moved])))
            return float(np.sum(self.g * diff)) / self.unit, size / abs(self.unit)

    def slopes(self, move, eps: float) -> tuple[float, float, float, float]:
        """Central, right and left difference quotients along ``move`` for step ``eps`` (times
        the element's scale), and how much rounding in the forward can move the central one."""
        h = eps * self.scale(move)
        (plus, size_plus), (minus, size_minus) = self.change(move, h), self.change(move, -h)
        noise = ROUNDING * (size_plus + size_minus + 2 * self.largest / abs(self.unit)) / (2 * h)
        with np.errstate(all="ignore"):
            return (plus - minus) / (2 * h), plus / h, -minus / h, noise

    def verdict(self, move, analytic: float, atol: float, rtol: float):
        """``(excess, numeric, state)``; state is "ok", "kink", "unchecked" or "wrong".

        Where central differences disagree, two smaller steps follow (steep curvature, as in
        log near 0, needs them), then the one-sided slopes: at a kink (relu at 0) central
        differences average the two sides, and any slope between them is a fair answer.
        Where the forward is not finite on both sides at every step, or the input itself is not
        (inf plus a step is inf), nothing can be said; nor where the rule seems wrong but the
        output holds an inf, which may have absorbed the step.
        """
        moved = self.base.reshape(-1)[move != 0 if isinstance(move, np.ndarray) else move]
        if not np.isfinite(moved).all():
            return 0.0, float("nan"), "unchecked"
        first = None
        for eps in (self.eps, self.eps * 1e-2, self.eps * 1e-4):
            central, right, left, noise = slopes = self.slopes(move, eps)
            if not np.isfinite(central):
                continue
            if _excess(analytic, central, atol, rtol, noise) <= 0:
                return 0.0, central, "ok"
            first = first or slopes
        if first is None:
            return 0.0, float("nan"), "unchecked"
        central, right, left, noise = first
        tol = atol + rtol * max(abs(right), abs(left)) + 2 * noise
        if min(right, left) - tol <= analytic <= max(right, left) + tol:
            return 0.0, central, "kink" if abs(right - left) > 10 * tol else "ok"
        if not self.finite:
            return 0.0, central, "unchecked"
        return _excess(analytic, central, atol, rtol, noise), central, "wrong"


def _excess(analytic: float, numeric: float, atol: float, rtol: float, noise: float) -> float:
    """How far past the tolerance the two values are (<= 0: they agree); NaN on one side fails."""
    if analytic == numeric or (np.isnan(analytic) and np.isnan(numeric)):
        return -np.inf
    excess = abs(analytic - numeric) - (atol + rtol * abs(numeric) + noise)
    return np.inf if np.isnan(excess) else excess


def worst_element(probe: Probe, analytic, elements, atol, rtol, counts: dict):
    """The failing element with the largest excess, and its numeric slope; ``counts`` adds up
    the elements at kinks and those that could not be checked."""
    worst = None
    for flat in elements:
        excess, numeric, state = probe.verdict(int(flat), analytic[flat], atol, rtol)
        counts[state] = counts.get(state, 0) + 1
        if state == "wrong" and (worst is None or excess > worst[0]):
            worst = (excess, int(flat), numeric)
    return None if worst is None else worst[1:]


def search(probe: Probe, analytic, direction, atol, rtol):
    """A failing element outside the sample: check a random direction, then halve the support.

    The directional derivative of ``<g, y>`` along ``d`` is ``<analytic, d>`` when the rule is
    right; a wrong element shows up in every half that holds it, so halving finds it in about
    ``2 log2(size)`` forward runs.
    """
    def misfit(support):
        d = np.zeros_like(direction)
        d[support] = direction[support]
        excess, _, state = probe.verdict(d, float(analytic @ d), atol, rtol)
        return excess if state == "wrong" else 0.0

    direction = direction * np.maximum(1.0, np.abs(probe.base.reshape(-1)))  # as elements step
    support = np.arange(direction.size)
    if misfit(support) <= 0:
        return None
    while support.size > 1:
        halves = np.array_split(support, 2)
        support = max(halves, key=misfit)
    return worst_element(probe, analytic, support, atol, rtol, {})
