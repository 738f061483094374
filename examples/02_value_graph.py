"""Values, ops and the graph they build (chapter: docs/02-value-and-graph.md).

Every operator on a ``Value`` runs one registered op and returns a new Value that remembers the
op and its inputs. Printing the nodes in the order they were made shows the whole graph.

    python examples/02_value_graph.py
"""

import numpy as np

import tinygrad_bp as tg
from tinygrad_bp.engine import topological_order


def describe(node: tg.Value) -> str:
    """One line per node: how it was made, and its data."""
    if node.op:
        left, right = (p.label or repr(p.data) for p in node.parents)
        formula = f"{node.label} = {left} {tg.OPS[node.op].symbol} {right}"
    else:
        formula = f"{node.label} (a leaf)"
    return f"{formula:<16} data = {node.data}"


def main() -> None:
    a = tg.Value(2.0, label="a")
    b = tg.Value(-3.0, label="b")
    c = tg.Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = tg.Value(-2.0, label="f")
    L = d * f
    L.label = "L"

    print(repr(L))
    for node in topological_order(L):
        print(describe(node))
    print(f"the rule of mul: {tg.OPS['mul'].__doc__}")

    # A plain number in an op becomes a constant: a node that never gets a gradient.
    y = 2 * a + 1
    constant = y.parents[1]
    print(f"2 * a + 1 = {y.data}; the 1 is a constant with requires_grad={constant.requires_grad}")

    with tg.no_grad():
        z = a * b
    print(f"made under no_grad: z = {z.data}, parents {z.parents}")

    W = tg.Value(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), label="W")
    print(f"W has shape {W.shape}; W.T has shape {W.T.shape}; W.sum() = {W.sum().data}")


if __name__ == "__main__":
    main()
