"""Chapter 8's part on check_graph, taylor_test and eps_sweep, and examples/17_find_the_wrong_op.py.

The numbers the example prints are derived here from the tutorial's published outputs and
calculus (the sigmoid's slope y (1 - y)); the counts from the loss's structure; the defaults
the chapter names from the functions' signatures; the claims about the V from the sweep.
"""

from __future__ import annotations

import inspect
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from reference import tutorial_numbers as tn
from reference.scripts import load

import tinygrad_bp as tg
from tinygrad_bp import engine
from tinygrad_bp.verify import graph, taylor

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "17_find_the_wrong_op.py"
CHAPTER = (ROOT / "docs" / "08-verifying-your-own-op.md").read_text(encoding="utf-8")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def printed(examples) -> list[str]:
    return list(examples("17_find_the_wrong_op"))


@pytest.fixture(scope="module")
def example():
    module = load(EXAMPLE)
    yield module
    for op in (module.MySigmoid, module.SlippedSigmoid):
        tg.OPS.pop(op.name, None)


def test_the_chapter_shows_exactly_what_the_example_prints(printed):
    block = re.search(r"\$ python examples/17_find_the_wrong_op.py\n(.*?)```", CHAPTER, re.S)
    assert block.group(1).splitlines() == printed


def test_the_counts_follow_from_the_tutorials_loss(printed, example):
    loss = example.loss(example.MySigmoid, *example.weights())
    ops = [n for n in engine.topological_order(loss) if n._op is not None]
    inputs = sum(p.requires_grad for n in ops for p in n._parents)
    # hidden: 2 products, 2 sums, 1 sigmoid; each output: 1, 1, 1; the loss: 2 differences,
    # 2 squares, 1 sum, 1 halving
    assert len(ops) == 5 + 2 * 3 + 6 == 17
    assert inputs == 24
    assert printed[0] == (f"my_sigmoid: check_graph: {len(ops)} op nodes checked, {inputs} input "
                          "elements perturbed: every rule agrees with its forward")
    assert printed[1] == (f"my_sigmoid_slipped: check_graph: {len(ops)} op nodes checked, "
                          f"{inputs} input elements perturbed: 3 op nodes with a wrong rule")
    assert "(17 op nodes)" in CHAPTER and "The other 14 nodes pass" in CHAPTER


def test_the_table_gives_the_slipped_rule_y_against_the_slope_y_times_1_minus_y(printed):
    hidden, = tn.BACKWARD_HIDDEN_OUTPUTS  # the tutorial's hidden output on row [1, 0]
    outs = [("h", "a_h", hidden)] + [(f"o{j + 1}", f"a_o{j + 1}", y)
                                     for j, y in enumerate(tn.FORWARD_OUTPUTS)]
    assert printed[2].split() == ["node", "op", "input", "element", "analytic", "numeric"]
    for line, (name, pre, y) in zip(printed[3:6], outs):
        assert line.split() == [name, "my_sigmoid_slipped", "0", f"({pre})", "-",
                                f"{y:.6g}", f"{y * (1 - y):.6g}"]
    assert f"`y = {hidden:.4f}` where the slope is `y (1 − y) = {hidden * (1 - hidden):.4f}`" \
        in " ".join(CHAPTER.split())


def test_the_taylor_verdicts(printed):
    assert printed[6:] == [
        ("my_sigmoid: taylor_test: ok: the remainder shrinks like h^2 (order 2.0): the gradient "
         "is right"),
        ("my_sigmoid_slipped: taylor_test: WRONG: the remainder shrinks like h^1.0, not h^2: the "
         "gradient is wrong"),
    ]


def test_the_defaults_the_chapter_names():
    check = inspect.signature(tg.check_graph).parameters
    grad = tg.gradcheck.__kwdefaults__
    assert [check[k].default for k in ("eps", "atol", "rtol")] == \
        [grad["eps"], grad["atol"], grad["rtol"]]
    assert check["max_elements"].default == graph.MAX_ELEMENTS == 64
    assert "more than 64 elements (`max_elements`)" in " ".join(CHAPTER.split())
    taylor_args = inspect.signature(tg.taylor_test).parameters
    assert (taylor_args["h"].default, taylor_args["steps"].default,
            taylor_args["directions"].default) == (0.5, 20, 3)
    assert (taylor.ASYMPTOTIC, taylor.RIGHT) == (6, 1.8)
    text = " ".join(CHAPTER.split())
    assert "`h = 0.5, 0.25, …` (20 halvings) along three seeded random directions" in text
    assert "the median of the last six orders is above 1.8" in text
    assert grad["eps"] == 1e-6 and "default `eps = 1e-6`" in text


def test_the_sweeps_v_as_the_chapter_describes_it(example):
    sweep = tg.eps_sweep(lambda *w: example.loss(example.MySigmoid, *w), *example.weights())
    text = " ".join(CHAPTER.split())
    assert (sweep.eps[0], sweep.eps[-1]) == (pytest.approx(1e-1), pytest.approx(1e-12))
    assert "every half decade from `ε = 1e-1` to `1e-12`" in text
    decades = sweep.eps >= 1e-3  # truncation: a hundredfold per decade
    ratios = sweep.errors[decades][:-2] / sweep.errors[decades][2:]
    np.testing.assert_allclose(ratios, 100.0, rtol=0.1)
    small = sweep.eps <= 1e-8  # round-off: about 1/eps (noisy, so fitted over four decades)
    slope = np.polyfit(np.log10(sweep.eps[small]), np.log10(sweep.errors[small]), 1)[0]
    assert -1.5 < slope < -0.5
    assert 1e-7 <= sweep.best_eps <= 1e-4
    at_default = sweep.errors[int(np.argmin(np.abs(np.log10(sweep.eps) + 6)))]
    assert at_default < 1e-3 * tg.gradcheck.__kwdefaults__["atol"]
    assert at_default < 100 * sweep.errors.min()


def test_the_example_saves_the_chapters_picture(tmp_path, examples):
    target = tmp_path / "sweep.svg"
    assert examples("17_find_the_wrong_op", "--plot", str(target))[-1] == \
        f"eps_sweep: saved {target}"
    assert "python examples/17_find_the_wrong_op.py --plot docs/images/eps-sweep.svg" in CHAPTER
    for svg in (target, ROOT / "docs" / "images" / "eps-sweep.svg"):
        labels = [p.get("data-label") for p in ET.parse(svg).iter(f"{SVG}path")
                  if p.get("data-label")]
        assert labels == ["|numeric − autograd|", "truncation ∝ eps²", "round-off ∝ 1/eps"]
    assert "(images/eps-sweep.svg)" in CHAPTER


def test_the_example_says_how_to_run_it():
    assert "python examples/17_find_the_wrong_op.py" in EXAMPLE.read_text(encoding="utf-8")


def test_the_benchmark_figures_agree_with_their_table():
    text = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    section = text[text.index("## Verification tools against one backward pass"):]
    rows = re.findall(r"^\| (tutorial 2-1-2 loss, scalars|MLP 784-256-10, batch 32) \| ([\d.]+) "
                      r"\| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| (\d+) \|$", section, re.M)
    assert [name for name, *_ in rows] == ["tutorial 2-1-2 loss, scalars",
                                            "MLP 784-256-10, batch 32"]
    ratios = []
    for _, base_us, check_ms, _, _, ratio in rows:
        quotient = float(check_ms) * 1e3 / float(base_us)  # rounded medians, rounded ratio
        assert abs(quotient - int(ratio)) <= 0.5 + 0.05 * int(ratio)
        ratios.append(int(ratio))
    prose = " ".join(section.split())
    assert f"costs about {round(ratios[1], -1)} forward and backward passes" in prose
    assert f"it costs about {round(ratios[0], -1)}." in prose
    # the counts the prose gives, from the tools' own settings
    assert 2 * graph.MAX_ELEMENTS + 2 == 130 and 784 * 256 == 200_704
    assert "130 runs" in prose and "64 sampled elements of its 200,704 weights" in prose
    taylor_args = inspect.signature(tg.taylor_test).parameters
    directions, steps = taylor_args["directions"].default, taylor_args["steps"].default
    assert directions * (steps + 1) == 63 and "63 times (3 directions by 21 steps)" in prose
    sweep_directions = inspect.signature(tg.eps_sweep).parameters["directions"].default
    from tinygrad_bp.verify.sweep import EPS
    assert sweep_directions * EPS.size * 2 == 138
    assert "138 times (3 directions by 23 values of eps, two evaluations each)" in prose


def test_gradcheck_on_the_same_loss_names_only_a_weight(example):
    with pytest.raises(tg.GradcheckError, match=r"the gradient of input \d \('(w|b)_"):
        tg.gradcheck(lambda *w: example.loss(example.SlippedSigmoid, *w), *example.weights())
    assert "would name only a weight" in " ".join(CHAPTER.split())
