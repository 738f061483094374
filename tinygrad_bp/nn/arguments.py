"""``nn.train``'s arguments, checked: an error naming the argument for anything it cannot mean."""

from __future__ import annotations

import numbers
import random
from collections.abc import Callable

import numpy as np

from ..value import Value
from .batching import Examples, examples
from .module import Module
from .optim import SGD, Optimizer, _positive


def check_model(model) -> None:
    if not isinstance(model, Module):
        raise TypeError(f"nn.train: model must be an nn.Module (an MLP, a Layer, or your own "
                        f"subclass), not {type(model).__name__}")
    if not model.parameters():
        raise ValueError(f"nn.train: the model ({type(model).__name__}) has no parameters to "
                         "train; set its Values or layers as attributes, or give it "
                         "parameters()")


def check_loss(value) -> None:
    if not isinstance(value, Value) or value.size != 1:
        shape = value.shape if isinstance(value, Value) else type(value).__name__
        raise ValueError(f"nn.train: the loss must return a Value holding one number, not {shape}")
    if value._op is None:
        raise ValueError("nn.train: the loss does not depend on the model's parameters (its "
                         "Value has no graph), so there is nothing to train")


_WANTED_OUTPUTS = {  # what each loss of nn.losses reads: the output layer that makes it
    "cross_entropy_with_logits": ("linear", "scores (logits)"),
    "binary_cross_entropy_with_logits": ("linear", "scores (logits)"),
    "cross_entropy": ("softmax", "probabilities that add up to 1 in each row"),
}


def output_mismatch(model, loss) -> str | None:
    """The warning for a loss of ``nn.losses`` fed by an output layer it does not expect (a
    relu under a loss that applies the softmax itself, say): legal, and nearly always a
    slip, since ``MLP``'s output layer takes the hidden layers' activation unless told."""
    wanted = _WANTED_OUTPUTS.get(getattr(loss, "__name__", ""))
    layers = getattr(model, "layers", None)
    if wanted is None or getattr(loss, "__module__", None) != "tinygrad_bp.nn.losses" \
            or not layers or not isinstance(getattr(layers[-1], "activation", None), str):
        return None
    activation, reads = wanted
    if layers[-1].activation == activation:
        return None
    return (f"nn.train: {loss.__name__} reads {reads}, but the model's output layer applies "
            f"{layers[-1].activation}; build it with output_activation={activation!r}")


def count(name: str, n, least: int) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < least:
        what = "a positive whole number" if least == 1 else "a whole number >= 0"
        raise ValueError(f"nn.train: {name} must be {what}, not {n!r}")
    return int(n)


def flag(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"nn.train: {name} must be True or False, not {value!r}")
    return bool(value)


def callbacks(callbacks) -> list[Callable]:
    found = [callbacks] if callable(callbacks) else callbacks
    try:
        found = list(found)
    except TypeError:
        found = None
    if found is None or not all(callable(c) for c in found):
        raise TypeError("nn.train: callbacks must be functions callback(epoch, history), "
                        f"or a list of them, not {callbacks!r}")
    return found


def shuffler(shuffle: bool, rng) -> Callable[[int], np.ndarray] | None:
    """A function giving the rows' order for the next epoch, or None to keep them in order.

    Each epoch shuffles the last epoch's order in place, as a hand-written loop does with
    ``rng.shuffle(order)``: every epoch's order is a uniformly random permutation.
    """
    if not shuffle:
        if rng is not None:
            raise ValueError("nn.train: rng is only used to shuffle the rows; pass "
                             "shuffle=True, or leave rng out")
        return None
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        rng = np.random.default_rng(None if rng is None else int(rng))
    numpy_like = isinstance(rng, (np.random.Generator, np.random.RandomState)) or rng is np.random
    if not numpy_like and not (isinstance(rng, random.Random) or rng is random):
        raise TypeError(f"nn.train: rng must be a seed, a numpy Generator or a random.Random, "
                        f"not {type(rng).__name__}")
    orders: list = []

    def next_order(n: int) -> np.ndarray:
        if not orders:
            orders.append(np.arange(n) if numpy_like else list(range(n)))
        rng.shuffle(orders[0])
        return np.array(orders[0])

    return next_order


def validation(model, validation, loss, data: Examples) -> Examples | None:
    if validation is None:
        return None
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise ValueError("nn.train: validation must be a pair (inputs, targets)")
    val = examples(model, validation[0], validation[1], loss, "validation ")
    if (val.labels is None) != (data.labels is None):
        raise ValueError("nn.train: validation targets must be of the training targets' kind "
                         "(class indices, or rows of target values)")
    return val


def optimizer(model: Module, optimizer, lr) -> Optimizer:
    if optimizer is None:
        return SGD(model.parameters(), _positive("lr", lr, "nn.train"))
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"nn.train: optimizer must be an optim optimiser (SGD, Adam, ...), "
                        f"not {type(optimizer).__name__}")
    if not {id(p) for p in optimizer.params} & {id(p) for p in model.parameters()}:
        raise ValueError("nn.train: the optimizer holds none of the model's parameters; make "
                         "it with optimizer(model.parameters(), ...)")
    return optimizer
