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
from .local import Probe, op_backward, op_forward, search, worst_element

MAX_ELEMENTS = 64
"""Per input, beyond this many elements a seeded random sample is perturbed (and said so)."""


@dataclass(frozen=True)
class RuleMismatch:
    """One op node whose rule for one input disagrees with central differences."""

    node: Value  # the op node whose backward is wrong
    label: str  # its name as ``draw_graph`` shows it (its label, else op and position)
    op: str  # the op's name
    input: int  # which input of the op
    input_label: str
    element: tuple  # the worst element of that input (() for a scalar)
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


def _element(element: tuple) -> str:
    return "-" if element == () else str(tuple(int(i) for i in element))


def check_graph(y: Value, eps: float = 1e-6, atol: float = 1e-6, rtol: float = 1e-5,
                max_elements: int = MAX_ELEMENTS, seed: int = 0) -> GraphCheck:
    """Check every op node's derivative rule in the graph of ``y`` at the inputs it saw.

    For each input that needs a gradient, each element is moved by ``±eps`` (``±eps * |x|``
    beyond 1) and that op's forward re-run; the rule passes where ``|analytic - numeric| <=
    atol + rtol * |numeric|`` plus the rounding the forward's outputs can carry.
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
    out = op_forward(node, inputs)
    g: float | np.ndarray
    if np.size(out) == 1:
        # one output element: report dy/dx itself; a random g still catches a rule ignoring g
        unit = float(rng.uniform(0.5, 2.0) * rng.choice((-1.0, 1.0)))
        g = unit if type(out) is float else np.full(np.shape(out), unit)
    else:
        g, unit = rng.standard_normal(np.shape(out)), 1.0
    grads = op_backward(node, g, out, inputs, names[id(node)])
    report.checked += 1
    report._checked_ids.add(id(node))
    for k, grad in enumerate(grads):
        if grad is None:
            continue
        probe = Probe(node, inputs, k, out, g, unit, eps)
        size = int(np.size(inputs[k]))
        if size <= max_elements:
            elements = np.arange(size)
        else:
            elements = np.sort(rng.choice(size, max_elements, replace=False))
            report.sampled.append((f"{names[id(node)]} input {k}", size))
        analytic = np.reshape(grad, -1) / unit
        counts: dict[str, int] = {}
        worst = worst_element(probe, analytic, elements, atol, rtol, counts)
        report.elements += len(elements)
        report.kinks += counts.get("kink", 0)
        report.unchecked += counts.get("unchecked", 0)
        if worst is None and size > max_elements:
            worst = search(probe, analytic, rng.standard_normal(size), atol, rtol)
        if worst is not None:
            flat, numeric = worst
            element = np.unravel_index(flat, np.shape(inputs[k])) if np.ndim(inputs[k]) else ()
            report.bad.append(RuleMismatch(
                node, names[id(node)], node._op.name, k, names[id(node._parents[k])],
                tuple(int(i) for i in element), float(analytic[flat]), float(numeric)))
