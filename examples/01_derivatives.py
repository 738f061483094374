"""Derivatives and the numerical check (chapter: docs/01-derivatives.md).

A derivative is the slope of f at a point. We can estimate it by nudging x a little either side
(a central difference); backprop computes it exactly. ``tg.gradcheck`` compares the two.

    python examples/01_derivatives.py
"""

import numpy as np

import tinygrad_bp as tg


def cube(x):
    return x ** 3


def forward_difference(f, x, eps):
    return (f(x + eps) - f(x)) / eps


def central_difference(f, x, eps):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def main() -> None:
    x = 2.0
    print("f(x) = x**3 at x = 2: the exact slope 3 * x**2 is 12")
    print("    eps   forward    central")
    for eps in (1e-1, 1e-2, 1e-3):
        print(f"{eps:7.0e}   {forward_difference(cube, x, eps):.6f}  "
              f"{central_difference(cube, x, eps):.6f}")

    # Shrinking eps helps until rounding takes over: f(x + eps) and f(x - eps) agree in more and
    # more leading digits, and their difference keeps only the digits the format has left.
    print("error of the central difference in float64 and in float32")
    print("    eps   float64   float32")
    for eps in (1e-2, 1e-4, 1e-6, 1e-9, 1e-12):
        error64 = abs(central_difference(cube, x, eps) - 12.0)
        # float32 arrays of one element stay float32 through every step (numpy 1 turns a
        # float32 scalar combined with a Python number into float64)
        x32, eps32 = np.array([x], dtype=np.float32), np.array([eps], dtype=np.float32)
        error32 = abs(central_difference(cube, x32, eps32) - 12.0)[0]
        print(f"{eps:7.0e}   {error64:.1e}   {float(error32):.1e}")

    # The same slope from the engine, for y = x**3 - 2x: dy/dx = 3x**2 - 2 = 10 at x = 2.
    def f(v):
        return v ** 3 - 2 * v

    v = tg.Value(x, label="x")
    y = f(v)
    y.backward()
    numeric = tg.numerical_gradient(f, (v,), 0)
    print(f"y = x**3 - 2*x at x = 2: y = {y.data}, backprop dy/dx = {v.grad}, "
          f"central difference {float(numeric):.6f}")
    print(f"tg.gradcheck: {tg.gradcheck(f, v)}")


if __name__ == "__main__":
    main()
