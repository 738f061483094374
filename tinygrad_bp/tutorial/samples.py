"""The graphs and networks the docs, the examples and ``tinygrad-bp graph`` draw.

- ``classic_neuron``: micrograd's neuron ``o = tanh(x1*w1 + x2*w2 + b)``, with ``b`` chosen
  so that ``n = 0.8814`` and ``o = tanh(n) = 1/sqrt(2)``, which makes every gradient a round
  number (``do/dn = 1 - o**2 = 0.5``).
- ``tutorial_loss``: the tutorial's 2-1-2 network and its loss on one row, written out one
  scalar at a time (29 nodes): the graph its backward pass walks, with the hidden output used
  by both output neurons.
- ``tutorial_network`` / ``seeds_network``: the tutorial's networks after one forward and one
  backward pass, for ``draw_network``.
"""

from __future__ import annotations

import random

from .. import data
from ..value import Value
from . import functions as tutorial

CLASSIC_B = 6.8813735870195432


def classic_neuron(backward: bool = True) -> Value:
    """micrograd's neuron: x1=2, x2=0, w1=-3, w2=1, b=6.8814; o = tanh(x1*w1 + x2*w2 + b)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(CLASSIC_B, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    s = x1w1 + x2w2
    s.label = "s"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    if backward:
        o.backward()
    return o


TUTORIAL_WEIGHTS = (
    [[0.13436424411240122, 0.8474337369372327, 0.763774618976614]],
    [[0.2550690257394217, 0.49543508709194095], [0.4494910647887381, 0.651592972722763]],
)
"""``initialize_network(2, 1, 2)`` after ``random.seed(1)`` (TUTORIAL.md item 1), bias last."""


def tutorial_loss(row=(1.0, 0.0), expected=(0.0, 1.0), backward: bool = True) -> Value:
    """E = 1/2 * ((t1 - o1)**2 + (t2 - o2)**2) for the tutorial's 2-1-2 network, in scalars.

    The row and targets are constants (dashed in a drawing); the weights are leaves.
    """
    xs = [Value(float(v), label=f"x{i + 1}", requires_grad=False) for i, v in enumerate(row)]
    outs = []
    for layer, letter in zip(TUTORIAL_WEIGHTS, "ho"):
        for j, weights in enumerate(layer):
            tag = f"{letter}{j + 1}" if len(layer) > 1 else letter
            a = Value(weights[-1], label=f"b_{tag}")
            for i, (w, x) in enumerate(zip(weights, xs)):
                wx = Value(w, label=f"w_{tag}{i + 1}") * x
                a = a + wx
            a.label = f"a_{tag}"
            out = a.sigmoid()
            out.label = tag
            outs.append(out)
        xs, outs = outs, []
    terms = []
    for j, (out, target) in enumerate(zip(xs, expected)):
        t = Value(float(target), label=f"t{j + 1}", requires_grad=False)
        e = t - out
        e.label = f"e{j + 1}"
        terms.append(e ** 2)
    loss = 0.5 * (terms[0] + terms[1])
    loss.label = "E"
    if backward:
        loss.backward()
    return loss


def tutorial_network(seed: int = 1, row=(1.0, 0.0), expected=(0.0, 1.0)):
    """The tutorial's 2-1-2 network (seed 1) after a forward and a backward pass on ``row``."""
    return _network(2, 1, 2, seed, list(row), list(expected))


def seeds_network(seed: int = 1):
    """The 7-5-3 wheat-seeds network (seed 1) after a forward and backward pass on the first
    row of the min-max normalised data set."""
    dataset = data.load_wheat_seeds()
    mins, maxs = data.minmax(dataset.features)
    features = data.normalize(dataset.features, mins, maxs)
    expected = [0.0] * 3
    expected[int(dataset.labels[0])] = 1.0
    return _network(7, 5, 3, seed, [float(v) for v in features[0]], expected)


def _network(n_inputs: int, n_hidden: int, n_outputs: int, seed: int, row, expected):
    """Uses Python's global ``random``, because the tutorial's weights are that stream's draws."""
    random.seed(seed)
    net = tutorial.initialize_network(n_inputs, n_hidden, n_outputs)
    tutorial.forward_propagate(net, row)
    tutorial.backward_propagate_error(net, expected)
    return net
