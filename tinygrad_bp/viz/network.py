"""``draw_network``: the tutorial's picture of a network, neurons in layers, weights on edges.

Accepts an ``MLP`` (or anything with ``n_inputs`` and ``layers[i].neurons[j]`` holding
``weights``, ``bias``, ``output``, ``delta``) or the tutorial's own list of layers of dicts
(``{"weights": [..., bias], "output": o, "delta": d}``).

Every edge is coloured by its weight's sign (blue positive, red negative) and drawn as wide as
its size. How the weights' numbers appear depends on how many edges join two layers:

- up to ``max_edge_labels`` (16): written on the edges, the tutorial's picture;
- up to ``max_weight_rows`` (64): numbers in mid-air could no longer be told apart, so each
  neuron lists its incoming weights, one row per input, and each edge ends at its row;
- more: colour and width only, each neuron showing its bias, output and delta.

A layer (or input row) of more than ``max_neurons`` (12) shows its first and last five around a
"… N more …" row, so any size of network draws in a screenful. Each layer is one node, a table
of neurons, because that keeps h1 above h2 (separate nodes may be reordered by the layout).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .labels import dot_text, esc, number
from .render import Figure, check_size

FONT, MONO = "Helvetica", "Courier"
POSITIVE, NEGATIVE, FAINT = "#1f77b4", "#d62728", "#bbbbbb"
BLANK = "_______"


@dataclass
class _Neuron:
    name: str
    weights: list[float]
    bias: float
    output: float | None
    delta: float | None


@dataclass
class _Layer:
    title: str
    neurons: list[_Neuron] = field(default_factory=list)


def _float(x: Any) -> float:
    """A float from a float or a one-element Value or array."""
    return float(np.asarray(getattr(x, "data", x)).reshape(-1)[0])


def _num(x: Any) -> float | None:
    """``_float(x)``, or None for None: a neuron not yet run has no output or delta."""
    return None if x is None else _float(x)


def _layers(model, activation: str) -> tuple[int, list[_Layer]]:
    """The model in one plain form: its number of inputs and its layers."""
    if hasattr(model, "layers"):
        raw = [(getattr(layer, "activation", activation),
                [(n.weights, n.bias, n.output, n.delta) for n in layer.neurons])
               for layer in model.layers]
    else:  # the tutorial's list of layers of dicts, bias stored last
        raw = [(activation, [(n["weights"][:-1], n["weights"][-1], n.get("output"),
                              n.get("delta")) for n in layer]) for layer in model]
    if not raw or not raw[0][1]:
        raise ValueError("draw_network needs at least one layer with at least one neuron")
    n_inputs = getattr(model, "n_inputs", None) or len(raw[0][1][0][0])
    layers = []
    for k, (act, neurons) in enumerate(raw):
        last = k == len(raw) - 1
        if last:
            title, prefix = "output layer", "o"
        elif len(raw) == 2:
            title, prefix = "hidden layer", "h"
        else:
            title, prefix = f"hidden layer {k + 1}", f"h{k + 1}."
        layer = _Layer(f"{title} · {act}" if act else title)
        for j, (w, b, out, delta) in enumerate(neurons):
            layer.neurons.append(_Neuron(f"{prefix}{j + 1}", [_float(v) for v in w], _float(b),
                                         _num(out), _num(delta)))
        layers.append(layer)
    return n_inputs, layers


def _shown(count: int, max_neurons: int) -> list[int | None]:
    """Indices to draw for a layer of ``count``; None stands for the elided middle."""
    if count <= max_neurons:
        return list(range(count))
    keep = max(1, (max_neurons - 1) // 2)
    return [*range(keep), None, *range(count - keep, count)]


def _row(model, inputs) -> list[float] | None:
    """The input values to show: ``inputs``, else the model's last row, else None."""
    x = inputs if inputs is not None else getattr(model, "last_input", None)
    if x is None:
        return None
    array = np.asarray(getattr(x, "data", x), dtype=float)
    return list(array.reshape(-1, array.shape[-1])[-1]) if array.ndim > 1 else list(array)


MAX_NODES = 200
"""draw_network's default limit on drawn neurons: deep 12-wide layers take about 6 s to lay out."""


def draw_network(model, inputs=None, rankdir: str = "LR", show_values: bool = True,
                 activation: str = "sigmoid", max_neurons: int = 12,
                 max_edge_labels: int = 16, max_weight_rows: int = 64,
                 title: str | None = None, max_nodes: int | None = MAX_NODES) -> Figure:
    """Draw ``model``'s inputs and neurons in layers, with weights, biases, outputs and deltas.

    ``inputs``: the row shown in the input nodes (default: the model's ``last_input``).
    ``show_values=False`` leaves outputs and deltas blank (a worksheet). ``activation`` names
    the transfer function of a tutorial-format network. Weights are written on the edges while
    no two layers are joined by more than ``max_edge_labels`` drawn edges, else in rows inside
    each neuron up to ``max_weight_rows`` edges, else shown only by colour and width. Layers
    wider than ``max_neurons`` are elided in the middle. A drawing of more than ``max_nodes``
    inputs and neurons (after eliding) is a ``ValueError`` saying how to draw less (``None``: no
    limit). Returns a ``graphviz.Digraph``.
    """
    n_inputs, layers = _layers(model, activation)
    row = _row(model, inputs)
    sizes = [n_inputs] + [len(layer.neurons) for layer in layers]
    shown = [_shown(n, max_neurons) for n in sizes]
    drawn = [sum(i is not None for i in s) for s in shown]
    check_size("draw_network", sum(drawn), f"the drawing has {sum(drawn)} inputs and neurons "
               f"in {len(layers)} layers", max_nodes,
               "draw fewer layers or a smaller max_neurons (each layer then shows its first and "
               "last few)")
    widest = max(a * b for a, b in itertools.pairwise(drawn))
    mode = "edges" if widest <= max_edge_labels else \
        "rows" if widest <= max_weight_rows else "colour"
    on_edges = mode == "edges"
    sideways = rankdir in ("LR", "RL")
    tail, head = (":e", ":w") if sideways else (":s", ":n")

    dot = Figure(name="network")
    # Straight lines between the weight rows read like the textbook picture; curves would
    # bulge over the tables of these tall nodes. Curves suit the few labelled edges better.
    dot.attr(rankdir=rankdir, ranksep="1.2" if on_edges else "1.6",
             splines="spline" if on_edges else "line", fontname=FONT, fontsize="13")
    dot.attr("node", shape="plain", fontname=FONT, fontsize="11")
    dot.attr("edge", fontname=FONT, fontsize="10", arrowsize="0.6")
    caption = [title] if title else []
    if not on_edges:
        caption.append("edges: blue w ≥ 0, red w < 0, wider = larger |w|")
    if caption:
        dot.attr(label=dot_text("\n".join(caption)), labelloc="t")

    names = [f"x{i + 1}" for i in range(n_inputs)]
    # Inputs stay visible on a worksheet: they are the givens the student starts from.
    cells = [_input_cell(names[i], i, row[i] if row and i < len(row) else None)
             if i is not None else _more(n_inputs - drawn[0], "inputs") for i in shown[0]]
    dot.node("inputs", _column("inputs", cells, sideways, "#f2f2f2"))
    sources = [(f"inputs:x{i}{tail}", i) for i in shown[0] if i is not None]
    for k, layer in enumerate(layers):
        cells = [_neuron_cell(layer.neurons[j], j, names, shown[k], mode, show_values)
                 if j is not None else _more(sizes[k + 1] - drawn[k + 1], "neurons")
                 for j in shown[k + 1]]
        dot.node(f"layer{k}", _column(layer.title, cells, sideways, "#f4f7fc"))
        targets = [j for j in shown[k + 1] if j is not None]
        _edges(dot, layer, sources, targets, f"layer{k}", mode, head, sideways)
        # LR: edges leave from the output's value; TB: from under the whole neuron
        port = "out" if sideways else "box"
        sources = [(f"layer{k}:n{j}{port}{tail}", j) for j in targets]
        names = [n.name for n in layer.neurons]
    return dot


def _column(title: str, cells: list[str], sideways: bool, fill: str) -> str:
    """A layer as one node: a rounded box of cells, stacked (LR) or side by side (TB).

    One node per layer keeps its neurons in order (h1 above h2), which separate nodes in a
    cluster do not promise.
    """
    if sideways:
        body = f"<tr><td>{esc(title)}</td></tr>" + "".join(f"<tr>{c}</tr>" for c in cells)
    else:  # the title on the left, out of the way of edges arriving from above
        body = f"<tr><td>{esc(title)}</td>{''.join(cells)}</tr>"
    return (f'<<table border="1" style="rounded" color="#9db3d6" bgcolor="{fill}" '
            f'cellborder="0" cellspacing="6" cellpadding="0">{body}</table>>')


def _more(count: int, what: str) -> str:
    return f'<td><font color="#777777">… {count} more {what} …</font></td>'


def _input_cell(name: str, i: int, value: float | None) -> str:
    text = f'  <font face="{MONO}">{esc(number(value))}</font>' if value is not None else ""
    return (f'<td port="x{i}" border="1" bgcolor="white" cellpadding="4">'
            f"<b>{esc(name)}</b>{text}</td>")


def _cells(name: str, text: str, fill: str = "white", port: str = "",
           color: str = "") -> str:
    """A name | value row; edges end at the name cell's ``port`` and leave from the value's."""
    left = f' port="{port}"' if port else ""
    right = f' port="{port}out"' if port else ""
    font = f' color="{color}"' if color else ""
    return (f'<tr><td align="left" bgcolor="{fill}"{left}>{name}</td>'
            f'<td align="right" bgcolor="{fill}"{right}>'
            f'<font face="{MONO}"{font}>{esc(text)}</font></td></tr>')


def _neuron_cell(neuron: _Neuron, j: int, sources: list[str], shown: list[int | None],
                 mode: str, show: bool) -> str:
    """The neuron's own table: name, incoming weights (when not on edges), bias, out, delta."""
    def value(x: float | None) -> str:
        return BLANK if not show else ("–" if x is None else number(x))

    rows = [f'<tr><td colspan="2" bgcolor="#e3ecf7"><b>{esc(neuron.name)}</b></td></tr>']
    if mode == "rows":
        for i in shown:
            if i is None:
                rows.append('<tr><td colspan="2">…</td></tr>')
                continue
            w = neuron.weights[i]
            rows.append(_cells(f"from {esc(sources[i])}", number(w), port=f"n{j}w{i}",
                               color=POSITIVE if w >= 0 else NEGATIVE))
    rows.append(_cells("bias", number(neuron.bias)))
    rows.append(_cells("out", value(neuron.output), port=f"n{j}"))
    rows.append(_cells("δ", value(neuron.delta), "#fde8e4"))
    return (f'<td port="n{j}box"><table border="0" cellborder="1" cellspacing="0" '
            f'cellpadding="3">{"".join(rows)}</table></td>')


def _edges(dot, layer: _Layer, sources, targets: list[int], node: str, mode: str,
           head: str, sideways: bool) -> None:
    """One edge per weight from each drawn source to each drawn neuron of ``layer``."""
    biggest = max((abs(w) for n in layer.neurons for w in n.weights), default=0.0) or 1.0
    for j in targets:
        for src, i in sources:
            w = layer.neurons[j].weights[i]
            color = POSITIVE if w >= 0 else NEGATIVE
            attrs = {"color": color, "penwidth": f"{0.4 + 2.6 * abs(w) / biggest:.2f}"}
            if mode == "rows" and sideways:  # TB: rows are not on the edge's side
                dot.edge(src, f"{node}:n{j}w{i}{head}", **attrs)
                continue
            if mode == "edges":
                attrs.update(label=number(w), fontcolor=color)
            dot.edge(src, f"{node}:n{j}box{head}", **attrs)
