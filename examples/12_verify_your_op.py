"""Verifying your own op and your own backprop (chapter: docs/08-verifying-your-own-op.md).

Three checks a learner can run on their own derivatives:
1. a new primitive op (softplus) whose backward rule passes ``tg.gradcheck``;
2. the same op with a classic slip in its rule, which ``tg.gradcheck`` catches;
3. a two-layer network's gradients written out by hand, compared with autograd's by
   ``tg.check_grads`` — once right, once with the tanh derivative forgotten.

    python examples/12_verify_your_op.py
"""

import numpy as np

import tinygrad_bp as tg


class Softplus(tg.Op):
    """y = log(1 + exp(a));  da = g * sigmoid(a)"""

    name, symbol = "softplus", "softplus"
    formula, derivatives = "y = log(1 + exp(a))", ("da = g * sigmoid(a)",)

    @staticmethod
    def forward(a):
        return np.logaddexp(0.0, a)  # log(e^0 + e^a), computed without overflow

    @staticmethod
    def backward(g, y, a):
        return (g / (1.0 + np.exp(-a)),)


class SlippedSoftplus(Softplus):
    """y = log(1 + exp(a));  da = g * sigmoid(a) * (1 - sigmoid(a))  (wrong: sigmoid's slope)"""

    name = "softplus_slipped"
    derivatives = ("da = g * sigmoid(a) * (1 - sigmoid(a))",)

    @staticmethod
    def backward(g, y, a):
        s = 1.0 / (1.0 + np.exp(-a))
        return (g * s * (1.0 - s),)


def check_op(op, x: tg.Value) -> None:
    try:
        tg.gradcheck(lambda x: tg.apply(op, x).sum(), x)
        print(f"{op.name}: gradcheck passed")
    except tg.GradcheckError as error:
        print(f"{op.name}: {error}")


def handwritten_gradients(W1, b1, W2, x, target, remember_tanh=True):
    """The gradients of L = 1/2 * sum((W2 @ tanh(W1 @ x + b1) - target)^2), by hand."""
    h = np.tanh(W1 @ x + b1)
    out = W2 @ h
    d_out = out - target                      # dL/dout
    d_h = W2.T @ d_out                        # dL/dh
    d_pre = d_h * (1 - h ** 2) if remember_tanh else d_h   # dL/d(W1 x + b1)
    return {"W1": np.outer(d_pre, x), "b1": d_pre, "W2": np.outer(d_out, h)}


def main() -> None:
    x = tg.Value([-2.0, 0.5, 3.0], label="x")
    check_op(Softplus, x)
    check_op(SlippedSoftplus, x)

    rng = np.random.default_rng(0)
    data = {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=4), "W2": rng.normal(size=(2, 4))}
    row, target = rng.normal(size=3), rng.normal(size=2)
    values = {name: tg.Value(array, label=name) for name, array in data.items()}
    out = values["W2"] @ (values["W1"] @ row + values["b1"]).tanh()
    loss = ((out - target) ** 2).sum() * 0.5
    loss.backward()

    for remember_tanh in (True, False):
        mine = handwritten_gradients(*data.values(), row, target, remember_tanh)
        try:
            tg.check_grads(mine, values)
            print("handwritten gradients equal autograd's")
        except tg.GradcheckError as error:
            print(error)


if __name__ == "__main__":
    main()
