"""How drawings and walk-throughs write numbers, tensors and node names.

Scalars get exactly four decimals (``0.7071``, ``-1.5000``) so columns line up and a worksheet
answer can be compared digit for digit; a tensor shows its shape and, when it is small enough
to read, its values.
"""

from __future__ import annotations

import html
import math
import re

import graphviz
import numpy as np

SMALL_TENSOR = 12
"""Tensors with at most this many elements show their values, bigger ones a summary."""


def number(x: float) -> str:
    """A scalar to four decimals; -0.0 prints as 0.0000 so signs mean something."""
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if x == 0.0:
        x = 0.0
    if abs(x) >= 1e6:
        return f"{x:.4e}"
    return f"{x:.4f}"


def is_scalar(data) -> bool:
    return type(data) is float or np.ndim(data) == 0


def shape_text(data) -> str:
    return str(tuple(np.shape(data)))


def tensor_lines(data, small: int = SMALL_TENSOR) -> list[str]:
    """Rows of a small tensor's values (one line per row), or a one-line summary."""
    array = np.asarray(data, dtype=np.float64)
    if array.size > small:
        return [f"min {number(array.min())}  max {number(array.max())}"]
    if array.ndim <= 1 or array.size == 0:  # an empty tensor has no rows to show
        return ["[" + "  ".join(number(v) for v in array.reshape(-1)) + "]"]
    rows = array.reshape(-1, array.shape[-1])
    return ["[" + "  ".join(number(v) for v in row) + "]" for row in rows]


def value_text(data) -> str:
    """One line for a value of any shape (used in walk-through text)."""
    if is_scalar(data):
        return number(data)
    lines = tensor_lines(data)
    return f"shape {shape_text(data)} " + " ".join(lines)


def node_names(nodes: list) -> dict[int, str]:
    """A display name for every node, keyed by ``id()``: its label, else op and position.

    Constants without a label are named by their value (``2`` in ``2 * x``); other unlabelled
    nodes by op and index in the topological order (``mul4``), so names stay the same on
    every run.
    """
    names = {}
    for i, node in enumerate(nodes):
        if node.label:
            names[id(node)] = node.label
        elif not node.requires_grad and is_scalar(node.data):
            names[id(node)] = compact(float(node.data))
        elif node._op is not None:
            names[id(node)] = f"{node._op.name}{i}"
        else:
            names[id(node)] = f"v{i}"
    return names


def compact(x: float) -> str:
    """A constant as people write it: ``2``, ``0.5``, ``-1``."""
    return f"{x:g}"


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def term(name: str) -> str:
    """A name safe to put inside a formula: wrapped in parentheses unless a plain word."""
    return name if _IDENTIFIER.match(name) or is_number(name) else f"({name})"


def is_number(text: str) -> bool:
    """True for text that reads as a number (``2``, ``-0.5``)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def esc(text: str) -> str:
    """Text for a Graphviz HTML-like label, shown as typed.

    Graphviz replaces ``\\G``, ``\\N``, ``\\E`` (the graph's, node's, edge's name) even inside
    HTML-like labels and reads ``\\\\`` as one backslash, so every backslash is doubled.
    """
    return html.escape(text, quote=True).replace("\\", "\\\\")


def dot_text(text: str) -> str:
    """Text for a plain Graphviz label (an edge's, a caption), shown as typed.

    Backslashes are doubled as in ``esc`` (``\\l``, ``\\G`` would otherwise be escapes), and the
    text is marked as not HTML, so a title such as ``<a & b>`` stays text.
    """
    return graphviz.escape(text)
