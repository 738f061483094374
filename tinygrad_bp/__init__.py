"""tinygrad_bp: a small autograd framework for learning, teaching and verifying backpropagation."""

from .engine import no_grad
from .errors import DataError, GradcheckError, TinygradBPError
from .gradcheck import gradcheck, numerical_gradient
from .ops import OPS
from .value import Value, stack, zero_grad

__all__ = [
    "OPS", "DataError", "GradcheckError", "TinygradBPError", "Value", "gradcheck", "no_grad",
    "numerical_gradient", "stack", "zero_grad",
]
__version__ = "0.1.0"
