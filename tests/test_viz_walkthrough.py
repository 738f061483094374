"""explain_backward's chain-rule steps and save_backward_frames' pictures and page.

The classic neuron's lines are checked against hand-derived numbers (see test_viz_graph), and
every graph's printed totals against the engine's own gradients after ``backward()``.
"""
import io
import re
import xml.etree.ElementTree as ET

import numpy as np

import tinygrad_bp as tg
from tinygrad_bp import engine
from tinygrad_bp.viz import backward_steps, explain_backward, save_backward_frames
from tinygrad_bp.viz.labels import node_names, number
from tinygrad_bp.tutorial.samples import classic_neuron, tutorial_loss

CLASSIC_LINES = [
    "step 1 of 10: o.grad = ∂o/∂o = 1.0000 (the seed)",
    "step 2 of 10: n.grad += (1 - o.data * o.data) (0.5000) * o.grad (1.0000) = 0.5000",
    "step 3 of 10: s.grad += 1 * n.grad (0.5000) = 0.5000",
    "step 4 of 10: b.grad += 1 * n.grad (0.5000) = 0.5000",
    "step 5 of 10: x1w1.grad += 1 * s.grad (0.5000) = 0.5000",
    "step 6 of 10: x2w2.grad += 1 * s.grad (0.5000) = 0.5000",
    "step 7 of 10: x2.grad += w2.data (1.0000) * x2w2.grad (0.5000) = 0.5000",
    "step 8 of 10: w2.grad += x2.data (0.0000) * x2w2.grad (0.5000) = 0.0000",
    "step 9 of 10: x1.grad += w1.data (-3.0000) * x1w1.grad (0.5000) = -1.5000",
    "step 10 of 10: w1.grad += x1.data (2.0000) * x1w1.grad (0.5000) = 1.0000",
]


def test_classic_neuron_steps_in_the_engines_order() -> None:
    out = io.StringIO()
    lines = explain_backward(classic_neuron(backward=False), file=out)
    assert lines == CLASSIC_LINES
    assert out.getvalue() == "\n".join(CLASSIC_LINES) + "\n"


def test_prints_to_stdout_by_default(capsys) -> None:
    explain_backward(classic_neuron(backward=False))
    assert capsys.readouterr().out.splitlines() == CLASSIC_LINES


def _last_totals(lines: list[str]) -> dict[str, str]:
    """Each node's final grad as the walk-through prints it."""
    totals = {}
    for line in lines:
        text = line.split(": ", 1)[1]
        name = text.split(".grad", 1)[0]
        now = re.search(r"now (.+)$", text)
        totals[name] = now.group(1) if now else text.rsplit(" = ", 1)[1].split(" ")[0]
    return totals


def _check_against_engine(root) -> None:
    lines = explain_backward(root, file=io.StringIO())
    names = node_names(engine.topological_order(root))
    totals = _last_totals(lines)
    nodes = [n for n in engine.topological_order(root) if n.requires_grad]
    assert len(totals) == len(nodes)
    for node in nodes:
        assert totals[names[id(node)]] == number(node.grad), names[id(node)]


def test_printed_numbers_equal_the_engines_gradients() -> None:
    _check_against_engine(classic_neuron(backward=False))
    _check_against_engine(tutorial_loss(backward=False))


def test_reuse_shows_the_running_sum() -> None:
    x = tg.Value(3.0, label="x")
    y = x * x + 2 * x
    y.label = "y"
    lines = explain_backward(y, file=io.StringIO())
    assert lines[-1].endswith("x.grad was 5.0000, now 8.0000")
    assert x.grad == 8.0  # 2x + 2 at x = 3
    assert "x.grad += 2 * " in lines[3]  # a constant is written as its value
    again = explain_backward(y, file=io.StringIO())  # leaves accumulate, as in the engine
    assert again[-1].endswith("now 16.0000") and x.grad == 16.0


def test_tensor_steps_name_the_rule_and_the_reduction() -> None:
    W = tg.Value(np.ones((2, 3)), label="W")
    b = tg.Value(0.5, label="b")
    y = (W * b).sum()
    y.label = "y"
    lines = explain_backward(y, file=io.StringIO())
    assert any("W.grad += mul2.grad * b.data = shape (2, 3)" in line for line in lines)
    assert any(line.endswith("= 6.0000 (summed over the broadcast axes)") for line in lines)
    assert b.grad == 6.0


def test_steps_do_not_touch_gradients() -> None:
    o = classic_neuron(backward=False)
    steps = backward_steps(o)
    assert len(steps) == 10 and steps[0].child is None
    assert all(n._grad is None for n in engine.topological_order(o))


def test_frames_one_svg_per_step_and_a_page(tmp_path) -> None:
    o = classic_neuron(backward=False)
    paths = save_backward_frames(o, tmp_path / "frames")
    assert len(paths) == len(backward_steps(o)) == 10
    page = (tmp_path / "frames" / "index.html").read_text(encoding="utf-8")
    for path in paths:
        assert path.exists() and path.name in page
        ET.fromstring(path.read_bytes())
    assert "<script src" not in page and "http" not in page.split("</head>")[1]
    assert "ArrowRight" in page and "ArrowLeft" in page and 'id="prev"' in page
    assert "x1.grad += w1.data (-3.0000) * x1w1.grad (0.5000) = -1.5000" in page
    assert all(n._grad is None for n in engine.topological_order(o))


def test_frames_fill_in_grads_and_keep_the_layout(tmp_path) -> None:
    paths = save_backward_frames(tutorial_loss(backward=False), tmp_path)
    first, last = (p.read_text(encoding="utf-8") for p in (paths[0], paths[-1]))
    assert "?" in first and "0.0027" not in first  # w_h1's grad arrives at the last step
    assert "0.0027" in last and "#d62728" in last
    boxes = [re.findall(r'<g id="node\d+" class="node">.*?points="([^"]+)"', p.read_text(), re.S)
             for p in paths]
    assert all(box == boxes[0] for box in boxes)  # nodes never move between frames



def test_your_own_two_input_op_with_a_parameter_is_drawn_and_explained() -> None:
    # The engine hands params to ops of any arity; the drawings must call backward the same way.
    class ScaledProduct(tg.Op):
        """y = k * a * b;  da = g * k * b,  db = g * k * a"""

        name, symbol = "test_scaled_product", "k·a·b"

        @staticmethod
        def forward(a, b, k):
            return k * a * b

        @staticmethod
        def backward(g, y, a, b, k):
            return g * k * b, g * k * a

    try:
        x, w = tg.Value(2.0, label="x"), tg.Value(3.0, label="w")
        y = tg.apply(ScaledProduct, x, w, params=(0.5,))
        y.label = "y"
        steps = backward_steps(y)
        assert [float(s.contribution) for s in steps] == [1.0, 1.5, 1.0]
        assert "∂y/∂x = 1.5000" in tg.draw_graph(y).source
        lines = explain_backward(y, file=io.StringIO())
        assert lines[-1].endswith("= 1.0000") and (x.grad, w.grad) == (1.5, 1.0)
    finally:
        tg.OPS.pop("test_scaled_product")
