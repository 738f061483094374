"""tinygrad_bp: a small autograd framework for learning, teaching and verifying backpropagation.

The layers, each importing only the ones above it:

- the engine: ``Value`` (``value``), the backward walk (``engine``), the primitive ops (``ops``),
  gradients as Values, Jacobians and Hessians (``derivatives``), record-and-replay of a step
  (``replay``; compiled by ``program``, ``symbolic``, ``codegen``, ``compiled``), derivative
  checks (``checks``, and ``verify``: which op is wrong), errors (``errors``);
- ``nn``: modules, activations, losses, optimisers, saving;  ``data``: load, scale, split, score;
- ``tutorial``: the tutorial's functions, its case study, the samples the drawings use;
- ``viz``: drawings;  and ``cli``, the ``tinygrad-bp`` command, which nothing imports.

Names are loaded when first used (``tg.Value`` imports the engine, ``tg.nn`` the modules), so
``import tinygrad_bp`` and ``tinygrad-bp --help`` cost almost nothing until work begins.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS = {  # public name -> the module (relative to this package) that defines it
    "no_grad": "engine",
    "DataError": "errors", "GradcheckError": "errors", "TinygradBPError": "errors",
    "check_grads": "checks", "gradcheck": "checks", "gradgradcheck": "checks",
    "numerical_gradient": "checks",
    "grad": "derivatives", "hessian": "derivatives", "jacobian": "derivatives",
    "OPS": "ops", "Op": "ops",
    "EpsSweep": "verify", "GraphCheck": "verify", "TaylorReport": "verify",
    "check_graph": "verify", "eps_sweep": "verify", "taylor_test": "verify",
    "Value": "value", "apply": "value", "stack": "value", "zero_grad": "value",
    "Trace": "replay", "trace": "replay", "Compiled": "compiled", "Steps": "compiled",
    "Figure": "viz", "RenderError": "viz", "backward_steps": "viz", "draw_graph": "viz",
    "draw_network": "viz", "explain_backward": "viz", "save_backward_frames": "viz",
    "Dataset": "data", "accuracy": "data", "confusion_matrix": "data", "kfold_indices": "data",
    "load_csv": "data", "load_digits": "data", "load_wheat_seeds": "data", "minmax": "data",
    "normalize": "data", "train_test_split": "data",
    "losses": "nn", "optim": "nn",
}
_SUBPACKAGES = ("nn", "data", "tutorial", "viz")

__all__ = sorted([*_EXPORTS, *_SUBPACKAGES])


def __getattr__(name: str):
    if name in _SUBPACKAGES:
        module = importlib.import_module(f".{name}", __name__)
    elif name in _EXPORTS:
        module = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    else:
        raise AttributeError(f"module 'tinygrad_bp' has no attribute {name!r}")
    globals()[name] = module  # looked up once; later uses are plain attribute reads
    return module


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


if TYPE_CHECKING:  # what type checkers and editors see: the same names, imported eagerly
    from . import data, nn, tutorial, viz
    from .data import (Dataset, accuracy, confusion_matrix, kfold_indices, load_csv,
                       load_digits, load_wheat_seeds, minmax, normalize, train_test_split)
    from .engine import no_grad
    from .errors import DataError, GradcheckError, TinygradBPError
    from .compiled import Compiled, Steps
    from .checks import check_grads, gradcheck, gradgradcheck, numerical_gradient
    from .derivatives import grad, hessian, jacobian
    from .nn import losses, optim
    from .ops import OPS, Op
    from .replay import Trace, trace
    from .value import Value, apply, stack, zero_grad
    from .verify import (EpsSweep, GraphCheck, TaylorReport, check_graph, eps_sweep,
                         taylor_test)
    from .viz import (Figure, RenderError, backward_steps, draw_graph, draw_network,
                      explain_backward, save_backward_frames)
