"""Chapter 8 and examples/12_verify_your_op.py: custom ops, gradcheck, check_grads.

Every number the example prints is derived here independently: the sigmoid's value and slope at
3 from their formulas, and the network's gradients from a separate numpy computation.
"""

import math
import re
from pathlib import Path

import numpy as np
import pytest
from reference.markdown import same_to_within

import tinygrad_bp as tg

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = (ROOT / "docs" / "08-verifying-your-own-op.md").read_text(encoding="utf-8")
# The example's gradients go through numpy's vectorised exp, log1p and tanh and a BLAS matrix
# product, whose last digits depend on the machine; the numeric slope is a central difference
# with eps = 1e-6, which magnifies a last-bit change in log(1 + e^x) up to a million-fold. So the
# chapter's copy of the output is compared with what prints here to 8 significant digits.
NUMBERS_RTOL = 1e-8


@pytest.fixture
def printed(examples) -> list[str]:
    return list(examples("12_verify_your_op"))


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def test_the_right_op_passes_and_the_slip_is_caught_at_its_worst_element(printed):
    assert printed[0] == "softplus: gradcheck passed"
    match = re.fullmatch(r"softplus_slipped: gradcheck: the gradient of input 0 \('x'\) at element "
                         r"\((\d),\) is wrong: analytic (\S+), numeric (\S+) \(difference (\S+), "
                         r"allowed (\S+)\)", printed[1])
    element, analytic, numeric, difference, allowed = match.groups()
    s = _sigmoid(3.0)  # x[2] = 3 is where sigma(a) and sigma(a)(1 - sigma(a)) differ most
    assert element == "2"
    assert float(analytic) == pytest.approx(s * (1 - s), rel=1e-12)
    assert float(numeric) == pytest.approx(s, abs=1e-8)
    assert float(difference) == pytest.approx(s - s * (1 - s), rel=1e-3)
    assert float(allowed) == pytest.approx(1e-6 + 1e-5 * s, rel=1e-2)


def test_check_grads_passes_right_gradients_and_names_the_forgotten_slope(printed):
    rng = np.random.default_rng(0)  # the example's draws, in its order
    W1, b1, W2 = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=(2, 4))
    x, target = rng.normal(size=3), rng.normal(size=2)
    h = np.tanh(W1 @ x + b1)
    d_h = W2.T @ (W2 @ h - target)
    right, forgot = np.outer(d_h * (1 - h ** 2), x), np.outer(d_h, x)
    tol = 1e-8 + 1e-6 * np.abs(forgot)
    worst = np.unravel_index(np.argmax(np.abs(right - forgot) - tol), right.shape)
    assert printed[2] == "handwritten gradients equal autograd's"
    match = re.fullmatch(r"check_grads: the gradient of W1 at element \((\d), (\d)\) is wrong: "
                         r"autograd (\S+), yours (\S+) \(difference \S+, allowed \S+\)", printed[3])
    assert tuple(map(int, match.groups()[:2])) == worst
    assert float(match.group(3)) == pytest.approx(right[worst], rel=1e-12)
    assert float(match.group(4)) == pytest.approx(forgot[worst], rel=1e-12)
    assert len(printed) == 4


def test_the_chapter_shows_exactly_what_the_example_prints(printed):
    block = re.search(r"\$ python examples/12_verify_your_op.py\n(.*?)```", CHAPTER, re.S).group(1)
    assert len(block.splitlines()) == len(printed)
    for shown, actual in zip(block.splitlines(), printed):
        assert same_to_within(shown, actual, NUMBERS_RTOL), (shown, actual)


def test_the_chapters_numbers_follow_from_the_sigmoid():
    s = _sigmoid(3.0)
    assert f"σ(3)(1 − σ(3)) = {s * (1 - s):.4f}" in CHAPTER
    assert f"σ(3) = {s:.4f}" in CHAPTER


def test_the_chapters_tolerances_are_the_defaults():
    def short(x: float) -> str:  # 1e-06 written as the chapter writes it, 1e-6
        return f"{x:.0e}".replace("e-0", "e-")

    gradcheck, check_grads = tg.gradcheck.__kwdefaults__, tg.check_grads.__defaults__
    assert f"`atol = {short(gradcheck['atol'])}`, `rtol = {short(gradcheck['rtol'])}`." in CHAPTER
    assert f"`atol = {short(check_grads[0])}`, `rtol = {short(check_grads[1])}`.)" in CHAPTER


def test_check_grads_rejects_a_wrong_shape_and_a_missing_name():
    w = tg.Value([[1.0, 2.0]], label="w")
    (w * w).sum().backward()
    assert tg.check_grads({"w": [[2.0, 4.0]]}, {"w": w}) is True
    with pytest.raises(tg.GradcheckError, match=r"the gradient of w has shape \(2,\), but w has "
                                                r"shape \(1, 2\)"):
        tg.check_grads({"w": [2.0, 4.0]}, {"w": w})
    with pytest.raises(KeyError, match="no handwritten gradient for 'w'"):
        tg.check_grads({}, {"w": w})


def test_apply_records_a_custom_op_like_a_built_in_one():
    class Cube(tg.Op):
        """y = a ** 3;  da = g * 3 * a ** 2"""

        name, symbol = "test_cube", "cube"

        @staticmethod
        def forward(a):
            return a ** 3

        @staticmethod
        def backward(g, y, a):
            return (g * 3.0 * a ** 2,)

    try:
        x = tg.Value(2.0)
        y = tg.apply(Cube, x) * 1.0
        y.backward()
        assert (y.data, x.grad, y.parents[0].op) == (8.0, 12.0, "test_cube")
        with tg.no_grad():
            assert tg.apply(Cube, x).parents == ()
        with pytest.raises(ValueError, match=r"apply\(Cube\) needs at least one input"):
            tg.apply(Cube)
    finally:
        tg.OPS.pop("test_cube")
