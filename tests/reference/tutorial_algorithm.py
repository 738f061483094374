"""The tutorial's backpropagation algorithm in plain Python: the project's reference oracle.

Networks are lists of layers, layers are lists of neuron dicts holding ``weights`` (bias last)
and, once used, ``output`` and ``delta`` -- the tutorial's own data structure. Everything is
Python floats and ``math.exp``; no numpy and nothing from ``tinygrad_bp``, so tests can use
this module as an independent check of the framework, and benchmarks as "the tutorial's code".

The arithmetic is done in the tutorial's order (bias first in ``activate``, the error sum of a
row added to ``sum_error`` as one ``sum``), so that results agree bit for bit with the
tutorial's published numbers (see ``tutorial_numbers``). Randomness comes from Python's global
``random`` stream, because the tutorial's numbers are defined by ``random.seed`` and that stream.

Run as a script to reproduce the wheat seeds case study::

    python tests/reference/tutorial_algorithm.py [path/to/wheat-seeds.csv]
"""
from __future__ import annotations

import csv
import random
import sys
from collections.abc import Callable, Sequence
from math import exp
from pathlib import Path
from typing import Any, Protocol

Neuron = dict[str, Any]
Layer = list[Neuron]
Network = list[Layer]
Row = list[Any]  # features, then the class label (an int index, or None in a test copy)

# the copy of the tutorial's data set bundled with tinygrad_bp (byte for byte the same file)
DEFAULT_SEEDS_CSV = (Path(__file__).resolve().parents[2]
                     / "tinygrad_bp" / "data" / "bundled" / "wheat-seeds.csv")


class _RandomSource(Protocol):
    def random(self) -> float: ...


# --- the network -------------------------------------------------------------------------

def initialize_deep(n_inputs: int, hidden_sizes: Sequence[int], n_outputs: int,
                    rng: _RandomSource = random) -> Network:
    """Network with any number of hidden layers, weights uniform in [0, 1).

    Draws in the tutorial's order: layer by layer from the first hidden layer, neuron by
    neuron, each neuron's input weights in order and then its bias. ``rng`` defaults to the
    ``random`` module itself, i.e. Python's global stream.
    """
    network: Network = []
    n_prev = n_inputs
    for size in [*hidden_sizes, n_outputs]:
        network.append([{"weights": [rng.random() for _ in range(n_prev + 1)]}
                        for _ in range(size)])
        n_prev = size
    return network


def initialize_network(n_inputs: int, n_hidden: int, n_outputs: int) -> Network:
    """The tutorial's network: one hidden layer, one output layer, Python's global ``random``."""
    return initialize_deep(n_inputs, [n_hidden], n_outputs, random)


def activate(weights: Sequence[float], inputs: Sequence[float]) -> float:
    """Activation ``bias + sum_i w_i * x_i``, summed bias first as the tutorial does."""
    activation = weights[-1]
    for i in range(len(weights) - 1):
        activation += weights[i] * inputs[i]
    return activation


def transfer(activation: float) -> float:
    """Sigmoid. Like the tutorial's, it raises OverflowError for activations below about -709."""
    return 1.0 / (1.0 + exp(-activation))


def forward_propagate(network: Network, row: Sequence[Any]) -> list[float]:
    """Outputs of the last layer; stores every neuron's ``output`` for the backward pass.

    Only the first ``n_inputs`` entries of ``row`` are read, so a trailing label is ignored.
    """
    inputs: Sequence[Any] = row
    for layer in network:
        new_inputs = []
        for neuron in layer:
            neuron["output"] = transfer(activate(neuron["weights"], inputs))
            new_inputs.append(neuron["output"])
        inputs = new_inputs
    return list(inputs)


def transfer_derivative(output: float) -> float:
    """The sigmoid's slope written in terms of its output: ``output * (1 - output)``."""
    return output * (1.0 - output)


def backward_propagate_error(network: Network, expected: Sequence[float]) -> None:
    """Store each neuron's ``delta`` (which equals ``-dE/da`` for ``E = 1/2 sum (e - o)^2``).

    Output layer: ``(expected_j - output_j) * output_j (1 - output_j)``; any earlier layer:
    ``(sum_k w_kj delta_k) * output_j (1 - output_j)`` over the next layer's neurons ``k``.
    Uses the ``output`` values stored by the last forward pass.
    """
    for i in reversed(range(len(network))):
        layer = network[i]
        errors = []
        if i == len(network) - 1:
            for j, neuron in enumerate(layer):
                errors.append(expected[j] - neuron["output"])
        else:
            for j in range(len(layer)):
                error = 0.0
                for neuron in network[i + 1]:
                    error += neuron["weights"][j] * neuron["delta"]
                errors.append(error)
        for j, neuron in enumerate(layer):
            neuron["delta"] = errors[j] * transfer_derivative(neuron["output"])


def update_weights(network: Network, row: Sequence[Any], l_rate: float) -> None:
    """Online SGD step: ``w += l_rate * delta * input``, ``bias += l_rate * delta``.

    The first layer's inputs are the row's features (the label, last, is dropped); each later
    layer's inputs are the previous layer's stored outputs.
    """
    for i, layer in enumerate(network):
        inputs = list(row[:-1]) if i == 0 else [neuron["output"] for neuron in network[i - 1]]
        for neuron in layer:
            for j in range(len(inputs)):
                neuron["weights"][j] += l_rate * neuron["delta"] * inputs[j]
            neuron["weights"][-1] += l_rate * neuron["delta"]


def train_network(network: Network, train: Sequence[Row], l_rate: float, n_epoch: int,
                  n_outputs: int) -> list[float]:
    """Train online for ``n_epoch`` epochs; return each epoch's ``sum_error``.

    ``sum_error`` sums ``(expected - output)**2`` over rows and outputs, with a one-hot
    ``expected`` built from the row's integer label (the tutorial prints these; we return them).
    """
    trace = []
    for _ in range(n_epoch):
        sum_error = 0
        for row in train:
            outputs = forward_propagate(network, row)
            expected = [0 for _ in range(n_outputs)]
            expected[row[-1]] = 1
            sum_error += sum([(expected[i] - outputs[i]) ** 2 for i in range(len(expected))])
            backward_propagate_error(network, expected)
            update_weights(network, row, l_rate)
        trace.append(sum_error)
    return trace


def predict(network: Network, row: Sequence[Any]) -> int:
    """Index of the largest output (the first one on ties)."""
    outputs = forward_propagate(network, row)
    return outputs.index(max(outputs))


# --- the wheat seeds case study ----------------------------------------------------------

def load_seeds_csv(path: str | Path) -> list[Row]:
    """Rows of float features and an int class index, classes mapped in sorted order.

    Blank lines are skipped and fields stripped, as the tutorial's loader does; unlike the
    tutorial (whose ``set`` ordering of label strings is arbitrary), labels 1/2/3 map to 0/1/2.
    """
    with open(path, newline="") as handle:
        records = [[field.strip() for field in record] for record in csv.reader(handle) if record]
    labels = sorted({int(record[-1]) for record in records})
    index = {label: i for i, label in enumerate(labels)}
    return [[float(field) for field in record[:-1]] + [index[int(record[-1])]]
            for record in records]


def dataset_minmax(dataset: Sequence[Row]) -> list[list[float]]:
    """``[min, max]`` of every column (the label column included, as in the tutorial)."""
    return [[min(column), max(column)] for column in zip(*dataset)]


def normalize_dataset(dataset: list[Row], minmax: Sequence[Sequence[float]]) -> None:
    """Rescale every feature to [0, 1] in place; the label column is left untouched."""
    for row in dataset:
        for i in range(len(row) - 1):
            row[i] = (row[i] - minmax[i][0]) / (minmax[i][1] - minmax[i][0])


def cross_validation_split(dataset: Sequence[Row], n_folds: int) -> list[list[Row]]:
    """``n_folds`` folds of ``int(len / n_folds)`` rows popped at random from a copy.

    Uses ``random.randrange`` on the global stream; rows left over are dropped, as in the
    tutorial.
    """
    remaining = list(dataset)
    fold_size = int(len(dataset) / n_folds)
    folds = []
    for _ in range(n_folds):
        fold = []
        while len(fold) < fold_size:
            fold.append(remaining.pop(random.randrange(len(remaining))))
        folds.append(fold)
    return folds


def accuracy_metric(actual: Sequence[int], predicted: Sequence[int]) -> float:
    """Percentage of matching labels, computed as the tutorial does (``correct / n * 100``)."""
    correct = sum(1 for a, p in zip(actual, predicted) if a == p)
    return correct / float(len(actual)) * 100.0


def back_propagation(train: Sequence[Row], test: Sequence[Row], l_rate: float, n_epoch: int,
                     n_hidden: int) -> list[int]:
    """Train a fresh tutorial network on ``train`` and predict every row of ``test``."""
    n_inputs = len(train[0]) - 1
    n_outputs = len({row[-1] for row in train})
    network = initialize_network(n_inputs, n_hidden, n_outputs)
    train_network(network, train, l_rate, n_epoch, n_outputs)
    return [predict(network, row) for row in test]


def evaluate_algorithm(dataset: Sequence[Row], algorithm: Callable[..., list[int]],
                       n_folds: int, *args: Any) -> list[float]:
    """k-fold cross-validation; returns one accuracy score per fold, in fold order.

    For each fold, the training set is the other folds concatenated in fold order and the
    test set is a copy of the fold with its labels set to None, so nothing can leak.
    """
    folds = cross_validation_split(dataset, n_folds)
    scores = []
    for k, fold in enumerate(folds):
        train_set = [row for j, other in enumerate(folds) if j != k for row in other]
        test_set = [list(row[:-1]) + [None] for row in fold]
        predicted = algorithm(train_set, test_set, *args)
        scores.append(accuracy_metric([row[-1] for row in fold], predicted))
    return scores


def run_seeds_case_study(path: str | Path = DEFAULT_SEEDS_CSV, seed: int = 1, n_folds: int = 5,
                         l_rate: float = 0.3, n_epoch: int = 500,
                         n_hidden: int = 5) -> list[float]:
    """The tutorial's section 6: load, ``random.seed(seed)``, normalise, cross-validate.

    Returns the per-fold accuracies; with the defaults, TUTORIAL.md's item 6.
    """
    dataset = load_seeds_csv(path)
    random.seed(seed)
    normalize_dataset(dataset, dataset_minmax(dataset))
    return evaluate_algorithm(dataset, back_propagation, n_folds, l_rate, n_epoch, n_hidden)


if __name__ == "__main__":
    csv_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SEEDS_CSV
    fold_scores = run_seeds_case_study(csv_path)
    print(f"Scores: {fold_scores}")
    print(f"Mean Accuracy: {sum(fold_scores) / len(fold_scores):.3f}%")
