"""A learner's file, imported and its backward pass checked: what ``tinygrad-bp check`` runs.

``check_backprop_file("backprop.py")`` imports the file under a name of its own (not
``__main__``, so its ``if __name__ == "__main__":`` block does not run; nothing is written
beside it), takes its ``backward_propagate_error`` and, when there is one, its
``transfer_derivative``, and runs ``check_backprop`` on them. Whatever stops the check (no such
file, a syntax error, no such function, the learner's code raising) is a ``SubmissionError``
whose message is one line and whose ``traceback_lines`` are the learner's own lines of the
traceback, never the checker's, so a teacher's grading script can print them as they are.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from types import ModuleType

from ..errors import TinygradBPError
from .checking import (BackpropCheck, LearnerCodeError, check_backprop, check_signature,
                       describe_exception)

__all__ = ["SubmissionError", "check_backprop_file", "load_submission"]


class SubmissionError(TinygradBPError):
    """A learner's file cannot be checked: a one-line message, and their traceback lines."""

    def __init__(self, message: str, traceback_lines: list[str] | None = None):
        super().__init__(message)
        self.traceback_lines = traceback_lines or []


def check_backprop_file(name: str | os.PathLike, *, networks: int = 100, seed: int = 0,
                        timeout: float | None = 60.0) -> BackpropCheck:
    """``check_backprop`` on the ``backward_propagate_error`` (and ``transfer_derivative``, if
    any) that the Python file ``name`` defines; ``SubmissionError`` when it cannot run.

    ``timeout`` seconds (None: no limit) bound the import and the check together, so an endless
    loop in a submission cannot hang a grading script; the limit needs SIGALRM (not Windows) and
    the main thread, and is not applied elsewhere.
    """
    try:
        with _time_limit(timeout):
            return _check_file(name, networks, seed)
    except _TimeUp:
        raise SubmissionError(f"{name}: did not finish within {timeout:g} s (an endless loop? "
                              "--timeout sets the limit)") from None


def _check_file(name: str | os.PathLike, networks: int, seed: int) -> BackpropCheck:
    module = load_submission(name)
    function = getattr(module, "backward_propagate_error", None)
    if not callable(function):
        raise SubmissionError(f"{name}: defines no function "
                              "backward_propagate_error(network, expected)")
    try:
        check_signature(function)
    except TypeError as error:
        raise SubmissionError(f"{name}: {error}") from None
    slope = getattr(module, "transfer_derivative", None)
    try:
        return check_backprop(function, slope if callable(slope) else None, networks=networks,
                              seed=seed)
    except LearnerCodeError as error:
        raise SubmissionError(f"{name}: {error}", own_frames(error.__cause__, name)) from None


class _TimeUp(BaseException):
    """The time limit ran out; a BaseException, so the learner's ``except Exception`` and the
    checker's own handlers let it through."""


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Raise ``_TimeUp`` if the block runs longer than ``seconds`` (None: no limit).

    Uses SIGALRM, so only where there is one (not on Windows) and in the main thread.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if seconds is None or not usable:
        yield
        return

    def stop(signum, frame):
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def load_submission(name: str | os.PathLike) -> ModuleType:
    """The module in the Python file ``name``, run under its own name (not ``__main__``).

    The file's folder is on ``sys.path`` while it runs, so it can import files beside it.
    """
    path = Path(name)
    if path.suffix != ".py":
        raise SubmissionError(f"{name}: not a Python file (expected FILE.py)")
    if path.is_dir():
        raise SubmissionError(f"{name}: is a directory, not a file")
    if not path.is_file():
        raise SubmissionError(f"{name}: file not found")
    module_name = f"_tinygrad_bp_submission_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None  # a .py path has a source loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # so classes and dataclasses in the file work
    folder = str(path.resolve().parent)
    sys.path.insert(0, folder)
    write_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        broken = name  # or a file it imports
        if error.filename and Path(error.filename).resolve() != path.resolve():
            broken = error.filename
        where = f"{broken}:{error.lineno}: " if error.lineno else f"{broken}: "
        code = [f"    {error.text.strip()}\n"] if error.text and error.text.strip() else []
        raise SubmissionError(f"{where}cannot import it: {type(error).__name__}: {error.msg}",
                              code) from None
    except (Exception, SystemExit) as error:  # noqa: BLE001 - a learner's file may raise anything
        raise SubmissionError(f"{name}: importing it raised {describe_exception(error)}",
                              own_frames(error, name)) from None
    finally:
        sys.path.remove(folder)
        sys.dont_write_bytecode = write_bytecode
    return module


def own_frames(error: BaseException | None, name: str | os.PathLike) -> list[str]:
    """The traceback lines of ``error`` that come from the file ``name`` (named as the user
    named it), and no others.

    Written out here rather than by ``traceback.format_list``, which adds ``^^^`` markers on
    some Python versions: the same error reads the same everywhere.
    """
    if error is None:
        return []
    own = Path(name).resolve()
    lines = [f'  File "{name}", line {frame.lineno}, in {frame.name}\n'
             + (f"    {frame.line}\n" if frame.line else "")
             for frame in traceback.extract_tb(error.__traceback__)
             if Path(frame.filename).resolve() == own]
    return _collapse_repeats(lines)


def _collapse_repeats(lines: list[str], keep: int = 3) -> list[str]:
    """Runs of the same frame (a recursion) shortened as Python's own tracebacks do."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j] == lines[i]:
            j += 1
        out += lines[i:i + min(j - i, keep)]
        if j - i > keep:
            out.append(f"  [Previous line repeated {j - i - keep} more times]\n")
        i = j
    return out
