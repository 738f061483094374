"""Turning DOT text into SVG or PNG on any machine: the system ``dot``, else graphviz-pure.

The ``graphviz`` package runs an executable called ``dot`` and nothing else, so a plain
``pip install`` on a machine without Graphviz could write DOT text but never a picture.
``graphviz-pure`` (a dependency) installs a self-contained ``graphviz-pure`` executable with
``dot``'s flags but deliberately no ``dot`` command. ``Figure`` is a ``graphviz.Digraph`` whose
``pipe`` and ``render`` (and so Jupyter's inline display) run whichever of the two is found,
without touching the ``graphviz`` package's global settings that other code may rely on.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import overload

import graphviz

from ..errors import TinygradBPError

RENDERER_ENV = "TINYGRAD_BP_DOT"
"""Environment variable naming the executable to use, overriding the search."""


class RenderError(TinygradBPError, RuntimeError):
    """No Graphviz executable could be found, or it failed to draw the graph."""


def _script_dirs() -> list[str]:
    """Where pip puts console scripts for this interpreter, which need not be on PATH.

    A venv used without being activated (``/path/venv/bin/python``) is the common case.
    """
    dirs = [os.path.dirname(sys.executable), sysconfig.get_path("scripts")]
    # `pip install --user`; the user base is passed in because venvs leave it unset.
    with contextlib.suppress(KeyError, AttributeError):  # no user scheme on this platform
        dirs.append(sysconfig.get_path("scripts", f"{os.name}_user",
                                       vars={"userbase": site.getuserbase()}))
    return [d for d in dict.fromkeys(dirs) if d]


def find_renderer() -> str | None:
    """The executable that draws: ``$TINYGRAD_BP_DOT``, else ``dot`` on PATH, else graphviz-pure.

    Returns None when there is none at all. The search runs on every call, so installing
    either program takes effect without restarting Python.
    """
    chosen = os.environ.get(RENDERER_ENV)
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise RenderError(f"{RENDERER_ENV}={chosen!r} is not an executable program")
        return found
    dot = shutil.which("dot")
    if dot:
        return dot
    return (shutil.which("graphviz-pure")
            or shutil.which("graphviz-pure", path=os.pathsep.join(_script_dirs())))


NO_RENDERER = (
    "no Graphviz program to draw with: install graphviz-pure (`pip install graphviz-pure`, "
    "a self-contained renderer) or Graphviz itself (the `dot` command, graphviz.org), or set "
    f"{RENDERER_ENV} to the path of either; the DOT text is available as `.source` meanwhile"
)


def run_renderer(source: str, fmt: str, engine: str = "dot", quiet: bool = True,
                 extra: tuple[str, ...] = ()) -> bytes:
    """Lay out DOT ``source`` with ``engine`` and return the picture in format ``fmt``."""
    program = find_renderer()
    if program is None:
        raise RenderError(NO_RENDERER)
    command = [program, f"-K{engine}", f"-T{fmt}", *extra]
    try:
        done = subprocess.run(command, input=source.encode("utf-8"), capture_output=True,
                              check=False)  # a failure is reported below with its messages
    except OSError as error:
        raise RenderError(f"could not run {program}: {error}") from None
    messages = done.stderr.decode("utf-8", "replace").splitlines()
    if done.returncode != 0:
        detail = "; ".join(line for line in messages if line.strip()) or "no message"
        raise RenderError(f"{Path(program).name} could not draw {fmt}: {detail}")
    if not quiet:
        # graphviz-pure guesses the width of non-ASCII letters (∂, δ, σ) as a space's and
        # says so for every drawing; the guess is close enough for our short labels.
        noise = "non-ASCII character"
        for line in messages:
            if noise not in line:
                print(line, file=sys.stderr)  # noqa: T201 - the renderer's own warnings
    return done.stdout


def check_size(function: str, count: int, size: str, max_nodes: int | None,
               advice: str) -> None:
    """Refuse a drawing of more than ``max_nodes`` nodes before any time is spent on it.

    Laying out takes time that grows faster than the number of nodes (docs/benchmarks.md: with
    graphviz-pure about 1 s for 1,000 nodes, 15 s for 5,000), and a picture that size is no
    longer readable, so a too-large drawing is a ``ValueError`` saying how to draw less, never
    minutes of silence. ``size`` says what was counted (``"the graph has 5000 nodes"``);
    ``max_nodes=None`` lifts the limit.
    """
    if max_nodes is None:
        return
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"{function}: max_nodes must be a positive whole number or None, "
                         f"not {max_nodes!r}")
    if count > max_nodes:
        raise ValueError(f"{function}: {size}, more than max_nodes={max_nodes} (layout time "
                         f"grows faster than the size); {advice}, or pass max_nodes={count} "
                         "(None: no limit) to draw it anyway")


def _flag(fmt: str, renderer: str | None, formatter: str | None) -> str:
    return ":".join(part for part in (fmt, renderer, formatter) if part)


class Figure(graphviz.Digraph):
    """A ``graphviz.Digraph`` that draws with ``dot`` or graphviz-pure, whichever is installed.

    ``pipe`` and ``render`` take the same arguments as the ``graphviz`` package's; Jupyter's
    inline display goes through ``pipe``. The default format is SVG (graphviz-pure writes SVG,
    PNG, JPEG and DOT-like text, not PDF).
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("format", "svg")
        super().__init__(*args, **kwargs)

    @overload
    def pipe(self, format: str | None = None, renderer: str | None = None,
             formatter: str | None = None, neato_no_op: bool | int | None = None,
             quiet: bool = False, *, engine: str | None = None,
             encoding: None = None) -> bytes: ...
    @overload
    def pipe(self, format: str | None = None, renderer: str | None = None,
             formatter: str | None = None, neato_no_op: bool | int | None = None,
             quiet: bool = False, *, engine: str | None = None, encoding: str) -> str: ...

    def pipe(self, format: str | None = None, renderer: str | None = None,
             formatter: str | None = None, neato_no_op: bool | int | None = None,
             quiet: bool = False, *, engine: str | None = None,
             encoding: str | None = None) -> bytes | str:
        """The drawing as bytes (or text, given ``encoding``), e.g. ``pipe(format="svg")``."""
        extra = (f"-n{int(neato_no_op)}",) if neato_no_op else ()
        data = run_renderer(self.source, _flag(format or self.format, renderer, formatter),
                            engine or self.engine, quiet, extra)
        return data.decode(encoding) if encoding is not None else data

    def render(self, filename: str | os.PathLike | None = None,
               directory: str | os.PathLike | None = None, view: bool = False,
               cleanup: bool = False, format: str | None = None, renderer: str | None = None,
               formatter: str | None = None, neato_no_op: bool | int | None = None,
               quiet: bool = False, quiet_view: bool = False, *,
               outfile: str | os.PathLike | None = None, engine: str | None = None,
               raise_if_result_exists: bool = False, overwrite_source: bool = False) -> str:
        """Save the DOT source, draw it next to it, return the picture's path.

        As ``graphviz``: ``render("g", format="png")`` writes ``g`` and ``g.png``;
        ``render(outfile="g.svg")`` writes ``g.gv`` and ``g.svg``.
        """
        if outfile is not None:
            outfile = Path(outfile)
            if not format:
                format = outfile.suffix.lstrip(".").lower() or None
            if format is None:
                raise RenderError(f"cannot tell the format of {os.fspath(outfile)!r}: "
                                  "give format= or a suffix such as .svg or .png")
            if directory is None:
                outfile = Path(self.directory, outfile)
            if filename is None:
                filename = outfile.with_suffix(".gv").name
                directory = outfile.parent if directory is None else directory
        format = format or self.format
        # Draw before saving, so a missing renderer leaves no half-finished files behind.
        data = self.pipe(format, renderer, formatter, neato_no_op, quiet, engine=engine)
        source_path = self.save(filename, directory=directory)
        if outfile is None:
            suffix = ".".join(p for p in (formatter, renderer, format) if p)
            outfile = Path(f"{source_path}.{suffix}")
        if raise_if_result_exists and outfile.exists():
            raise graphviz.FileExistsError(f"output file exists: {os.fspath(outfile)!r}")
        if not overwrite_source and outfile.resolve() == Path(source_path).resolve():
            raise ValueError(f"outfile {outfile.name!r} must differ from the DOT source file")
        outfile.parent.mkdir(parents=True, exist_ok=True)
        outfile.write_bytes(data)
        if cleanup:
            os.remove(source_path)
        if view or quiet_view:
            graphviz.view(outfile, quiet=quiet_view)
        return os.fspath(outfile)

    def _repr_svg_(self) -> str:
        """Older Jupyter front ends ask for this instead of ``_repr_mimebundle_``."""
        return self.pipe(format="svg", encoding="utf-8")

    def __repr__(self) -> str:
        """What a Figure is and how to see it, for a console (Jupyter draws it instead)."""
        name = f" {self.name!r}" if self.name else ""
        return (f"<Figure{name}: a drawing, {len(self.body)} lines of DOT. Jupyter shows it; "
                "elsewhere .render('name', format='svg') writes a file, .pipe(format='png') "
                "returns the picture's bytes, .source is the DOT text>")
