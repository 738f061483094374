"""The base of every primitive op, its registry, and the scalar-or-array helpers ops share."""

from __future__ import annotations

import math
import re

import numpy as np

OPS: dict[str, type[Op]] = {}
"""Every primitive op by name, so tests can enumerate them and drawings can explain them."""


class Op:
    """Base class of a primitive op; subclasses register themselves in ``OPS`` by ``name``."""

    name = ""
    symbol = ""  # how a drawing labels the node, e.g. "+" or "exp"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        OPS[cls.name] = cls

    @classmethod
    def rules(cls) -> tuple[str, list[str]]:
        """The docstring split into the forward formula and one derivative formula per input.

        The docstring reads ``y = <forward>;  da = <rule>,  db = <rule>``; an op without one
        (your own, say) still draws, with its name for the formula and no rule on its edges.
        """
        doc = (cls.__doc__ or "").strip() or f"y = {cls.name or cls.__name__}(...)"
        forward, _, backward = doc.partition(";")
        # a comma starts the next rule only where a "dx =" follows it
        parts = [part.strip() for part in re.split(r",\s+(?=d\w*\s*=)", backward)]
        return forward.strip(), [part for part in parts if part] or ["(no rule written)"]


# -- scalar-or-array helpers: the same maths for a float and for an array ---------------------

def exp(a):
    if type(a) is float:
        try:
            return math.exp(a)
        except OverflowError:
            return math.inf
    with np.errstate(over="ignore"):
        return np.exp(a)


def log(a):
    if type(a) is float:
        if a > 0.0:
            return math.log(a)
        return -math.inf if a == 0.0 else math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(a)


def div(a, b):
    try:
        return a / b
    except ZeroDivisionError:  # Python floats raise where numpy gives inf or nan
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.float64(a) / np.float64(b))


def power(a, b):
    if type(a) is float and type(b) is float:
        try:
            result = a ** b
        except (ZeroDivisionError, OverflowError):
            result = None
        if type(result) is float:
            return result
        # Python answered complex or raised, where numpy answers nan or inf
        with np.errstate(all="ignore"):
            return float(np.power(np.float64(a), b))
    return np.power(a, b)


def positive(a):
    """1.0 where a > 0, else 0.0: the slope of relu."""
    if type(a) is float:
        return 1.0 if a > 0.0 else 0.0
    return (a > 0.0).astype(np.float64)


def swap_last_axes(x):
    return x.swapaxes(-1, -2)


def largest(a, axis):
    """The max of ``a`` along ``axis``, kept as an axis of length 1, as a constant.

    Subtracting it before ``exp`` keeps exp from overflowing and changes nothing else (softmax
    and log-softmax do not move when every input moves by the same amount), so, like
    ``positive``, it carries no gradient.
    """
    return a.max(axis=axis, keepdims=True)  # the method: np.max's dispatch costs as much again
