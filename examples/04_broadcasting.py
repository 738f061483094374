"""Tensors, broadcasting and matmul gradients (chapter: docs/04-tensors-broadcasting.md).

    python examples/04_broadcasting.py
"""

import numpy as np

import tinygrad_bp as tg
from tinygrad_bp.engine import unbroadcast


def main() -> None:
    # A scalar times a matrix: the scalar is copied to all 6 places, so its gradient is a sum.
    s = tg.Value(0.5, label="s")
    M = tg.Value(np.arange(6.0).reshape(2, 3), label="M")
    (s * M).sum().backward()
    print(f"L = sum(s * M): dL/ds = {s.grad} (the sum of M), dL/dM = {M.grad.tolist()}")

    # A column times a row makes a 2 x 3 table; each input's gradient keeps its own shape.
    col = tg.Value([[1.0], [2.0]], label="col")
    row = tg.Value([[10.0, 20.0, 30.0]], label="row")
    (col * row).sum().backward()
    print(f"L = sum(col * row): dL/dcol = {col.grad.tolist()}, dL/drow = {row.grad.tolist()}")

    # The engine's one place for this: sum the gradient down to the input's shape.
    summed = unbroadcast(np.ones((4, 2, 3)), (2, 1))
    print(f"unbroadcast(ones((4, 2, 3)), (2, 1)) = {summed.tolist()}")

    # A linear layer and its three gradients, for L = sum(y * y) / 2, so dL/dy = y.
    W = tg.Value([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]], label="W")
    x = tg.Value([1.0, 2.0, 3.0], label="x")
    bias = tg.Value([0.5, -1.0], label="bias")
    y = W @ x + bias
    ((y * y).sum() / 2).backward()
    print(f"y = W @ x + bias = {y.data.tolist()}")
    print(f"dL/dW = outer(y, x) = {W.grad.tolist()}")
    print(f"dL/dx = W.T @ y = {x.grad.tolist()}")
    print(f"dL/dbias = y = {bias.grad.tolist()}")

    # A batch of 4 rows: the bias is broadcast over the batch, so its gradient sums over it.
    W.zero_grad()
    bias.zero_grad()
    X = tg.Value(np.arange(12.0).reshape(4, 3), label="X")
    Y = X @ W.T + bias
    Y.sum().backward()
    print(f"batch of 4, L = sum(X @ W.T + bias): dL/dbias = {bias.grad.tolist()}, "
          f"dL/dW = {W.grad.tolist()}")


if __name__ == "__main__":
    main()
