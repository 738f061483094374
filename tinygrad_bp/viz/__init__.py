"""Pictures of computation graphs and networks, and step-by-step backward walk-throughs.

- ``draw_graph(value)``: every node's op, label, data and grad; every edge's local derivative.
- ``draw_network(model)``: neurons in layers with weights, biases, outputs and deltas.
- ``explain_backward(value)``: the chain-rule steps of ``backward()`` as text.
- ``save_backward_frames(value, directory)``: one SVG per step and a page to click through.
- ``line_chart(series)``: a hand-written SVG line chart (learning curves), no plotting library.

Everything returns or writes pictures through ``Figure``, which draws with the system ``dot``
or, without one, the ``graphviz-pure`` program that ``pip install`` brings along.
"""

from .chart import Chart, line_chart, stack
from .graph import draw_graph
from .network import draw_network
from .render import Figure, RenderError, find_renderer
from .steps import Step, backward_steps
from .walkthrough import explain_backward, save_backward_frames

__all__ = [
    "Chart", "Figure", "RenderError", "Step", "backward_steps", "draw_graph", "draw_network",
    "explain_backward", "find_renderer", "line_chart", "save_backward_frames", "stack",
]
