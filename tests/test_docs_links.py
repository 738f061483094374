"""Every link in the README and the docs points at a file that exists, and at a heading in it.

The chapters' own tests check which links a chapter must have (its example, its neighbours).
"""
from pathlib import Path

import pytest
from reference.markdown import anchors, local_links

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = ["README.md", *sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").glob("*.md"))]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_link_resolves(document: str) -> None:
    links = local_links(REPO / document)
    assert [str(file) for file, _ in links if not file.exists()] == []
    missing = [f"{file.name}#{anchor}" for file, anchor in links
               if anchor and file.suffix == ".md" and anchor not in anchors(file)]
    assert missing == []


def test_the_link_reader_itself(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Top\n## The same numbers, on every machine\n```\n# no\n```\n"
                                   "[x](b.md#c) [y](#top) ![z](img/p.svg) [w](https://e.org)\n")
    assert anchors(tmp_path / "a.md") == {"top", "the-same-numbers-on-every-machine"}
    folder = tmp_path.resolve()
    assert local_links(tmp_path / "a.md") == [(folder / "b.md", "c"), (folder / "a.md", "top"),
                                              (folder / "img" / "p.svg", "")]
