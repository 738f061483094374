"""docs/13-replay.md prints only what its code prints, and what it says of the code is so.

- Its ```python blocks run in order in one namespace; a ```text block right after one is exactly
  what that code prints.
- The numbers are recomputed without tinygrad_bp: the loss and the deltas with the tutorial's
  own algorithm (``reference.tutorial_algorithm``), the trained weights by its train_network.
- The lines of the generated code the prose reads are in the code, and mean what it says;
  the defaults it names are the functions' own; README lists the chapter.
"""
from __future__ import annotations

import inspect
import random
from functools import cache
from pathlib import Path

from reference import tutorial_algorithm as ta
from reference.markdown import run_chapter

from tinygrad_bp import Trace
from tinygrad_bp.compiled import compile_sgd

REPO = Path(__file__).resolve().parents[1]
CHAPTER = REPO / "docs" / "13-replay.md"
ROW, TARGET = [1.465489372, 2.362125076], [1.0, 0.0]


@cache
def chapter() -> dict:
    """The chapter run once (``reference.markdown.run_chapter``)."""
    return run_chapter(CHAPTER)


def test_every_output_block_is_what_its_code_prints():
    pairs = chapter()["pairs"]
    assert len(pairs) == 7
    for _, shown, printed in pairs:
        assert shown == printed


def test_the_replayed_row_is_the_tutorials_loss_and_deltas():
    random.seed(1)
    oracle = ta.initialize_network(2, 1, 2)
    outputs = ta.forward_propagate(oracle, ROW)
    ta.backward_propagate_error(oracle, TARGET)
    loss = 0.5 * sum((e - o) ** 2 for e, o in zip(TARGET, outputs))
    namespace = chapter()["namespace"]
    assert abs(namespace["loss"] - loss) <= 1e-15
    assert [round(n["delta"], 6) for n in oracle[-1]] == [0.07078, -0.141301]


def test_twenty_compiled_epochs_are_the_tutorials_train_network():
    random.seed(1)
    oracle = ta.initialize_network(2, 1, 2)
    dataset = [[*row[:2], int(row[2])] for row in chapter()["namespace"]["dataset"]]
    ta.train_network(oracle, dataset, 0.5, 20, 2)
    network = chapter()["namespace"]["network"]
    assert [list(w) for layer in network.get_weights() for w in layer] == \
        [n["weights"] for layer in oracle for n in layer]


def test_the_lines_the_prose_reads_are_in_the_code():
    source = chapter()["namespace"]["recorded"].source
    # t36 is dE/da of the first output neuron (L1.n0): its bias's gradient, and times t8
    # (the hidden output) its weight's
    for line in ("p3 = L1.n0.w0", "p4 = L1.n0.b", "t8 = 1.0 / (1.0 + ", "t26 = ",
                 "t36 = (t14 - x1_0) * (t14 * (1.0 - t14))", "t37 = t36 * t8",
                 "p4 = p4 - lr * t36", "p3 = p3 - lr * t37",
                 "t42 = ((t31 * p5) + (t36 * p3)) * (t8 * (1.0 - t8))"):
        assert line in source, line
    prose = chapter()["prose"]
    for claim in ("`t8` is the hidden neuron's output", "`t36 = (o - e) * o (1 - o)`",
                  "`t37 = t36 *\nt8`", "the same 15 nodes", "`max_ops=20000`"):
        assert claim in prose, claim
    assert len(chapter()["namespace"]["recorded"].order) == 15


def test_the_defaults_named_are_the_functions_own():
    assert inspect.signature(compile_sgd).parameters["max_ops"].default == 20_000
    assert inspect.signature(Trace.compile).parameters["max_ops"].default == 20_000
    assert inspect.signature(Trace.compile).parameters["backend"].default == "python"


def test_the_readme_lists_the_chapter():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "13. [Replaying a training step, and reading it as code](docs/13-replay.md)" in readme
