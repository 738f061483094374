"""The neuron granularity: every weight its own scalar Value, every neuron a ``Neuron``.

``a = b + w_0 x_0 + w_1 x_1 + ...`` in the tutorial's order, one scalar op after another, so
the numbers match the tutorial's to the last bit and a drawing of a small network shows every
weight. ``Layer(..., granularity="neuron")`` makes a ``NeuronLayer``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import numpy as np

from ..value import Value, stack
from .activations import ACTIVATIONS, check_activation, softmax
from .layers import Layer, _holds_values, check_size, layer_signature
from .module import Module


class Neuron(Module):
    """One neuron with every weight its own scalar Value: ``y = f(b + sum_i w_i * x_i)``.

    ``weights`` (the inputs' weights, then the bias) or else ``draw(n_inputs)``, called once
    per weight and then for the bias (Python's ``random.random()`` by default).
    """

    def __init__(self, n_inputs: int, activation: str = "sigmoid",
                 draw: Callable[[int], float] | None = None, name: str = "", *,
                 weights: Sequence[float] | None = None):
        n_inputs = check_size("n_inputs", n_inputs, "Neuron")
        self.activation = check_activation(activation, "Neuron")
        if activation == "softmax":
            raise ValueError("Neuron: softmax spans a whole layer; give the Layer that activation")
        if weights is None:
            draw = draw or (lambda n: random.random())
            weights = [draw(n_inputs) for _ in range(n_inputs + 1)]
        if len(weights) != n_inputs + 1:
            raise ValueError(f"Neuron: expected {n_inputs + 1} weights (inputs, then the bias), "
                             f"got {len(weights)}")
        self.w = [Value(float(w), label=f"{name}w{i}") for i, w in enumerate(weights[:-1])]
        self.b = Value(float(weights[-1]), label=f"{name}b")
        self.preactivation: Value | None = None
        self.out: Value | None = None

    def __call__(self, xs: Sequence) -> Value:
        if len(xs) != len(self.w):  # zip would quietly drop the extra weights or inputs
            raise ValueError(f"Neuron: expected {len(self.w)} inputs, got {len(xs)}")
        a = self.b
        for w, x in zip(self.w, xs):  # bias first, then inputs in order: the tutorial's sum
            a = a + w * x
        self.preactivation = a
        self.out = ACTIVATIONS[self.activation](a)
        return self.out

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    @property
    def weights(self) -> list[float]:
        return [w.data for w in self.w]

    @property
    def bias(self) -> float:
        return self.b.data

    @property
    def output(self) -> float | None:
        return None if self.out is None else self.out.item()

    @property
    def delta(self) -> float | None:
        """The tutorial's delta, ``-dE/da`` for this neuron's activation ``a``."""
        a = self.preactivation
        return None if a is None or a._grad is None else -a._grad

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)} inputs, {self.activation})"


class NeuronLayer(Layer):
    """A layer at neuron granularity: a ``Neuron`` per output, every weight a scalar Value."""

    granularity = "neuron"

    def _build(self, weights: np.ndarray, name: str) -> None:
        act = "linear" if self.activation == "softmax" else self.activation
        self._neurons = [Neuron(self.n_inputs, act, name=f"{name}n{j}.", weights=row.tolist())
                         for j, row in enumerate(weights)]

    @property
    def neurons(self) -> list[Neuron]:
        return self._neurons

    def __call__(self, x) -> Value:
        """The layer's outputs for one row ``(n_inputs,)``, one Neuron at a time."""
        return stack(self.call_scalars(_scalars(x, self.n_inputs)))

    def call_scalars(self, xs: Sequence) -> list[Value]:
        """Scalar inputs in, one scalar Value per neuron out."""
        outs = [n(xs) for n in self._neurons]
        if self.activation == "softmax":
            probs = softmax(stack(outs))
            outs = [probs[j] for j in range(self.n_outputs)]
            for n, out in zip(self._neurons, outs):
                n.out = out
        return outs

    def parameters(self) -> list[Value]:
        return [p for n in self._neurons for p in n.parameters()]

    def get_weights(self) -> np.ndarray:
        """The weights as the tutorial stores them: one row per neuron, bias last."""
        return np.array([[*n.weights, n.bias] for n in self._neurons])

    def _load(self, weights: np.ndarray) -> None:
        for n, row in zip(self._neurons, weights.tolist()):
            for w, value in zip(n.parameters(), row):
                w.data = value

    def last_outputs(self) -> np.ndarray | None:
        outs = [n.output for n in self._neurons]
        return None if None in outs else np.array(outs)

    def last_deltas(self) -> np.ndarray | None:
        deltas = [n.delta for n in self._neurons]
        return None if None in deltas else np.array(deltas)


NeuronLayer.__signature__ = layer_signature(NeuronLayer, None)  # type: ignore[attr-defined]


def _scalars(x, n_inputs: int) -> list:
    """One row as a list of scalars (Values where x is or holds Values, floats otherwise)."""
    if _holds_values(x):
        if len(x) != n_inputs:
            raise ValueError(f"neuron granularity takes one row of {n_inputs} inputs, got {len(x)}")
        if any(np.ndim(v.data if isinstance(v, Value) else v) != 0 for v in x):
            raise ValueError(f"neuron granularity takes one row of {n_inputs} numbers or scalar "
                             "Values; this list holds something bigger")
        return [v if isinstance(v, Value) else float(v) for v in x]
    if isinstance(x, Value):
        if x.shape != (n_inputs,):
            raise ValueError(f"neuron granularity takes one row of {n_inputs} inputs, "
                             f"got shape {x.shape}")
        return list(x)  # its elements as Values: a recorded step keeps its input linked
    row = [float(v) for v in np.asarray(x, dtype=np.float64).reshape(-1)]
    if np.ndim(x) != 1 or len(row) != n_inputs:
        raise ValueError(f"neuron granularity takes one row of {n_inputs} inputs, "
                         f"got shape {np.shape(x)}")
    return row
