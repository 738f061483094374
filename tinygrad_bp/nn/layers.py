"""Layers, built from Values, and the weights they start from.

A layer computes at one of two granularities, with identical numbers, as one of two classes
behind the one constructor ``Layer(..., granularity=...)``:

- ``"layer"`` (``ArrayLayer``, here): one weight matrix ``W`` (outputs x inputs) and one bias
  vector ``b``; a row or a batch of rows goes through as ``x @ W.T + b``. Fast, and what
  training uses.
- ``"neuron"`` (``NeuronLayer``, in ``neurons``): every weight and bias its own scalar Value
  and every neuron its own ``Neuron``; ``a = b + w_0 x_0 + w_1 x_1 + ...`` in the tutorial's
  order, so its numbers match the tutorial to the last bit, and drawings of small networks
  show every weight.

Either way ``layer.neurons[j]`` shows neuron j as the tutorial sees it: its ``weights``,
``bias``, last ``output`` and last ``delta`` (``-dE/da``, filled by ``backward()``).

Weights are drawn as arrays, neuron by neuron, each neuron's input weights in order and its
bias last (``draw_weights``): the tutorial's order, from the same stream, without a Value per
draw.
"""

from __future__ import annotations

import inspect
import math
import numbers
import random
from typing import ClassVar

import numpy as np

from ..value import Value, stack
from .activations import ACTIVATIONS, check_activation
from .module import Module

GRANULARITIES = ("layer", "neuron")
INITS = ("tutorial", "symmetric")


def check_size(name: str, n, where: str) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"{where}: {name} must be a positive whole number, not {n!r}")
    return int(n)


def check_init(init: str) -> str:
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; choose 'tutorial' or 'symmetric'")
    return init


def draw_weights(n_inputs: int, n_outputs: int, rng=None, init: str = "tutorial") -> np.ndarray:
    """``(n_outputs, n_inputs + 1)`` weights, a row per neuron with its bias last.

    Drawn in the tutorial's order (neuron by neuron, inputs' weights then the bias) from
    ``rng``: a ``random.Random``, a ``numpy.random.Generator``, or None for Python's global
    ``random`` (the stream the tutorial's numbers come from). ``init="tutorial"`` draws
    uniform on [0, 1) (``random.random()``); ``"symmetric"`` uniform on [-1, 1) divided by
    sqrt(n_inputs), which keeps tanh and relu units lively.
    """
    check_init(init)
    rng = random if rng is None else rng
    n = n_outputs * (n_inputs + 1)
    if isinstance(rng, np.random.Generator):
        draws = rng.random(n)  # the same numbers, in the same order, as n calls of random()
    elif callable(getattr(rng, "random", None)):
        # iter(f, sentinel) calls f until it returns the sentinel, which random() in [0, 1)
        # never does; fromiter stops after n: a C loop, no Python frame per draw
        draws = np.fromiter(iter(rng.random, -1.0), np.float64, count=n)
    else:
        raise TypeError(f"rng must be a random.Random or a numpy Generator, not "
                        f"{type(rng).__name__}")
    if init == "symmetric":
        draws = (2.0 * draws - 1.0) / math.sqrt(n_inputs)  # elementwise: each draw as in Python
    return draws.reshape(n_outputs, n_inputs + 1)


class NeuronView:
    """Neuron ``j`` of a layer-granularity layer: a window onto row ``j`` of ``W`` and ``b``."""

    def __init__(self, layer: ArrayLayer, j: int):
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

    ``Layer(...)`` makes an ``ArrayLayer`` (``granularity="layer"``) or a ``NeuronLayer``
    (``"neuron"``); both are Layers. Weights are ``weights`` (the tutorial's layout, a row per
    neuron with its bias last) or else drawn by ``draw_weights(n_inputs, n_outputs, rng, init)``.

    ``models=k`` (layer granularity only) holds k independent layers side by side, weights
    ``(k, n_outputs, n_inputs)`` and biases ``(k, n_outputs, 1)``, drawn one model after the
    other; it reads each model's inputs as columns, ``(k, n_inputs, n)``, and computes
    ``W @ x + b`` (see ``MLP``'s ``models``).
    """

    granularity = "layer"
    _kinds: ClassVar[dict[str, type[Layer]]] = {}  # granularity: its class, as each is defined

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Layer._kinds.setdefault(cls.granularity, cls)

    def __new__(cls, n_inputs=1, n_outputs=1, activation="sigmoid", granularity="layer",
                *args, **kwargs):
        kind = cls
        if cls is Layer:
            if granularity not in GRANULARITIES:
                raise ValueError(f"Layer: granularity must be 'layer' or 'neuron', "
                                 f"not {granularity!r}")
            kind = Layer._kinds[granularity]
        return super().__new__(kind)

    def __init__(self, n_inputs: int, n_outputs: int, activation: str = "sigmoid",
                 granularity: str | None = None, rng=None, init: str = "tutorial",
                 name: str = "", *, models: int | None = None, weights=None):
        if granularity not in (None, self.granularity):
            raise ValueError(f"{type(self).__name__} is the {self.granularity!r} granularity, "
                             f"not {granularity!r}; call Layer(...) to choose")
        self.n_inputs = check_size("n_inputs", n_inputs, "Layer")
        self.n_outputs = check_size("n_outputs", n_outputs, "Layer")
        self.activation = check_activation(activation, "Layer")
        self.models = None if models is None else check_size("models", models, "Layer")
        if self.models is not None and (self.granularity != "layer" or activation == "softmax"):
            raise ValueError("Layer: models=k needs granularity='layer' and an activation "
                             "other than softmax")
        self.preactivation: Value | None = None
        self.out: Value | None = None
        if weights is None:
            check_init(init)
            draws = [draw_weights(self.n_inputs, self.n_outputs, rng, init)
                     for _ in range(self.models or 1)]
            weights = np.stack(draws) if self.models else draws[0]
        self._build(self._checked(weights, f"{type(self).__name__}"), name)

    def _shape(self) -> tuple:
        one = (self.n_outputs, self.n_inputs + 1)
        return one if self.models is None else (self.models, *one)

    def _checked(self, weights, where: str) -> np.ndarray:
        # not copied here: _build and _load copy the numbers into the layer's own parameters
        weights = np.asarray(weights, dtype=np.float64)
        if weights.shape != self._shape():
            what = "neurons x (inputs + bias)" if self.models is None else \
                "models x neurons x (inputs + bias)"
            raise ValueError(f"{where}: expected shape {self._shape()} ({what}), "
                             f"got {weights.shape}")
        return weights

    def set_weights(self, weights) -> None:
        """Load rows of ``n_inputs`` weights followed by the bias (``get_weights``' layout)."""
        self._load(self._checked(weights, "Layer.set_weights"))

    # what each granularity's class writes its own way
    @property
    def neurons(self) -> list:
        """Neuron j as the tutorial sees it: ``weights``, ``bias``, ``output``, ``delta``."""
        raise NotImplementedError

    def __call__(self, x) -> Value:
        raise NotImplementedError

    def get_weights(self) -> np.ndarray:
        """The weights as the tutorial stores them: one row per neuron, bias last."""
        raise NotImplementedError

    def last_outputs(self) -> np.ndarray | None:
        """The last call's outputs, ``(..., n_outputs)``; None before any call."""
        raise NotImplementedError

    def last_deltas(self) -> np.ndarray | None:
        """``-dE/da`` for each neuron of the last call; None before a backward pass."""
        raise NotImplementedError

    def _build(self, weights: np.ndarray, name: str) -> None:
        raise NotImplementedError

    def _load(self, weights: np.ndarray) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        models = "" if self.models is None else f", models={self.models}"
        return (f"Layer({self.n_inputs} -> {self.n_outputs}, {self.activation}, "
                f"granularity={self.granularity!r}{models})")


class ArrayLayer(Layer):
    """A layer at layer granularity: ``W`` (outputs x inputs) and ``b``, ``x @ W.T + b``."""

    granularity = "layer"

    def _build(self, weights: np.ndarray, name: str) -> None:
        bias = weights[..., -1] if self.models is None else weights[..., -1:]
        self.W = Value(weights[..., :-1], label=f"{name}W")
        self.b = Value(bias, label=f"{name}b")
        self._neurons: list[NeuronView] | None = None  # made when first looked at

    @property
    def neurons(self) -> list[NeuronView]:
        if self.models is not None:
            raise ValueError(f"this layer holds {self.models} models; look at one model's "
                             "neurons with MLP.unstack()")
        if self._neurons is None:
            self._neurons = [NeuronView(self, j) for j in range(self.n_outputs)]
        return self._neurons

    def __call__(self, x) -> Value:
        """Outputs for a row ``(n_inputs,)`` or rows ``(n, n_inputs)``; with ``models``,
        for columns ``(models, n_inputs, n)``, giving ``(models, n_outputs, n)``."""
        x = _as_value(x)
        if self.models is None:
            if x.shape[-1:] != (self.n_inputs,):
                raise ValueError(f"Layer: expected rows of {self.n_inputs} inputs, "
                                 f"got shape {x.shape}")
            self.preactivation = x @ self.W.T + self.b
        else:
            if x.ndim != 3 or x.shape[:2] != (self.models, self.n_inputs):
                raise ValueError(f"Layer: expected columns of shape ({self.models}, "
                                 f"{self.n_inputs}, n), got shape {x.shape}")
            self.preactivation = self.W @ x + self.b
        self.out = ACTIVATIONS[self.activation](self.preactivation)
        return self.out

    def parameters(self) -> list[Value]:
        return [self.W, self.b]

    def get_weights(self) -> np.ndarray:
        """The weights as the tutorial stores them: one row per neuron, bias last."""
        bias = self.b.data[:, None] if self.models is None else self.b.data
        return np.concatenate([self.W.data, bias], axis=-1)

    def _load(self, weights: np.ndarray) -> None:
        np.copyto(self.W.data, weights[..., :-1])  # in place: views of W (W.T) stay true
        np.copyto(self.b.data, weights[..., -1] if self.models is None else weights[..., -1:])

    def last_outputs(self) -> np.ndarray | None:
        """The last call's outputs as rows, ``(..., n_outputs)``; None before any call."""
        return None if self.out is None else self._rows(self.out.data)

    def last_deltas(self) -> np.ndarray | None:
        """``-dE/da`` for each neuron of the last call, as rows; None before a backward."""
        a = self.preactivation
        return None if a is None or a._grad is None else -self._rows(a._grad)

    def _rows(self, data: np.ndarray) -> np.ndarray:
        return np.array(data if self.models is None else np.swapaxes(data, -1, -2))


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


def layer_signature(cls: type, granularity_default) -> inspect.Signature:
    """``Layer.__init__``'s signature without self: what help() and the API reference show
    (``Layer(...)`` builds through ``__new__``, whose catch-all signature says nothing)."""
    signature = inspect.signature(Layer.__init__)
    return signature.replace(parameters=[
        p.replace(default=granularity_default) if p.name == "granularity" else p
        for p in list(signature.parameters.values())[1:]])


Layer.__signature__ = layer_signature(Layer, "layer")  # type: ignore[attr-defined]
ArrayLayer.__signature__ = layer_signature(ArrayLayer, None)  # type: ignore[attr-defined]
