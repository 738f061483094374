"""Reverse-mode differentiation: the order of the walk, the chain rule, and broadcasting's adjoint.

The engine works on graph nodes (``Value`` objects) through these attributes only:
``_data`` (a float or a float64 array), ``_grad`` (``None`` means zero), ``_op`` (``None`` for
a leaf), ``_parents``, ``_args`` (the op's plain parameters), ``requires_grad`` and ``_mark``
(see ``topological_order``).

Thread safety: whether ops record a graph (``no_grad``, see ``grad_mode``) is a per-thread
setting, so threads can build and differentiate graphs of their own at the same time. One graph
must not be walked or differentiated by two threads at once: a walk stamps its nodes and fills
their gradients.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np

from .grad_mode import differentiating_graph, is_grad_enabled, no_grad, restore, silence
from .operands import OneNumber
from .ops.base import broadcast_to, is_data, shape_of

__all__ = ["backward", "is_grad_enabled", "no_grad", "recompute", "settle", "topological_order",
           "unbroadcast"]

_stamps = itertools.count(1)  # each walk's own stamp (see topological_order)


def topological_order(root, leaves: bool = True) -> list:
    """Every node ``root`` depends on, each after all of its parents (inputs first).

    With ``leaves=False`` only the nodes an op made (the ones backward has work to do at).

    A depth-first search that places a node once all its parents are placed (post-order),
    with stacks of its own instead of recursion, so any depth works. It takes parents in input
    order, so the order is the same on every run and in every process. A fresh stamp per walk
    marks the nodes it has seen: one integer comparison, nothing to build or clear.
    """
    stamp = next(_stamps)
    root._mark = stamp
    order = []
    path = [root]  # the nodes being expanded, root first
    pending = []  # for each of them but the last, the parents it has left to visit
    parents = iter(root._parents)
    while True:
        for parent in parents:
            if parent._op is None:  # a leaf has no parents: it is placed at once
                if leaves and parent._mark != stamp:
                    parent._mark = stamp
                    order.append(parent)
            elif parent._mark != stamp:
                parent._mark = stamp
                path.append(parent)
                pending.append(parents)
                parents = iter(parent._parents)
                break
        else:  # every parent of the node on top is placed: so can it be
            order.append(path.pop())
            if not pending:
                return order
            parents = pending.pop()


def unbroadcast(grad, shape: tuple):
    """Sum ``grad`` down to ``shape``: the adjoint of broadcasting is a sum.

    Broadcasting copies an input along new leading axes and along axes of length 1, so each
    copy's gradient flows back to the one original and the copies' gradients add up. A gradient
    with fewer axes than the input (your own op may return one) is broadcast up instead. Works
    on arrays and on Values (a gradient being differentiated again).
    """
    if type(grad) is np.ndarray and grad.shape[1:] == shape and grad.ndim:
        return np.add.reduce(grad, axis=0)  # the common case, a bias added to every row
    if is_data(grad):
        grad = np.asarray(grad)
    shape = tuple(shape)
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    elif extra < 0:
        grad = grad.reshape((1,) * -extra + grad.shape)
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    if grad.shape != shape:
        try:
            fits = np.broadcast_shapes(grad.shape, shape) == shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"a gradient of shape {grad.shape} does not fit an input of shape "
                             f"{shape}: an op's backward returned the wrong shape")
        grad = np.broadcast_to(grad, shape) if is_data(grad) else broadcast_to(grad, shape)
    return grad


def _shape(data) -> tuple:
    return () if type(data) is float else data.shape


def _fit(grad, data):
    """``grad`` in the form a gradient of ``data`` takes: a float for a float, else its shape."""
    shape = np.shape(grad) if is_data(grad) else grad.shape
    if shape != _shape(data):
        grad = unbroadcast(grad, _shape(data))
    return float(grad) if type(data) is float and is_data(grad) else grad


def _fit_number(grad, data: float):
    """A rule's answer for a float input, other than a float: a numpy scalar or array made a
    float, or None (the rule says nobody needs it), which stays None."""
    return None if grad is None else _fit(grad, data)


def settle(data):
    """An op's result as a Value's data: a Python float for a numpy scalar or a 0-d array, a
    ``OneNumber`` for an array of one element, a plain float64 array otherwise."""
    if type(data) is float:
        return data
    if isinstance(data, np.ndarray) and data.ndim:
        if data.size == 1:
            return data if type(data) is OneNumber else data.view(OneNumber)
        return data if type(data) is np.ndarray else data.view(np.ndarray)
    return float(data)


def recompute(order: list) -> None:
    """Run a recorded graph forward again from its leaves' current data.

    ``order`` is ``topological_order(root, leaves=False)``. A training loop whose graph has the
    same shape every step can record it once, then per step put new data in the leaves, call
    this, and call ``backward(root, order)``: no new nodes, no new walk.
    """
    token = silence()  # inf and nan are answers here, as they are for Python floats
    try:
        for node in order:
            parents = node._parents
            if len(parents) == 1:  # the common arities spelled out: no list per node
                data = node._op.forward(parents[0]._data, *node._args)
            elif len(parents) == 2:
                data = node._op.forward(parents[0]._data, parents[1]._data, *node._args)
            else:
                data = node._op.forward(*[p._data for p in parents], *node._args)
            node._data = data if type(data) is np.ndarray and data.size != 1 else settle(data)
    finally:
        restore(token)


Hook = Callable[..., None]


def backward(root, order: list | None = None, hook: Hook | None = None,
             create_graph: bool = False, keep_grads: bool = True) -> None:
    """Fill the gradient of ``root`` with respect to every node it depends on.

    Leaves accumulate (``+=``) across calls, as in PyTorch. Interior nodes are recomputed from
    zero on every call, so a second call adds the leaves' gradients once more without counting
    anything twice through the interior. ``order`` may pass in the walk of an earlier call.

    ``hook(node, parent, grad, slot, summed)`` is called once per gradient added, just before
    ``parent._grad += grad``: ``parent`` is input ``slot`` of ``node``, and ``summed`` says the
    rule's answer was summed down to the parent's shape (a broadcast input). The seed comes
    first, as ``hook(None, root, seed, 0, False)``. With ``create_graph`` the rules run on
    Values, so the gradients are Values with graphs of their own (``tg.grad`` uses this).
    With ``keep_grads=False`` each interior node's gradient is dropped once its rules have
    used it (the leaves' are kept): less memory in use, as in a PyTorch graph, for a loop
    whose steps nobody looks inside.
    """
    data = root._data
    if type(data) is not float and data.size != 1:
        raise ValueError(
            f"backward() needs a Value holding one element, not shape {_shape(data)}; "
            "reduce it first, e.g. y.sum().backward()"
        )
    seed = 1.0 if type(data) is float else np.ones(data.shape)
    if root._op is None:  # a leaf: d(root)/d(root) = 1, accumulated like any leaf gradient
        if hook is not None:
            hook(None, root, seed, 0, False)
        root._grad = seed if root._grad is None else root._grad + seed
        return
    if order is None:
        order = topological_order(root, leaves=False)
    for node in order:
        node._grad = None
    if hook is not None:
        hook(None, root, seed, 0, False)
    root._grad = seed
    token = silence()  # inf and nan are answers here, as they are for Python floats
    try:
        if not create_graph:
            _walk(order, hook, False, keep_grads)
        else:
            with differentiating_graph():
                _walk(order, hook, True, keep_grads)
    finally:
        restore(token)


def _walk(order: list, hook: Hook | None, graph: bool, keep: bool = True) -> None:
    """The chain rule at every node, outputs first: each input's gradient += its rule's answer.

    A leaf's array gradient is memory of its own, never shared with another leaf or with the
    data: a copy of the rule's answer, unless that answer is known to be new memory (``Op.gives``)
    or a view of the gradient of an interior node that owns its memory, as ``W.T``'s gradient
    is ``W``'s seen transposed (just as ``W.T``'s data is a view of ``W``'s).
    """
    owned = set()  # the interior nodes whose array gradient is new memory, given to no other
    for node in reversed(order):
        g = node._grad
        if g is None:  # nothing flowed here: every path to it was cut (requires_grad=False)
            continue
        op, parents, args = node._op, node._parents, node._args
        rules = op._rules
        if type(g) is float and len(parents) == 2 and rules and hook is None and not graph \
                and not args:
            a, b = parents
            x, z = a._data, b._data
            if type(x) is float and type(z) is float:  # a scalar graph's node: the hot path
                da, db = rules  # None: the rule passes g on (an add's), so no call is made
                y = node._data  # the two inputs unrolled: a loop over them costs more here
                if a.requires_grad:
                    grad = g if da is None else da(g, y, x, z)
                    if type(grad) is float or (grad := _fit_number(grad, x)) is not None:
                        a._grad = grad if (current := a._grad) is None else current + grad
                if b.requires_grad:
                    grad = g if db is None else db(g, y, x, z)
                    if type(grad) is float or (grad := _fit_number(grad, z)) is not None:
                        b._grad = grad if (current := b._grad) is None else current + grad
                if not keep:
                    node._grad = None
                continue
        try:
            if graph:  # the rules see Values, so what they compute is recorded
                grads = _gradients(op, rules, g, node, parents, args, parents)
            elif len(parents) == 2 and rules and not args:  # the hot path, spelled out
                a, b = parents
                x, z, y = a._data, b._data, node._data
                da, db = rules  # None: the rule passes g on (an add's), so no call is made
                grads = ((g if da is None else da(g, y, x, z)) if a.requires_grad else None,
                         (g if db is None else db(g, y, x, z)) if b.requires_grad else None)
            elif len(parents) == 1 and rules and rules[0] is not None:
                grads = (rules[0](g, node._data, parents[0]._data, *args),)
            else:
                grads = _gradients(op, rules, g, node._data, parents, args,
                                   tuple([p._data for p in parents]))
            for slot, parent in enumerate(parents):
                grad = grads[slot]
                if grad is None:  # nobody needs it
                    continue
                data = parent._data
                if hook is not None:
                    summed = shape_of(grad) != _shape(data)
                if type(data) is float:  # then grad is a float too (or a Value, with graph)
                    if type(grad) is not float:
                        grad = _fit(grad, data)
                elif type(grad) is not np.ndarray or grad.shape != data.shape:
                    grad, fitted = _fit(grad, data), True
                else:
                    fitted = False
                if hook is not None:
                    hook(node, parent, grad, slot, summed)
                current = parent._grad
                if current is not None:
                    parent._grad = current + grad
                elif type(data) is float or type(grad) is not np.ndarray:  # float first: quick
                    parent._grad = grad
                else:  # an array: is it memory no other node's gradient holds? (see above)
                    gives = op.gives
                    own = not fitted and grad is not g and (
                        gives == "new" or (gives == "view of g" and id(node) in owned))
                    if parent._op is not None:
                        parent._grad = grad
                        if own:
                            owned.add(id(parent))
                    else:  # a leaf keeps it, or a copy
                        parent._grad = grad if own else np.array(grad)
            if not keep:
                node._grad = None
        except TypeError as error:
            if not graph:
                raise
            raise TypeError(f"op {op.name!r}: its backward does not run on Values, which a "
                            "gradient of a gradient needs; write it with operators and the "
                            f"helpers in tinygrad_bp.ops.base ({error})") from error


def _gradients(op, rules, g, y, parents: tuple, args: tuple, inputs: tuple) -> Sequence:
    """Each input's gradient at a node, None for an input that needs none (not computed)."""
    if rules:
        return tuple([None if not parent.requires_grad else g if rule is None
                      else rule(g, y, *inputs, *args) for rule, parent in zip(rules, parents)])
    return _all_gradients(op, g, y, inputs, args, parents)


def _all_gradients(op, g, y, inputs: tuple, args: tuple, parents: tuple) -> list:
    """An op with one ``backward`` for all inputs: its answer, one per input (None for an input
    that needs no gradient)."""
    grads = op.backward(g, y, *inputs, *args)
    if len(grads) != len(parents):
        raise ValueError(f"op {op.name!r}: backward returned {len(grads)} gradients for "
                         f"{len(parents)} inputs")
    return [grad if parent.requires_grad else None for grad, parent in zip(grads, parents)]
