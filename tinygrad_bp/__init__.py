"""tinygrad_bp: a small autograd framework for learning, teaching and verifying backpropagation."""

from .engine import no_grad
from .errors import DataError, GradcheckError, TinygradBPError
from .gradcheck import check_grads, gradcheck, numerical_gradient
from .ops import OPS, Op
from .value import Value, apply, stack, zero_grad
from .viz import (Figure, RenderError, backward_steps, draw_graph, draw_network, explain_backward,
                  save_backward_frames)
from .data import (Dataset, accuracy, confusion_matrix, kfold_indices, load_csv, load_wheat_seeds,
                   minmax, normalize, train_test_split)

__all__ = [
    "OPS", "Op", "DataError", "Dataset", "Figure", "GradcheckError", "RenderError",
    "TinygradBPError", "Value", "accuracy", "apply", "backward_steps", "check_grads",
    "confusion_matrix", "draw_graph", "draw_network", "explain_backward", "gradcheck",
    "kfold_indices", "load_csv", "load_wheat_seeds", "minmax", "no_grad", "normalize",
    "numerical_gradient", "save_backward_frames", "stack", "train_test_split", "zero_grad",
]
__version__ = "0.1.0"
