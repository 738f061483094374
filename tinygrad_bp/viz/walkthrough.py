"""The backward pass told step by step: as text (``explain_backward``) and as pictures
(``save_backward_frames``: one SVG per step and an ``index.html`` to click through them).
"""

from __future__ import annotations

import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TextIO

from .. import engine
from .formulas import gradient_expression, local_expression
from .graph import build_graph
from .labels import is_number, is_scalar, node_names, number, term, value_text
from .page import frames_page
from .render import check_size
from .steps import Step, backward_steps, record_steps


def describe(step: Step, total: int, names: dict[int, str]) -> str:
    """One step in words, e.g. ``step 3 of 10: x1.grad += w1.data (-3.0000) * ... = -1.5000``."""
    head = f"step {step.number} of {total}: "
    parent = term(names[id(step.parent)])
    if step.child is None:
        seed = number(1.0) if is_scalar(step.parent.data) else value_text(step.contribution)
        if step.before is None:
            return head + f"{parent}.grad = ∂{parent}/∂{parent} = {seed} (the seed)"
        return head + f"{parent}.grad += 1 (the seed) = {seed}" + _total(parent, step)
    child = term(names[id(step.child)])
    local = local_expression(step.child, step.slot, names) if step.local is not None else None
    if local is not None:
        shown = local if is_number(local) else f"{local} ({number(step.local)})"
        text = (f"{parent}.grad += {shown} * {child}.grad ({number(step.upstream)})"
                f" = {number(step.contribution)}")
    else:
        text = (f"{parent}.grad += {gradient_expression(step.child, step.slot, names)}"
                f" = {value_text(step.contribution)}")
        if step.reduced:
            text += " (summed over the broadcast axes)"
    return head + text + _total(parent, step)


def _total(parent: str, step: Step) -> str:
    """The running sum, shown whenever ``+=`` adds to an earlier contribution."""
    if step.before is None:
        return ""
    return f"; {parent}.grad was {value_text(step.before)}, now {value_text(step.after)}"


def explain_backward(value, file: TextIO | None = None) -> list[str]:
    """Run ``value.backward()`` and tell each chain-rule step of it, in the engine's order.

    Prints one line per step to ``file`` (standard output by default) and returns the lines.
    The numbers are the engine's own: each node's last line ends with its final ``.grad``.
    """
    names = node_names(engine.topological_order(value))
    steps = record_steps(value, keep=True)  # the real backward pass, told as it runs
    lines = [describe(step, len(steps), names) for step in steps]
    out = sys.stdout if file is None else file
    for line in lines:
        print(line, file=out)
    return lines


MAX_NODES = 100
"""save_backward_frames' default limit: about 100 frames, a few seconds to draw them all."""

FRAME = re.compile(r"step_[0-9]{3,}\.svg")
"""The names of the frames this module writes (``step_001.svg``); nothing else is removed."""


def save_backward_frames(value, directory: str | os.PathLike, rankdir: str = "LR",
                         show_derivatives: bool = True,
                         max_nodes: int | None = MAX_NODES) -> list[Path]:
    """Write one SVG per backward step of ``value`` and an ``index.html`` that steps through them.

    Each frame is the graph with the gradients filled in so far; the edge the gradient flows
    back along is red, the node it comes from blue, the node receiving it red with its new
    grad on yellow. Gradients are not changed (call ``backward()`` for that). Returns the SVG
    paths; open ``directory/index.html`` in a browser (arrow keys or the buttons step).
    Frames left in ``directory`` by an earlier run (``step_NNN.svg``) are removed; no other
    file is touched. A graph of more than ``max_nodes`` nodes (one frame per step, each the
    whole graph) is a ``ValueError`` (``None``: no limit).
    """
    directory = Path(directory)
    nodes = engine.topological_order(value)
    check_size("save_backward_frames", len(nodes), f"the graph has {len(nodes)} nodes",
               max_nodes, "walk a smaller expression (a part of the graph, fewer inputs)")
    directory.mkdir(parents=True, exist_ok=True)
    names = node_names(nodes)
    steps = backward_steps(value)
    captions = [describe(step, len(steps), names) for step in steps]
    # Blanks as wide as the final numbers keep every frame's layout the same.
    widths = {id(step.parent): len(number(step.after)) for step in steps
              if is_scalar(step.parent.data)}
    grads = {id(n): n._grad for n in nodes if n._op is None and n._grad is not None}
    figures = []
    for step, caption in zip(steps, captions):
        grads[id(step.parent)] = step.after
        figures.append(build_graph(value, rankdir=rankdir, show_derivatives=show_derivatives,
                                   title=caption, grads=dict(grads), widths=widths,
                                   highlight=step))
    paths = [directory / f"step_{step.number:03d}.svg" for step in steps]
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        svgs = list(pool.map(lambda figure: figure.pipe(format="svg", quiet=True), figures))
    for path, svg in zip(paths, svgs):
        path.write_bytes(svg)
    (directory / "index.html").write_text(frames_page([p.name for p in paths], captions),
                                          encoding="utf-8")
    _remove_stale_frames(directory, {path.name for path in paths})
    return paths


def _remove_stale_frames(directory: Path, keep: set[str]) -> None:
    """Delete the frames of an earlier, longer walk, which index.html no longer shows."""
    for entry in directory.iterdir():
        if FRAME.fullmatch(entry.name) and entry.name not in keep and entry.is_file():
            entry.unlink()
