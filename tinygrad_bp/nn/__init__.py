"""Networks built from Values: modules, activations, losses, optimisers, training and saving.

- ``module``: ``Module``, which finds the parameters a subclass sets as attributes.
- ``layers``: ``Layer`` (an ``ArrayLayer`` or, from ``neurons``, a ``NeuronLayer`` of
  ``Neuron``s, by granularity) and ``draw_weights``.
- ``modules``: ``MLP`` (and the names above, by their old path).
- ``activations``: activation functions by name (``ACTIVATIONS``), ``softmax``, ``log_softmax``.
- ``losses``: what training makes small (``half_squared_error``, ``cross_entropy``, ...).
- ``optim``: ``SGD`` and ``Adam``.
- ``train``: ``train``, the training loop; ``history``: ``History`` and ``Snapshot``, what it
  records.
- ``saving``: ``save`` and ``load`` a trained MLP as readable JSON.

Everything here is built on the engine (``tinygrad_bp.value``, ``ops``); nothing here imports
``data``, ``tutorial``, ``viz`` or the command line.
"""

from . import losses, optim
from .activations import ACTIVATIONS, log_softmax, softmax
from .history import History, Snapshot
from .modules import (GRANULARITIES, MLP, ArrayLayer, Layer, Module, Neuron, NeuronLayer,
                      NeuronView, draw_weights)
from .saving import load, save
from .training import train

__all__ = ["ACTIVATIONS", "GRANULARITIES", "History", "MLP", "ArrayLayer", "Layer", "Module",
           "Neuron", "NeuronLayer", "NeuronView", "Snapshot", "draw_weights", "load",
           "log_softmax", "losses", "optim", "save", "softmax", "train"]
