"""What many test files need, written once: the examples' output and the 500-epoch case study.

Both are slow enough (seconds) that each runs once in the whole suite: a session fixture keeps
the result, and under pytest-xdist the workers share it through a file in the session's
temporary folder, so a second worker waits for the first instead of computing it again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
POLLS = 12_000  # how many times (every 0.05 s, so ten minutes) to look for another's result


class Shared:
    """Results computed once per suite, kept in memory and, under xdist, in ``folder``."""

    def __init__(self, folder: Path | None):
        self.folder, self.results = folder, {}

    def _files(self, key: tuple) -> tuple[Path, Path]:
        name = hashlib.sha1(repr(key).encode()).hexdigest()[:16]
        return self.folder / f"{name}.lock", self.folder / f"{name}.pickle"

    def claim(self, key: tuple) -> bool:
        """True if this process is to compute ``key`` (no other worker has taken it on)."""
        if self.folder is None:
            return True
        lock, _ = self._files(key)
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def store(self, key: tuple, value=None, error: str | None = None) -> None:
        self.results[key] = (value, error)
        if self.folder is not None:
            _, data = self._files(key)
            partial = data.with_suffix(".partial")
            partial.write_bytes(pickle.dumps((value, error)))
            partial.replace(data)  # atomic: a reader sees all of it or nothing

    def fetch(self, key: tuple):
        """The stored value, waiting for the worker that computes it; its error re-raised."""
        if key not in self.results:
            _, data = self._files(key)
            for _ in range(POLLS):
                if data.exists():
                    break
                time.sleep(0.05)
            else:
                raise AssertionError(f"no other test worker delivered {key}")
            self.results[key] = pickle.loads(data.read_bytes())
        value, error = self.results[key]
        if error is not None:
            raise AssertionError(error)
        return value


@pytest.fixture(scope="session")
def shared(tmp_path_factory) -> Shared:
    under_xdist = "PYTEST_XDIST_WORKER" in os.environ
    return Shared(tmp_path_factory.getbasetemp().parent if under_xdist else None)


# -- the examples ------------------------------------------------------------------------------

class Examples:
    """``python examples/NAME.py ARGS`` as a user runs it, from the repository's root.

    ``examples("13_xor")`` is the lines it printed on stdout; it must exit with status 0 and
    print nothing on stderr. ``fast=True`` sets ``TINYGRAD_BP_FAST=1`` (otherwise it is unset).
    Each run happens once per suite; ``launch`` starts one in the background, so that a slow
    example runs while the test computes what to compare it with.
    """

    def __init__(self, shared: Shared):
        self.shared, self.threads = shared, {}

    def launch(self, name: str, *args: str, fast: bool = False) -> None:
        key = ("example", name, args, fast)
        if key in self.threads or key in self.shared.results or not self.shared.claim(key):
            return
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]))
        env.pop("TINYGRAD_BP_FAST", None)
        if fast:
            env["TINYGRAD_BP_FAST"] = "1"
        command = [sys.executable, f"examples/{name}.py", *args]

        def run() -> None:
            try:
                done = subprocess.run(command, cwd=REPO, env=env, capture_output=True,
                                      text=True, timeout=300, check=False)
            except (OSError, subprocess.SubprocessError) as error:
                self.shared.store(key, error=f"{' '.join(command[1:])}: {error}")
                return
            error = None
            if done.returncode != 0 or done.stderr:
                error = f"{' '.join(command[1:])} exited {done.returncode}:\n{done.stderr}"
            self.shared.store(key, tuple(done.stdout.splitlines()), error)

        self.threads[key] = threading.Thread(target=run, daemon=True)
        self.threads[key].start()

    def __call__(self, name: str, *args: str, fast: bool = False) -> tuple[str, ...]:
        key = ("example", name, args, fast)
        self.launch(name, *args, fast=fast)
        if key in self.threads:
            self.threads[key].join()
        return self.shared.fetch(key)


@pytest.fixture(scope="session")
def examples(shared) -> Examples:
    return Examples(shared)


# -- the case study --------------------------------------------------------------------------

@dataclass(frozen=True)
class SeedsRun:
    """``tinygrad-bp seeds`` with every default: exit status, what it printed, what it found."""

    status: int
    stdout: str
    stderr: str
    result: object  # the CrossValidation that cross_validate returned to the command


def run_seeds_command() -> SeedsRun:
    """``cli.main(["seeds"])`` in this process, stdout and stderr captured (not terminals).

    ``cross_validate`` is wrapped to keep what it returns, so the command's output and the
    result object come from the same single run.
    """
    from tinygrad_bp import cli
    from tinygrad_bp.tutorial import casestudy

    found = []
    real = casestudy.cross_validate

    def keeping(*args, **kwargs):
        found.append(real(*args, **kwargs))
        return found[-1]

    out, err, state = io.StringIO(), io.StringIO(), random.getstate()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(casestudy, "cross_validate", keeping)
        patch.setattr(cli, "cross_validate", keeping, raising=False)  # if cli imports it early
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = cli.main(["seeds"])
        finally:
            random.setstate(state)  # cross_validate seeds the global random
    assert len(found) == 1, "tinygrad-bp seeds no longer calls tutorial.casestudy.cross_validate"
    return SeedsRun(status, out.getvalue(), err.getvalue(), found[0])


@pytest.fixture(scope="session")
def seeds_default(shared) -> SeedsRun:
    """The suite's one run of the tutorial's case study at its defaults (500 epochs, 5 folds)."""
    key = ("tinygrad-bp seeds",)
    if shared.claim(key):
        try:
            run = run_seeds_command()
        except BaseException as error:
            shared.store(key, error=f"the default case study run failed: {error!r}")
            raise
        shared.store(key, (run.status, run.stdout, run.stderr, run.result))  # plain, to pickle
    return SeedsRun(*shared.fetch(key))
