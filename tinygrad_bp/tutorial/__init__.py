"""The tutorial "How to Code a Neural Network with Backpropagation In Python (from scratch)",
computed by autograd.

- ``functions``: the tutorial's functions by its names (``initialize_network``,
  ``forward_propagate``, ``backward_propagate_error``, ``train_network``, ...).
- ``casestudy``: its wheat seeds case study, k-fold cross-validation (``cross_validate``).
- ``samples``: the small graphs and networks the docs and ``tinygrad-bp graph`` draw.

``from tinygrad_bp import tutorial as tut`` gives the functions as ``tut.forward_propagate``.
"""

from . import casestudy, samples
from .casestudy import CrossValidation, cross_validate
from .functions import (backward_propagate_error, contrived_dataset, forward_propagate,
                        from_network, initialize_network, predict, to_network, train_network,
                        update_weights)

__all__ = [
    "CrossValidation", "backward_propagate_error", "casestudy", "contrived_dataset",
    "cross_validate", "forward_propagate", "from_network", "initialize_network", "predict",
    "samples", "to_network", "train_network", "update_weights",
]
