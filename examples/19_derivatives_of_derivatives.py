"""Derivatives of derivatives (chapter: docs/11-derivatives-of-derivatives.md).

``tg.grad(y, [x], create_graph=True)`` returns gradients that are graphs of their own, built by
the same rules backward uses, so they can be differentiated again:

1. y = x ** 3 at x = 2, differentiated three times;
2. Newton's method on f(x) = x ** 4 - 2 x ** 2 from x = 2, with f' and f'' from tg.grad;
3. tanh and its first four derivatives, at x = 0.5 and (with --picture) as curves;
4. the Hessian of a tiny network's loss, with tg.hessian;
5. the derivative of the tutorial's transfer_derivative: the sigmoid's second derivative.

    python examples/19_derivatives_of_derivatives.py [--picture FILE.svg]
"""

import argparse
from pathlib import Path

import numpy as np

import tinygrad_bp as tg
from tinygrad_bp import tutorial as tut
from tinygrad_bp.viz import line_chart


def derivatives(f, x: tg.Value, n: int) -> list[tg.Value]:
    """f(x) and its first n derivatives, each the gradient of the one before, kept as a graph.

    f works elementwise, so the gradient of the sum of an array of values is each value's own
    derivative. A derivative that no longer depends on x (a constant) has zero derivatives.
    """
    found = [f(x)]
    for _ in range(n):
        last = found[-1]
        if last.requires_grad:
            (d,) = tg.grad(last.sum(), [x], create_graph=True)
        else:
            d = tg.Value(np.zeros(x.shape) if x.ndim else 0.0, requires_grad=False)
        found.append(d)
    return found


def cube() -> None:
    y, d1, d2, d3, d4 = derivatives(lambda x: x ** 3, tg.Value(2.0), 4)
    print(f"y = x ** 3 at x = 2: y = {y.data}, y' = {d1.data}, y'' = {d2.data}, "
          f"y''' = {d3.data}, y'''' = {d4.data}")


def newton(x0: float = 2.0, steps: int = 7) -> None:
    """Minimise f(x) = x ** 4 - 2 x ** 2: x <- x - f'(x) / f''(x), both from tg.grad."""
    x = tg.Value(x0, label="x")
    print("Newton's method on f(x) = x**4 - 2 x**2:")
    for step in range(steps):
        f, d1, d2 = derivatives(lambda x: x ** 4 - 2.0 * x ** 2, x, 2)
        print(f"  step {step}: x = {x.data:.10f}  f(x) = {f.data:.10f}  f'(x) = {d1.data:.2e}")
        x.data = x.data - d1.data / d2.data


def tanh_derivatives(picture: Path | None) -> None:
    names = ["tanh", "tanh'", "tanh''", "tanh'''", "tanh''''"]
    at_half = derivatives(lambda x: x.tanh(), tg.Value(0.5), 4)
    print("tanh and its derivatives at x = 0.5: "
          + ", ".join(f"{name} = {d.data:.10f}" for name, d in zip(names, at_half)))
    if picture is not None:
        xs = np.linspace(-4.0, 4.0, 161)
        curves = derivatives(lambda x: x.tanh(), tg.Value(xs), 4)
        chart = line_chart({name: (xs, d.data) for name, d in zip(names, curves)},
                           title="tanh and its first four derivatives", xlabel="x")
        print(f"wrote {chart.save(picture)}")


ROWS, TARGETS = np.array([1.5, -0.5]), np.array([0.5, -0.2])


def tiny_network_loss(p: tg.Value) -> tg.Value:
    """L = sum((w2 tanh(w1 x + b1) - t)^2) / 2 over two rows: one hidden neuron, 3 weights."""
    w1, b1, w2 = p[0], p[1], p[2]
    return ((w2 * (w1 * ROWS + b1).tanh() - TARGETS) ** 2).sum() * 0.5


def tiny_network_hessian() -> None:
    H = tg.hessian(tiny_network_loss, np.array([0.8, -0.3, 1.2]))
    print("the Hessian of L(w1, b1, w2) at (0.8, -0.3, 1.2):")
    for name, row in zip(["w1", "b1", "w2"], H):
        print(f"  {name}  " + "  ".join(f"{v:9.6f}" for v in row))
    symmetric = np.allclose(H, H.T, rtol=1e-12, atol=1e-15)  # mixed partials, two roundings
    print(f"  symmetric: {symmetric}; eigenvalues "
          f"{', '.join(f'{v:.4f}' for v in np.linalg.eigvalsh(H))}")


def transfer_derivative_derivative() -> None:
    """d/da of the tutorial's transfer_derivative(sigmoid(a)) = y (1 - y) (1 - 2 y)."""
    print("a      transfer_derivative  (by tg.grad)       its derivative in a")
    for a0 in (-2.0, 0.0, 0.5, 2.0):
        a = tg.Value(a0)
        y = a.sigmoid()
        (slope,) = tg.grad(y, [a], create_graph=True)  # the sigmoid's rule: y * (1 - y)
        (curvature,) = tg.grad(slope, [a])
        same = slope.data == tut.transfer_derivative(y.data)
        print(f"{a0:4.1f}   {tut.transfer_derivative(y.data):.12f}  (equal: {same})  "
              f"{curvature.data:.12f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--picture", type=Path, default=None,
                        help="write the tanh curves here (docs/images/tanh-derivatives.svg)")
    args = parser.parse_args()
    cube()
    newton()
    tanh_derivatives(args.picture)
    tiny_network_hessian()
    transfer_derivative_derivative()


if __name__ == "__main__":
    main()
