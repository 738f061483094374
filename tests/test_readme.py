"""The README's example prints exactly what the README says it prints, and its links resolve."""

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_example_prints_what_the_readme_shows():
    code, shown = re.search(r"```python\n(.*?)```\s*prints\s*```text\n(.*?)```", README, re.S).groups()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue() == shown


def test_readme_numbers_are_the_tutorials():
    # TUTORIAL.md item 2 gives the forward pass; the delta follows from the tutorial's rule.
    assert "[0.6629970129852887, 0.7253160725279748]" in README


def test_readme_links_point_at_files_that_exist():
    links = re.findall(r"\]\(([^)#]+)\)", README)
    assert len(links) >= 10
    missing = [link for link in links if not (ROOT / link).exists()]
    assert missing == []


def test_readme_commands_are_the_ones_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "pip install '.[test]' && python -m pytest -q"
    assert test_command in README and test_command in ci
    assert "pip install . && tinygrad-bp seeds" in README
