"""The tutorial's functions, by the tutorial's names, computed by autograd.

"How to Code a Neural Network with Backpropagation In Python (from scratch)" writes each step by
hand: a forward pass, a backward pass that applies the sigmoid-derivative delta rule, an update.
Here each function keeps its name, arguments and return value, and takes a network of either
kind: an ``MLP`` (``initialize_network`` builds one at neuron granularity, every weight its own
scalar Value; a layer-granularity MLP works too) or the tutorial's own list of layers of neuron
dicts, whose ``output``, ``delta`` and ``weights`` are updated in place as the tutorial's code
updates them. Either way the numbers come from the framework:

- ``activate`` and ``transfer`` are a framework ``Neuron``'s sum and the sigmoid op;
  ``transfer_derivative`` is the sigmoid node's own derivative rule, read from autograd;
- ``backward_propagate_error`` differentiates ``E = 1/2 * sum((expected - output)^2)``, and each
  neuron's ``delta`` is ``-dE/da`` for its activation ``a``: the tutorial's delta. At neuron
  granularity it is the tutorial's to the last bit in any layer after which no layer has more
  than two neurons (the output layer always); past a layer of three or more, the backward walk
  adds that layer's terms in the opposite order to the tutorial's loop, so the last bit can
  differ;
- ``update_weights`` is gradient descent. On an MLP it is ``w -= l_rate * dE/dw``, which is the
  tutorial's ``w += l_rate * delta * input`` because ``dE/dw = -delta * input`` (equal to the
  last bit when ``l_rate`` is a power of two, such as the tutorial's 0.5). On dicts it steps
  down the gradient of ``l_rate * E`` taken from the stored deltas, whose rounding is the
  tutorial's for every ``l_rate``.

Randomness comes from Python's global ``random`` (seed it with ``random.seed(1)``), because the
tutorial's published numbers are draws from that stream. A missing value (None) in a row is an
error naming its position, not ``nan``.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral
from typing import cast

import numpy as np

from .. import nn
from ..engine import no_grad
from ..nn.losses import half_squared_error, one_hot, sum_squared_error
from ..nn.modules import MLP, Neuron
from ..value import Value, stack
from .networks import as_mlp, from_network, is_network_of_dicts, store, to_network
from .rows import check_number, check_row

__all__ = ["activate", "backward_propagate_error", "contrived_dataset", "forward_propagate",
           "from_network", "initialize_network", "predict", "to_network", "train_network",
           "transfer", "transfer_derivative", "update_weights"]

Network = MLP | list  # an MLP, or the tutorial's list of layers of neuron dicts


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


def activate(weights: Sequence[float], inputs: Sequence[float]) -> float:
    """A neuron's activation ``bias + sum_i w_i * x_i``, the bias last in ``weights``.

    Computed by a framework ``Neuron`` holding ``weights``, which adds in the tutorial's order
    (bias first). Only the first ``len(weights) - 1`` inputs are read, as in the tutorial.
    """
    if len(weights) < 2:
        raise ValueError(f"activate: weights has {len(weights)} values; expected one per "
                         "input, then the bias")
    for k, w in enumerate(weights):
        check_number(w, f"activate: weights[{k}]")
    xs = check_row(inputs, len(weights) - 1, "activate", "inputs")
    neuron = Neuron(len(xs), draw=lambda n_inputs: 0.0)
    for parameter, w in zip(neuron.parameters(), weights):  # both: inputs' weights, bias
        parameter.data = float(w)
    with no_grad():
        neuron(xs)
    a = neuron.preactivation
    assert a is not None  # the call above made it
    return a.item()


def transfer(activation: float) -> float:
    """The sigmoid ``1 / (1 + exp(-activation))``, by the framework's sigmoid op.

    Where the tutorial's ``math.exp`` overflows (activations below about -709.78) this gives
    0.0, the correctly rounded answer.
    """
    check_number(activation, "transfer: activation")
    with no_grad():
        return Value(float(activation)).sigmoid().item()


def transfer_derivative(output: float) -> float:
    """The sigmoid's slope written in terms of its output, ``output * (1 - output)``.

    Read from autograd: a sigmoid node holding ``output`` is differentiated, so the number is
    the sigmoid op's own derivative rule (the one backward uses), at that output.
    """
    check_number(output, "transfer_derivative: output")
    a = Value(0.0)
    y = a.sigmoid()
    y.data = float(output)  # the stored output, as the tutorial's backward pass reads it
    y.backward()
    return a.grad


def forward_propagate(network: Network, row: Sequence) -> list[float]:
    """The network's outputs for ``row``; only its first ``n_inputs`` values are read.

    Each neuron's output is kept for the backward pass: an MLP keeps its graph, the tutorial's
    dicts get ``neuron['output']``.
    """
    if is_network_of_dicts(network):
        dicts = cast(list, network)
        model = as_mlp(dicts, "forward_propagate")
        outputs = forward_propagate(model, row)
        store(model, dicts, "output")
        return outputs
    network = _model(network, "forward_propagate")
    xs = check_row(row, network.n_inputs, "forward_propagate")
    return [float(v) for v in network(xs).data]


def backward_propagate_error(network: Network, expected: Sequence[float]) -> None:
    """Autograd's backward pass from E = 1/2 * sum((expected - output)^2): fills every delta.

    Works from the outputs each neuron holds (from the last forward pass, or stored in the
    tutorial's dicts), as the tutorial's function does; dicts get ``neuron['delta']``. An MLP's
    weight gradients are reset first, so after this call they belong to this one row.
    """
    if is_network_of_dicts(network):
        dicts = cast(list, network)
        model = as_mlp(dicts, "backward_propagate_error", with_outputs=True, needs=("output",))
        backward_propagate_error(model, expected)
        store(model, dicts, "delta")
        return
    network = _model(network, "backward_propagate_error")
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
    for k, e in enumerate(expected):
        check_number(e, f"backward_propagate_error: expected[{k}]")
    network.zero_grad()
    half_squared_error(outputs, list(map(float, expected))).backward()


def update_weights(network: Network, row: Sequence, l_rate: float) -> None:
    """One step of gradient descent on every weight and bias.

    On an MLP, ``w -= l_rate * dE/dw`` with the gradients of the last
    ``backward_propagate_error``, which saw the inputs of the last forward pass; ``row`` must be
    that row. On the tutorial's dicts, the stored deltas and outputs are used, as the tutorial
    does: the first layer reads the row's features, each later layer the outputs before it.
    """
    check_number(l_rate, "update_weights: l_rate")
    if is_network_of_dicts(network):
        _update_dicts(cast(list, network), row, l_rate)
        return
    network = _model(network, "update_weights")
    if network.last_input is None:
        raise ValueError("update_weights: run forward_propagate and backward_propagate_error first")
    if not np.array_equal(np.asarray(row[:network.n_inputs], dtype=np.float64), network.last_input):
        raise ValueError("update_weights: row is not the row of the last forward pass; the "
                         "gradients belong to that row (run forward_propagate on this row and "
                         "backward_propagate_error first)")
    for p in network.parameters():
        p.data -= l_rate * p.grad


def _model(network, who: str) -> MLP:
    """``network`` as an MLP, or a TypeError saying what the tutorial's functions take."""
    if not isinstance(network, MLP):
        raise TypeError(f"{who}: network must be an MLP or the tutorial's list of layers of "
                        f"neuron dicts, not {type(network).__name__}")
    return network


def _update_dicts(layers: list, row: Sequence, l_rate: float) -> None:
    """Gradient descent on ``l_rate * E`` from the dicts' deltas, written back into them.

    ``d(l_rate * E)/da = -(l_rate * delta)`` seeds each neuron's activation, rebuilt from the
    inputs the tutorial uses; autograd's chain rule then gives each weight
    ``-(l_rate * delta) * input``, so ``w -= grad`` rounds exactly as the tutorial's
    ``w += l_rate * delta * input``.
    """
    model = as_mlp(layers, "update_weights", needs=("output", "delta"))
    inputs = check_row(row, model.n_inputs, "update_weights")
    terms = []
    for i, (layer, dicts) in enumerate(zip(model.layers, layers)):
        if i:
            inputs = [d["output"] for d in layers[i - 1]]
        for neuron, d in zip(layer.neurons, dicts):
            neuron(inputs)
            terms.append(neuron.preactivation * -(l_rate * d["delta"]))
    sum(terms).backward()
    for p in model.parameters():
        p.data -= p.grad
    store(model, layers, "weights")


def train_network(network: Network, train: Sequence[Sequence], l_rate: float, n_epoch: int,
                  n_outputs: int, verbose: bool = False) -> list[float]:
    """Online training, one update per row; returns each epoch's sum of squared errors.

    An MLP trains through ``nn.train``, the framework's training loop (forward, error,
    backward, ``w -= l_rate * dE/dw`` for every row in order), and the trace is its
    ``History.sum_error``: the tutorial's numbers to the last bit. The tutorial's dicts train
    by the functions above, row by row, so that every weight rounds as the tutorial's
    ``w += l_rate * delta * input`` does, at any ``l_rate``. With ``verbose=True`` prints the
    tutorial's ``>epoch=0, lrate=0.500, error=6.350`` lines.
    """
    dicts = cast(list, network) if is_network_of_dicts(network) else None
    model = as_mlp(dicts, "train_network") if dicts else _model(network, "train_network")
    rows = _check_training(model, train, l_rate, n_epoch, n_outputs)
    if dicts:
        return _train_dicts(dicts, train, l_rate, n_epoch, n_outputs, verbose)
    # the tutorial's expected vectors, one-hot even for one output (nn.train would read a
    # single output's labels as target values)
    expected = [one_hot(row[-1], n_outputs) for row in train]

    def report(epoch: int, history: nn.History) -> None:
        _report(epoch, l_rate, history.sum_error[-1])

    history = nn.train(model, rows, expected, lr=l_rate, epochs=n_epoch, batch_size=1,
                       callbacks=[report] if verbose else [])
    return history.sum_error


def _check_training(model: MLP, train: Sequence[Sequence], l_rate: float, n_epoch: int,
                    n_outputs: int) -> list[list]:
    """Each row's features, checked: the tutorial's code would train on nonsense instead."""
    check_number(l_rate, "train_network: l_rate")
    if isinstance(n_epoch, bool) or not isinstance(n_epoch, Integral) or n_epoch < 1:
        raise ValueError(f"train_network: n_epoch must be a positive whole number, "
                         f"not {n_epoch!r}")
    if n_outputs != model.n_outputs:
        raise ValueError(f"train_network: n_outputs is {n_outputs}, but the network has "
                         f"{model.n_outputs} outputs")
    if not len(train):
        raise ValueError("train_network: train has no rows")
    rows = []
    for i, row in enumerate(train):
        if len(row) <= model.n_inputs:  # else a feature would be taken for the label
            raise ValueError(f"train_network: train[{i}] has {len(row)} values; a row holds "
                             f"the network's {model.n_inputs} inputs, then its class label")
        rows.append(check_row(row, model.n_inputs, "train_network", f"train[{i}]"))
    return rows


def _train_dicts(network: list, train: Sequence[Sequence], l_rate: float, n_epoch: int,
                 n_outputs: int, verbose: bool) -> list[float]:
    """The tutorial's loop on its own dicts, with the functions above."""
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
            _report(epoch, l_rate, sum_error)
    return trace


def _report(epoch: int, l_rate: float, sum_error: float) -> None:
    print(f">epoch={epoch}, lrate={l_rate:.3f}, error={sum_error:.3f}")


def predict(network: Network, row: Sequence) -> int:
    """The index of the largest output (the first one, on a tie)."""
    outputs = forward_propagate(network, row)
    return outputs.index(max(outputs))
