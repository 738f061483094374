"""Chapters 05 and 06 print only numbers that the code computes.

In these chapters:

- every ```python block runs (the blocks of a chapter in order, sharing one namespace), and
  when a ```text block follows it, that block is exactly what the code prints;
- a ```text block after a line ``<!-- output of examples/NAME.py -->`` is a piece of that
  example's output (lines ``...`` stand for lines left out);
- every number with three or more decimals in the prose and the maths appears in some output
  or code above, so no number can be typed in and drift;
- every relative link points at a file that exists.
"""
import contextlib
import io
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from reference import tutorial_numbers as tn
from reference.markdown import parse

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = ["docs/05-neurons-layers-mlp.md", "docs/06-tutorial-with-autograd.md"]
MARKER = re.compile(r"<!-- output of (examples/[\w.]+\.py) -->")
DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d{3,}(?:e-?\d+)?")


def run_python(code: str, namespace: dict) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<doc>", "exec"), namespace)  # noqa: S102 - the chapter's own code
    return out.getvalue()


def example_output(path: str) -> list[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]))
    done = subprocess.run([sys.executable, path], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    return done.stdout.splitlines()


def run_chapter(chapter: str) -> dict:
    """Run a chapter's code; returns its blocks paired with what they printed."""
    blocks, prose = parse((REPO / chapter).read_text())
    namespace: dict = {"__name__": "__doc__"}
    state = random.getstate()
    checks = []
    try:
        for k, block in enumerate(blocks):
            if block["lang"] == "python":
                printed = run_python(block["body"], namespace)
                following = blocks[k + 1] if k + 1 < len(blocks) else None
                if following and following["lang"] == "text" and not MARKER.search(
                        following["above"]):
                    checks.append(("python", block, following["body"], printed))
            elif block["lang"] == "text" and MARKER.search(block["above"]):
                path = MARKER.search(block["above"]).group(1)
                checks.append(("example", block, block["body"], example_output(path)))
    finally:
        random.setstate(state)
    return {"blocks": blocks, "prose": prose, "checks": checks}


_runs: dict[str, dict] = {}


def chapter_run(chapter: str) -> dict:
    if chapter not in _runs:
        _runs[chapter] = run_chapter(chapter)
    return _runs[chapter]


def contains_in_order(lines: list[str], quoted: list[str]) -> bool:
    """``quoted``, split at ``...`` lines, appears in ``lines`` as contiguous runs, in order."""
    chunks, chunk = [], []
    for line in quoted:
        if line.strip() == "...":
            chunks.append(chunk)
            chunk = []
        else:
            chunk.append(line)
    chunks.append(chunk)
    start = 0
    for chunk in filter(None, chunks):
        for i in range(start, len(lines) - len(chunk) + 1):
            if lines[i:i + len(chunk)] == chunk:
                start = i + len(chunk)
                break
        else:
            return False
    return True


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_output_block_is_what_the_code_prints(chapter: str) -> None:
    run = chapter_run(chapter)
    assert len(run["checks"]) >= 5
    for kind, block, quoted, actual in run["checks"]:
        if kind == "python":
            assert quoted == actual, f"{chapter}: the block\n{block['body']}\nprints\n{actual}"
        else:
            assert contains_in_order(actual, quoted.splitlines()), \
                f"{chapter}: not in the example's output:\n{quoted}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_decimal_in_the_prose_is_computed(chapter: str) -> None:
    run = chapter_run(chapter)
    computed = "\n".join(
        [block["body"] for block in run["blocks"] if block["lang"] == "python"]
        + [quoted for _, _, quoted, _ in run["checks"]])
    missing = [n for n in DECIMAL.findall(run["prose"]) if n.lstrip("-") not in computed]
    assert missing == []


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_output_block_goes_unchecked(chapter: str) -> None:
    run = chapter_run(chapter)
    checked = {id(block) for _, block, _, _ in run["checks"]}
    checked |= {id(run["blocks"][k + 1]) for k, block in enumerate(run["blocks"][:-1])
                if id(block) in checked}
    unchecked = [b["body"] for b in run["blocks"]
                 if b["lang"] == "text" and id(b) not in checked]
    assert unchecked == []


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_links_point_at_files_that_exist(chapter: str) -> None:
    text = (REPO / chapter).read_text()
    links = [link.split("#")[0] for link in re.findall(r"\]\(([^)]+)\)", text)
             if not re.match(r"\w+:", link) and not link.startswith("#")]
    assert links
    missing = [link for link in links if not (REPO / chapter).parent.joinpath(link).exists()]
    assert missing == []


def test_chapter_06_links_every_tutorial_example() -> None:
    text = (REPO / CHAPTERS[1]).read_text()
    for name in ["05_initialize", "06_forward", "07_backpropagate", "08_train", "09_predict"]:
        assert f"../examples/{name}.py" in text


def test_chapter_06_shows_the_tutorials_published_numbers() -> None:
    """The numbers chapter 06 calls the tutorial's are TUTORIAL.md's, in its checked outputs."""
    run = chapter_run(CHAPTERS[1])
    printed = "\n".join(quoted for kind, _, quoted, _ in run["checks"] if kind == "python")
    published = [*tn.INIT_HIDDEN[0], *tn.INIT_OUTPUT[0], *tn.INIT_OUTPUT[1], *tn.FORWARD_OUTPUTS,
                 *tn.BACKWARD_OUTPUT_DELTAS, *tn.BACKWARD_HIDDEN_DELTAS,
                 *[w for neuron in tn.TRAIN_FINAL_HIDDEN + tn.TRAIN_FINAL_OUTPUT for w in neuron]]
    missing = [x for x in published if repr(x) not in printed]
    assert missing == []
    epochs = [f">epoch={i}, lrate=0.500, error={e}" for i, e in enumerate(tn.TRAIN_SUM_ERROR_3DP)]
    assert "\n".join(epochs) in printed
    assert "[0, 0, 0, 0, 0, 1, 1, 1, 1, 1]\n10 of 10 correct" in printed


def test_the_checker_itself() -> None:
    blocks, prose = parse("a 1.2345\n```python\nprint(1)\n```\n<!-- x -->\n```text\n1\n```\n")
    assert [b["lang"] for b in blocks] == ["python", "text"] and prose == "a 1.2345\n<!-- x -->"
    assert DECIMAL.findall("x = 0.500, y = -1.25, z 6.350126629022046 v1.2.3") == \
        ["0.500", "6.350126629022046"]
    assert contains_in_order(["a", "b", "c", "d"], ["a", "...", "c", "d"])
    assert not contains_in_order(["a", "b", "c", "d"], ["a", "c"])
