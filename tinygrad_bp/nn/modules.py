"""Neurons, layers and multi-layer perceptrons, built from Values.

A layer computes at one of two granularities, with identical numbers:

- ``"layer"``: one weight matrix ``W`` (outputs x inputs) and one bias vector ``b``; a row or a
  batch of rows goes through as ``x @ W.T + b``. Fast, and what training uses.
- ``"neuron"``: every weight and bias its own scalar Value and every neuron its own ``Neuron``;
  ``a = b + w_0 x_0 + w_1 x_1 + ...`` in the tutorial's order, so its numbers match the tutorial
  to the last bit, and drawings of small networks show every weight.

Either way ``layer.neurons[j]`` shows neuron j as the tutorial sees it: its ``weights``,
``bias``, last ``output`` and last ``delta`` (``-dE/da``, filled by ``backward()``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

import numpy as np

from ..value import Value, stack, zero_grad
from .activations import ACTIVATIONS, check_activation, softmax

GRANULARITIES = ("layer", "neuron")


def _initializer(init: str, rng) -> Callable[[int], float]:
    """A function drawing one weight for a neuron with ``n_inputs`` inputs."""
    if init == "tutorial":  # uniform on [0, 1), the tutorial's random.random()
        return lambda n_inputs: rng.random()
    if init == "symmetric":  # uniform on [-1, 1) / sqrt(n): keeps tanh and relu units lively
        return lambda n_inputs: (2.0 * rng.random() - 1.0) / math.sqrt(n_inputs)
    raise ValueError(f"unknown init {init!r}; choose 'tutorial' or 'symmetric'")


class Module:
    """Anything with parameters: ``parameters()`` lists them, ``zero_grad()`` resets their grads."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        zero_grad(self.parameters())


class Neuron(Module):
    """One neuron with every weight its own scalar Value: ``y = f(b + sum_i w_i * x_i)``."""

    def __init__(self, n_inputs: int, activation: str = "sigmoid", draw=None, name: str = ""):
        draw = draw or (lambda n: random.random())
        self.w = [Value(draw(n_inputs), label=f"{name}w{i}") for i in range(n_inputs)]
        self.b = Value(draw(n_inputs), label=f"{name}b")
        self.activation = check_activation(activation, "Neuron")
        if activation == "softmax":
            raise ValueError("Neuron: softmax spans a whole layer; give the Layer that activation")
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


class NeuronView:
    """Neuron ``j`` of a layer-granularity layer: a window onto row ``j`` of ``W`` and ``b``."""

    def __init__(self, layer: Layer, j: int):
        self.layer, self.j = layer, j

    activation = property(lambda self: self.layer.activation)
    weights = property(lambda self: [float(w) for w in self.layer.W.data[self.j]])
    bias = property(lambda self: float(self.layer.b.data[self.j]))

    @property
    def output(self) -> float | None:
        out = self.layer.out
        return None if out is None else float(np.reshape(out.data, (-1, out.shape[-1]))[-1, self.j])

    @property
    def delta(self) -> float | None:
        a = self.layer.preactivation
        if a is None or a._grad is None:
            return None
        return float(-np.reshape(a._grad, (-1, a.shape[-1]))[-1, self.j])

    def __repr__(self) -> str:
        return f"NeuronView(neuron {self.j} of {self.layer!r})"


class Layer(Module):
    """``n_outputs`` neurons reading the same ``n_inputs`` inputs, at either granularity.

    Weights are drawn neuron by neuron, each neuron's input weights in order and its bias last,
    from ``rng`` (Python's global ``random`` by default, the stream the tutorial's numbers use).
    """

    def __init__(self, n_inputs: int, n_outputs: int, activation: str = "sigmoid",
                 granularity: str = "layer", rng=None, init: str = "tutorial", name: str = ""):
        if granularity not in GRANULARITIES:
            raise ValueError(f"Layer: granularity must be 'layer' or 'neuron', not {granularity!r}")
        for arg, n in (("n_inputs", n_inputs), ("n_outputs", n_outputs)):
            if not isinstance(n, (int, np.integer)) or n < 1:
                raise ValueError(f"Layer: {arg} must be a positive whole number, not {n!r}")
        self.n_inputs, self.n_outputs = int(n_inputs), int(n_outputs)
        self.activation = check_activation(activation, "Layer")
        self.granularity = granularity
        draw = _initializer(init, rng if rng is not None else random)
        neuron_act = "linear" if activation == "softmax" else activation
        neurons = [Neuron(n_inputs, neuron_act, draw, f"{name}n{j}.") for j in range(n_outputs)]
        self.preactivation: Value | None = None
        self.out: Value | None = None
        if granularity == "neuron":
            self._neurons = neurons
        else:
            self.W = Value([n.weights for n in neurons], label=f"{name}W")
            self.b = Value([n.bias for n in neurons], label=f"{name}b")
            self._neurons = [NeuronView(self, j) for j in range(n_outputs)]

    @property
    def neurons(self) -> list:
        return self._neurons

    def __call__(self, x) -> Value:
        """The layer's outputs for one row ``(n_inputs,)`` or a batch ``(rows, n_inputs)``."""
        if self.granularity == "neuron":
            return stack(self.call_scalars(_scalars(x, self.n_inputs)))
        x = _as_value(x)
        if x.shape[-1:] != (self.n_inputs,):
            raise ValueError(f"Layer: expected rows of {self.n_inputs} inputs, got shape {x.shape}")
        self.preactivation = x @ self.W.T + self.b
        self.out = ACTIVATIONS[self.activation](self.preactivation)
        return self.out

    def call_scalars(self, xs: Sequence) -> list[Value]:
        """Neuron granularity: scalar inputs in, one scalar Value per neuron out."""
        outs = [n(xs) for n in self._neurons]
        if self.activation == "softmax":
            probs = softmax(stack(outs))
            outs = [probs[j] for j in range(self.n_outputs)]
            for n, out in zip(self._neurons, outs):
                n.out = out
        return outs

    def parameters(self) -> list[Value]:
        if self.granularity == "neuron":
            return [p for n in self._neurons for p in n.parameters()]
        return [self.W, self.b]

    def get_weights(self) -> np.ndarray:
        """The weights as the tutorial stores them: one row per neuron, bias last."""
        return np.array([[*n.weights, n.bias] for n in self._neurons])

    def set_weights(self, weights) -> None:
        """Load rows of ``n_inputs`` weights followed by the bias (``get_weights``' layout)."""
        weights = np.asarray(weights, dtype=np.float64)
        if weights.shape != (self.n_outputs, self.n_inputs + 1):
            expected = (self.n_outputs, self.n_inputs + 1)
            raise ValueError(f"Layer.set_weights: expected shape {expected}"
                             f" (neurons x (inputs + bias)), got {weights.shape}")
        if self.granularity == "neuron":
            for n, row in zip(self._neurons, weights):
                for w, value in zip(n.parameters(), row):
                    w.data = float(value)
        else:
            self.W.data = weights[:, :-1].copy()
            self.b.data = weights[:, -1].copy()

    def __repr__(self) -> str:
        return (f"Layer({self.n_inputs} -> {self.n_outputs}, {self.activation}, "
                f"granularity={self.granularity!r})")


def _holds_values(x) -> bool:
    """True for a list or tuple with a Value somewhere in it (micrograd's ``[Value(1.0), ...]``)."""
    return isinstance(x, (list, tuple)) and any(isinstance(e, Value) or _holds_values(e) for e in x)


def _as_value(x) -> Value:
    """Inputs as one Value; lists holding Values are stacked, so the graph reaches them."""
    if isinstance(x, Value):
        return x
    if _holds_values(x):
        return stack([_as_value(e) for e in x])
    return Value(x, requires_grad=False)


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
        return list(x) if x.requires_grad else [float(v) for v in x.data]
    row = [float(v) for v in np.asarray(x, dtype=np.float64).reshape(-1)]
    if np.ndim(x) != 1 or len(row) != n_inputs:
        raise ValueError(f"neuron granularity takes one row of {n_inputs} inputs, "
                         f"got shape {np.shape(x)}")
    return row


class MLP(Module):
    """A multi-layer perceptron: ``MLP(7, [5, 3])`` has 7 inputs, a hidden layer of 5, 3 outputs.

    ``activation`` is used by every hidden layer and, unless ``output_activation`` says
    otherwise, by the output layer too (the tutorial: sigmoid everywhere). Weights are drawn
    layer by layer in the tutorial's order from ``rng`` (Python's global ``random`` by default,
    so ``random.seed(1)`` reproduces the tutorial's networks).
    """

    def __init__(self, n_inputs: int, sizes: Sequence[int], activation: str = "sigmoid",
                 output_activation: str | None = None, granularity: str = "layer", rng=None,
                 init: str = "tutorial"):
        sizes = list(sizes)
        if not sizes:
            raise ValueError("MLP: sizes must name at least the output layer, e.g. [5, 3]")
        output_activation = output_activation or activation
        if activation == "softmax":
            raise ValueError("MLP: softmax works on an output layer only; "
                             "use output_activation='softmax'")
        self.n_inputs = n_inputs
        self.granularity = granularity
        self.last_input: np.ndarray | None = None  # the data of the last row or batch seen
        widths = [n_inputs, *sizes]
        self.layers = [
            Layer(widths[i], widths[i + 1],
                  output_activation if i == len(sizes) - 1 else activation,
                  granularity, rng, init, name=f"L{i}.")
            for i in range(len(sizes))
        ]

    def __call__(self, x) -> Value:
        """The outputs for one row, shape ``(n_outputs,)``, or a batch, ``(rows, n_outputs)``."""
        self.last_input = np.array(x.data if isinstance(x, Value) else x, dtype=np.float64)
        if self.granularity == "neuron":
            xs = _scalars(x, self.n_inputs)
            for layer in self.layers:
                xs = layer.call_scalars(xs)
            return stack(xs)
        n_features = np.shape(x.data if isinstance(x, Value) else x)
        if not n_features or n_features[-1] != self.n_inputs:
            raise ValueError(f"MLP expects rows of {self.n_inputs} inputs, got shape {n_features}")
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def get_weights(self) -> list[np.ndarray]:
        """Each layer's weights, one row per neuron with its bias last (the tutorial's layout)."""
        return [layer.get_weights() for layer in self.layers]

    def set_weights(self, weights: Sequence) -> None:
        if len(weights) != len(self.layers):
            raise ValueError(f"MLP.set_weights: expected {len(self.layers)} layers, "
                             f"got {len(weights)}")
        for layer, w in zip(self.layers, weights):
            layer.set_weights(w)

    def __repr__(self) -> str:
        sizes = [layer.n_outputs for layer in self.layers]
        return f"MLP({self.n_inputs}, {sizes}, granularity={self.granularity!r})"
