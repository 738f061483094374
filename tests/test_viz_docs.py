"""docs/09-drawing.md prints only what its code prints, and its pictures and links exist.

- its ```python blocks run in order in one namespace (in a temporary directory, since they
  write pictures), and a ```text block right after one is exactly what that block prints;
- every number with four decimals in the prose appears in some output block;
- it shows the pictures (test_docs_links checks that every link and image exists).
"""
import re
from pathlib import Path

from reference.markdown import local_links, parse, run_chapter

REPO = Path(__file__).resolve().parents[1]
CHAPTER = REPO / "docs" / "09-drawing.md"


def test_code_prints_what_the_chapter_shows(tmp_path) -> None:
    chapter = run_chapter(CHAPTER, workdir=tmp_path)
    texts = [block for block in chapter["blocks"] if block["lang"] == "text"]
    assert len(chapter["pairs"]) == len(texts) == 7  # each output block follows its code
    for code, text, printed in chapter["pairs"]:
        assert printed == text, code
    assert (tmp_path / "neuron.svg").exists() and (tmp_path / "worksheet.png").exists()
    assert (tmp_path / "frames" / "index.html").exists()
    assert (tmp_path / "network.svg").exists()
    assert 'class="series series-validation-loss"' in (tmp_path / "curves.svg").read_text()


def test_numbers_in_the_prose_come_from_outputs() -> None:
    blocks, prose = parse(CHAPTER.read_text(encoding="utf-8"))
    outputs = "".join(block["body"] for block in blocks if block["lang"] == "text")
    for number in re.findall(r"-?\d+\.\d{4}\b", prose):
        assert number in outputs, number


def test_the_chapter_shows_the_pictures() -> None:
    # (test_docs_links checks that every link and picture of every document exists)
    files = [file for file, _ in local_links(CHAPTER)]
    assert REPO / "docs" / "images" / "graph.svg" in files
    assert REPO / "docs" / "images" / "network-7-5-3.svg" in files


def test_the_loss_graph_has_as_many_nodes_as_the_chapter_says() -> None:
    from tinygrad_bp.engine import topological_order
    from tinygrad_bp.tutorial import samples

    nodes = len(topological_order(samples.tutorial_loss()))
    assert f"({nodes} nodes, where `half_squared_error`" in CHAPTER.read_text(encoding="utf-8")
