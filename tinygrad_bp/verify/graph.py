"""``check_graph``: test each op's derivative rule where the graph used it, and name a wrong one.

``gradcheck`` compares a whole function's gradient with central differences, so it can say which
*input* is wrong but not which *op*. ``check_graph`` walks the recorded graph instead. At every
op node it takes the inputs that node saw and an upstream gradient ``g`` drawn at random (shaped
like the output, so one check covers every output element), and compares the op's
``backward(g)`` with central differences of ``<g, forward(inputs)>`` in each input element.
Each rule is checked on its own, so one wrong op among hundreds is named directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import engine
from ..value import Value

MAX_ELEMENTS = 64
"""Per input, beyond this many elements a seeded random sample is perturbed (and said so)."""
ROUNDING = 8 * np.finfo(np.float64).eps
"""The relative rounding a forward's outputs may carry (sums of many terms carry some)."""


def _forward(node, inputs: list):
    """The node's op run forward on ``inputs`` (data), with the node's plain parameters."""
    return node._op.forward(*inputs, *node._args)


def _backward(node, g, out, inputs: list, name: str) -> list:
    """Each input's gradient from the node's op for upstream ``g``, shaped like that input.

    ``None`` for an input that needs no gradient (a constant): the engine never uses it. A
    rule that returns too few gradients, or one of the wrong shape, is named with its node.
    """
    grads = tuple(node._op.backward(g, out, *inputs, *node._args))
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


@dataclass(frozen=True)
class RuleMismatch:
    """One op node whose rule for one input disagrees with central differences."""

    node: Value  # the op node whose backward is wrong
    label: str  # its name as ``draw_graph`` shows it (its label, else op and position)
    op: str  # the op's name
    input: int  # which input of the op
    input_label: str
    element: tuple | None  # the worst element of that input (() for a scalar)
    analytic: float  # what the op's backward says
    numeric: float  # what central differences of its forward say


@dataclass
class GraphCheck:
    """What ``check_graph`` found: ``.ok``, ``.bad``, ``str()`` a table, ``.draw()`` a picture.

    ``analytic`` and ``numeric`` are, for an op with one output element, the local derivative
    ``dy/dx`` (the rule's answer divided by the random ``g`` it got); for an op with an array
    output, the element of the gradient of ``<g, y>`` for that node's random ``g``.
    """

    root: Value
    bad: list[RuleMismatch] = field(default_factory=list)
    checked: int = 0  # op nodes whose rules were tested
    elements: int = 0  # input elements perturbed, over all nodes
    sampled: list[tuple[str, int]] = field(default_factory=list)  # ("node input k", size)
    max_elements: int = MAX_ELEMENTS
    kinks: int = 0  # elements where the slope jumps and the rule gave one side's slope
    unchecked: int = 0  # elements not finite, or where the forward is not finite around them
    _checked_ids: set[int] = field(default_factory=set, init=False, repr=False)

    @property
    def ok(self) -> bool:
        """True when every rule checked agrees with central differences of its forward."""
        return not self.bad

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = (f"check_graph: {self.checked} op nodes checked, {self.elements} input "
                f"elements perturbed: ")
        wrong = len({id(b.node) for b in self.bad})
        lines = [head + ("every rule agrees with its forward" if self.ok else
                         f"{wrong} op node{'s' * (wrong != 1)} with a wrong rule")]
        if self.bad:
            rows = [("node", "op", "input", "element", "analytic", "numeric")]
            rows += [(b.label, b.op, f"{b.input} ({b.input_label})", _element(b.element),
                      f"{b.analytic:.6g}", f"{b.numeric:.6g}") for b in self.bad]
            widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
            lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                      for row in rows]
        if self.sampled:
            largest = max(size for _, size in self.sampled)
            lines.append(f"sampled: {len(self.sampled)} input{'s' * (len(self.sampled) != 1)} "
                         f"larger than {self.max_elements} elements (the largest {largest}): "
                         f"{self.max_elements} elements of each, and one random direction "
                         "through all of them")
        if self.kinks:
            lines.append(f"{self.kinks} element{'s' * (self.kinks != 1)} at a kink (left and "
                         "right slopes differ): accepted where the rule gave a slope between them")
        if self.unchecked:
            lines.append(f"{self.unchecked} element{'s' * (self.unchecked != 1)} not checked: "
                         "they, or the forward around them, are not finite (log at 0, say)")
        return "\n".join(lines)

    def draw(self, **options):
        """``draw_graph`` of the checked graph: wrong op nodes framed red, right ones green."""
        from ..viz.graph import draw_graph  # drawing on demand: the engine layer needs no viz

        wrong = {id(b.node) for b in self.bad}
        colors = {key: "#d62728" if key in wrong else "#2ca02c" for key in self._checked_ids}
        options.setdefault("title", "check_graph: red = the op's backward disagrees with its "
                                    "forward, green = agrees")
        return draw_graph(self.root, colors=colors, **options)


def _element(element: tuple | None) -> str:
    if element is None:
        return "(a direction)"
    return "-" if element == () else str(tuple(int(i) for i in element))


def check_graph(y: Value, eps: float = 1e-6, atol: float = 1e-6, rtol: float = 1e-5,
                max_elements: int = MAX_ELEMENTS, seed: int = 0) -> GraphCheck:
    """Check every op node's derivative rule in the graph of ``y`` at the inputs it saw.

    For each input that needs a gradient, each element is moved by ``±eps`` and that op's
    forward re-run; the rule passes where ``|analytic - numeric| <= atol + rtol * |numeric|``.
    Inputs with more than ``max_elements`` elements get a seeded random sample of them plus
    one random direction through all of them (a wrong element outside the sample is then
    found by halving). Nothing in the graph changes: no data, no gradient.
    """
    if not isinstance(y, Value):
        raise TypeError(f"check_graph takes the Value a graph computed, not {type(y).__name__}")
    if eps <= 0 or max_elements < 1:
        raise ValueError(f"check_graph: eps must be > 0 and max_elements >= 1, "
                         f"got eps={eps!r}, max_elements={max_elements!r}")
    rng = np.random.default_rng(seed)
    order = engine.topological_order(y)
    names = _names(order)
    report = GraphCheck(y, max_elements=max_elements)
    for node in order:
        if node._op is not None and any(p.requires_grad for p in node._parents):
            _check_node(node, names, rng, report, (eps, atol, rtol, max_elements))
    return report


def _names(order: list) -> dict[int, str]:
    from ..viz.labels import node_names  # the drawing's names, so the table and draw() agree

    return node_names(order)


def _check_node(node, names, rng, report: GraphCheck, settings) -> None:
    eps, atol, rtol, max_elements = settings
    inputs = [p.data for p in node._parents]
    out = _forward(node, inputs)
    if np.size(out) == 1:
        # one output element: report dy/dx itself; a random g still catches a rule ignoring g
        g = float(rng.uniform(0.5, 2.0) * rng.choice((-1.0, 1.0)))
        g = g if type(out) is float else np.full(np.shape(out), g)
        unit = float(np.reshape(g, -1)[0])
    else:
        g, unit = rng.standard_normal(np.shape(out)), 1.0
    grads = _backward(node, g, out, inputs, names[id(node)])
    report.checked += 1
    report._checked_ids.add(id(node))
    for k, grad in enumerate(grads):
        if grad is None:
            continue
        probe = _Probe(node, inputs, k, out, g, unit, eps)
        size = int(np.size(inputs[k]))
        if size <= max_elements:
            elements = np.arange(size)
        else:
            elements = np.sort(rng.choice(size, max_elements, replace=False))
            report.sampled.append((f"{names[id(node)]} input {k}", size))
        analytic = np.reshape(grad, -1) / unit
        counts = {}
        worst = _worst(probe, analytic, elements, atol, rtol, counts)
        report.elements += len(elements)
        report.kinks += counts.get("kink", 0)
        report.unchecked += counts.get("unchecked", 0)
        if worst is None and size > max_elements:
            worst = _search(probe, analytic, rng.standard_normal(size), atol, rtol)
        if worst is not None:
            flat, numeric = worst
            element = np.unravel_index(flat, np.shape(inputs[k])) if np.ndim(inputs[k]) else ()
            report.bad.append(RuleMismatch(
                node, names[id(node)], node._op.name, k, names[id(node._parents[k])],
                tuple(int(i) for i in element), float(analytic[flat]), float(numeric)))


class _Probe:
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
            new = np.asarray(_forward(self.node, inputs), dtype=np.float64)
            diff = new - self.out  # differences first: the unchanged outputs cancel exactly
            if not self.finite:
                diff = np.where(new == self.out, 0.0, diff)  # an inf left alone adds nothing
            moved = diff != 0
            size = float(np.sum(self.abs_g[moved] * np.abs(new[moved])))
            return float(np.sum(self.g * diff)) / self.unit, size / abs(self.unit)

    def slopes(self, move, eps: float) -> tuple[float, float, float, float]:
        """Central, right and left difference quotients along ``move`` for step ``eps``, and
        how much rounding in the forward can move the central one."""
        (plus, size_plus), (minus, size_minus) = self.change(move, eps), self.change(move, -eps)
        noise = ROUNDING * (size_plus + size_minus) / (2 * eps)
        with np.errstate(all="ignore"):
            return (plus - minus) / (2 * eps), plus / eps, -minus / eps, noise

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


def _worst(probe: _Probe, analytic, elements, atol, rtol, counts: dict):
    """The failing element with the largest excess, and its numeric slope; ``counts`` adds up
    the elements at kinks and those that could not be checked."""
    worst = None
    for flat in elements:
        excess, numeric, state = probe.verdict(int(flat), analytic[flat], atol, rtol)
        counts[state] = counts.get(state, 0) + 1
        if state == "wrong" and (worst is None or excess > worst[0]):
            worst = (excess, int(flat), numeric)
    return None if worst is None else worst[1:]


def _search(probe: _Probe, analytic, direction, atol, rtol):
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

    support = np.arange(direction.size)
    if misfit(support) <= 0:
        return None
    while support.size > 1:
        halves = np.array_split(support, 2)
        support = max(halves, key=misfit)
    return _worst(probe, analytic, support, atol, rtol, {})
