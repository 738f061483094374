"""Gradients as Values, and the matrices built from them: ``grad``, ``jacobian``, ``hessian``.

``grad`` runs the engine's one backward walk with ``create_graph`` when asked: the derivative
rules then run on Values, so a gradient is a graph of its own and can be differentiated again.
``jacobian`` and ``hessian`` call it once per output element, the way
``torch.autograd.functional`` does, and return numpy arrays shaped as PyTorch shapes them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from . import engine
from .value import Value


def grad(output: Value, inputs: Value | Sequence[Value], create_graph: bool = False,
         allow_unused: bool = False) -> list[Value]:
    """d(output)/d(input) for each input, as Values, like ``torch.autograd.grad``.

    ``output`` must hold one element. No ``.grad`` of anything is changed. With
    ``create_graph=True`` each gradient is a Value with a graph of its own, so
    ``grad(grad(y, [x], create_graph=True)[0], [x])`` is d²y/dx²; without it, the gradients
    are constants. An input no gradient reaches is an error (as in PyTorch) unless
    ``allow_unused=True``, which gives zeros (PyTorch gives None there).
    """
    if isinstance(inputs, Value):
        inputs = [inputs]
    elif isinstance(inputs, (list, tuple)):
        inputs = list(inputs)
    else:
        raise TypeError(f"tg.grad: inputs must be a Value or a list of Values, "
                        f"not {type(inputs).__name__} {inputs!r:.40}")
    _check(output, inputs)
    nodes = engine.topological_order(output)
    in_graph = {id(node) for node in nodes}
    saved = [(node, node._grad) for node in nodes]
    try:
        for node in nodes:
            node._grad = None
        engine.backward(output, create_graph=create_graph)
        found = [x._grad if id(x) in in_graph else None for x in inputs]
    finally:
        for node, old in saved:
            node._grad = old
    results = []
    for i, (x, g) in enumerate(zip(inputs, found)):
        if g is None:
            if not allow_unused:
                raise ValueError(f"tg.grad: input {i} is not used to compute the output (no "
                                 "gradient reaches it); pass allow_unused=True for zeros")
            g = 0.0 if x.ndim == 0 else np.zeros(x.shape)
        results.append(g if isinstance(g, Value) else Value(g, requires_grad=False))
    return results


def _check(output, inputs: list) -> None:
    if not isinstance(output, Value):
        raise TypeError(f"tg.grad: the output must be a Value, not {type(output).__name__}")
    if output.size != 1:
        raise ValueError(f"tg.grad: the output must hold one element, not shape {output.shape};"
                         " reduce it first, e.g. y.sum()")
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"tg.grad: input {i} must be a Value, not {type(x).__name__}")
        if not x.requires_grad:
            raise ValueError(f"tg.grad: input {i} has requires_grad=False, so it has no gradient")
    if not output.requires_grad:
        raise ValueError("tg.grad: the output does not depend on anything that needs a "
                         "gradient (it has requires_grad=False)")


def _leaves(inputs: tuple) -> list[Value]:
    """Fresh leaves holding the inputs' numbers, so nothing of the caller's graph is touched."""
    if not inputs:
        raise TypeError("needs at least one input")
    return [Value(x.data if isinstance(x, Value) else x, label=getattr(x, "label", ""))
            for x in inputs]


def _rows(y: Value, xs: list[Value]) -> list[np.ndarray]:
    """d(y)/d(x) for each x as arrays: zeros where y does not depend on x (or on anything)."""
    if not y.requires_grad:
        return [np.zeros(x.shape) for x in xs]
    return [np.asarray(g.data, dtype=np.float64).reshape(x.shape)
            for g, x in zip(grad(y, xs, allow_unused=True), xs)]


def _elements(y: Value):
    """Each element of ``y`` as a one-element Value, with its position."""
    if y.ndim == 0:
        yield (), y
        return
    for position in np.ndindex(y.shape):
        yield position, y[position]


def jacobian(f: Callable[..., Value], *inputs):
    """d f(x) / d x as an array of shape ``out.shape + x.shape``.

    ``inputs`` are Values, numbers or arrays; ``f`` runs on fresh copies of them. With several
    inputs the answer is a tuple, one Jacobian per input, as
    ``torch.autograd.functional.jacobian`` returns for a tuple of inputs.
    """
    xs = _leaves(inputs)
    y = f(*xs)
    if not isinstance(y, Value):
        raise TypeError(f"tg.jacobian: f must return a Value, not {type(y).__name__}")
    blocks = [np.zeros(y.shape + x.shape) for x in xs]
    for position, element in _elements(y):
        for block, row in zip(blocks, _rows(element, xs)):
            block[position] = row
    return blocks[0] if len(xs) == 1 else tuple(blocks)


def hessian(f: Callable[..., Value], *inputs):
    """The second derivatives of a one-element ``f``, as an array of shape ``x.shape + x.shape``.

    ``H[i, j] = d²f / dx_i dx_j``. With several inputs the answer is nested like
    ``torch.autograd.functional.hessian``'s for a tuple of inputs: ``H[a][b]`` is the block of
    inputs a and b, of shape ``inputs[a].shape + inputs[b].shape``.
    """
    xs = _leaves(inputs)
    y = f(*xs)
    if not isinstance(y, Value) or y.size != 1:
        raise TypeError("tg.hessian: f must return a Value holding one element, got "
                        f"{type(y).__name__} {getattr(y, 'shape', '')}".rstrip())
    if not y.requires_grad:
        firsts = [Value(np.zeros(x.shape), requires_grad=False) for x in xs]
    else:
        firsts = grad(y, xs, create_graph=True, allow_unused=True)
    blocks = [[np.zeros(a.shape + b.shape) for b in xs] for a in xs]
    for a, first in enumerate(firsts):
        for position, element in _elements(first):
            for block, row in zip(blocks[a], _rows(element, xs)):
                block[position] = row
    if len(xs) == 1:
        return blocks[0][0]
    return tuple(tuple(row) for row in blocks)
