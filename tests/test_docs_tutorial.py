"""Chapters 05 and 06 print only numbers that the code computes.

In these chapters:

- every ```python block runs (the blocks of a chapter in order, sharing one namespace), and
  when a ```text block follows it, that block is exactly what the code prints;
- a ```text block after a line ``<!-- output of examples/NAME.py -->`` is a piece of that
  example's output (lines ``...`` stand for lines left out);
- every number with three or more decimals in the prose and the maths appears in some output
  or code above, so no number can be typed in and drift;
- (test_docs_links checks that every link resolves.)
"""
from functools import cache
from pathlib import Path

import pytest
from reference import tutorial_numbers as tn
from reference.markdown import DECIMAL, MARKER, contains_in_order, run_chapter

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = ["docs/05-neurons-layers-mlp.md", "docs/06-tutorial-with-autograd.md"]


@cache
def chapter_run(chapter: str) -> dict:
    """The chapter with its code run (once per chapter)."""
    return run_chapter(REPO / chapter)


def shown(chapter: str) -> list[str]:
    """Every output block the chapter shows, after its code or under an example's marker."""
    run = chapter_run(chapter)
    return [text for _, text, _ in run["pairs"]] + [text for _, text in run["quoted"]]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_output_block_is_what_the_code_prints(chapter: str, examples) -> None:
    run = chapter_run(chapter)
    for name, _ in run["quoted"]:
        examples.launch(name)
    assert len(run["pairs"]) + len(run["quoted"]) >= 5
    for code, text, printed in run["pairs"]:
        assert text == printed, f"{chapter}: the block\n{code}\nprints\n{printed}"
    for name, text in run["quoted"]:
        assert contains_in_order(examples(name), text.splitlines()), \
            f"{chapter}: not in the output of examples/{name}.py:\n{text}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_decimal_in_the_prose_is_computed(chapter: str) -> None:
    run = chapter_run(chapter)
    computed = "\n".join(
        [block["body"] for block in run["blocks"] if block["lang"] == "python"] + shown(chapter))
    missing = [n for n in DECIMAL.findall(run["prose"]) if n.lstrip("-") not in computed]
    assert missing == []


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_output_block_goes_unchecked(chapter: str) -> None:
    blocks = chapter_run(chapter)["blocks"]
    unchecked = [b["body"] for k, b in enumerate(blocks)
                 if b["lang"] == "text" and not MARKER.search(b["above"])
                 and not (k and blocks[k - 1]["lang"] == "python")]
    assert unchecked == []


def test_chapter_06_links_every_tutorial_example() -> None:
    text = (REPO / CHAPTERS[1]).read_text()
    for name in ["05_initialize", "06_forward", "07_backpropagate", "08_train", "09_predict"]:
        assert f"../examples/{name}.py" in text


def test_chapter_06_shows_the_tutorials_published_numbers() -> None:
    """The numbers chapter 06 calls the tutorial's are TUTORIAL.md's, in its checked outputs."""
    printed = "\n".join(text for _, text, _ in chapter_run(CHAPTERS[1])["pairs"])
    published = [*tn.INIT_HIDDEN[0], *tn.INIT_OUTPUT[0], *tn.INIT_OUTPUT[1], *tn.FORWARD_OUTPUTS,
                 *tn.BACKWARD_OUTPUT_DELTAS, *tn.BACKWARD_HIDDEN_DELTAS,
                 *[w for neuron in tn.TRAIN_FINAL_HIDDEN + tn.TRAIN_FINAL_OUTPUT for w in neuron]]
    missing = [x for x in published if repr(x) not in printed]
    assert missing == []
    epochs = [f">epoch={i}, lrate=0.500, error={e}" for i, e in enumerate(tn.TRAIN_SUM_ERROR_3DP)]
    assert "\n".join(epochs) in printed
    assert "[0, 0, 0, 0, 0, 1, 1, 1, 1, 1]\n10 of 10 correct" in printed
