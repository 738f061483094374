"""Properties over many random cases (hypothesis, derandomized so every run checks the same ones).

- ``unbroadcast`` reaches the target shape, keeps the total, and is the adjoint of broadcasting:
  <unbroadcast(G), v> = <G, broadcast(v)> for every v, which is what makes it the right gradient.
- Random expression trees over scalars and small arrays pass ``gradcheck``, and a second
  ``backward()`` doubles every leaf's gradient.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import tinygrad_bp as tg
from tinygrad_bp.engine import unbroadcast

SETTINGS = settings(deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


# -- unbroadcast -------------------------------------------------------------------------------

@st.composite
def broadcast_pairs(draw):
    """(target shape, gradient shape): the gradient's shape is what broadcasting target makes."""
    target = tuple(draw(st.lists(st.integers(1, 3), max_size=3)))
    leading = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    stretched = tuple(draw(st.integers(1, 3)) if d == 1 else d for d in target)
    return target, leading + stretched


@SETTINGS
@given(broadcast_pairs(), st.integers(0, 2**32 - 1))
def test_unbroadcast_reaches_the_shape_and_keeps_the_sum(shapes, seed):
    target, grad_shape = shapes
    assert np.broadcast_shapes(target, grad_shape) == grad_shape
    rng = np.random.default_rng(seed)
    grad = rng.integers(-9, 10, size=grad_shape).astype(np.float64)  # integers: sums are exact
    reduced = unbroadcast(grad, target)
    assert np.shape(reduced) == target
    assert np.sum(reduced) == np.sum(grad)
    v = rng.integers(-9, 10, size=target).astype(np.float64)
    assert np.sum(reduced * v) == np.sum(grad * np.broadcast_to(v, grad_shape))


# -- random compositions -----------------------------------------------------------------------

SHAPES = [(), (3,), (2, 3), (1, 3), (2, 1)]  # any two broadcast together

UNARY = {  # each keeps its input in a safe domain: no log of <= 0, no unbounded growth
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "exp": lambda a: a.tanh().exp(),
    "log": lambda a: (a * a + 1.0).log(),
    "square": lambda a: a ** 2,
    "sqrt": lambda a: (a * a + 0.5) ** 0.5,
    "relu": lambda a: a.relu(),
    "neg": lambda a: -a,
    "mean": lambda a: a.mean(axis=-1, keepdims=True) if a.ndim else a,
    "sum0": lambda a: a.sum(axis=0, keepdims=True) if a.ndim else a,
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1.0),
    "pow": lambda a, b: (a * a + 0.5) ** b.tanh(),
    "const": lambda a, b: 0.5 * a - b / 3.0,
}

trees = st.recursive(
    st.tuples(st.just("input"), st.integers(0, 2)),
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(sorted(UNARY)), inner),
        st.tuples(st.sampled_from(sorted(BINARY)), inner, inner),
    ),
    max_leaves=6,
)


def evaluate(tree, inputs, seen: list):
    """The Value of ``tree``; ``seen`` collects (op, input of relu or any result) for the guards."""
    kind = tree[0]
    if kind == "input":
        return inputs[tree[1]]
    if kind in UNARY:
        a = evaluate(tree[1], inputs, seen)
        if kind == "relu":
            seen.append(("relu input", a))
        out = UNARY[kind](a)
    else:
        out = BINARY[kind](evaluate(tree[1], inputs, seen), evaluate(tree[2], inputs, seen))
    seen.append((kind, out))
    return out


def weigh(y: tg.Value) -> tg.Value:
    w = np.random.default_rng(7).uniform(0.5, 1.5, size=y.shape)
    return (y * (float(w) if y.shape == () else w)).sum()


@st.composite
def compositions(draw):
    tree = draw(trees)
    shapes = [draw(st.sampled_from(SHAPES)) for _ in range(3)]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    data = [float(x) if s == () else x for s, x in
            ((s, rng.uniform(-1.5, 1.5, size=s)) for s in shapes)]
    return tree, data


def safe(tree, data) -> bool:
    """Away from relu's kink and from magnitudes where central differences lose their digits."""
    seen: list = []
    evaluate(tree, [tg.Value(d) for d in data], seen)
    for what, value in seen:
        magnitude = np.abs(value.data)
        if what == "relu input" and np.min(magnitude, initial=np.inf) < 1e-2:
            return False
        if np.max(magnitude, initial=0.0) > 50.0:
            return False
    return True


@settings(SETTINGS, max_examples=300)
@given(compositions())
def test_random_compositions_pass_gradcheck(composition):
    tree, data = composition
    assume(safe(tree, data))
    inputs = [tg.Value(d, label=f"x{i}") for i, d in enumerate(data)]
    assert tg.gradcheck(lambda *xs: weigh(evaluate(tree, xs, [])), *inputs) is True


@settings(SETTINGS, max_examples=100)
@given(compositions())
def test_a_second_backward_doubles_every_leaf_gradient(composition):
    tree, data = composition
    inputs = [tg.Value(d) for d in data]
    root = weigh(evaluate(tree, inputs, []))
    root.backward()
    once = [np.array(x.grad) for x in inputs]
    root.backward()
    for x, first in zip(inputs, once):
        assert np.shape(x.grad) == x.shape
        # equal up to rounding: a reused leaf adds its uses one by one, (g1 + g2) + g1 + g2
        np.testing.assert_allclose(x.grad, 2 * first, rtol=1e-12, atol=1e-300)
