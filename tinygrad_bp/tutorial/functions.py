"""The tutorial's functions, by the tutorial's names, computed by autograd.

"How to Code a Neural Network with Backpropagation In Python (from scratch)" writes each step by
hand: a forward pass, a backward pass that applies the sigmoid-derivative delta rule, an update.
Here each function keeps its name and arguments but works on an ``MLP`` (``initialize_network``
builds one at neuron granularity, every weight its own scalar Value; a layer-granularity MLP
works too), and the backward pass is autograd's:

- ``backward_propagate_error`` differentiates ``E = 1/2 * sum((expected - output)^2)``, and each
  neuron's ``delta`` is ``-dE/da`` for its activation ``a``: the tutorial's delta. At neuron
  granularity it is the tutorial's to the last bit in any layer after which no layer has more
  than two neurons (the output layer always); past a layer of three or more, the backward walk
  adds that layer's terms in the opposite order to the tutorial's loop, so the last bit can
  differ;
- ``update_weights`` is gradient descent, ``w -= l_rate * dE/dw``, which is the tutorial's
  ``w += l_rate * delta * input`` because ``dE/dw = -delta * input``.

Randomness comes from Python's global ``random`` (seed it with ``random.seed(1)``), because the
tutorial's published numbers are draws from that stream.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..nn.losses import half_squared_error, one_hot, sum_squared_error
from ..nn.modules import MLP
from ..value import stack


def contrived_dataset() -> list[list[float]]:
    """The tutorial's ten rows of two features and a class (0 or 1), a fresh copy each call."""
    return [
        [2.7810836, 2.550537003, 0], [1.465489372, 2.362125076, 0],
        [3.396561688, 4.400293529, 0], [1.38807019, 1.850220317, 0],
        [3.06407232, 3.005305973, 0], [7.627531214, 2.759262235, 1],
        [5.332441248, 2.088626775, 1], [6.922596716, 1.77106367, 1],
        [8.675418651, -0.242068655, 1], [7.673756466, 3.508563011, 1],
    ]


def initialize_network(n_inputs: int, n_hidden: int, n_outputs: int) -> MLP:
    """One sigmoid hidden layer and a sigmoid output layer; weights from ``random.random()``."""
    return MLP(n_inputs, [n_hidden, n_outputs], granularity="neuron")


def forward_propagate(network: MLP, row: Sequence) -> list[float]:
    """The network's outputs for ``row``; only its first ``n_inputs`` values are read."""
    if len(row) < network.n_inputs:
        raise ValueError(f"forward_propagate: the row has {len(row)} values but the network "
                         f"needs {network.n_inputs} inputs")
    return [float(v) for v in network(list(row[:network.n_inputs])).data]


def backward_propagate_error(network: MLP, expected: Sequence[float]) -> None:
    """Autograd's backward pass from E = 1/2 * sum((expected - output)^2): fills every delta.

    Works from the outputs each neuron holds (from the last forward pass, or stored in the
    tutorial's dicts given to ``from_network``), as the tutorial's function does. The weights'
    gradients are reset first, so after this call they belong to this one row.
    """
    last = network.layers[-1]
    if last.granularity == "neuron":
        outs = [n.out for n in last.neurons]
        outputs = None if any(out is None for out in outs) else stack(outs)
    else:
        outputs = last.out
    if outputs is None or outputs.ndim != 1:
        raise ValueError("backward_propagate_error: run forward_propagate on a row first")
    if len(expected) != last.n_outputs:
        raise ValueError(f"backward_propagate_error: expected has {len(expected)} values, "
                         f"the network has {last.n_outputs} outputs")
    network.zero_grad()
    half_squared_error(outputs, list(map(float, expected))).backward()


def update_weights(network: MLP, row: Sequence, l_rate: float) -> None:
    """One step of gradient descent, ``w -= l_rate * dE/dw``, on every weight and bias.

    The gradients come from the last ``backward_propagate_error``, which saw the inputs of the
    last forward pass; ``row`` must be that row (the tutorial passes it to read the inputs).
    """
    if network.last_input is None:
        raise ValueError("update_weights: run forward_propagate and backward_propagate_error first")
    if not np.array_equal(np.asarray(row[:network.n_inputs], dtype=np.float64), network.last_input):
        raise ValueError("update_weights: row is not the row of the last forward pass; the "
                         "gradients belong to that row (run forward_propagate on this row and "
                         "backward_propagate_error first)")
    for p in network.parameters():
        p.data -= l_rate * p.grad


def train_network(network: MLP, train: Sequence[Sequence], l_rate: float, n_epoch: int,
                  n_outputs: int, verbose: bool = False) -> list[float]:
    """Online training, one update per row; returns each epoch's sum of squared errors.

    With ``verbose=True`` prints the tutorial's ``>epoch=0, lrate=0.500, error=6.350`` lines.
    """
    trace = []
    for epoch in range(n_epoch):
        sum_error = 0.0
        for row in train:
            outputs = forward_propagate(network, row)
            expected = one_hot(row[-1], n_outputs)
            sum_error += sum_squared_error(outputs, expected)
            backward_propagate_error(network, expected)
            update_weights(network, row, l_rate)
        trace.append(sum_error)
        if verbose:
            print(f">epoch={epoch}, lrate={l_rate:.3f}, error={sum_error:.3f}")
    return trace


def predict(network: MLP, row: Sequence) -> int:
    """The index of the largest output (the first one, on a tie)."""
    outputs = forward_propagate(network, row)
    return outputs.index(max(outputs))


def to_network(network: MLP) -> list[list[dict]]:
    """The tutorial's format: a list of layers, each a list of neuron dicts with ``weights``
    (bias last) and, once computed, ``output`` and ``delta``."""
    layers = []
    for layer in network.layers:
        neurons = []
        for n in layer.neurons:
            d = {"weights": [*n.weights, n.bias]}
            if n.output is not None:
                d["output"] = n.output
            if n.delta is not None:
                d["delta"] = n.delta
            neurons.append(d)
        layers.append(neurons)
    return layers


def from_network(layers: Sequence[Sequence[dict]]) -> MLP:
    """An MLP holding the weights of a network in the tutorial's format (sigmoid everywhere).

    Stored ``output`` values are kept, as the tutorial's backward pass reads them: when every
    neuron has one, the network gets a graph whose nodes hold those outputs.
    """
    _check_network(layers)
    sizes = [len(layer) for layer in layers]
    n_inputs = len(layers[0][0]["weights"]) - 1
    network = MLP(n_inputs, sizes, granularity="neuron")
    network.set_weights([[n["weights"] for n in layer] for layer in layers])
    if all("output" in n for layer in layers for n in layer):
        network([0.0] * n_inputs)  # builds the graph; its outputs are replaced just below
        for layer, dicts in zip(network.layers, layers):
            for neuron, d in zip(layer.neurons, dicts):
                neuron.out.data = float(d["output"])
    return network


def _check_network(layers: Sequence[Sequence[dict]]) -> None:
    """A clear ValueError for a network dict that cannot be an MLP (not an IndexError later)."""
    if not layers:
        raise ValueError("from_network: the network has no layers")
    n_weights = None  # per neuron: one per input, then the bias; the first neuron sets it
    for i, layer in enumerate(layers):
        if not layer:
            raise ValueError(f"from_network: layer {i} has no neurons")
        for j, neuron in enumerate(layer):
            if "weights" not in neuron:
                raise ValueError(f"from_network: layer {i}, neuron {j} has no 'weights'")
            count = len(neuron["weights"])
            if n_weights is None:
                if count < 2:
                    raise ValueError(f"from_network: layer {i}, neuron {j} has {count} weights; "
                                     "expected at least 2 (one per input, then the bias)")
                n_weights = count
            elif count != n_weights:
                raise ValueError(f"from_network: layer {i}, neuron {j} has {count} weights; "
                                 f"expected {n_weights} ({n_weights - 1} inputs, then the bias)")
        n_weights = len(layer) + 1
