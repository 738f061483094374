"""``draw_graph``: a computation graph with every node's data and grad and every edge's derivative.

Each node is a small table: the op that made it and its name, then its data, then its grad.
Each edge, drawn from an input to the op's output, carries the local derivative that backward
multiplies by: a number for scalars (``∂n/∂x1 = -3.0000``), the op's rule with the graph's
names for tensors (``dW = g @ x.T``). Nodes read by more than one op are marked, because that
is where gradients add up (``+=``). Node ids follow the topological order, so the DOT text is
the same on every run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from .. import engine
from .formulas import edge_rule
from .labels import (dot_text, esc, is_scalar, node_names, number, shape_text, tensor_lines,
                     term)
from .render import Figure, check_size
from .steps import op_gradients

FONT = "Helvetica"
MONO = "Courier"  # numbers in a fixed-width face line up and keep frames from jumping
COLOR = {
    "op": "#fff4c2", "name": "#e3ecf7", "grad": "#fde8e4", "reuse": "#ffd8a8",
    "const": "#777777", "edge": "#555555", "hot": "#d62728", "source": "#1f77b4",
    "fresh": "#fff59d",
}
BLANK = "_______"  # what a worksheet prints for a number to be filled in


MAX_NODES = 1000
"""draw_graph's default limit: about a second to lay out, and already more than one can read."""

ADVICE = ("draw a part of it (draw_graph of an intermediate value), fewer rows or a smaller "
          "network, or tensors instead of scalars (one node per layer, not per weight)")


def draw_graph(value, rankdir: str = "LR", show_grad: bool = True,
               show_derivatives: bool | None = None, title: str | None = None,
               max_nodes: int | None = MAX_NODES,
               colors: Mapping[int, str] | None = None) -> Figure:
    """Draw the graph that computed ``value``, as it stands (run ``backward()`` first for grads).

    ``rankdir``: ``"LR"`` (inputs on the left) or ``"TB"`` (inputs on top).
    ``show_grad=False`` makes a worksheet: grads, and the edges' numbers unless
    ``show_derivatives=True``, are blanks to fill in. Constants (``requires_grad=False``, like
    the ``2`` in ``2 * x``) are dashed and have no grad. A graph of more than ``max_nodes``
    nodes is a ``ValueError`` saying how to draw less (``None``: no limit; the DOT text of any
    size is quick, laying it out is not). ``colors`` frames nodes in a colour, keyed by
    ``id(node)`` (``check_graph``'s red and green). Returns a ``graphviz.Digraph``.
    """
    if not hasattr(value, "_op"):
        raise TypeError(f"draw_graph: expected a Value (the result of a computation), "
                        f"not {type(value).__name__} {value!r:.40}")
    if show_derivatives is None:
        show_derivatives = show_grad
    return build_graph(value, rankdir=rankdir, show_grad=show_grad,
                       show_derivatives=show_derivatives, title=title, colors=colors,
                       max_nodes=max_nodes)


def build_graph(root, *, rankdir: str = "LR", show_grad: bool = True,
                show_derivatives: bool = True, title: str | None = None,
                grads: dict[int, Any] | None = None, widths: dict[int, int] | None = None,
                highlight=None, max_nodes: int | None = None,
                function: str = "draw_graph", colors: Mapping[int, str] | None = None) -> Figure:
    """``draw_graph`` with the walk-through's extras.

    ``grads`` (by ``id()``) replaces the nodes' own gradients, a missing entry printing as a
    blank ``widths[id]`` characters wide; ``highlight`` is a ``steps.Step`` to show in colour.
    ``function`` names the caller in the message of a graph over ``max_nodes``.
    """
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', not {rankdir!r}")
    nodes = engine.topological_order(root)
    check_size(function, len(nodes), f"the graph has {len(nodes)} nodes", max_nodes, ADVICE)
    ids = {id(node): f"n{i}" for i, node in enumerate(nodes)}
    names = node_names(nodes)
    uses = Counter(id(parent) for node in nodes for parent in node._parents)

    dot = Figure(name="computation_graph")
    # ordering=in keeps each op's inputs in argument order (x2 above w2 in x2 * w2)
    dot.attr(rankdir=rankdir, ordering="in", nodesep="0.25", ranksep="0.45", fontname=FONT,
             fontsize="12")
    dot.attr("node", shape="plain", fontname=FONT, fontsize="11")
    dot.attr("edge", fontname=FONT, fontsize="10", color=COLOR["edge"], arrowsize="0.7")
    caption = title or ""
    if any(not _scalar_edge(node) for node in nodes if node._op is not None):
        caption += ("\n" if caption else "") + "g = the gradient arriving at an op's output"
    if caption:
        dot.attr(label=dot_text(caption), labelloc="t", labeljust="l")

    hot_parent = hot_child = None
    if highlight is not None:
        hot_parent = id(highlight.parent)
        hot_child = id(highlight.child) if highlight.child is not None else None
    for node in nodes:
        key = id(node)
        grad = (node.grad if show_grad else None) if grads is None else grads.get(key)
        role = "fresh" if key == hot_parent else "source" if key == hot_child else None
        if highlight is not None and role is None:
            role = "plain"
        label = _node_label(node, names[key], grad, show_grad or grads is not None,
                            (widths or {}).get(key, len(BLANK)), uses[key], role,
                            (colors or {}).get(key))
        dot.node(ids[key], f"<{label}>")

    for node in nodes:
        if node._op is None:
            continue
        scalar = _scalar_edge(node)
        locals_ = op_gradients(node, 1.0) if scalar else ()
        for slot, parent in enumerate(node._parents):
            attrs: dict[str, str] = {}
            if not parent.requires_grad:
                attrs.update(style="dashed", color=COLOR["const"])
            elif scalar:
                value = number(locals_[slot]) if show_derivatives else BLANK
                child, wrt = term(names[id(node)]), term(names[id(parent)])
                attrs["label"] = f" ∂{child}/∂{wrt} = {value} "
            else:
                attrs["label"] = " " + edge_rule(node, slot, names) + " "
            if (highlight is not None and highlight.child is node and highlight.slot == slot):
                attrs.update(color=COLOR["hot"], fontcolor=COLOR["hot"], penwidth="2.5",
                             dir="back")
            if "label" in attrs:  # names are the user's: shown as typed, backslashes too
                attrs["label"] = dot_text(attrs["label"])
            dot.edge(ids[id(parent)], ids[id(node)], **attrs)
    return dot


def _scalar_edge(node) -> bool:
    """True when a node and all its inputs are scalars, so each edge's derivative is a number."""
    return is_scalar(node.data) and all(is_scalar(p.data) for p in node._parents)


def _values(data) -> str:
    """A scalar's digits, or a tensor's shape and small values, as HTML-like label text."""
    if is_scalar(data):
        return f'<font face="{MONO}">{esc(number(data))}</font>'
    lines = "<br/>".join(esc(line) for line in tensor_lines(data))
    return f'{esc(shape_text(data))}<br/><font face="{MONO}">{lines}</font>'


def _grad_cell(node, grad, show: bool, width: int) -> str:
    if show and grad is not None:
        return "grad " + _values(grad)
    # ASCII padding: graphviz-pure measures non-ASCII letters (a no-break space) differently.
    blank = BLANK if not show else "?".center(width)
    prefix = "" if is_scalar(node.data) else esc(shape_text(node.data)) + "<br/>"
    return f'grad {prefix}<font face="{MONO}">{esc(blank)}</font>'


def _node_label(node, name: str, grad, show_grad: bool, width: int, uses: int,
                role: str | None, color: str | None = None) -> str:
    """One node as an HTML-like table: op and name on top, then data, then grad."""
    constant = not node.requires_grad
    gray = COLOR["const"]
    top = []
    if node._op is not None:
        top.append(f'<td bgcolor="{COLOR["op"]}"><b>{esc(node._op.symbol)}</b></td>')
    if constant:
        kind = "constant" if not node.label and is_scalar(node.data) else f"{esc(name)} (constant)"
        top.append(f'<td><font color="{gray}">{kind}</font></td>')
    else:
        top.append(f'<td bgcolor="{COLOR["name"]}"><b>{esc(name)}</b></td>')
    span = f' colspan="{len(top)}"' if len(top) > 1 else ""
    rows = [f"<tr>{''.join(top)}</tr>"]
    data = f"data {_values(node.data)}"
    rows.append(f'<tr><td{span} align="left">'
                + (f'<font color="{gray}">{data}</font>' if constant else data) + "</td></tr>")
    if not constant:
        fill = COLOR["fresh"] if role == "fresh" else COLOR["grad"]
        rows.append(f'<tr><td{span} align="left" bgcolor="{fill}">'
                    f"{_grad_cell(node, grad, show_grad, width)}</td></tr>")
    if uses > 1 and not constant:
        rows.append(f'<tr><td{span} bgcolor="{COLOR["reuse"]}">'
                    f"used {uses}×: grads add (+=)</td></tr>")
    if constant:  # one dashed box: a constant is not part of the gradient's path
        frame = f'border="1" style="dashed" color="{gray}" cellborder="0"'
    elif color is not None:
        frame = f'border="3" color="{esc(color)}" cellborder="1"'
    elif role is not None:  # a frame: every node has the border, so none moves when lit
        color = {"fresh": COLOR["hot"], "source": COLOR["source"]}.get(role, "white")
        frame = f'border="3" color="{color}" cellborder="1"'
    else:
        frame = 'border="0" cellborder="1"'
    return f'<table {frame} cellspacing="0" cellpadding="3">{"".join(rows)}</table>'
