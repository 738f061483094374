"""Multi-layer perceptrons; and, for the old import path, the modules they are built from.

``Module`` lives in ``module``, the layers in ``layers`` and ``neurons``; this module
re-exports them, so ``from tinygrad_bp.nn.modules import Layer`` keeps working.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import cast

import numpy as np

from ..value import Value, stack
from .activations import check_activation
from .layers import (GRANULARITIES, ArrayLayer, Layer, NeuronView, check_init, check_size,
                     draw_weights)
from .neurons import Neuron, NeuronLayer, _scalars
from .module import Module

__all__ = ["GRANULARITIES", "MLP", "ArrayLayer", "Layer", "Module", "Neuron", "NeuronLayer",
           "NeuronView", "draw_weights"]


class MLP(Module):
    """A multi-layer perceptron: ``MLP(7, [5, 3])`` has 7 inputs, a hidden layer of 5, 3 outputs.

    ``activation`` is used by every hidden layer and, unless ``output_activation`` says
    otherwise, by the output layer too (the tutorial: sigmoid everywhere). Weights are drawn
    layer by layer in the tutorial's order from ``rng`` (Python's global ``random`` by default,
    so ``random.seed(1)`` reproduces the tutorial's networks).

    ``models=k`` holds k networks of this shape side by side (layer granularity): layer i's
    weights are one array ``(k, outputs, inputs)``, its biases ``(k, outputs, 1)``, drawn network
    after network as ``[MLP(...) for _ in range(k)]`` would draw them. Such a model reads each
    network's inputs as columns, ``x`` of shape ``(k, n_inputs, n)`` for n rows, and computes
    ``W @ x + b`` layer after layer: ``(k, n_outputs, n)`` out. No network sees another's
    inputs or weights, so under a loss that adds the networks' losses each trains as if alone
    (the case study's k folds, in 1/k of the steps). ``unstack()`` gives the k networks apart.

    ``weights`` (one array per layer, ``get_weights``' layout) sets the weights instead of
    drawing them: nothing is drawn from ``rng``.
    """

    def __init__(self, n_inputs: int, sizes: Sequence[int], activation: str = "sigmoid",
                 output_activation: str | None = None, granularity: str = "layer", rng=None,
                 init: str = "tutorial", *, models: int | None = None,
                 weights: Sequence | None = None):
        sizes = list(sizes)
        if not sizes:
            raise ValueError("MLP: sizes must name at least the output layer, e.g. [5, 3]")
        output_activation = output_activation or activation
        if activation == "softmax":
            raise ValueError("MLP: softmax works on an output layer only; "
                             "use output_activation='softmax'")
        if granularity not in GRANULARITIES:
            raise ValueError(f"Layer: granularity must be 'layer' or 'neuron', not {granularity!r}")
        widths = [check_size("n_inputs", n_inputs, "Layer"),
                  *(check_size("n_outputs", n, "Layer") for n in sizes)]
        activations = [check_activation(activation, "Layer")] * (len(sizes) - 1)
        activations.append(check_activation(output_activation, "Layer"))
        check_init(init)
        if models is not None:
            models = check_size("models", models, "MLP")
            if granularity != "layer" or output_activation == "softmax":
                raise ValueError("MLP: models=k needs granularity='layer' and no softmax")
        self.n_inputs = widths[0]
        self.granularity = granularity
        self.models = models
        self._last_input: Value | np.ndarray | None = None  # for last_input
        if weights is None:
            weights = _draw(widths, rng, init, models)
        elif len(weights) != len(sizes):
            raise ValueError(f"MLP: weights must hold one array per layer ({len(sizes)}), "
                             f"not {len(weights)}")
        self.layers = [Layer(widths[i], widths[i + 1], activations[i], granularity,
                             name=f"L{i}.", models=models, weights=weights[i])
                       for i in range(len(sizes))]

    @property
    def n_outputs(self) -> int:
        return self.layers[-1].n_outputs

    @property
    def last_input(self) -> np.ndarray | None:
        """The data of the last row or batch this model was called on (None before a call)."""
        x = self._last_input
        return None if x is None else np.array(x.data if isinstance(x, Value) else x,
                                               dtype=np.float64)

    def __call__(self, x) -> Value:
        """The outputs for one row, shape ``(n_outputs,)``, or a batch, ``(rows, n_outputs)``;
        with ``models=k``, for columns ``(k, n_inputs, n)``: ``(k, n_outputs, n)``."""
        if isinstance(x, Value):
            self._last_input = x
        else:
            self._last_input = np.array(x, dtype=np.float64)
        if self.granularity == "neuron":
            xs = _scalars(x, self.n_inputs)
            for layer in self.layers:
                xs = cast(NeuronLayer, layer).call_scalars(xs)
            return stack(xs)
        shape = np.shape(x.data if isinstance(x, Value) else x)
        if self.models is not None:
            if len(shape) != 3 or shape[:2] != (self.models, self.n_inputs):
                raise ValueError(f"MLP with models={self.models} expects columns of shape "
                                 f"({self.models}, {self.n_inputs}, n), got shape {shape}")
        elif not shape or shape[-1] != self.n_inputs:
            raise ValueError(f"MLP expects rows of {self.n_inputs} inputs, got shape {shape}")
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def get_weights(self) -> list[np.ndarray]:
        """Each layer's weights, one row per neuron with its bias last (the tutorial's layout);
        with ``models=k`` each array has a leading axis of k."""
        return [layer.get_weights() for layer in self.layers]

    def set_weights(self, weights: Sequence) -> None:
        if len(weights) != len(self.layers):
            raise ValueError(f"MLP.set_weights: expected {len(self.layers)} layers, "
                             f"got {len(weights)}")
        for layer, w in zip(self.layers, weights):
            layer.set_weights(w)

    def unstack(self) -> list[MLP]:
        """The k networks of a ``models=k`` MLP as k ordinary MLPs, with copies of the weights."""
        if self.models is None:
            raise ValueError("MLP.unstack: this MLP holds one network (models=None)")
        acts = [layer.activation for layer in self.layers]
        sizes = [layer.n_outputs for layer in self.layers]
        weights = self.get_weights()
        return [MLP(self.n_inputs, sizes, acts[0], acts[-1], weights=[w[m] for w in weights])
                for m in range(self.models)]

    def __repr__(self) -> str:
        sizes = [layer.n_outputs for layer in self.layers]
        models = "" if self.models is None else f", models={self.models}"
        return f"MLP({self.n_inputs}, {sizes}, granularity={self.granularity!r}{models})"


def _draw(widths: list[int], rng, init: str, models: int | None) -> list[np.ndarray]:
    """Every layer's weights; for k models, one network's layers after another's, the order
    in which the tutorial draws when it builds k networks one after the other."""
    draws = [[draw_weights(n_in, n_out, rng, init) for n_in, n_out in pairwise(widths)]
             for _ in range(models or 1)]
    return draws[0] if models is None else [np.stack(layer) for layer in zip(*draws)]
