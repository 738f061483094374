"""Write docs/pypi-description.md, the README as a package index shows it, from README.md.

A page such as PyPI's shows the README away from the repository: a relative link there leads
nowhere and a relative picture is a broken image. So the description names each of them as a
path in the source distribution (which carries docs/, examples/ and the pictures), and keeps
every absolute link as it is. pyproject's ``readme`` is this file.

Run ``python docs/make_pypi_description.py`` after changing README.md;
tests/test_pypi_description.py fails while the file differs from what this script writes.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "pypi-description.md"
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)")
HEAD = ("*`pip install tinygrad_bp` installs the package. The set-up below, and the chapters, "
        "examples and pictures this page names, are those of its source distribution "
        "(`pip download --no-binary :all: --no-deps tinygrad_bp`, then unpack it).*")


def _absolute(target: str) -> bool:
    return re.match(r"[a-z][a-z0-9+.-]*:", target) is not None or target.startswith("#")


def _image(match: re.Match) -> str:
    alt, target = match.groups()
    return match.group(0) if _absolute(target) else f"*Picture (`{target}`): {alt}.*"


def _link(match: re.Match) -> str:
    text, target = match.groups()
    if _absolute(target):
        return match.group(0)
    shown = target.split("#")[0]
    return text if text == f"`{shown}`" else f"{text} (`{shown}`)"


def description(readme: str) -> str:
    """``readme`` with its relative pictures and links named as files, below ``HEAD``.

    Fenced code (indented in a list too) is left alone: a link inside it is code. Links are
    read in the one form README.md uses, ``[text](target)``; its test refuses the others."""
    parts = re.split(r"(^ *```.*?^ *```$)", readme, flags=re.M | re.S)  # odd parts: fenced
    text = "".join(part if i % 2 else LINK.sub(_link, IMAGE.sub(_image, part))
                   for i, part in enumerate(parts))
    title, _, rest = text.partition("\n")
    return f"{title}\n\n{HEAD}\n{rest.rstrip()}\n"


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    OUT.write_text(description((ROOT / "README.md").read_text(encoding="utf-8")),
                   encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
