"""Check analytic gradients against central differences, the way to trust a derivative."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .engine import no_grad
from .errors import GradcheckError
from .value import Value


def numerical_gradient(f: Callable[..., Value], inputs: tuple[Value, ...], index: int,
                       eps: float = 1e-6) -> np.ndarray:
    """dF/d(inputs[index]) by central differences, (F(x + eps) - F(x - eps)) / (2 eps)."""
    x = inputs[index]
    original = x.data
    base = np.array(original, dtype=np.float64)
    numeric = np.zeros(base.shape)
    try:
        with no_grad():
            for element in np.ndindex(base.shape):
                values = []
                for step in (eps, -eps):
                    moved = base.copy()
                    moved[element] += step
                    x.data = float(moved) if moved.ndim == 0 else moved
                    values.append(f(*inputs).item())
                numeric[element] = (values[0] - values[1]) / (2.0 * eps)
    finally:
        x.data = original
    return numeric


def gradcheck(f: Callable[..., Value], *inputs: Value, eps: float = 1e-6, atol: float = 1e-6,
              rtol: float = 1e-5) -> bool:
    """True when ``f``'s backward pass agrees with central differences for every input element.

    ``f`` takes the Values ``inputs`` and returns a Value with one element. Each element of each
    input is nudged by ``±eps`` in float64 and the slope compared with the analytic gradient:
    ``|analytic - numeric| <= atol + rtol * |numeric|``. Raises ``GradcheckError`` naming the
    input, its worst element and both values. The inputs' gradients and data are left as found.
    """
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"gradcheck: input {i} must be a Value, not {type(x).__name__}")
        if not x.requires_grad:
            raise ValueError(f"gradcheck: {_name(x, i)} has requires_grad=False, so it gets no "
                             "gradient to check; pass it inside f as a constant instead")
    saved = [x._grad for x in inputs]
    try:
        for x in inputs:
            x._grad = None
        out = f(*inputs)
        if not isinstance(out, Value) or out.size != 1:
            raise TypeError("gradcheck: f must return a Value holding one element, got "
                            f"{type(out).__name__} {getattr(out, 'shape', '')}".rstrip())
        out.backward()
        for i, x in enumerate(inputs):
            analytic = np.array(x.grad, dtype=np.float64)
            numeric = numerical_gradient(f, inputs, i, eps)
            _compare(analytic, numeric, _name(x, i), atol, rtol)
    finally:
        for x, grad in zip(inputs, saved):
            x._grad = grad
    return True


def _name(x: Value, i: int) -> str:
    return f"input {i} ({x.label!r})" if x.label else f"input {i}"


def check_grads(handwritten: Mapping[str, object], values: Mapping[str, Value],
                atol: float = 1e-8, rtol: float = 1e-6) -> bool:
    """True when your own gradients equal autograd's, for every Value named in ``values``.

    ``handwritten[name]`` is your gradient for ``values[name]`` (after you ran ``backward()``
    on the same loss); shapes must match. Raises ``GradcheckError`` naming the first Value
    whose gradient differs, its worst element and both numbers.
    """
    for name, value in values.items():
        if name not in handwritten:
            raise KeyError(f"check_grads: no handwritten gradient for {name!r}")
        yours = np.asarray(handwritten[name], dtype=np.float64)
        ours = np.asarray(value.grad, dtype=np.float64)
        if yours.shape != ours.shape:
            raise GradcheckError(f"check_grads: the gradient of {name} has shape {yours.shape}, "
                                 f"but {name} has shape {ours.shape}")
        _compare(ours, yours, name, atol, rtol, ("check_grads", "autograd", "yours"))
    return True


def _compare(analytic: np.ndarray, numeric: np.ndarray, name: str, atol: float, rtol: float,
             words: tuple[str, str, str] = ("gradcheck", "analytic", "numeric")):
    with np.errstate(invalid="ignore"):
        excess = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
    excess = np.where(np.isnan(analytic) & np.isnan(numeric), -np.inf, excess)
    excess = np.where(np.isnan(excess), np.inf, excess)
    if np.all(excess <= 0):
        return
    worst = np.unravel_index(int(np.argmax(excess)), analytic.shape)
    where = f" at element {tuple(int(i) for i in worst)}" if analytic.ndim else ""
    a, n = float(analytic[worst]), float(numeric[worst])  # prints 4.0, not np.float64(4.0)
    who, first, second = words
    raise GradcheckError(
        f"{who}: the gradient of {name}{where} is wrong: {first} {a!r}, {second} {n!r} "
        f"(difference {abs(a - n):.3g}, allowed {atol + rtol * abs(n):.3g})"
    )
