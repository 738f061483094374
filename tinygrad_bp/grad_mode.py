"""What the engine is doing in this thread: recording a graph or not, differentiating or not.

Both settings are per thread, as PyTorch's grad mode is: ``no_grad()`` in one thread leaves
the others recording, and blocks in two threads open and close independently. They live in
context variables (each thread starts with a fresh context). Ops check ``recording`` at every
node, so the common case (no ``no_grad()`` block open in any thread) is one integer compare.

``silence()`` / ``restore(token)`` turn numpy's floating-point warnings off and back on for
the calling thread: inf and nan are answers here, as they are for Python floats.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

recording = contextvars.ContextVar("recording", default=True)  # off inside no_grad()
differentiating = contextvars.ContextVar("differentiating", default=False)  # rules get Values
linking = contextvars.ContextVar("linking", default=False)  # see linked()
open_blocks = [0]  # no_grad() blocks open in all threads; while 0, every thread records
_lock = threading.Lock()


def is_grad_enabled() -> bool:
    """False inside ``no_grad()`` (in this thread): ops then build no graph."""
    return not open_blocks[0] or recording.get()


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Compute without recording a graph (evaluation, numerical checks, weight updates).

    The setting belongs to the calling thread, as in PyTorch: other threads keep recording.
    """
    with _lock:
        open_blocks[0] += 1
    token = recording.set(False)
    try:
        yield
    finally:
        recording.reset(token)
        with _lock:
            open_blocks[0] -= 1


@contextlib.contextmanager
def linked() -> Iterator[None]:
    """Ops link to their inputs even when none needs a gradient (the output needs none
    either): a recorded step keeps every path from its input leaves, so new data put into
    them flows through a replay (``tg.trace``). Outside it such an op makes a constant."""
    token = linking.set(True)
    try:
        yield
    finally:
        linking.reset(token)


@contextlib.contextmanager
def differentiating_graph() -> Iterator[None]:
    """Record even inside ``no_grad()``, and tell the rules they run on Values."""
    tokens = recording.set(True), differentiating.set(True)
    try:
        yield
    finally:
        differentiating.reset(tokens[1])
        recording.reset(tokens[0])


try:  # numpy 2 keeps its error state in a context variable: set it directly (np.errstate is
    # about five times slower, and ops on small arrays pay it at every node)
    from numpy._core.umath import _extobj_contextvar, _make_extobj

    silence: Callable[[], Any] = functools.partial(_extobj_contextvar.set,
                                                   _make_extobj(all="ignore"))
    restore: Callable[[Any], Any] = _extobj_contextvar.reset
except ImportError:  # numpy 1
    silence = functools.partial(np.seterr, all="ignore")

    def _reset(token: Any) -> Any:
        return np.seterr(**token)

    restore = _reset
