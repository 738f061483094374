"""Backpropagation: the chain rule, walked in reverse topological order (docs/03-backprop.md).

    python examples/03_backprop.py
"""

import tinygrad_bp as tg
from tinygrad_bp.engine import topological_order


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
    L.backward()

    print("L = (a * b + c) * f; the walk visits the nodes from L back to the leaves:")
    print("  " + "  ".join(f"dL/d{n.label} = {n.grad}" for n in reversed(topological_order(L))))
    # the chain rule by hand for a: dL/da = dL/dd * dd/de * de/da = f * 1 * b
    print(f"by hand: dL/da = f * 1 * b = {f.data * 1.0 * b.data}")

    # A node used twice gets the sum of both paths' gradients (the += in the engine).
    x = tg.Value(3.0, label="x")
    (x * x).backward()
    print(f"y = x * x at x = 3: dy/dx = {x.grad}")

    p = tg.Value(1.0, label="p")
    q = p + p
    r = q + q
    r.backward()
    print(f"diamond q = p + p, r = q + q: dr/dp = {p.grad}, dr/dq = {q.grad}")

    # Leaves accumulate across calls; interior nodes are recomputed, not doubled.
    w = tg.Value(2.0, label="w")
    h = w * w
    out = h * 3.0
    out.backward()
    print(f"after one backward():  dout/dw = {w.grad}, dout/dh = {h.grad}")
    out.backward()
    print(f"after two backward():  dout/dw = {w.grad}, dout/dh = {h.grad}")

    # The walk is a loop, not recursion, so a graph far deeper than Python's stack works.
    depth = 20_000
    z = tg.Value(1.0, label="z")
    y = z
    for _ in range(depth):
        y = y * 1.0001
    y.backward()
    print(f"a chain of {depth} multiplications by 1.0001: dy/dz = {z.grad:.6f}")


if __name__ == "__main__":
    main()
