"""Loading a script of the repository (an example, a docs generator) as a module, in tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def load(path: Path) -> ModuleType:
    """The module ``path`` defines, run once (``__name__`` is its file's stem, not
    ``__main__``, so its ``main()`` does not run)."""
    spec = importlib.util.spec_from_file_location(Path(path).stem, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
