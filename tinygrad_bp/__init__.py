"""tinygrad_bp: a small autograd framework for learning, teaching and verifying backpropagation.

The layers, each importing only the ones above it:

- the engine: ``Value`` (``value``), the backward walk (``engine``), the primitive ops (``ops``),
  derivative checks (``gradcheck``), errors (``errors``);
- ``nn``: modules, activations, losses, optimisers, saving;  ``data``: load, scale, split, score;
- ``tutorial``: the tutorial's functions, its case study, the samples the drawings use;
- ``viz``: drawings;  and ``cli``, the ``tinygrad-bp`` command, which nothing imports.
"""

from .engine import no_grad
from .errors import DataError, GradcheckError, TinygradBPError
from .gradcheck import check_grads, gradcheck, numerical_gradient
from .ops import OPS, Op
from .value import Value, apply, stack, zero_grad
from . import nn, data, tutorial, viz  # noqa: E402  (after the engine they build on)
from .nn import losses, optim
from .viz import (Figure, RenderError, backward_steps, draw_graph, draw_network, explain_backward,
                  save_backward_frames)
from .data import (Dataset, accuracy, confusion_matrix, kfold_indices, load_csv, load_wheat_seeds,
                   minmax, normalize, train_test_split)

__all__ = [
    "OPS", "Op", "DataError", "Dataset", "Figure", "GradcheckError", "RenderError",
    "TinygradBPError", "Value", "accuracy", "apply", "backward_steps", "check_grads",
    "confusion_matrix", "data", "draw_graph", "draw_network", "explain_backward", "gradcheck",
    "kfold_indices", "load_csv", "load_wheat_seeds", "losses", "minmax", "nn", "no_grad",
    "normalize", "numerical_gradient", "optim", "save_backward_frames", "stack",
    "train_test_split", "tutorial", "viz", "zero_grad",
]
__version__ = "0.1.0"
