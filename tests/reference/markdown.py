"""Reading the docs' Markdown in tests: fenced blocks, the prose around them, and their code run.

A chapter's ```python blocks run in order in one namespace; a ```text block right after one is
what that code prints, and a ```text block under ``<!-- output of examples/NAME.py -->`` is a
piece of that example's output (``...`` lines stand for lines left out).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import random
import re
from pathlib import Path

FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"<!-- output of examples/([\w.]+)\.py -->")
"""Above a ```text block: the block is a run of that example's output, not its own code's."""
DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d{3,}(?:e-?\d+)?")  # a number with 3 or more decimals
FLOAT = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


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


def run_chapter(path: Path, workdir: Path | None = None) -> dict:
    """Run a chapter's ```python blocks in order in one namespace, as a reader would.

    Returns its blocks and prose, ``pairs`` (code, shown, printed) for every ```text block right
    after a python block, ``quoted`` (example name, shown) for every block under a ``MARKER``,
    and the namespace. The code runs in ``workdir`` if given (for the files it writes); Python's
    global ``random`` stream and the current directory are left as they were found.
    """
    blocks, prose = parse(Path(path).read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "__doc__"}
    state, cwd = random.getstate(), os.getcwd()
    pairs, quoted = [], []
    try:
        if workdir is not None:
            os.chdir(workdir)
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
        os.chdir(cwd)
        random.setstate(state)
    return {"blocks": blocks, "prose": prose, "pairs": pairs, "quoted": quoted,
            "namespace": namespace}


def shown(chapter: dict) -> str:
    """Every output block a run chapter shows right after its code, in order."""
    return "".join(text for _, text, _ in chapter["pairs"])


def local_links(path: Path) -> list[tuple[Path, str]]:
    """Each link and image of a Markdown file that points into the repository: (file, #anchor)."""
    text = path.read_text(encoding="utf-8")
    found = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        found.append(((path.parent / file).resolve() if file else path.resolve(), anchor))
    return found


def anchors(path: Path) -> set[str]:
    """The ``#anchors`` GitHub gives a Markdown file's headings (lower case, words joined by -)."""
    blocks_removed = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    headings = re.findall(r"^#{1,6} +(.+?) *$", blocks_removed, re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def contains_in_order(lines: list[str] | tuple[str, ...], quoted: list[str]) -> bool:
    """``quoted``, split at ``...`` lines, appears in ``lines`` as contiguous runs, in order."""
    chunks: list[list[str]] = [[]]
    for line in quoted:
        if line.strip() == "...":
            chunks.append([])
        else:
            chunks[-1].append(line)
    at = 0
    for chunk in filter(None, chunks):
        found = next((i for i in range(at, len(lines) - len(chunk) + 1)
                      if list(lines[i:i + len(chunk)]) == chunk), None)
        if found is None:
            return False
        at = found + len(chunk)
    return True


def same_to_within(shown: str, printed: str, rel_tol: float) -> bool:
    """``shown`` is ``printed`` but for decimal numbers, which agree to ``rel_tol``.

    For output whose last digits depend on the machine (BLAS kernels, numpy's SIMD exp and log):
    every word and every other character must match exactly.
    """
    if FLOAT.split(shown) != FLOAT.split(printed):
        return False
    pairs = zip(FLOAT.findall(shown), FLOAT.findall(printed))
    return all(math.isclose(float(a), float(b), rel_tol=rel_tol, abs_tol=0.0) for a, b in pairs)
