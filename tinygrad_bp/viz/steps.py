"""The backward pass as a list of steps, one per ``+=``: what walk-throughs and frames show.

The steps are recorded by the engine's own walk (``engine.backward`` with a hook), so they are
its order, its calls to the rules and its sums by construction: there is no second walk to
keep in step with the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import engine
from .labels import is_scalar


@dataclass
class Step:
    """One gradient contribution: ``parent.grad += local * child.grad``.

    The first step of a walk is the seed, ``root.grad = 1``; it has ``child`` None.
    """

    number: int
    parent: Any  # the Value receiving gradient
    child: Any = None  # the Value whose gradient flows back (None for the seed)
    slot: int = 0  # which input of ``child``'s op ``parent`` is
    upstream: Any = None  # child.grad, the ``g`` of the op's rule
    local: Any = None  # d child / d parent: the op's backward with g = 1 (scalars only)
    contribution: Any = None  # what is added to parent.grad
    before: Any = None  # parent.grad before this step (None: nothing yet)
    after: Any = None  # parent.grad after it
    reduced: bool = False  # the op's gradient was summed down to a broadcast input's shape


def op_gradients(node, g) -> tuple:
    """The op's rules at ``node`` for upstream gradient ``g``, one gradient per input."""
    return node._op.backward(g, node._data, *[p._data for p in node._parents], *node._args)


def backward_steps(root) -> list[Step]:
    """Every step ``root.backward()`` would take, in its order, without changing any gradient."""
    return record_steps(root, keep=False)


def record_steps(root, keep: bool) -> list[Step]:
    """Run ``root``'s backward pass and note each step; ``keep=False`` puts every grad back."""
    saved = [] if keep else [(node, node._grad) for node in engine.topological_order(root)]
    steps: list[Step] = []

    def note(child, parent, grad, slot, summed):
        before = parent._grad
        after = grad if before is None else before + grad
        if child is None:
            steps.append(Step(1, parent, upstream=grad, contribution=grad, before=before,
                              after=after))
            return
        scalar = is_scalar(child._data) and all(is_scalar(p._data) for p in child._parents)
        local = op_gradients(child, 1.0)[slot] if scalar else None
        steps.append(Step(len(steps) + 1, parent, child, slot, child._grad, local, grad, before,
                          after, summed))

    try:
        engine.backward(root, hook=note)
    finally:
        for node, grad in saved:
            node._grad = grad
    return steps
