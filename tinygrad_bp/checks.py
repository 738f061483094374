"""Check analytic gradients against central differences, the way to trust a derivative.

``gradcheck`` checks first derivatives; ``gradgradcheck`` checks second derivatives (the
gradients of the gradients, which ``tg.grad(..., create_graph=True)`` builds) against central
differences of the first. Both leave every ``.grad`` and ``.data`` as they found them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from .derivatives import grad
from .engine import no_grad
from .errors import GradcheckError
from .value import Value


def numerical_gradient(f: Callable[..., Value], inputs: tuple[Value, ...], index: int,
                       eps: float = 1e-6) -> np.ndarray:
    """dF/d(inputs[index]) by central differences, (F(x + eps) - F(x - eps)) / (2 eps)."""
    _check_step("numerical_gradient", eps)
    with no_grad():
        return _central(lambda: np.float64(f(*inputs).item()), inputs[index], eps)


def _central(evaluate: Callable[[], np.ndarray], x: Value, eps: float) -> np.ndarray:
    """d evaluate() / dx by central differences: shape ``x.shape + evaluate().shape``."""
    original = x._data
    base = np.array(original, dtype=np.float64)
    columns = {}
    try:
        for element in np.ndindex(base.shape):
            sides = []
            value = float(base[element])
            if value + eps == value or value - eps == value:
                at = f" at element {element}" if element else ""
                raise GradcheckError(
                    f"eps={eps!r} is lost to rounding in {x.label or 'an input'}{at} (value "
                    f"{value!r}): x + eps == x there; pass a larger eps, about 1e-6 * |value|")
            for step in (eps, -eps):
                moved = base.copy()
                moved[element] += step
                x.data = float(moved) if moved.ndim == 0 else moved
                sides.append(np.asarray(evaluate(), dtype=np.float64))
            columns[element] = (sides[0] - sides[1]) / (2.0 * eps)
    finally:
        x._data = original
    if not columns:
        return np.zeros(base.shape)
    return np.stack([columns[e] for e in np.ndindex(base.shape)]).reshape(
        base.shape + next(iter(columns.values())).shape)


def gradcheck(f: Callable[..., Value], *inputs: Value, eps: float = 1e-6, atol: float = 1e-6,
              rtol: float = 1e-5) -> bool:
    """True when ``f``'s backward pass agrees with central differences for every input element.

    ``f`` takes the Values ``inputs`` and returns a Value with one element. Each element of each
    input is nudged by ``±eps`` in float64 and the slope compared with the analytic gradient:
    ``|analytic - numeric| <= atol + rtol * |numeric|``. Raises ``GradcheckError`` naming the
    input, its worst element and both values. Every ``.grad`` (the inputs', and those of
    anything else ``f`` uses, such as a model's parameters) and the inputs' data are left as
    found.
    """
    _check_arguments("gradcheck", inputs, eps, atol, rtol)
    out = _one_element("gradcheck", f(*inputs))
    analytic = grad(out, inputs, allow_unused=True)  # touches no .grad
    for i, x in enumerate(inputs):
        numeric = numerical_gradient(f, inputs, i, eps)
        _compare(np.asarray(analytic[i].data, np.float64).reshape(x.shape), numeric,
                 _name(x, i), atol, rtol)
    return True


def gradgradcheck(f: Callable[..., Value], *inputs: Value, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-4) -> bool:
    """True when ``f``'s second derivatives agree with central differences of its first.

    For every pair of inputs a, b and every element, the analytic d²f/(da db) (``tg.grad`` of
    ``tg.grad(..., create_graph=True)``) is compared with the central difference of the
    analytic first derivative df/da as b is nudged by ``±eps``. Raises ``GradcheckError``
    naming both inputs, the worst elements and both values; a backward whose own derivative is
    lost (a rule that computes on ``.data`` or ``float()``, cutting the graph) fails here even
    when its first derivative is right. Gradients and data are left as found.
    """
    _check_arguments("gradgradcheck", inputs, eps, atol, rtol)
    out = _one_element("gradgradcheck", f(*inputs))
    firsts = grad(out, inputs, create_graph=True, allow_unused=True)
    analytic = [[np.zeros(xa.shape + xb.shape) for xb in inputs] for xa in inputs]
    for a, (xa, first) in enumerate(zip(inputs, firsts)):
        for position in np.ndindex(xa.shape):
            element = first[position] if xa.ndim else first
            if element.requires_grad:  # else it is a constant: its derivatives are 0
                rows = grad(element, inputs, allow_unused=True)
                for b, (xb, row) in enumerate(zip(inputs, rows)):
                    analytic[a][b][position] = np.asarray(row.data).reshape(xb.shape)

    def first_derivatives() -> np.ndarray:
        """Every df/da, flattened and joined: one call gives the column for every a."""
        gs = grad(_one_element("gradgradcheck", f(*inputs)), inputs, allow_unused=True)
        return np.concatenate([np.ravel(g.data) for g in gs])

    ends = np.cumsum([0] + [x.size for x in inputs])
    for b, xb in enumerate(inputs):
        columns = _central(first_derivatives, xb, eps).reshape(xb.shape + (-1,))
        for a, xa in enumerate(inputs):
            block = columns[..., ends[a]:ends[a + 1]].reshape(xb.shape + xa.shape)
            # block[e_b][e_a] = d(df/da[e_a]) / db[e_b]: put a's axes first, as analytic has
            numeric = np.moveaxis(block, tuple(range(xb.ndim)),
                                  tuple(range(xa.ndim, xa.ndim + xb.ndim)))
            where = _pair_where(_name(xa, a), _name(xb, b), xa.ndim)
            _compare(analytic[a][b], numeric, "", atol, rtol,
                     ("gradgradcheck", "analytic", "numeric"), where)
    return True


def _pair_where(first: str, second: str, split: int) -> Callable[[tuple], str]:
    """How gradgradcheck names a second derivative: d²f/d(input 0)d(input 1) at elements."""
    def where(index: tuple) -> str:
        text = f"the second derivative d²f/d({first})d({second})"
        at_a, at_b = index[:split], index[split:]
        parts = [f"element {at_a} of {first}"] if at_a else []
        parts += [f"element {at_b} of {second}"] if at_b else []
        return text + (" at " + " and ".join(parts) if parts else "")
    return where


def _check_arguments(who: str, inputs: tuple, eps: float, atol: float, rtol: float) -> None:
    _check_step(who, eps)
    for name, tolerance in (("atol", atol), ("rtol", rtol)):
        if not _real(tolerance) or not tolerance >= 0:
            raise ValueError(f"{who}: {name} must be a number >= 0, not {tolerance!r}")
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"{who}: input {i} must be a Value, not {type(x).__name__}")
        if not x.requires_grad:
            raise ValueError(f"{who}: {_name(x, i)} has requires_grad=False, so it gets no "
                             "gradient to check; pass it inside f as a constant instead")


def _check_step(who: str, eps: float) -> None:
    if not _real(eps) or not 0.0 < eps < math.inf:
        raise ValueError(f"{who}: eps must be a finite number > 0 (the step of the central "
                         f"difference), not {eps!r}")


def _real(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _one_element(who: str, out) -> Value:
    if not isinstance(out, Value) or out.size != 1:
        raise TypeError(f"{who}: f must return a Value holding one element, got "
                        f"{type(out).__name__} {getattr(out, 'shape', '')}".rstrip())
    return out


def _name(x: Value, i: int) -> str:
    return f"input {i} ({x.label!r})" if x.label else f"input {i}"


def check_grads(handwritten: Mapping[str, object], values: Mapping[str, Value],
                atol: float = 1e-8, rtol: float = 1e-6) -> bool:
    """True when your own gradients equal autograd's, for every Value named in ``values``.

    ``handwritten[name]`` is your gradient for ``values[name]`` (after you ran ``backward()``
    on the same loss); shapes must match. Raises ``GradcheckError`` naming the first Value
    whose gradient differs, its worst element and both numbers. It only reads gradients.
    """
    for name, value in values.items():
        if name not in handwritten:
            raise KeyError(f"check_grads: no handwritten gradient for {name!r}")
        if not isinstance(value, Value):
            raise TypeError(f"check_grads: values[{name!r}] must be a Value, "
                            f"not {type(value).__name__}")
        if value._grad is None:
            raise GradcheckError(f"check_grads: autograd has no gradient for {name}: run "
                                 "backward() on the loss first (and check that the loss uses it)")
        yours = np.asarray(handwritten[name], dtype=np.float64)
        ours = np.asarray(value.grad, dtype=np.float64)
        if yours.shape != ours.shape:
            raise GradcheckError(f"check_grads: the gradient of {name} has shape {yours.shape}, "
                                 f"but {name} has shape {ours.shape}")
        _compare(ours, yours, name, atol, rtol, ("check_grads", "autograd", "yours"))
    return True


def _compare(analytic: np.ndarray, numeric: np.ndarray, name: str, atol: float, rtol: float,
             words: tuple[str, str, str] = ("gradcheck", "analytic", "numeric"),
             where: Callable[[tuple], str] | None = None):
    with np.errstate(invalid="ignore"):
        excess = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
    excess = np.where(np.isnan(analytic) & np.isnan(numeric), -np.inf, excess)
    excess = np.where(np.isnan(excess), np.inf, excess)
    if np.all(excess <= 0):
        return
    worst = np.unravel_index(int(np.argmax(excess)), analytic.shape)
    index = tuple(int(i) for i in worst)
    if where is None:
        subject = f"the gradient of {name}" + (f" at element {index}" if analytic.ndim else "")
    else:
        subject = where(index)
    a, n = float(analytic[worst]), float(numeric[worst])  # prints 4.0, not np.float64(4.0)
    who, first, second = words
    raise GradcheckError(
        f"{who}: {subject} is wrong: {first} {a!r}, {second} {n!r} "
        f"(difference {abs(a - n):.3g}, allowed {atol + rtol * abs(n):.3g})"
    )

