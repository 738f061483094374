"""The program symbolic numbers write: its lines, and the lines a result needs.

``symbolic`` arithmetic appends ``name = expression`` lines to the ``Program`` being written
(``writing``); equal expressions share one name. ``needed_by`` then keeps the lines the
results read, in order, with a value used once written into the line that uses it.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterator, Sequence


class Unsupported(Exception):
    """A computation with no symbolic form: the graph is replayed instead of compiled."""


class Program:
    """The lines of straight-line code written so far; equal expressions share one name.

    ``numba=True`` writes for numba, whose arithmetic answers as numpy's does (inf, nan) where
    Python's floats raise: plain ``/``, ``**`` and ``exp``, and no branch a compiler must
    analyse (numba's own passes take time that grows with branches times names).
    """

    def __init__(self, numba: bool = False) -> None:
        self.numba = numba
        self.lines: list[str] = []
        self._names: dict[str, str] = {}

    def emit(self, expr: str, lo: float | None, kind: type):
        """A ``kind`` (``symbolic.Sym`` or ``SymBool``) naming ``expr``'s value; ``lo`` is a
        lower bound known now, or None."""
        name = self._names.get(expr)
        if name is None:
            name = f"t{len(self.lines) + 1}"
            self.lines.append(f"{name} = {expr}")
            self._names[expr] = name
        return kind(name, None, lo)

    def expression(self, name: str) -> str:
        """What the line naming ``name`` computes (``name`` itself if no line names it)."""
        if _TEMPORARY.fullmatch(name):
            line = self.lines[int(name[1:]) - 1]
            if line.startswith(f"{name} = "):
                return line.split(" = ", 1)[1]
        return name

    def needed_by(self, results: Sequence[str]) -> list[str]:
        """The lines that ``results`` (expressions of temporaries) need, in order.

        A line nothing reads is dropped (say the gradient of an input, which rules compute and
        the engine throws away); a temporary read once is written into its reader, in brackets,
        so Python does the same operations in the same order with fewer names to store.
        """
        kept = needed(self.lines, results)
        uses = Counter(n for _, expr in kept for n in _TEMPORARY.findall(expr))
        outside = set(_TEMPORARY.findall(" ".join(results)))
        inline: dict[str, tuple[str, int]] = {}  # expression, and how deep its brackets go
        lines = []
        for name, expr in kept:
            depth = 1 + max([inline[n][1] for n in _TEMPORARY.findall(expr) if n in inline],
                            default=0)
            expr = _TEMPORARY.sub(lambda m: f"({inline.pop(m.group())[0]})"
                                  if m.group() in inline else m.group(), expr)
            # Python's parser refuses brackets nested 200 deep: a long sum gets names
            if uses[name] == 1 and name not in outside and depth < _DEEPEST:
                inline[name] = (expr, depth)
            else:
                lines.append(f"{name} = {expr}")
        return lines


def needed(lines: Sequence[str], results: Sequence[str]) -> list[tuple[str, str]]:
    """Of ``lines`` (``name = expression``, in order), the ones ``results`` need, directly or
    through each other, in order, as (name, expression)."""
    wanted = set(_TEMPORARY.findall(" ".join(results)))
    kept = []
    for line in reversed(lines):
        name, expr = line.split(" = ", 1)
        if name in wanted:
            kept.append((name, expr))
            wanted.update(_TEMPORARY.findall(expr))
    kept.reverse()
    return kept


_TEMPORARY = re.compile(r"\bt\d+\b")
_DEEPEST = 50
_program: Program | None = None


@contextlib.contextmanager
def writing(program: Program) -> Iterator[Program]:
    """Within this block, arithmetic on Syms appends its lines to ``program``."""
    global _program
    previous, _program = _program, program
    try:
        yield program
    finally:
        _program = previous


def emit(expr: str, lo: float | None, kind: type):
    if _program is None:
        raise Unsupported("symbolic arithmetic outside symbolic.writing()")
    return _program.emit(expr, lo, kind)


def for_numba() -> bool:
    return _program is not None and _program.numba
