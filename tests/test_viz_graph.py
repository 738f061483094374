"""draw_graph's DOT text: labels, 4-decimal values, grads, edge derivatives, reuse, worksheets.

Expected numbers are derived by hand for micrograd's classic neuron
o = tanh(x1*w1 + x2*w2 + b), x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432:
n = 0.8814 so o = tanh(n) = 1/sqrt(2) = 0.7071 and do/dn = 1 - o**2 = 0.5; every node below n
then gets 0.5 through the additions, and the products give x1.grad = w1 * 0.5 = -1.5,
w1.grad = x1 * 0.5 = 1.0, x2.grad = w2 * 0.5 = 0.5, w2.grad = x2 * 0.5 = 0.
"""
import math
import re

import numpy as np
import pytest

import tinygrad_bp as tg
from reference import tutorial_numbers as tn
from tinygrad_bp.viz import Figure, draw_graph
from tinygrad_bp.tutorial.samples import classic_neuron, tutorial_loss

HAND_GRADS = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5, "x1w1": 0.5, "x2w2": 0.5,
              "s": 0.5, "n": 0.5, "o": 1.0}
HAND_DATA = {"x1": 2.0, "w1": -3.0, "x2": 0.0, "w2": 1.0, "b": 6.8814, "x1w1": -6.0,
             "x2w2": 0.0, "s": -6.0, "n": 0.8814, "o": 1 / math.sqrt(2)}
# d child / d input, as each edge must show it
HAND_EDGES = {("x1w1", "x1"): -3.0, ("x1w1", "w1"): 2.0, ("x2w2", "x2"): 1.0,
              ("x2w2", "w2"): 0.0, ("s", "x1w1"): 1.0, ("s", "x2w2"): 1.0, ("n", "s"): 1.0,
              ("n", "b"): 1.0, ("o", "n"): 1 - 0.5}


def _node_lines(source: str) -> dict[str, str]:
    """Each node's label by its bold name, e.g. {'x1': '<table ...>'}."""
    nodes = {}
    for line in source.splitlines():
        match = re.match(r"\s*(n\d+) \[label=<(.*)>\]$", line)
        if match:
            names = re.findall(r'bgcolor="#e3ecf7"><b>([^<]+)</b>', match.group(2))
            nodes[names[0] if names else match.group(1)] = match.group(2)
    return nodes


def test_returns_a_digraph_with_every_node_and_edge() -> None:
    import graphviz

    dot = draw_graph(classic_neuron())
    assert isinstance(dot, graphviz.Digraph) and isinstance(dot, Figure)
    assert dot.source.count("->") == 9
    assert set(_node_lines(dot.source)) == set(HAND_GRADS)


def test_nodes_show_label_op_data_and_grad_to_four_decimals() -> None:
    nodes = _node_lines(draw_graph(classic_neuron()).source)
    for name, grad in HAND_GRADS.items():
        assert f">{HAND_DATA[name]:.4f}<" in nodes[name], name
        assert f"grad <font face=\"Courier\">{grad:.4f}</font>" in nodes[name], name
    assert ">0.7071<" in nodes["o"] and "<b>tanh</b>" in nodes["o"]
    assert ">-1.5000<" in nodes["x1"]
    assert "<b>*</b>" in nodes["x1w1"] and "<b>+</b>" in nodes["n"]


def test_edges_show_the_local_derivative_in_closed_form() -> None:
    source = draw_graph(classic_neuron()).source
    for (child, parent), value in HAND_EDGES.items():
        assert f"∂{child}/∂{parent} = {value:.4f}" in source, (child, parent)


def test_edge_runs_from_input_to_output_in_topological_ids() -> None:
    source = draw_graph(classic_neuron()).source
    # depth first from o = tanh(x1 * w1 + x2 * w2 + b): x1 is n0, w1 n1, then x1 * w1 is n2
    assert re.search(r"n0 -> n2 \[label=\" ∂x1w1/∂x1 = -3.0000 \"\]", source)
    assert re.search(r"n1 -> n2 \[label=\" ∂x1w1/∂w1 = 2.0000 \"\]", source)


def test_same_source_every_time() -> None:
    first = draw_graph(classic_neuron()).source
    assert draw_graph(classic_neuron()).source == first
    o = classic_neuron()
    assert draw_graph(o).source == draw_graph(o).source == first
    assert "0x" not in first  # no id() or repr addresses


def test_worksheet_mode_blanks_grads_and_edge_numbers() -> None:
    source = draw_graph(classic_neuron(), show_grad=False).source
    assert "-1.5000" not in source and "0.5000" not in source
    assert source.count("grad <font face=\"Courier\">_______</font>") == 10
    assert "∂x1w1/∂x1 = _______" in source
    assert ">2.0000<" in source and ">-3.0000<" in source  # data stays
    shown = draw_graph(classic_neuron(), show_grad=False, show_derivatives=True).source
    assert "∂x1w1/∂x1 = -3.0000" in shown and "-1.5000" not in shown


def test_nodes_used_twice_are_marked() -> None:
    source = draw_graph(tutorial_loss()).source
    assert source.count("used 2×: grads add (+=)") == 1  # h feeds both output neurons
    x = tg.Value(3.0, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    source = draw_graph(y).source
    assert "used 2×" in source and ">6.0000<" in source
    assert source.count("∂y/∂x = 3.0000") == 2


def test_constants_are_dashed_and_have_no_grad() -> None:
    x = tg.Value(1.5, label="x")
    y = 2 * x
    y.label = "y"
    y.backward()
    source = draw_graph(y).source
    const = next(line for line in source.splitlines() if "constant" in line)
    assert 'style="dashed"' in const and "grad" not in const and "2.0000" in const
    assert re.search(r"n\d+ -> n\d+ \[color=\"#777777\" style=dashed\]", source)
    assert "∂y/∂x = 2.0000" in source


def test_unlabelled_nodes_are_named_by_op_and_index() -> None:
    a, b = tg.Value(1.0), tg.Value(-2.0)
    c = (a * b).exp()
    c.backward()
    source = draw_graph(c).source
    assert "<b>v0</b>" in source and "<b>mul2</b>" in source and "<b>exp3</b>" in source
    assert "∂exp3/∂mul2 = " + f"{math.exp(-2):.4f}" in source


def test_tensor_nodes_show_shape_values_and_rule_text() -> None:
    W = tg.Value(np.arange(6.0).reshape(2, 3), label="W")
    x = tg.Value([1.0, 0.0, -1.0], label="x")
    y = (W @ x).sum()
    y.label = "y"
    y.backward()
    source = draw_graph(y).source
    assert "data (2, 3)" in source and "[0.0000  1.0000  2.0000]" in source
    assert "grad (2, 3)" in source and "[1.0000  0.0000  -1.0000]" in source
    assert "dW = g @ x.T" in source and "dx = W.T @ g" in source
    assert "g = the gradient arriving at an op's output" in source
    big = tg.Value(np.linspace(-1, 1, 20), label="big")
    assert "min -1.0000  max 1.0000" in draw_graph(big.sum()).source



@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 3), (2, 0, 4), (2, 3, 0)])
def test_empty_tensors_are_drawn_with_their_shape(shape) -> None:
    e = tg.Value(np.zeros(shape), label="e")
    y = e.sum()
    y.backward()
    source = draw_graph(y).source
    assert f"data {shape}" in source and f"grad {shape}" in source
    assert "[]" in source
    tg.explain_backward(y)


def test_rankdir_and_its_check() -> None:
    assert "rankdir=TB" in draw_graph(classic_neuron(), rankdir="TB").source
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(classic_neuron(), rankdir="sideways")


def test_twenty_node_expression_draws_every_node() -> None:
    loss = tutorial_loss()
    nodes = tg.engine.topological_order(loss)
    assert len(nodes) >= 20
    source = draw_graph(loss).source
    assert len(re.findall(r"^\s*n\d+ \[label=", source, re.M)) == len(nodes)
    o1, o2 = tn.FORWARD_OUTPUTS  # TUTORIAL.md item 2: the same network on the same row
    assert "<b>E</b>" in source and f">{0.5 * (o1 ** 2 + (1 - o2) ** 2):.4f}<" in source
    assert f">{o1:.4f}<" in source and f">{o2:.4f}<" in source
