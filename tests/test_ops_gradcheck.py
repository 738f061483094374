"""Every registered op's backward against central differences, over the shapes learners meet.

Each case names the op it exercises; a guard fails when an op in ``tinygrad_bp.OPS`` has no case,
so a new op cannot land without a gradient check. Every case is checked twice: by ``tg.gradcheck``
and by a central difference written here from plain numpy (fresh Values from nudged arrays), so a
bug in ``gradcheck`` itself cannot hide a wrong derivative. Non-scalar outputs are reduced with a
fixed, uneven weighting (not a plain sum), so a gradient sent to the wrong element shows.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import tinygrad_bp as tg
from tinygrad_bp import losses
from tinygrad_bp.losses import half_squared_error
from tinygrad_bp.nn import log_softmax
from tinygrad_bp.ops import OPS, HalfSquaredError, Op, ScatterAdd
from tinygrad_bp.value import record

ANY, POS, AWAY, PROB = "any", "positive", "away from 0", "probability"


def make(kind: str, shape: tuple, rng: np.random.Generator):
    """Input data of ``shape`` in the op's safe domain: a float for (), else a float64 array."""
    if kind == POS:
        x = rng.uniform(0.5, 2.0, size=shape)
    elif kind == PROB:  # inside (0, 1), away from the ends where logs and slopes blow up
        x = rng.uniform(0.05, 0.95, size=shape)
    else:
        x = rng.uniform(-2.0, 2.0, size=shape)
        if kind == AWAY:  # relu's kink and a divisor's pole stay >= 0.3 away
            x = np.where(x < 0, x - 0.3, x + 0.3)
    return float(x) if shape == () else x


def weigh(y: tg.Value) -> tg.Value:
    """One number from y with uneven weights, the same weights for every call with y's shape."""
    w = np.random.default_rng(7).uniform(0.5, 1.5, size=y.shape)
    return (y * (float(w) if y.shape == () else w)).sum()


CASES: dict[str, list] = {}


def case(op: str, name: str, f, *inputs):
    """Register a gradient case: ``f`` maps Values to a Value; inputs are (kind, shape) pairs."""
    CASES.setdefault(op, []).append(pytest.param(op, f, inputs, id=f"{op}-{name}"))


m, n, k, B = 2, 3, 4, 2
S, V, C, R, M = (), (n,), (m, 1), (1, n), (m, n)
ELEMENTWISE_PAIRS = [  # (a, b) shapes, every one broadcastable
    ("scalar", S, S), ("vector", V, V), ("column-row", C, R), ("row-column", R, C),
    ("column-matrix", C, M), ("matrix-row", M, R),
    ("scalar-matrix", S, M), ("matrix-scalar", M, S),
    ("vector-matrix", V, M), ("batch-matrix", (B, m, n), M),
]

for label, sa, sb in ELEMENTWISE_PAIRS:
    case("add", label, lambda a, b: a + b, (ANY, sa), (ANY, sb))
    case("sub", label, lambda a, b: a - b, (ANY, sa), (ANY, sb))
    case("mul", label, lambda a, b: a * b, (ANY, sa), (ANY, sb))
    case("div", label, lambda a, b: a / b, (ANY, sa), (AWAY, sb))
    case("pow", label, lambda a, b: a ** b, (POS, sa), (ANY, sb))
for shape, label in [(S, "scalar"), (M, "matrix")]:  # plain numbers on either side are constants
    case("add", f"{label}+number", lambda a: a + 2.5, (ANY, shape))
    case("add", f"number+{label}", lambda a: 2.5 + a, (ANY, shape))
    case("add", f"{label}-reused", lambda a: a + a, (ANY, shape))
    case("sub", f"number-{label}", lambda a: 1.5 - a, (ANY, shape))
    case("sub", f"{label}-number", lambda a: a - 1.5, (ANY, shape))
    case("mul", f"number*{label}", lambda a: 3.0 * a, (ANY, shape))
    case("mul", f"{label}*itself", lambda a: a * a, (ANY, shape))
    case("mul", f"negate-{label}", lambda a: -a, (ANY, shape))
    case("div", f"number/{label}", lambda a: 2.0 / a, (AWAY, shape))
    case("div", f"{label}/number", lambda a: a / 4.0, (ANY, shape))
    case("pow", f"number**{label}", lambda a: 2.0 ** a, (ANY, shape))
case("mul", "ndarray*vector", lambda a: np.array([1.0, -2.0, 3.0]) * a, (ANY, V))
case("add", "float64+matrix", lambda a: np.float64(0.5) + a, (ANY, M))

for shape, label in [(S, "scalar"), (V, "vector"), (C, "column"), (R, "row"), (M, "matrix")]:
    case("power", f"square-{label}", lambda a: a ** 2, (ANY, shape))
    case("power", f"cube-{label}", lambda a: a ** 3, (ANY, shape))
    case("power", f"sqrt-{label}", lambda a: a ** 0.5, (POS, shape))
    case("power", f"reciprocal-{label}", lambda a: a ** -1, (AWAY, shape))
    case("power", f"fractional-{label}", lambda a: a ** -1.5, (POS, shape))
    case("exp", label, lambda a: a.exp(), (ANY, shape))
    case("log", label, lambda a: a.log(), (POS, shape))
    case("tanh", label, lambda a: a.tanh(), (ANY, shape))
    case("sigmoid", label, lambda a: a.sigmoid(), (ANY, shape))
    case("relu", label, lambda a: a.relu(), (AWAY, shape))
case("power", "array-exponent-broadcast", lambda a: a ** np.array([1.0, 2.0, 3.0]), (POS, C))
for name, f in [("exp", "exp"), ("log", "log"), ("tanh", "tanh"), ("sigmoid", "sigmoid"),
                ("relu", "relu")]:
    case(name, "batched", lambda a, f=f: getattr(a, f)(), (POS if f == "log" else AWAY, (B, m, n)))

for label, sa, sb in [
    ("matrix@matrix", (m, k), (k, n)), ("batch@matrix", (B, m, k), (k, n)),
    ("matrix@batch", (m, k), (B, k, n)), ("batch@batch", (B, m, k), (B, k, n)),
    ("broadcast-batches", (B, 1, m, k), (3, k, n)), ("vector@matrix", (k,), (k, n)),
    ("matrix@vector", (m, k), (k,)), ("vector@vector", (k,), (k,)),
    ("vector@batch", (k,), (B, k, n)), ("batch@vector", (B, m, k), (k,)),
]:
    case("matmul", label, lambda a, b: a @ b, (ANY, sa), (ANY, sb))
case("matmul", "ndarray@matrix", lambda b: np.arange(8.0).reshape(2, 4) @ b, (ANY, (k, n)))
case("matmul", "matrix@ndarray", lambda a: a @ np.arange(12.0).reshape(4, 3), (ANY, (m, k)))

for axis in [None, 0, 1, -1, (0, 2), (0, 1, 2), (-1, 0)]:
    for keepdims in (False, True):
        label = f"axis={axis}-keepdims={keepdims}"
        case("sum", label, lambda a, axis=axis, kd=keepdims: a.sum(axis, kd), (ANY, (B, m, n)))
        case("sum", "mean-" + label, lambda a, axis=axis, kd=keepdims: a.mean(axis, kd),
             (ANY, (B, m, n)))
case("sum", "scalar", lambda a: a.sum(), (ANY, S))
case("sum", "vector-axis0", lambda a: a.sum(axis=0), (ANY, V))
case("sum", "column-axis1", lambda a: a.sum(axis=1), (ANY, C))
case("sum", "row-mean", lambda a: a.mean(), (ANY, R))

case("reshape", "matrix-to-matrix", lambda a: a.reshape(n, m), (ANY, M))
case("reshape", "tuple-argument", lambda a: a.reshape((n, m)), (ANY, M))
case("reshape", "flatten", lambda a: a.reshape(-1), (ANY, (B, m, n)))
case("reshape", "scalar-to-1x1", lambda a: a.reshape(1, 1), (ANY, S))
case("reshape", "vector-to-column", lambda a: a.reshape(1, n, 1), (ANY, V))
case("reshape", "1x1-to-scalar", lambda a: a.reshape(()), (ANY, (1, 1)))

case("transpose", ".T-matrix", lambda a: a.T, (ANY, M))
case("transpose", ".T-vector", lambda a: a.T, (ANY, V))
case("transpose", ".T-scalar", lambda a: a.T, (ANY, S))
case("transpose", ".T-batch", lambda a: a.T, (ANY, (B, m, n)))
case("transpose", "axes-1-0-2", lambda a: a.transpose(1, 0, 2), (ANY, (B, m, n)))
case("transpose", "axes-tuple", lambda a: a.transpose((2, 0, 1)), (ANY, (B, m, n)))
case("transpose", "negative-axes", lambda a: a.transpose(0, -1, -2), (ANY, (B, m, n)))
case("transpose", "negative-axes-rotate", lambda a: a.transpose(-1, 0, 1), (ANY, (B, m, n)))

for label, index in [
    ("int", 1), ("negative-int", -1), ("int-pair", (1, 2)), ("row", 0), ("slice", slice(1, 3)),
    ("2d-slice", (slice(None), slice(1, 3))), ("reversed", slice(None, None, -1)),
    ("fancy-repeated", [0, 0, 1]), ("fancy-pairs", ([0, 0, 1], [2, 2, 0])),
    ("column-fancy-repeated", (slice(None), [0, 0, 2])), ("ellipsis", (Ellipsis, 1)),
    ("newaxis", (None, slice(None))),
    ("bool-mask", np.array([[True, False, True], [False, True, True]])),
    ("bool-rows", np.array([True, False])),
]:
    case("getitem", label, lambda a, index=index: a[index], (ANY, M))
case("getitem", "vector-fancy-repeated", lambda a: a[[0, 0, 2]], (ANY, V))
case("getitem", "vector-bool-list", lambda a: a[[True, False, True]], (ANY, V))
case("getitem", "value-index", lambda a: a[tg.Value(2.0, requires_grad=False)], (ANY, V))

for label, shape in [("scalars", S), ("vectors", V), ("matrices", M)]:
    case("stack", label, lambda a, b: tg.stack([a, b]), (ANY, shape), (ANY, shape))
case("stack", "with-constant", lambda a: tg.stack([a, 2.0 * np.ones(n), a]), (ANY, V))
case("stack", "one", lambda a: tg.stack([a]), (ANY, M))

MASK = np.array([[True, False, True], [False, False, True]])
case("where", "matrix-matrix", lambda a, b: a.where(MASK, b), (ANY, M), (ANY, M))
case("where", "row-column-broadcast", lambda a, b: a.where(MASK, b), (ANY, R), (ANY, C))
case("where", "scalar-condition", lambda a, b: a.where(False, b), (ANY, S), (ANY, V))
case("where", "number-other", lambda a: a.where(MASK, 2.5), (ANY, M))
case("where", "value-condition", lambda a: a.where(tg.Value([1.0, 0.0, 2.0]), -a), (ANY, V))
for label, index in [("int", 1), ("fancy-repeated", [0, 0, 1]), ("slice", slice(1, 3)),
                     ("bool-mask", MASK[0])]:
    shape = np.zeros(n)[index].shape
    case("scatter_add", label, lambda a, index=index: tg.apply(ScatterAdd, a, params=((n,), index)),
         (ANY, shape))
case("scatter_add", "2d-fancy-pairs",
     lambda a: tg.apply(ScatterAdd, a, params=((m, n), ([0, 0, 1], [2, 2, 0]))), (ANY, V))

for label, sa, sb in [("scalars", S, S), ("vectors", V, V), ("matrices", M, M)]:
    case("half_squared_error", label, half_squared_error, (ANY, sa), (ANY, sb))
for label, sa, sb in [("batch-row-target", M, R), ("matrix-scalar-target", M, S)]:
    # the loss function refuses unequal shapes; the op itself broadcasts like any other
    case("half_squared_error", "op-" + label, lambda a, b: tg.apply(HalfSquaredError, a, b),
         (ANY, sa), (ANY, sb))

for label, shape, axis in [("vector", V, -1), ("matrix-rows", M, -1), ("matrix-columns", M, 0),
                           ("column", C, -1), ("row", R, -1), ("batch-last", (B, m, n), -1),
                           ("batch-middle", (B, m, n), 1), ("batch-first", (B, m, n), 0)]:
    case("log_softmax", label, lambda a, axis=axis: log_softmax(a, axis), (ANY, shape))


def target_rows(shape: tuple, kind: str) -> np.ndarray:
    """Fixed target rows for cross-entropy: one-hot, or class probabilities summing to 1."""
    rng = np.random.default_rng(11)
    if kind == "one-hot":
        return np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
    weights = rng.uniform(0.1, 1.0, size=shape)
    return weights / weights.sum(axis=-1, keepdims=True)


CLASSIFICATION_TARGETS = [  # (label, scores' shape, target): every form the losses accept
    ("one-row-index", V, 2), ("one-row-one-hot", V, target_rows(V, "one-hot")),
    ("one-row-soft", V, target_rows(V, "soft")), ("batch-indices", (4, n), [2, 0, 0, 1]),
    ("batch-one-hot", M, target_rows(M, "one-hot")),
    ("batch-soft", (4, n), target_rows((4, n), "soft")),
    ("batch-of-one", R, np.array([1])), ("two-classes", (3, 2), np.array([1.0, 0.0, 1.0])),
]
for label, shape, target in CLASSIFICATION_TARGETS:
    case("cross_entropy", label, lambda p, t=target: losses.cross_entropy(p, t), (PROB, shape))
    case("cross_entropy_with_logits", label,
         lambda z, t=target: losses.cross_entropy_with_logits(z, t), (ANY, shape))
case("cross_entropy", "through-softmax",
     lambda z: losses.cross_entropy(tg.nn.softmax(z), [1, 2]), (ANY, M))


def binary_targets(shape: tuple, kind: str):
    """Fixed targets in [0, 1] for binary cross-entropy: 0s and 1s, or anything in between."""
    y = np.random.default_rng(5).uniform(0.0, 1.0, size=shape)
    y = np.round(y) if kind == "hard" else y
    return float(y) if shape == () else y


for label, shape in [("scalar", S), ("vector", V), ("column", C), ("matrix", M),
                     ("batch", (B, m, n))]:
    for kind in ("hard", "soft"):
        y = binary_targets(shape, kind)
        case("binary_cross_entropy", f"{label}-{kind}",
             lambda p, y=y: losses.binary_cross_entropy(p, y), (PROB, shape))
        case("binary_cross_entropy_with_logits", f"{label}-{kind}",
             lambda z, y=y: losses.binary_cross_entropy_with_logits(z, y), (ANY, shape))

ALL_CASES = [param for params in CASES.values() for param in params]


def ops_in(y: tg.Value) -> set[str]:
    """The names of the ops in y's graph."""
    seen, todo, names = set(), [y], set()
    while todo:
        node = todo.pop()
        if id(node) not in seen:
            seen.add(id(node))
            names.add(node.op)
            todo.extend(node.parents)
    return names


def central_differences(f, arrays: list, i: int, eps: float = 1e-6) -> np.ndarray:
    """dF/d(arrays[i]) by central differences, from fresh Values (independent of checks.py)."""
    base = np.array(arrays[i], dtype=np.float64)
    out = np.zeros(base.shape)
    for element in np.ndindex(base.shape):
        sides = []
        for step in (eps, -eps):
            moved = base.copy()
            moved[element] += step
            data = [moved if j == i else a for j, a in enumerate(arrays)]
            sides.append(float(weigh(f(*[tg.Value(d) for d in data])).data))
        out[element] = (sides[0] - sides[1]) / (2 * eps)
    return out


@pytest.mark.parametrize("op, f, inputs", ALL_CASES)
def test_gradient_matches_central_differences(op, f, inputs):
    if op not in OPS:
        pytest.skip(f"op {op!r} is not registered in this tree")
    rng = np.random.default_rng(20240601)
    arrays = [make(kind, shape, rng) for kind, shape in inputs]
    values = [tg.Value(a, label=f"x{i}") for i, a in enumerate(arrays)]
    assert op in ops_in(f(*values)), f"the case does not exercise {op!r}"

    assert tg.gradcheck(lambda *xs: weigh(f(*xs)), *values) is True

    weigh(f(*values)).backward()
    for i, (x, (_, shape)) in enumerate(zip(values, inputs)):
        assert np.shape(x.grad) == shape
        assert np.asarray(x.grad).shape == x.shape
        np.testing.assert_allclose(x.grad, central_differences(f, arrays, i), rtol=1e-5,
                                   atol=1e-6, err_msg=f"input {i}")


def test_every_registered_op_has_a_gradient_case():
    missing = sorted(set(OPS) - set(CASES))
    assert missing == [], f"ops without a gradient case in {__name__}: {missing}"


def test_the_guard_sees_the_core_ops():
    core = {"add", "sub", "mul", "div", "power", "pow", "exp", "log", "tanh", "sigmoid", "relu",
            "matmul", "sum", "reshape", "transpose", "getitem"}
    assert core <= set(OPS)
    assert core <= set(CASES)


# -- gradcheck must fail on a wrong gradient ---------------------------------------------------

@pytest.fixture
def wrong_double():
    """A test-only op whose backward forgets the factor 2; removed from OPS afterwards."""
    class WrongDouble(Op):
        """y = 2 * a;  da = g  (wrong on purpose: the true rule is 2 * g)"""

        name, symbol = "wrong_double_for_tests", "2x?"

        @staticmethod
        def forward(a):
            return 2.0 * a

        @staticmethod
        def backward(g, y, a):
            return (g,)

    assert OPS["wrong_double_for_tests"] is WrongDouble
    yield WrongDouble
    del OPS["wrong_double_for_tests"]


def test_registry_is_clean_after_the_wrong_op_fixture():
    assert "wrong_double_for_tests" not in OPS


def test_gradcheck_names_input_element_and_both_values(wrong_double):
    weights = np.array([[0.5, 1.0], [4.0, 2.0]])  # the (1, 0) element is wrong by the most: 4 vs 8
    bias = tg.Value(0.25, label="bias")
    W = tg.Value(np.array([[1.0, -2.0], [3.0, 0.5]]), label="W")
    W.grad = np.full((2, 2), 7.0)
    data_before = W.data.copy()

    def f(b, w):
        return (record(wrong_double, (w,)) * weights).sum() + b

    with pytest.raises(tg.GradcheckError) as caught:
        tg.gradcheck(f, bias, W)
    message = str(caught.value)
    found = re.fullmatch(
        r"gradcheck: the gradient of input 1 \('W'\) at element \(1, 0\) is wrong: "
        r"analytic (\S+), numeric (\S+) \(difference (\S+), allowed (\S+)\)", message)
    assert found, message
    analytic, numeric, difference, allowed = (float(v) for v in found.groups())
    assert analytic == 4.0  # what the wrong rule gives: g = the weight
    assert numeric == pytest.approx(8.0, abs=1e-6)  # d(2 w)/dw times the weight 4
    assert difference == pytest.approx(4.0, rel=1e-3)
    assert allowed == pytest.approx(1e-6 + 1e-5 * 8.0, rel=1e-2)
    # the inputs come back as they were
    np.testing.assert_array_equal(W.data, data_before)
    np.testing.assert_array_equal(W.grad, np.full((2, 2), 7.0))
    assert bias.data == 0.25 and bias.grad == 0.0
    assert isinstance(caught.value, AssertionError)


def test_gradcheck_error_for_a_scalar_input_has_no_element(wrong_double):
    x = tg.Value(1.5)
    with pytest.raises(tg.GradcheckError) as caught:
        tg.gradcheck(lambda a: record(wrong_double, (a,)), x)
    found = re.match(r"gradcheck: the gradient of input 0 is wrong: analytic (\S+), "
                     r"numeric (\S+) \(", str(caught.value))
    assert found, str(caught.value)
    assert float(found[1]) == 1.0  # the wrong rule passes g = 1 straight through
    assert float(found[2]) == pytest.approx(2.0, abs=1e-6)  # d(2a)/da


def test_gradcheck_catches_a_gradient_lost_to_a_detached_path():
    # d(sum x * x)/dx = 2x, but through detach() only one factor carries a gradient: x
    x = tg.Value(np.array([1.0, 2.0]), label="x")
    with pytest.raises(tg.GradcheckError, match=r"input 0 \('x'\) at element \(1,\) is wrong: "
                                                r"analytic 2\.0, numeric 4\.0000"):
        tg.gradcheck(lambda a: (a * a.detach()).sum(), x)


def test_numerical_gradient_is_the_central_difference():
    # ((x+h)^3 - (x-h)^3) / 2h = 3x^2 + h^2 exactly, so the estimate of d(sum x^3) is 3x^2 + h^2
    x = tg.Value(np.array([1.0, -2.0, 0.5]))
    numeric = tg.numerical_gradient(lambda a: (a ** 3).sum(), (x,), 0, eps=1e-3)
    np.testing.assert_allclose(numeric, 3 * np.array([1.0, 4.0, 0.25]) + 1e-6, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(x.data, [1.0, -2.0, 0.5])


@pytest.mark.parametrize("returned", ["scalar", "length one"])
def test_a_gradient_with_fewer_elements_is_broadcast_to_its_inputs_shape(returned):
    # An own op whose backward returns g unchanged for a sum (one number, or shape (1,), for an
    # input of shape (3,)): g stands for every element alike, so the engine copies it to a's
    # shape, the adjoint of broadcasting run the other way, and the rule checks out.
    class LooseSum(Op):
        """y = sum(a);  da = g"""

        name, symbol = "loose_sum_for_tests", "sum"

        @staticmethod
        def forward(a):
            return a.sum()

        @staticmethod
        def backward(g, y, a):
            return (g if returned == "scalar" else np.array([g]),)

    try:
        x = tg.Value(np.array([1.0, 2.0, 3.0]), label="x")
        (tg.apply(LooseSum, x) * 2.0).backward()
        assert x.grad.shape == (3,) and x.grad.tolist() == [2.0, 2.0, 2.0]
        assert tg.gradcheck(lambda a: tg.apply(LooseSum, a), x) is True
    finally:
        del OPS["loose_sum_for_tests"]


def test_a_gradient_that_fits_no_shape_is_refused_naming_both_shapes():
    class BadShape(Op):
        """y = sum(a);  da = g * ones(2)  (wrong on purpose)"""

        name, symbol = "bad_shape_for_tests", "sum?"

        @staticmethod
        def forward(a):
            return a.sum()

        @staticmethod
        def backward(g, y, a):
            return (g * np.ones(2),)

    try:
        x = tg.Value(np.array([1.0, 2.0, 3.0]))
        with pytest.raises(ValueError, match=r"a gradient of shape \(2,\) does not fit an input "
                                             r"of shape \(3,\)"):
            tg.apply(BadShape, x).backward()
    finally:
        del OPS["bad_shape_for_tests"]


def test_gradcheck_says_when_an_input_is_a_constant():
    # A constant gets no gradient, so "analytic 0.0 is wrong" would blame the derivative.
    c = tg.Value(2.0, label="c", requires_grad=False)
    with pytest.raises(ValueError, match=r"gradcheck: input 1 \('c'\) has requires_grad=False"):
        tg.gradcheck(lambda x, c: x * c * c, tg.Value(1.0), c)


# -- second order: the same rules, run on Values, differentiated again --------------------------

def hessian_times(f, arrays: list, directions: list) -> list[np.ndarray]:
    """H v by central differences of plain backward()'s gradients along v (fresh Values)."""
    eps = 1e-5
    sides = []
    for sign in (1.0, -1.0):
        values = [tg.Value(np.asarray(a) + sign * eps * v) for a, v in zip(arrays, directions)]
        weigh(f(*values)).backward()
        sides.append([np.asarray(x.grad, dtype=np.float64) for x in values])
    return [(plus - minus) / (2 * eps) for plus, minus in zip(*sides)]


@pytest.mark.parametrize("op, f, inputs", ALL_CASES)
def test_second_derivatives_match_central_differences_of_the_first(op, f, inputs):
    if op not in OPS:
        pytest.skip(f"op {op!r} is not registered in this tree")
    rng = np.random.default_rng(20240602)
    arrays = [make(kind, shape, rng) for kind, shape in inputs]
    values = [tg.Value(a, label=f"x{i}") for i, a in enumerate(arrays)]

    assert tg.gradgradcheck(lambda *xs: weigh(f(*xs)), *values) is True

    # H v two ways: tg.grad of <grad, v> (create_graph), and differences of plain gradients
    directions = [rng.normal(size=shape) for _, shape in inputs]
    firsts = tg.grad(weigh(f(*values)), values, create_graph=True)
    along = sum((g * v).sum() for g, v in zip(firsts, directions))
    expected = hessian_times(f, arrays, directions)
    if not along.requires_grad:  # the gradient does not depend on the inputs: H = 0
        got = [np.zeros(np.shape(a)) for a in arrays]
    else:
        got = [np.asarray(g.data) for g in tg.grad(along, values, allow_unused=True)]
    for i, (h, e) in enumerate(zip(got, expected)):
        np.testing.assert_allclose(h, e, rtol=1e-5, atol=1e-6, err_msg=f"input {i}")


@pytest.fixture
def cut_square():
    """A test-only op y = a^2 whose rule computes on .data: right first, its own slope lost."""
    class CutSquare(Op):
        name, symbol = "cut_square_for_tests", "a²?"
        formula, derivatives = "y = a * a", ("da = g * 2 * a.data  (cuts the graph on purpose)",)

        @staticmethod
        def forward(a):
            return a * a

        @staticmethod
        def da(g, y, a):
            return g * 2.0 * (a.data if isinstance(a, tg.Value) else a)

    yield CutSquare
    del OPS["cut_square_for_tests"]


def test_gradgradcheck_catches_a_rule_whose_own_derivative_is_lost(cut_square):
    x = tg.Value(np.array([1.5, -0.5]), label="x")
    f = lambda a: (tg.apply(cut_square, a) * np.array([1.0, 3.0])).sum()  # noqa: E731
    assert tg.gradcheck(f, x) is True  # the first derivative is right: 2 x w
    with pytest.raises(tg.GradcheckError) as caught:
        tg.gradgradcheck(f, x)
    found = re.fullmatch(
        r"gradgradcheck: the second derivative d²f/d\(input 0 \('x'\)\)d\(input 0 \('x'\)\) at "
        r"element \(1,\) of input 0 \('x'\) and element \(1,\) of input 0 \('x'\) is wrong: "
        r"analytic (\S+), numeric (\S+) \(difference (\S+), allowed (\S+)\)", str(caught.value))
    assert found, str(caught.value)
    # d²/dx² of w x² is 2 w: 6 for the second element; the cut rule gives 0
    assert float(found[1]) == 0.0 and float(found[2]) == pytest.approx(6.0, abs=1e-4)


def test_gradgradcheck_names_a_mixed_second_derivative():
    # y = a * b²: db = 2 g a b, written here on a's data, so d(db)/da (= 2 b) is lost
    class CutInA(Op):
        name, symbol = "cut_in_a_for_tests", "ab²?"

        @staticmethod
        def forward(a, b):
            return a * b * b

        @staticmethod
        def da(g, y, a, b):
            return g * b * b

        @staticmethod
        def db(g, y, a, b):
            return g * 2.0 * (a.data if isinstance(a, tg.Value) else a) * b

    try:
        a = tg.Value(np.array([1.0, 2.0]), label="a")
        b = tg.Value(3.0, label="b")
        with pytest.raises(tg.GradcheckError) as caught:
            tg.gradgradcheck(lambda a, b: tg.apply(CutInA, a, b).sum(), a, b)
        found = re.fullmatch(
            r"gradgradcheck: the second derivative d²f/d\(input 1 \('b'\)\)d\(input 0 \('a'\)\) "
            r"at element \(0,\) of input 0 \('a'\) is wrong: analytic (\S+), numeric (\S+) .*",
            str(caught.value))
        assert found, str(caught.value)
        assert float(found[1]) == 0.0 and float(found[2]) == pytest.approx(2 * 3.0, abs=1e-4)
    finally:
        del OPS["cut_in_a_for_tests"]


def test_a_rule_written_with_numpy_functions_says_why_it_cannot_give_a_second_derivative():
    class Softplus(Op):
        name, symbol = "softplus_numpy_for_tests", "softplus"

        @staticmethod
        def forward(a):
            return np.logaddexp(0.0, a)

        @staticmethod
        def backward(g, y, a):
            return (g / (1.0 + np.exp(-a)),)  # np.exp refuses a Value

    class Masked(Op):
        name, symbol = "masked_numpy_for_tests", "mask"

        @staticmethod
        def forward(a):
            return np.where(a > 0, a, 0.0)

        @staticmethod
        def da(g, y, a):
            return np.where(np.asarray(a) > 0, g, 0.0)  # would silently use the data

    try:
        x = tg.Value(np.array([0.5, -1.0]))
        assert tg.gradcheck(lambda a: tg.apply(Softplus, a).sum(), x) is True
        for op in (Softplus, Masked):
            with pytest.raises(TypeError, match=rf"op '{op.name}': its backward does not run on "
                                                r"Values, which a gradient of a gradient needs"):
                tg.grad(tg.apply(op, x).sum(), [x], create_graph=True)
    finally:
        del OPS["softplus_numpy_for_tests"], OPS["masked_numpy_for_tests"]
