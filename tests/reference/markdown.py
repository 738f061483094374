"""Reading the docs' Markdown in tests: fenced blocks and the prose around them."""

from __future__ import annotations

import contextlib
import io
import random
import re
from pathlib import Path

FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"<!-- output of examples/([\w.]+)\.py -->")
"""Above a ```text block: the block is a run of that example's output, not its own code's."""


def parse(text: str) -> tuple[list[dict], str]:
    """The fenced blocks (language, body, the non-blank line above) and the text outside them."""
    blocks, prose, lines, i = [], [], text.splitlines(), 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            prose.append(lines[i])
            i += 1
            continue
        above = next((line for line in reversed(lines[:i]) if line.strip()), "")
        end = lines.index("```", i + 1)
        blocks.append({"lang": fence.group(1), "body": "\n".join(lines[i + 1:end]) + "\n",
                       "above": above})
        i = end + 1
    return blocks, "\n".join(prose)


def run_chapter(path: Path) -> dict:
    """Run a chapter's ```python blocks in order in one namespace, as a reader would.

    Returns its blocks and prose, ``pairs`` (code, shown, printed) for every ```text block right
    after a python block, ``quoted`` (example name, shown) for every block under a ``MARKER``,
    and the namespace. Python's global ``random`` stream is left as it was found.
    """
    blocks, prose = parse(Path(path).read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "__doc__"}
    state = random.getstate()
    pairs, quoted = [], []
    try:
        for k, block in enumerate(blocks):
            if block["lang"] == "python":
                out = io.StringIO()
                with contextlib.redirect_stdout(out):
                    exec(compile(block["body"], str(path), "exec"), namespace)
                after = blocks[k + 1] if k + 1 < len(blocks) else None
                if after and after["lang"] == "text" and not MARKER.search(after["above"]):
                    pairs.append((block["body"], after["body"], out.getvalue()))
            elif block["lang"] == "text" and MARKER.search(block["above"]):
                quoted.append((MARKER.search(block["above"])[1], block["body"]))
    finally:
        random.setstate(state)
    return {"blocks": blocks, "prose": prose, "pairs": pairs, "quoted": quoted,
            "namespace": namespace}
