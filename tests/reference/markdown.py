"""Reading the docs' Markdown in tests: fenced blocks and the prose around them."""

from __future__ import annotations

import re

FENCE = re.compile(r"^```(\w*)\s*$")


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
