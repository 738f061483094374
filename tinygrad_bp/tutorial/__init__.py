"""The tutorial "How to Code a Neural Network with Backpropagation In Python (from scratch)",
computed by autograd.

- ``functions``: the tutorial's network functions by its names (``initialize_network``,
  ``activate``, ``transfer``, ``forward_propagate``, ``backward_propagate_error``,
  ``update_weights``, ``train_network``, ``predict``, ...), on an ``MLP`` or on the tutorial's
  own list of layers of neuron dicts (``networks``: ``to_network``, ``from_network``).
- ``rows``: its data helpers on lists of rows (``load_csv``, ``str_column_to_float``, ...).
- ``evaluation``: its k-fold evaluation (``evaluate_algorithm``, ``back_propagation``, ...).
- ``casestudy``: the same case study on arrays, faster (``cross_validate``).
- ``checking``: a learner's own ``backward_propagate_error`` against autograd
  (``check_backprop``); ``submissions``: the same for a learner's file
  (``check_backprop_file``, what ``tinygrad-bp check`` runs).
- ``samples``: the small graphs and networks the docs and ``tinygrad-bp graph`` draw.

``from tinygrad_bp import tutorial as tut`` gives the functions as ``tut.forward_propagate``.
"""

from . import casestudy, samples
from .casestudy import CrossValidation, cross_validate
from .checking import BackpropCheck, LearnerCodeError, Mismatch, check_backprop
from .evaluation import (accuracy_metric, back_propagation, cross_validation_split,
                         evaluate_algorithm)
from .functions import (activate, backward_propagate_error, contrived_dataset, forward_propagate,
                        initialize_network, predict, train_network, transfer, transfer_derivative,
                        update_weights)
from .networks import from_network, to_network
from .rows import (dataset_minmax, load_csv, normalize_dataset, str_column_to_float,
                   str_column_to_int)
from .submissions import SubmissionError, check_backprop_file

__all__ = [
    "BackpropCheck", "CrossValidation", "LearnerCodeError", "Mismatch", "SubmissionError",
    "accuracy_metric", "activate", "back_propagation", "backward_propagate_error", "casestudy",
    "check_backprop", "check_backprop_file", "contrived_dataset", "cross_validate",
    "cross_validation_split", "dataset_minmax", "evaluate_algorithm", "forward_propagate",
    "from_network", "initialize_network", "load_csv", "normalize_dataset", "predict", "samples",
    "str_column_to_float", "str_column_to_int", "to_network", "train_network", "transfer",
    "transfer_derivative", "update_weights",
]
