"""Optimisers: rules that turn each parameter's gradient into a step.

The tutorial's update, ``w += l_rate * delta * input``, is plain gradient descent,
``w -= lr * dE/dw`` (see ``tutorial.update_weights``). ``SGD`` is that rule, with optional
momentum; ``Adam`` scales each parameter's step by running averages of its gradient.

Give one to ``nn.train``, the training loop (epochs, minibatches, shuffling, a history)::

    history = nn.train(model, inputs, targets, optimizer=Adam(model.parameters(), lr=0.01))

Each of its steps is what a PyTorch user writes: ``opt.zero_grad()`` (gradients add up across
``backward()`` calls otherwise), ``loss.backward()``, ``opt.step()``.

A parameter's ``.data`` is either a Python float (every scalar Value) or a float64 numpy array;
``step()`` keeps it that way: floats stay floats, arrays are updated in place, through buffers
each optimiser allocates once (no new arrays per step, however large the parameters).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

from ..value import Value, zero_grad


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)


def _positive(name: str, x: float, owner: str) -> float:
    if not _is_number(x) or x <= 0:
        raise ValueError(f"{owner}: {name} must be a positive number, not {x!r}")
    return float(x)


def _fraction(name: str, x: float, owner: str) -> float:
    """A number in [0, 1): a decay rate that forgets old gradients."""
    if not _is_number(x) or not 0 <= x < 1:
        raise ValueError(f"{owner}: {name} must be a number in [0, 1), not {x!r}")
    return float(x)


class Optimizer:
    """Holds the parameters; ``zero_grad()`` resets their gradients, ``step()`` updates them.

    A parameter that no gradient reached since the last ``zero_grad()`` is left alone, as in
    PyTorch: it took no part in the loss, so there is nothing to step on.

    Your own optimiser is a subclass that defines ``_update(self, i, p, g)``: move parameter
    ``p`` (``self.params[i]``) by its gradient ``g``, e.g. ``p.data = p.data - 0.1 * np.sign(g)``.
    """

    def __init__(self, params: Iterable[Value]):
        self.params = list(params)
        name = type(self).__name__
        if not self.params:
            raise ValueError(f"{name}: no parameters to optimise (an empty list)")
        first: dict[int, int] = {}
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{name}: parameter {i} is {type(p).__name__}, not a Value; "
                                "pass model.parameters()")
            j = first.setdefault(id(p), i)
            if j != i:  # it would move twice a step (PyTorch warns of this, and means to refuse)
                raise ValueError(f"{name}: parameter {i} is parameter {j} again (the same "
                                 "Value); list each parameter once")
        self._buffers = ([None] * len(self.params), [None] * len(self.params))

    def zero_grad(self) -> None:
        """Reset every parameter's gradient (call before each ``backward()``)."""
        zero_grad(self.params)

    def step(self) -> None:
        """Move every parameter that has a gradient, by this optimiser's rule."""
        self._step(spent=False)

    def _step_dropping_grads(self) -> None:
        """``step()``, and every gradient is dropped (None) after its parameter's update, as
        ``nn.train`` leaves a step's before an epoch's last: a rule may then work in the
        gradient's own array, which saves a pass over a scratch array as large as the
        parameter (a leaf's array gradient is memory of its own: see ``engine._walk``)."""
        self._step(spent=True)

    def _step(self, spent: bool) -> None:
        update = self._update_spent if spent else self._update
        for i, p in enumerate(self.params):
            g = p._grad
            if g is not None:
                update(i, p, g)
                if spent:
                    p._grad = None

    def _update(self, i: int, p: Value, g) -> None:
        """Move parameter ``i``, ``p``, by its gradient ``g`` (a subclass's rule)."""
        raise NotImplementedError(f"{type(self).__name__} has no rule: an optimiser defines "
                                  "_update(self, i, p, g), which moves parameter p "
                                  "(self.params[i]) by its gradient g")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters)"

    def _update_spent(self, i: int, p: Value, g) -> None:
        """``_update``, free to overwrite ``g``'s array, which nobody reads again; a rule that
        can use that memory says how (``SGD`` does), any other updates as ``step()`` does."""
        self._update(i, p, g)

    def _buffer(self, i: int, p: Value, k: int = 0) -> np.ndarray:
        """Scratch array ``k`` for parameter ``i``, shaped like it, made on first use."""
        buffers = self._buffers[k]
        buf = buffers[i]
        if buf is None or buf.shape != p.data.shape:
            buf = buffers[i] = np.empty_like(p.data)
        return buf


class SGD(Optimizer):
    """Gradient descent with momentum: ``v = momentum * v + g;  p -= lr * v``.

    With ``momentum=0`` (the default) this is ``p -= lr * g``, the tutorial's update: to the last
    bit when ``lr`` is a power of two such as 0.5, otherwise up to rounding in the last bit (the
    tutorial multiplies ``(l_rate * delta) * input``). Momentum keeps a running sum ``v`` of past
    gradients (PyTorch's convention: ``v`` starts at the first gradient), so steps build up along
    a direction the gradients agree on.
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0):
        super().__init__(params)
        self.lr = _positive("lr", lr, "SGD")
        self.momentum = _fraction("momentum", momentum, "SGD")
        self.velocity: list = [None] * len(self.params)

    def _update(self, i: int, p: Value, g) -> None:
        if self.momentum:
            g = self._velocity(i, g)
        data = p.data
        if type(data) is float:
            p.data = float(data - self.lr * g)
            return
        buf = self._buffers[0][i]
        if buf is None or buf.shape != data.shape:
            buf = self._buffer(i, p)
        data -= np.multiply(g, self.lr, out=buf)

    def _update_spent(self, i: int, p: Value, g) -> None:
        data = p.data  # the velocity, with momentum, lives on: it is no scratch memory
        # a subclass's own _update is its rule: it runs as step() runs it
        if type(self)._update is SGD._update and not self.momentum \
                and type(g) is np.ndarray and type(data) is np.ndarray \
                and g.shape == data.shape and g.dtype == np.float64 and g.flags.writeable:
            data -= np.multiply(g, self.lr, out=g)  # nobody reads this gradient again
        else:
            self._update(i, p, g)

    def _velocity(self, i: int, g):
        """``v = momentum * v + g``, in place for arrays; v starts as (a copy of) g."""
        v = self.velocity[i]
        if v is None:  # a copy: the engine may add the next gradient into this very array
            v = g if type(g) is float else np.array(g)
        elif type(v) is float:
            v = self.momentum * v + g
        else:
            v *= self.momentum
            v += g
        self.velocity[i] = v
        return v

    def __repr__(self) -> str:
        return f"SGD({len(self.params)} parameters, lr={self.lr}, momentum={self.momentum})"


class Adam(Optimizer):
    """Adam: ``m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g²;  p -= lr * m̂ / (sqrt(v̂) + eps)``,

    where ``m̂ = m / (1 - b1^t)`` and ``v̂ = v / (1 - b2^t)`` undo the averages' start at zero
    (``t`` counts a parameter's steps from 1). Each parameter's step is about ``lr`` in size,
    whatever the scale of its gradient; the first is ``lr * g / (|g| + eps)``, about
    ``lr * sign(g)``.
    """

    def __init__(self, params: Iterable[Value], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        super().__init__(params)
        self.lr = _positive("lr", lr, "Adam")
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (b1, b2), not {betas!r}")
        self.betas = tuple(_fraction(f"betas[{k}]", b, "Adam") for k, b in enumerate(betas))
        self.eps = _positive("eps", eps, "Adam")
        self.m: list = [0.0] * len(self.params)
        self.v: list = [0.0] * len(self.params)
        self.t: list[int] = [0] * len(self.params)

    def _update(self, i: int, p: Value, g) -> None:
        b1, b2 = self.betas
        self.t[i] += 1
        bias1, bias2 = 1 - b1 ** self.t[i], 1 - b2 ** self.t[i]
        if type(p.data) is float:
            self.m[i] = b1 * self.m[i] + (1 - b1) * g
            self.v[i] = b2 * self.v[i] + (1 - b2) * (g * g)
            m_hat, v_hat = self.m[i] / bias1, self.v[i] / bias2
            p.data = float(p.data - self.lr * m_hat / (math.sqrt(v_hat) + self.eps))
            return
        if type(self.m[i]) is float:  # the first step: the averages start at zero
            self.m[i], self.v[i] = np.zeros_like(p.data), np.zeros_like(p.data)
        m, v, s1, s2 = self.m[i], self.v[i], self._buffer(i, p), self._buffer(i, p, 1)
        # each line is the docstring's formula, in its order of operations, in place
        m *= b1
        m += np.multiply(g, 1 - b1, out=s1)
        v *= b2
        np.multiply(g, g, out=s2)
        v += np.multiply(s2, 1 - b2, out=s2)
        np.divide(m, bias1, out=s1)                            # m_hat
        np.sqrt(np.divide(v, bias2, out=s2), out=s2)           # sqrt(v_hat)
        s2 += self.eps
        s1 *= self.lr
        p.data -= np.divide(s1, s2, out=s1)

    def __repr__(self) -> str:
        return (f"Adam({len(self.params)} parameters, lr={self.lr}, betas={self.betas}, "
                f"eps={self.eps})")
