"""The README's example prints exactly what the README says it prints; it links every chapter."""

from pathlib import Path

import pytest
from reference.markdown import local_links, run_chapter

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_example_prints_what_the_readme_shows():
    [(_, shown, printed)] = run_chapter(ROOT / "README.md")["pairs"]
    assert "```\n\nprints\n\n```text\n" + shown in README  # the block after the word "prints"
    assert printed == shown


def test_readme_numbers_are_the_tutorials():
    # TUTORIAL.md item 2 gives the forward pass; the delta follows from the tutorial's rule.
    assert "[0.6629970129852887, 0.7253160725279748]" in README


def test_readme_links_every_chapter():
    # (test_docs_links checks that every link resolves)
    files = {file for file, _ in local_links(ROOT / "README.md")}
    assert set((ROOT / "docs").glob("[0-9][0-9]-*.md")) <= files


def test_readme_commands_are_the_ones_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "pip install '.[test]' && python -m pytest -q"
    assert test_command in README and test_command in ci
    assert "pip install . && tinygrad-bp seeds" in README


TUTORIAL_URL = "https://machinelearningmastery.com/implement-backpropagation-algorithm-scratch-python/"


@pytest.mark.parametrize("path", ["README.md", "docs/06-tutorial-with-autograd.md"])
def test_the_tutorial_is_credited_by_title_author_and_link(path: str) -> None:
    text = " ".join((ROOT / path).read_text(encoding="utf-8").split())
    assert "Jason Brownlee" in text
    assert "How to Code a Neural Network with Backpropagation In Python (from scratch)" \
        in text.replace("*", "")
    assert f"]({TUTORIAL_URL})" in text
