"""The chapters' pictures: docs/images holds what examples/16_chapter_pictures.py draws, each
chapter shows its picture, and what the pictures' descriptions say is true.

The descriptions' numbers are checked against independent arithmetic (the formulas of the
slopes, the tutorial's published trace) or against the chapters' own printed numbers.
"""
import math
import re
from pathlib import Path

import numpy as np
import pytest

from reference import tutorial_numbers as tn
from reference.svg import svg_series, svg_texts
from reference.scripts import load

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "examples" / "16_chapter_pictures.py"
PICTURES = {  # chapter -> the pictures it shows
    "01-derivatives.md": ["eps-error.svg"],
    "02-value-and-graph.md": ["graph-L.svg"],
    "03-backprop.md": ["graph-L-backward.svg"],
    "04-tensors-broadcasting.md": ["graph-broadcast.svg"],
    "05-neurons-layers-mlp.md": ["activations.svg"],
    "06-tutorial-with-autograd.md": ["tutorial-trace.svg"],
    "10-beyond-the-tutorial.md": ["vanishing-gradient.svg", "optimisers.svg"],
}


def _script():
    return load(SCRIPT)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory, examples) -> Path:
    out = tmp_path_factory.mktemp("pictures")
    printed = examples("16_chapter_pictures", "--out", str(out))
    assert "\n".join(printed).count("wrote ") == 8
    return out


@pytest.mark.parametrize("chapter", sorted(PICTURES))
def test_docs_images_are_what_the_script_draws_and_each_chapter_shows_them(drawn, chapter):
    text = (REPO / "docs" / chapter).read_text(encoding="utf-8")
    for name in PICTURES[chapter]:
        # re-run the script after changing the pictures: docs/images must hold its output
        shown, drawn_now = REPO / "docs" / "images" / name, drawn / name
        assert sorted(svg_texts(shown, strip=True)) == sorted(svg_texts(drawn_now, strip=True))
        assert svg_series(shown) == svg_series(drawn_now)
        assert re.search(r"!\[[^\]]+\]\(images/" + re.escape(name) + r"\)", text), name


def test_charts_have_one_line_per_series(drawn) -> None:
    assert svg_series(drawn / "eps-error.svg") == ["float64", "float32"]
    assert svg_series(drawn / "activations.svg") == ["sigmoid", "tanh", "relu"] * 2
    assert svg_series(drawn / "tutorial-trace.svg") == ["sum_error"]
    assert svg_series(drawn / "vanishing-gradient.svg") == ["sigmoid, tutorial init",
                                                         "tanh, symmetric init"]
    assert svg_series(drawn / "optimisers.svg") == ["SGD lr 0.5", "SGD lr 0.5, momentum 0.9",
                                                 "Adam lr 0.1"]


def test_graphs_show_the_chapters_numbers(drawn) -> None:
    before = " ".join(svg_texts(drawn / "graph-L.svg", strip=True))
    after = " ".join(svg_texts(drawn / "graph-L-backward.svg", strip=True))
    for data in ["2.0000", "-3.0000", "10.0000", "-6.0000", "4.0000", "-8.0000"]:
        assert data in before and data in after
    assert before.count("grad _______") == 7 and before.count("= _______") == 6  # blanks
    # chapter 3's table: dL/df = d = 4, dL/dd = f = -2, dL/da = f * b = 6, dL/db = f * a = -4
    for grad in ["grad 1.0000", "grad 4.0000", "grad -2.0000", "grad 6.0000", "grad -4.0000"]:
        assert grad in after
    broadcast = " ".join(svg_texts(drawn / "graph-broadcast.svg", strip=True))
    assert "grad (2,) [4.0000 \xa04.0000]" in broadcast and "dZ = g copied back" in broadcast


def test_what_the_descriptions_say() -> None:
    script = _script()
    # chapter 1: the float64 minimum, about 2e-11 at eps = 10**-5.5 (about 3e-6)
    eps, float64 = script.eps_errors()["float64"]
    best = int(np.argmin(float64))
    assert 1e-11 < float64[best] < 3e-11 and 2.9e-6 < eps[best] < 3.3e-6
    # float32: on the eps**2 line to within 15% down to 1e-2, off it by 1e-3; 12 below 6e-8
    _, float32 = script.eps_errors()["float32"]
    on_line = [abs(err / e ** 2 - 1) for e, err in zip(eps, float32)]
    assert max(on_line[:5]) < 0.2 and on_line[8] > 100
    assert all(err == 12.0 for e, err in zip(eps, float32) if e < 6e-8)
    assert float32[list(eps).index(10.0 ** -7)] < 12.0  # 1e-7 still sees a difference
    # chapter 5: the slopes' formulas, against what backward gave
    values, slopes = script.activation_curves()
    a, sig = values["sigmoid"]
    assert np.allclose(slopes["sigmoid"][1], sig * (1 - sig), rtol=0, atol=1e-15)
    assert np.allclose(slopes["tanh"][1], 1 - np.tanh(a) ** 2, rtol=0, atol=1e-15)
    assert max(slopes["sigmoid"][1]) == 0.25 and max(slopes["tanh"][1]) == 1.0
    s4 = 1 / (1 + math.exp(-4))
    assert s4 * (1 - s4) < 1 / 50 and 1 - math.tanh(4) ** 2 < 1 / 500
    assert "(at `a = 4` the sigmoid's is below 1/50 and tanh's below 1/500)" in " ".join(
        (REPO / "docs" / "05-neurons-layers-mlp.md").read_text().split())
    # chapter 6: the tutorial's published trace
    trace = script.tutorial_sum_error()
    assert [f"{e:.3f}" for e in trace] == tn.TRAIN_SUM_ERROR_3DP
    # chapter 10: the numbers the chapter prints, per layer, and the optimisers' runs
    deltas = script.layer_deltas()
    assert [f"{m:.1e}" for m in deltas["sigmoid, tutorial init"]][::5] == ["4.3e-06", "3.1e-02"]
    assert [f"{m:.1e}" for m in deltas["tanh, symmetric init"]][::5] == ["1.0e-03", "1.2e-01"]
    errors = script.optimiser_errors()
    assert [f"{e:.2f}" for e in errors["SGD lr 0.5"][::19]] == ["6.35", "1.13"]
    momentum, adam = errors["SGD lr 0.5, momentum 0.9"], errors["Adam lr 0.1"]
    assert f"{momentum[0]:.2f}" == "8.86" and momentum[4] < 0.6
    assert f"{adam[0]:.2f}" == "7.70" and all(4.8 < e < 5.3 for e in adam[1:7])
    assert adam[7] < 4 and f"{adam[-1]:.2f}" == "0.12"
