"""docs/11-derivatives-of-derivatives.md and examples/19: every number they print, recomputed.

- The chapter's ```python blocks run in order in one namespace; a ```text block right after one
  is exactly what that code prints. A ```text block under ``<!-- output of examples/NAME.py -->``
  is a run of lines of that example's output.
- Every line the example prints is recomputed here without tg.grad: the derivatives of x**3 and
  of Newton's f by calculus, tanh's derivatives as polynomials in tanh, the Hessian of the tiny
  network's loss derived by hand, the sigmoid's derivatives from math.exp.
- The decimal numbers of the prose are checked; links resolve; README, chapter 10 and chapter 12
  link the chapter; docs/images/tanh-derivatives.svg is what the code draws.
"""
from __future__ import annotations

import math
import os
import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from reference.markdown import parse, run_chapter

REPO = Path(__file__).resolve().parents[1]
CHAPTER = REPO / "docs" / "11-derivatives-of-derivatives.md"
EXAMPLE = "19_derivatives_of_derivatives"
DECIMAL = re.compile(r"(?<![\w.'])[-−±]?\d+\.\d+")
PICTURE = REPO / "docs" / "images" / "tanh-derivatives.svg"


@pytest.fixture
def example(examples):
    """What examples/19 prints (run once per suite, by conftest's runner), with --picture PATH."""
    def run(picture: str | None = None) -> tuple[str, ...]:
        return examples(EXAMPLE, *(["--picture", picture] if picture else []))
    return run


def close(printed: str, value: float) -> bool:
    """``printed`` is ``value`` rounded to the digits shown (allowing for float noise)."""
    mantissa = printed.split("e")[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = int(printed.split("e")[1]) if "e" in printed else 0
    return abs(float(printed) - value) <= 0.5 * 10.0 ** (exponent - decimals) * 1.000001 + 1e-13


# -- independent answers --------------------------------------------------------------------

def newton_steps(x: float = 2.0, steps: int = 7) -> list[tuple[float, float, float]]:
    """(x, f, f') per step for f = x^4 - 2x^2, f' = 4x^3 - 4x, f'' = 12x^2 - 4."""
    out = []
    for _ in range(steps):
        out.append((x, x ** 4 - 2 * x ** 2, 4 * x ** 3 - 4 * x))
        x = x - (4 * x ** 3 - 4 * x) / (12 * x ** 2 - 4)
    return out


def tanh_derivative_polynomials(n: int) -> list[np.polynomial.Polynomial]:
    """tanh^(k) as polynomials in t = tanh(x): p0 = t, p(k+1) = p(k)'(t) * (1 - t^2)."""
    P = np.polynomial.Polynomial
    found = [P([0.0, 1.0])]
    for _ in range(n):
        found.append(found[-1].deriv() * P([1.0, 0.0, -1.0]))
    return found


def hand_hessian(p: np.ndarray, rows: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """d²/dp² of sum((w2 tanh(w1 x + b1) - t)^2) / 2, p = (w1, b1, w2), by the chain rule."""
    w1, b1, w2 = p
    H = np.zeros((3, 3))
    for x, t in zip(rows, targets):
        h = math.tanh(w1 * x + b1)
        s = 1 - h * h  # dh/du
        r = w2 * h - t  # the residual
        inner = w2 * s * (w2 * s - 2 * r * h)  # d²L/du², with u = w1 x + b1
        cross = s * (w2 * h + r)  # d²L/du dw2
        H += np.array([[x * x * inner, x * inner, x * cross],
                       [x * inner, inner, cross],
                       [x * cross, cross, h * h]])
    return H


def sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


# -- the example -------------------------------------------------------------------------------

def test_the_cube_line_is_calculus(example):
    # x^3 at 2: 8; 3x^2 = 12; 6x = 12; 6; 0
    assert example()[0] == ("y = x ** 3 at x = 2: y = 8.0, y' = 12.0, y'' = 12.0, y''' = 6.0, "
                            "y'''' = 0.0")


def test_newtons_steps_are_the_calculus_iteration(example):
    lines = example()
    assert lines[1] == "Newton's method on f(x) = x**4 - 2 x**2:"
    pattern = re.compile(r"  step (\d): x = (\S+)  f\(x\) = (\S+)  f'\(x\) = (\S+)")
    steps = newton_steps()
    for line, (x, f, d) in zip(lines[2:9], steps):
        found = pattern.fullmatch(line)
        assert found, line
        assert close(found[2], x) and close(found[3], f) and close(found[4], d), line
    assert len(steps) == 7 and steps[-1][0] == pytest.approx(1.0, abs=1e-11)


def test_tanhs_derivatives_are_the_polynomials_in_tanh(example):
    t = math.tanh(0.5)
    values = [p(t) for p in tanh_derivative_polynomials(4)]
    found = re.fullmatch(r"tanh and its derivatives at x = 0\.5: tanh = (\S+), tanh' = (\S+), "
                         r"tanh'' = (\S+), tanh''' = (\S+), tanh'''' = (\S+)", example()[9])
    assert found, example()[9]
    assert all(close(printed, value) for printed, value in zip(found.groups(), values))
    # the closed forms the chapter writes out are these polynomials
    P = np.polynomial.Polynomial
    polys = tanh_derivative_polynomials(4)
    for got, want in [(polys[2], P([0, -2, 0, 2])), (polys[3], P([-2, 0, 8, 0, -6])),
                      (polys[4], P([0, 16, 0, -40, 0, 24]))]:
        np.testing.assert_array_equal(got.coef, want.coef)


def test_the_hessian_is_the_hand_derived_one(example):
    p, rows, targets = np.array([0.8, -0.3, 1.2]), np.array([1.5, -0.5]), np.array([0.5, -0.2])
    H = hand_hessian(p, rows, targets)
    lines = example()
    assert lines[10] == "the Hessian of L(w1, b1, w2) at (0.8, -0.3, 1.2):"
    for name, line, row in zip(["w1", "b1", "w2"], lines[11:14], H):
        printed = line.split()
        assert printed[0] == name and len(printed) == 4
        assert all(close(v, want) for v, want in zip(printed[1:], row)), (line, row)
    eigenvalues = np.linalg.eigvalsh(H)
    found = re.fullmatch(r"  symmetric: True; eigenvalues (\S+), (\S+), (\S+)", lines[14])
    assert found, lines[14]
    assert all(close(v, want) for v, want in zip(found.groups(), eigenvalues))
    assert eigenvalues[0] < 0 < eigenvalues[1]  # the saddle the chapter points out


def test_the_transfer_derivatives_derivative_is_y_1_minus_y_1_minus_2y(example):
    lines = example()
    assert lines[15] == "a      transfer_derivative  (by tg.grad)       its derivative in a"
    pattern = re.compile(r" ?(\S+)   (\S+)  \(equal: True\)  (\S+)")
    for line, a in zip(lines[16:20], (-2.0, 0.0, 0.5, 2.0)):
        found = pattern.fullmatch(line)
        assert found, line
        y = sigmoid(a)
        assert float(found[1]) == a
        assert close(found[2], y * (1 - y)) and close(found[3], y * (1 - y) * (1 - 2 * y)), line
    assert len(lines) == 20


def test_the_picture_is_what_the_example_and_the_chapter_draw(tmp_path, example):
    drawn = tmp_path / "tanh.svg"
    lines = example(str(drawn))
    assert f"wrote {drawn}" in lines
    assert drawn.read_bytes() == PICTURE.read_bytes()
    assert (chapter()["cwd"] / "tanh-derivatives.svg").read_bytes() == PICTURE.read_bytes()


# -- the chapter -----------------------------------------------------------------------------

@cache
def chapter() -> dict:
    """Run the chapter's code once, in a scratch directory (it saves its picture there)."""
    import tempfile

    import tinygrad_bp as tg

    cwd, here = Path(tempfile.mkdtemp()), os.getcwd()
    os.chdir(cwd)
    try:
        return {**run_chapter(CHAPTER), "cwd": cwd}
    finally:
        os.chdir(here)
        tg.OPS.pop("softplus_twice", None)  # the chapter's own op: leave the registry as found


def test_every_output_block_is_what_its_code_prints():
    pairs = chapter()["pairs"]
    assert len(pairs) == 5
    for _, shown, printed in pairs:
        assert shown == printed


def test_the_chapters_printed_numbers_are_calculus():
    ns = chapter()["namespace"]
    assert (ns["dy"].data, ns["d2y"].data, ns["d3y"].data) == (12.0, 12.0, 6.0)  # 3x², 6x, 6
    assert f"{newton_steps(steps=8)[-1][0]:.10f}\n" == chapter()["pairs"][1][1]
    np.testing.assert_allclose(ns["H"], hand_hessian(np.array([0.8, -0.3, 1.2]),
                                                     np.array([1.5, -0.5]),
                                                     np.array([0.5, -0.2])), rtol=1e-12)
    t = np.tanh(ns["xs"])
    for curve, poly in zip(ns["curves"], tanh_derivative_polynomials(4)):
        np.testing.assert_allclose(curve.data, poly(t), rtol=1e-12, atol=1e-12)


def test_quoted_example_output_is_what_the_example_prints(example):
    lines = list(example())
    quoted = chapter()["quoted"]
    assert [name for name, _ in quoted] == [EXAMPLE] * 4
    for _, body in quoted:
        chunk = body.splitlines()
        assert any(lines[i:i + len(chunk)] == chunk for i in range(len(lines))), chunk


def test_the_prose_numbers_are_right():
    prose = chapter()["prose"]
    steps = newton_steps()
    # the distances to 1 after steps 3, 4 and 5, to the significant digits the prose gives
    distances = {"0.025": (steps[3][0] - 1, 2), "0.0009": (steps[4][0] - 1, 1),
                 "0.0000012": (steps[5][0] - 1, 2)}
    assert "(the distance to 1 goes\n0.025, 0.0009, 0.0000012)" in prose
    for printed, (value, digits) in distances.items():
        assert float(printed) == float(f"{value:.{digits}g}"), printed
    # the picture's description: tanh'(0) = 1, |tanh''| peaks at 4 / (3 sqrt 3) = 0.7698,
    # |tanh''''| at about 4.1 on [-4, 4], and every derivative is below 0.1 beyond |x| = 3
    xs = np.linspace(-4, 4, 16001)
    polys = tanh_derivative_polynomials(4)
    t = np.tanh(xs)
    assert polys[1](0.0) == 1.0
    assert abs(np.max(np.abs(polys[2](t))) - 4 / (3 * math.sqrt(3))) < 1e-6
    assert round(4 / (3 * math.sqrt(3)), 2) == 0.77
    assert round(float(np.max(np.abs(polys[4](t)))), 1) == 4.1
    beyond = np.abs(xs) > 3
    assert all(np.max(np.abs(p(t[beyond]))) < 0.1 for p in polys[1:])
    # every decimal in the prose is one of these, or appears in a printed output or the code
    shown = "".join(body for _, body, _ in chapter()["pairs"]) + "".join(
        b for _, b in chapter()["quoted"])
    code = "".join(b["body"] for b in chapter()["blocks"])
    checked = {"0.025", "0.0009", "0.0000012", "0.77", "4.1", "0.5", "1.5", "0.2", "1e-12"}
    for number in DECIMAL.findall(prose):
        bare = number.lstrip("-−±")
        assert bare in checked or bare in shown or bare in code, number


def test_chapter_8s_numpy_rule_refuses_a_second_derivative_as_the_chapter_says():
    import tinygrad_bp as tg

    blocks, _ = parse((REPO / "docs" / "08-verifying-your-own-op.md").read_text(encoding="utf-8"))
    namespace: dict = {}
    exec(compile(blocks[0]["body"], "chapter 8", "exec"), namespace)
    softplus = namespace["Softplus"]
    try:
        x = tg.Value([-2.0, 0.5, 3.0])
        assert tg.gradcheck(lambda x: tg.apply(softplus, x).sum(), x)
        with pytest.raises(TypeError, match="op 'softplus': its backward does not run on Values, "
                                            "which a gradient of a gradient needs"):
            tg.grad(tg.apply(softplus, x).sum(), [x], create_graph=True)
    finally:
        tg.OPS.pop("softplus")
    assert ("(`op 'softplus': its backward does not run on\nValues, which a gradient of a "
            "gradient needs`)") in chapter()["prose"]


def test_links_and_the_contents_list():
    text = CHAPTER.read_text(encoding="utf-8")
    for link in re.findall(r"\]\(([^)#]+)", text):
        if "://" not in link:
            assert (CHAPTER.parent / link).resolve().exists(), link
    assert "](images/tanh-derivatives.svg)" in text
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert ("11. [Derivatives of derivatives: Newton's method, Hessians, gradgradcheck]"
            "(docs/11-derivatives-of-derivatives.md)") in readme
    ten = (REPO / "docs" / "10-beyond-the-tutorial.md").read_text(encoding="utf-8")
    assert "Next:\n[11. Derivatives of derivatives](11-derivatives-of-derivatives.md)" in ten
    twelve = (REPO / "docs" / "12-autograding.md").read_text(encoding="utf-8")
    assert "Previous:\n[11. Derivatives of derivatives](11-derivatives-of-derivatives.md)." \
        in twelve
