"""Finding the wrong op, not just noticing one (chapter: docs/08-verifying-your-own-op.md).

A sigmoid written as your own op, once right and once with a classic slip (``g * y``: the
factor ``1 - y`` forgotten), drives the tutorial's 2-1-2 network. Three tools look at it:
1. ``tg.check_graph`` checks every op node's rule where the loss's graph used it, and names
   the three nodes where the slipped sigmoid sits;
2. ``tg.taylor_test`` tells the right gradient (remainder order 2) from the wrong one (order 1)
   with no step size to choose;
3. ``tg.eps_sweep`` shows why gradcheck's eps is where it is (``--plot FILE.svg`` saves it).

    python examples/17_find_the_wrong_op.py [--plot FILE.svg]
"""

import math
import sys

import tinygrad_bp as tg
from tinygrad_bp.tutorial.samples import TUTORIAL_WEIGHTS


class MySigmoid(tg.Op):
    """y = 1 / (1 + exp(-a));  da = g * y * (1 - y)"""

    name, symbol = "my_sigmoid", "σ"

    @staticmethod
    def forward(a):
        return 1.0 / (1.0 + math.exp(-a))  # the network is scalars: a is a float

    @staticmethod
    def backward(g, y, a):
        return (g * y * (1.0 - y),)


class SlippedSigmoid(MySigmoid):
    """y = 1 / (1 + exp(-a));  da = g * y  (wrong: the factor 1 - y is forgotten)"""

    name = "my_sigmoid_slipped"

    @staticmethod
    def backward(g, y, a):
        return (g * y,)


def weights() -> list:
    """The tutorial's seed-1 weights as Values: hidden w1, w2, bias; then each output's w, bias."""
    (hidden,), outputs = TUTORIAL_WEIGHTS
    names = ["w_h1", "w_h2", "b_h", "w_o11", "b_o1", "w_o21", "b_o2"]
    return [tg.Value(w, label=n) for w, n in zip([*hidden, *outputs[0], *outputs[1]], names)]


def loss(sigmoid, w_h1, w_h2, b_h, w_o11, b_o1, w_o21, b_o2):
    """The tutorial's loss on row (1, 0) with expected (0, 1), one scalar at a time."""
    def neuron(tag, terms, bias):
        a = bias
        for w, x in terms:
            a = a + w * x
        a.label = f"a_{tag}"
        out = tg.apply(sigmoid, a)
        out.label = tag
        return out

    h = neuron("h", [(w_h1, 1.0), (w_h2, 0.0)], b_h)
    o1, o2 = neuron("o1", [(w_o11, h)], b_o1), neuron("o2", [(w_o21, h)], b_o2)
    return 0.5 * ((0.0 - o1) ** 2 + (1.0 - o2) ** 2)


def main(argv: list[str]) -> None:
    for sigmoid in (MySigmoid, SlippedSigmoid):
        print(f"{sigmoid.name}:", tg.check_graph(loss(sigmoid, *weights())))
    for sigmoid in (MySigmoid, SlippedSigmoid):
        report = tg.taylor_test(lambda *w, op=sigmoid: loss(op, *w), *weights())
        print(f"{sigmoid.name}: {str(report).splitlines()[0]}")
    if argv[:1] == ["--plot"] and len(argv) == 2:
        sweep = tg.eps_sweep(lambda *w: loss(MySigmoid, *w), *weights())
        print(f"eps_sweep: saved {sweep.plot().save(argv[1])}")


if __name__ == "__main__":
    main(sys.argv[1:])
