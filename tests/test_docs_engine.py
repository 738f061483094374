"""The engine chapters (docs/01-04) and docs/design.md cannot drift from the code or the truth.

For each chapter:
- its code (the ``>>>`` lines) runs as a doctest, so every output it shows is what the code gives;
- every one of those outputs is also listed here, derived by hand, numpy or a central difference,
  so the shown numbers are right and none is left unchecked;
- the output it quotes from its example is exactly what the example prints now (the example's own
  numbers are checked against hand-derived values in test_examples_engine.py);
- it links its example (test_docs_links checks that every link resolves).
"""

from __future__ import annotations

import doctest
import io
import re
from pathlib import Path

import numpy as np
import pytest
from reference.markdown import local_links

import tinygrad_bp as tg

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHAPTERS = {
    "01-derivatives.md": "01_derivatives.py",
    "02-value-and-graph.md": "02_value_graph.py",
    "03-backprop.md": "03_backprop.py",
    "04-tensors-broadcasting.md": "04_broadcasting.py",
}


def text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def code(name: str) -> str:
    """The chapter as doctest reads it: a closing fence ends the expected output before it."""
    return text(name).replace("\n```", "\n\n```")


# -- the outputs each chapter shows, derived independently -------------------------------------

def numeric_slope_of_square(x: float = 2.0, h: float = 1e-6) -> float:
    """The central difference gradcheck measures for v * v at x (its default eps)."""
    return ((x + h) * (x + h) - (x - h) * (x - h)) / (2 * h)


def expected_01() -> list[str]:
    numeric = numeric_slope_of_square()
    assert abs(numeric - 4.0) < 1e-8  # d(x^2)/dx = 2x = 4 at x = 2, up to rounding
    analytic = 2.0  # through detach() only one factor is seen: d(x * c)/dx = c = x = 2
    allowed = 1e-6 + 1e-5 * abs(numeric)
    return [
        f"{3 * 2.0 ** 2 - 2}",  # d(x^3 - 2x)/dx = 3x^2 - 2 at x = 2
        "True",
        f"gradcheck: the gradient of input 0 ('x') is wrong: analytic {analytic!r}, "
        f"numeric {numeric!r} (difference {abs(analytic - numeric):.3g}, allowed {allowed:.3g})",
    ]


def expected_02() -> list[str]:
    a, b, c, f = 2.0, -3.0, 10.0, -2.0
    return [
        f"Value(data={a}, grad=0.0, label='a')",
        repr((2, 3)),
        repr(np.dtype("float64")),
        repr(np.zeros((2, 3))),
        f"Value(data={(a * b + c) * f}, grad=0.0, label='L', op='mul')",
        repr(["d", "f"]),
        repr(("mul", a * b)),
        f"{2 * a + 1}",
        "False",
        "()",
        f"Value(shape=(2,), data=[{1.0 * a:.0f}., {2.0 * a:.0f}.], op='mul')",
    ]


def expected_03() -> list[str]:
    w = 2.0  # out = 3 w^2: dout/dw = 6w per call; dout/dh = 3
    return [
        repr((4.0, 2.0)),  # r = q + q = 4p: dr/dp = 4, dr/dq = 2
        "1.0",             # y = x + n: dy/dx = 1 at any depth
        repr((6 * w, 3.0)),
        repr((2 * 6 * w, 3.0)),
        "0.0",
    ]


def expected_04() -> list[str]:
    return [
        repr(np.array([4.0, 4.0])),       # the bias reaches 4 rows
        "True",
        repr(np.array([2.0, 0.0, 1.0])),  # index 0 read twice, 1 never, 2 once
        repr(np.full((2, 3), 0.5)),       # mean over 2 rows: g / 2 each
        "ValueError: backward() needs a Value holding one element, not shape (4, 2); "
        "reduce it first, e.g. y.sum().backward()",
    ]


EXPECTED = {"01-derivatives.md": expected_01, "02-value-and-graph.md": expected_02,
            "03-backprop.md": expected_03, "04-tensors-broadcasting.md": expected_04}


# -- the checks --------------------------------------------------------------------------------

@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_chapter_code_runs_and_shows_what_it_claims(chapter):
    test = doctest.DocTestParser().get_doctest(code(chapter), {}, chapter, str(DOCS / chapter), 0)
    assert len(test.examples) >= 5
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=0)  # exact text, no ellipses
    result = runner.run(test, out=out.write)
    assert result.failed == 0, out.getvalue()
    assert result.attempted == len(test.examples)


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_every_output_a_chapter_shows_is_derived_independently(chapter):
    examples = doctest.DocTestParser().get_examples(code(chapter))
    shown = [(ex.exc_msg or ex.want).rstrip("\n") for ex in examples if ex.exc_msg or ex.want]
    assert shown == EXPECTED[chapter]()


@pytest.mark.parametrize("chapter, script", sorted(CHAPTERS.items()))
def test_chapter_quotes_its_example_exactly(chapter, script, examples):
    found = re.search(rf"```text\n\$ python examples/{re.escape(script)}\n(.*?)```", text(chapter),
                      re.S)
    assert found, f"{chapter} quotes no output of examples/{script}"
    assert tuple(found[1].splitlines()) == examples(script.removesuffix(".py"))


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_chapter_links_its_example(chapter):
    # (test_docs_links checks that every link of every document resolves)
    files = [file for file, _ in local_links(DOCS / chapter)]
    assert ROOT / "examples" / CHAPTERS[chapter] in files


def test_chapter_1_facts_about_floating_point():
    doc = text("01-derivatives.md")
    assert f"`{np.finfo(np.float64).eps:.1e}` for float64" in doc
    assert f"`{np.finfo(np.float32).eps:.1e}` for float32" in doc
    assert np.float32(2.0) + np.float32(1e-9) == np.float32(2.0)  # "2 + eps == 2" in float32
    assert np.float64(2.0) + 1e-9 != 2.0
    assert "`eps = 1e-6` by default" in doc
    assert tg.gradcheck.__kwdefaults__ == {"eps": 1e-6, "atol": 1e-6, "rtol": 1e-5}
    assert "tg.gradcheck(f, *inputs, eps=1e-6, atol=1e-6, rtol=1e-5)" in doc
    # "the forward difference is 12 + 6h + h**2 and the central one is 12 + h**2"
    h = 0.5  # exact in binary, so the identities hold to the last bit
    assert ((2 + h) ** 3 - 2 ** 3) / h == 12 + 6 * h + h ** 2
    assert ((2 + h) ** 3 - (2 - h) ** 3) / (2 * h) == 12 + h ** 2
    assert "`12 + 6h + h**2`" in doc and "`12 + h**2`" in doc


def test_chapter_2_op_table_matches_the_registry():
    rows = re.findall(r"^\| (\w+) \| .*? \| `(.+)` \|$", text("02-value-and-graph.md"), re.M)
    assert rows, "no op table found"
    table = dict(rows)
    assert len(table) == len(rows)
    assert sorted(table) == sorted(tg.OPS), "the table must list every registered op"
    for name, rule in table.items():
        assert rule == tg.OPS[name].__doc__, name


def test_chapter_3_table_of_hand_gradients():
    a, b, c, f = 2.0, -3.0, 10.0, -2.0
    e, d = a * b, a * b + c
    assert (e, d) == (-6, 4)
    doc = text("03-backprop.md")
    assert "`e = a * b = -6` and `d = e + c = 4`" in doc
    rows = {  # node: gradient, by the rule in the row
        "`L`": 1, "`f`": d, "`d`": f, "`a`": f * b, "`b`": f * a,
    }
    assert rows == {"`L`": 1, "`f`": 4, "`d`": -2, "`a`": 6, "`b`": -4}
    assert "| `L` | start: `dL/dL = 1` | `1` |" in doc
    assert "| `f` | `L = d * f`, so `df = g * d` | `4` |" in doc
    assert "| `d` | `L = d * f`, so `dd = g * f` | `-2` |" in doc
    assert "| `e`, `c` | `d = e + c` passes `g` to both | `-2`, `-2` |" in doc
    assert "| `a` | `e = a * b`, so `da = g * b` | `-2 * -3 = 6` |" in doc
    assert "| `b` | `e = a * b`, so `db = g * a` | `-2 * 2 = -4` |" in doc


def test_design_page_is_one_page_and_covers_the_choices():
    doc = text("design.md")
    assert len(doc.splitlines()) <= 175
    for topic in ["registered", "docstring", "Python floats", "depth-first", "_mark", "thread",
                  "unbroadcast", "requires_grad=False", "__array_ufunc__ = None", "micrograd",
                  "DeZero", "minitorch", "HIPS autograd", "tinygrad"]:
        assert topic in doc, topic


def test_design_page_states_the_tolerances_the_tests_use():
    """"The same numbers on every machine": each tolerance it states is the one a test uses."""
    from test_casestudy import STACKED_ATOL
    from test_delta_equals_handwritten import TOL
    from test_docs_beyond import WEIGHTS_RTOL
    from test_verify_your_op import NUMBERS_RTOL

    doc = " ".join(text("design.md").split())
    section = doc[doc.index("## The same numbers on every machine"):]
    assert f"(chapter 10) to a relative {WEIGHTS_RTOL:.0e}".replace("e-0", "e-") in section
    assert f"messages (chapter 8) to {NUMBERS_RTOL:.0e}".replace("e-0", "e-") in section
    assert STACKED_ATOL == TOL["rtol"] == TOL["atol"] == 1e-12
    assert "and layer against neuron granularity, to 1e-12." in section
    eps = tg.gradcheck.__kwdefaults__["eps"]
    assert 2 / (2 * eps) == 1e6  # two values each off by an error e: the slope is off by 2e/2eps
    assert "at the default `eps` their last-bit errors grow up to a million-fold" in section
    for kernel in ["Prescott", "Sandybridge", "Haswell", "SkylakeX"]:
        assert kernel in section
