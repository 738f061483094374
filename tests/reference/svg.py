"""Reading the drawings' SVG in tests: the text they show and the lines of their charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

SVG = "{http://www.w3.org/2000/svg}"


def svg_root(svg: bytes | str | Path) -> ET.Element:
    """The parsed document (from its text or its file), which must be an SVG picture."""
    parsed = ET.fromstring(svg.read_bytes() if isinstance(svg, Path) else svg)
    assert parsed.tag == f"{SVG}svg", parsed.tag
    return parsed


def svg_texts(svg: bytes | str | Path, strip: bool = False) -> list[str]:
    """The text of every ``<text>`` element, in document order."""
    found = ["".join(t.itertext()) for t in svg_root(svg).iter(f"{SVG}text")]
    return [t.strip() for t in found] if strip else found


def svg_series(svg: bytes | str | Path) -> list[str]:
    """The ``data-label`` of each chart line (a path of class ``series``), in order."""
    return [p.get("data-label") for p in svg_root(svg).iter(f"{SVG}path")
            if "series" in p.get("class", "").split()]
