"""The backward pass as a list of steps, one per ``+=``: what walk-throughs and frames show.

``backward_steps`` replays ``engine.backward`` without changing the graph: the same order
(reverse topological), the same calls to each op's ``backward``, the same broadcast reduction
and the same starting point (leaves keep what earlier passes accumulated, interior nodes
start from zero). The tests check that its totals equal the engine's gradients.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

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
    """The op's backward at ``node`` for upstream gradient ``g``, called as the engine calls it."""
    return node._op.backward(g, node.data, *[p.data for p in node._parents], *node._args)


def _ones_like(data):
    return 1.0 if type(data) is float else np.ones(np.shape(data))


def _fit(grad, data):
    """The engine's own shaping of a gradient to its input (a float for a float)."""
    if type(grad) is not float or type(data) is not float:
        return engine._fit(grad, data)
    return grad


def backward_steps(root) -> list[Step]:
    """Every step ``root.backward()`` would take, in its order, without changing any gradient."""
    if np.size(root.data) != 1:
        raise ValueError(f"backward() needs a Value holding one element, not shape "
                         f"{np.shape(root.data)}; reduce it first, e.g. y.sum()")
    seed = _ones_like(root.data)
    before = root._grad if root._op is None else None
    after = seed if before is None else before + seed
    steps = [Step(1, root, upstream=seed, contribution=seed, before=before, after=after)]
    if root._op is None:
        return steps
    grads = {id(n): (n._grad if n._op is None else None) for n in engine.topological_order(root)}
    grads[id(root)] = seed
    for node in reversed(engine.topological_order(root, leaves=False)):
        g = grads[id(node)]
        if g is None:  # cannot happen in a connected graph; kept so a bug shows as a gap
            continue
        contributions = op_gradients(node, g)
        scalar = all(is_scalar(p.data) for p in node._parents) and is_scalar(node.data)
        locals_ = op_gradients(node, 1.0) if scalar else (None,) * len(node._parents)
        for slot, (parent, grad) in enumerate(zip(node._parents, contributions)):
            if not parent.requires_grad:
                continue
            reduced = np.shape(grad) != np.shape(parent.data)
            grad = _fit(grad, parent.data)
            current = grads[id(parent)]
            new = grad if current is None else current + grad
            grads[id(parent)] = new
            steps.append(Step(len(steps) + 1, parent, node, slot, g, locals_[slot], grad,
                              current, new, reduced))
    return steps
