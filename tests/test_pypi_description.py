"""The package index's page: the README with nothing on it that needs the repository.

pyproject's ``readme`` is docs/pypi-description.md, which docs/make_pypi_description.py writes
from README.md: each relative picture and link there becomes the name of a file of the source
distribution, and the absolute links stay links.
"""

from __future__ import annotations

import re
from pathlib import Path

from reference.scripts import load
from test_lint_config import PYPROJECT

REPO = Path(__file__).resolve().parents[1]
TARGET = re.compile(r"\]\(([^)\s]+)\)")


def _maker():
    return load(REPO / "docs" / "make_pypi_description.py")


def test_the_description_is_up_to_date_and_is_the_packages_readme():
    written = (REPO / "docs" / "pypi-description.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert written == _maker().description(readme), (
        "docs/pypi-description.md is stale: run `python docs/make_pypi_description.py`")
    assert PYPROJECT["project"]["readme"] == "docs/pypi-description.md"


def test_every_link_left_is_absolute_and_every_file_named_is_in_the_repository():
    text = (REPO / "docs" / "pypi-description.md").read_text(encoding="utf-8")
    assert [t for t in TARGET.findall(text) if not t.startswith("https://")] == []
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    relative = [t for t in TARGET.findall(readme) if not t.startswith("https://")]
    assert "docs/images/graph.svg" in relative and "docs/01-derivatives.md" in relative
    for target in relative:
        path = target.split("#")[0]
        assert f"`{path}`" in text, path  # named as a file of the source distribution
        assert (REPO / path).exists(), path
    tutorial = "https://machinelearningmastery.com/implement-backpropagation-algorithm-scratch-python/"
    assert tutorial in text  # the credit keeps its link


def test_the_readme_writes_links_and_pictures_only_in_the_form_the_conversion_reads():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "<img" not in readme and "<a " not in readme  # HTML
    assert not re.search(r"\]\[[^\]]*\]|^\s*\[[^\]]+\]:\s", readme, re.M)  # reference links
    assert not re.search(r"\]\([^)\s]+\s+\"", readme)  # links with a title


def test_the_conversion_on_its_own():
    make = _maker().description
    readme = ("# T\n![a graph](img/g.svg)\nSee [chapter 1](docs/one.md#top), [`ex/`](ex/) and "
              "[a site](https://e.org).\n```python\nx = [1](2)\n```\n[multi\nline](d.md)\n"
              "1. a step:\n\n   ```sh\n   echo [a](b)\n   ```\n")
    assert make(readme) == (
        "# T\n\n" + _maker().HEAD + "\n*Picture (`img/g.svg`): a graph.*\nSee chapter 1 "
        "(`docs/one.md`), `ex/` and [a site](https://e.org).\n```python\nx = [1](2)\n```\n"
        "multi\nline (`d.md`)\n1. a step:\n\n   ```sh\n   echo [a](b)\n   ```\n")
