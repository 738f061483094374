"""docs/09-drawing.md prints only what its code prints, and its pictures and links exist.

- its ```python blocks run in order in one namespace (in a temporary directory, since they
  write pictures), and a ```text block right after one is exactly what that block prints;
- every number with four decimals in the prose appears in some output block;
- every relative link and image points at a file that exists.
"""
import contextlib
import io
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHAPTER = REPO / "docs" / "09-drawing.md"


def _blocks(text: str) -> tuple[list[tuple[str, str]], str]:
    """The fenced blocks as (language, body), and the prose outside them."""
    blocks, prose = [], []
    parts = re.split(r"^```(\w*)\n(.*?)^```\n", text, flags=re.M | re.S)
    prose.append(parts[0])
    for i in range(1, len(parts), 3):
        blocks.append((parts[i], parts[i + 1]))
        prose.append(parts[i + 2])
    return blocks, "\n".join(prose)


def test_code_prints_what_the_chapter_shows(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    blocks, _ = _blocks(CHAPTER.read_text(encoding="utf-8"))
    namespace: dict = {}
    checked, printed = 0, None
    for lang, body in blocks:
        if lang == "python":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(body, str(CHAPTER), "exec"), namespace)  # noqa: S102
            printed = out.getvalue()
        elif lang == "text":
            assert printed == body
            checked += 1
            printed = None
    assert checked == 7
    assert (tmp_path / "neuron.svg").exists() and (tmp_path / "worksheet.png").exists()
    assert (tmp_path / "frames" / "index.html").exists()
    assert (tmp_path / "network.svg").exists()
    assert 'class="series series-validation-loss"' in (tmp_path / "curves.svg").read_text()


def test_numbers_in_the_prose_come_from_outputs() -> None:
    blocks, prose = _blocks(CHAPTER.read_text(encoding="utf-8"))
    outputs = "".join(body for lang, body in blocks if lang == "text")
    for number in re.findall(r"-?\d+\.\d{4}\b", prose):
        assert number in outputs, number


def test_links_and_pictures_exist() -> None:
    text = CHAPTER.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+?)(?:#[^)]*)?\)", text)
    local = [t for t in targets if not t.startswith("http")]
    assert "images/graph.svg" in local and "images/network-7-5-3.svg" in local
    for target in local:
        assert (CHAPTER.parent / target).exists(), target


def test_the_loss_graph_has_as_many_nodes_as_the_chapter_says() -> None:
    from tinygrad_bp.engine import topological_order
    from tinygrad_bp.tutorial import samples

    nodes = len(topological_order(samples.tutorial_loss()))
    assert f"({nodes} nodes, where `half_squared_error`" in CHAPTER.read_text(encoding="utf-8")
