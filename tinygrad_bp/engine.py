"""Reverse-mode differentiation: the order of the walk, the chain rule, and broadcasting's adjoint.

The engine works on graph nodes (``Value`` objects) through these attributes only:
``data``, ``_grad`` (``None`` means zero), ``_op`` (``None`` for a leaf), ``_parents``,
``_args`` (the op's plain parameters), ``requires_grad``, ``_id`` (when it was made) and
``_mark`` (see ``_new_mark``).
"""

from __future__ import annotations

import contextlib
import itertools
import operator
from collections.abc import Iterator

import numpy as np

_marks = itertools.count(1)
creation_order = itertools.count()
"""Numbers every node in the order it is made (``Value._id``)."""
_creation = operator.attrgetter("_id")
_grad_enabled = True


def _new_mark() -> int:
    """A number no node carries yet: a walk stamps the nodes it has seen with it.

    Stamping nodes is cheaper than a set of ids, and a fresh number per walk means nothing
    ever needs clearing.
    """
    return next(_marks)


def is_grad_enabled() -> bool:
    """False inside ``no_grad()``: ops then build no graph."""
    return _grad_enabled


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Compute without recording a graph (evaluation, numerical checks, weight updates)."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


def topological_order(root, leaves: bool = True) -> list:
    """Every node ``root`` depends on, each after all of its parents (inputs first).

    With ``leaves=False`` only the nodes an op made (the ones backward has work to do at).

    A node can only be made from nodes that exist already, so the order of creation is a
    topological order: collect the nodes with a loop (no recursion, so any depth works) and
    sort them by when they were made. The order is the same on every run.
    """
    mark = _new_mark()
    root._mark = mark
    nodes = [root]
    for node in nodes:  # the list grows while the loop walks it: a breadth-first search
        for parent in node._parents:
            if parent._mark != mark and (leaves or parent._op is not None):
                parent._mark = mark
                nodes.append(parent)
    nodes.sort(key=_creation)
    return nodes


def unbroadcast(grad, shape: tuple):
    """Sum ``grad`` down to ``shape``: the adjoint of broadcasting is a sum.

    Broadcasting copies an input along new leading axes and along axes of length 1, so each
    copy's gradient flows back to the one original and the copies' gradients add up. A gradient
    with fewer axes than the input (your own op may return one) is broadcast up instead.
    """
    grad = np.asarray(grad)
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    elif extra < 0:
        grad = grad.reshape((1,) * -extra + grad.shape)
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    if grad.shape != tuple(shape):
        try:
            grad = np.broadcast_to(grad, shape)
        except ValueError:
            raise ValueError(f"a gradient of shape {grad.shape} does not fit an input of shape "
                             f"{tuple(shape)}: an op's backward returned the wrong shape") from None
    return grad


def _shape(data) -> tuple:
    return () if type(data) is float else data.shape


def _fit(grad, data):
    """``grad`` in the form a gradient of ``data`` takes: a float for a float, else its shape."""
    if _shape(grad) != _shape(data):
        grad = unbroadcast(grad, _shape(data))
    return float(grad) if type(data) is float else grad


def settle(data):
    """An op's result as a Value's data: numpy scalars and 0-d arrays become Python floats."""
    if type(data) is float or (type(data) is np.ndarray and data.ndim):
        return data
    return float(data)


def recompute(order: list) -> None:
    """Run a recorded graph forward again from its leaves' current data.

    ``order`` is ``topological_order(root, leaves=False)``. A training loop whose graph has the
    same shape every step can record it once, then per step put new data in the leaves, call
    this, and call ``backward(root, order)``: no new nodes, no new walk.
    """
    for node in order:
        parents = node._parents
        if len(parents) == 1:  # the common arities spelled out: no list per node
            data = node._op.forward(parents[0].data, *node._args)
        elif len(parents) == 2:
            data = node._op.forward(parents[0].data, parents[1].data, *node._args)
        else:
            data = node._op.forward(*[p.data for p in parents], *node._args)
        node.data = data if type(data) is np.ndarray and data.ndim else settle(data)


def backward(root, order: list | None = None) -> None:
    """Fill the gradient of ``root`` with respect to every node it depends on.

    Leaves accumulate (``+=``) across calls, as in PyTorch. Interior nodes are recomputed from
    zero on every call, so a second call adds the leaves' gradients once more without counting
    anything twice through the interior. ``order`` may pass in the walk of an earlier call.
    """
    if type(root.data) is not float and root.data.size != 1:
        raise ValueError(
            f"backward() needs a Value holding one element, not shape {_shape(root.data)}; "
            "reduce it first, e.g. y.sum().backward()"
        )
    seed = 1.0 if type(root.data) is float else np.ones(root.data.shape)
    if root._op is None:  # a leaf: d(root)/d(root) = 1, accumulated like any leaf gradient
        root._grad = seed if root._grad is None else root._grad + seed
        return
    if order is None:
        order = topological_order(root, leaves=False)
    for node in order:
        node._grad = None
    root._grad = seed
    for node in reversed(order):
        op, grad_out, parents = node._op, node._grad, node._parents
        if grad_out is None:  # nothing flowed here: every path to it was cut (requires_grad=False)
            continue
        if len(parents) == 2:  # the common arities spelled out: no list per node
            grads = op.backward(grad_out, node.data, parents[0].data, parents[1].data, *node._args)
        elif len(parents) == 1:
            grads = op.backward(grad_out, node.data, parents[0].data, *node._args)
        else:
            grads = op.backward(grad_out, node.data, *[p.data for p in parents], *node._args)
        for parent, grad in zip(parents, grads):
            if not parent.requires_grad:
                continue
            data = parent.data
            if type(data) is float:
                if type(grad) is not float:
                    grad = _fit(grad, data)
            elif type(grad) is not np.ndarray or grad.shape != data.shape:
                grad = _fit(grad, data)
            current = parent._grad
            if current is not None:
                parent._grad = current + grad
            elif parent._op is None and type(grad) is not float:
                parent._grad = np.array(grad)  # a leaf's gradient gets memory of its own
            else:
                parent._grad = grad
