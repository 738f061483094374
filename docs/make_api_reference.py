"""Write docs/api.md, the API reference, from the package's docstrings and signatures.

Run ``python docs/make_api_reference.py`` after changing a public name or its docstring;
tests/test_api_reference.py fails while docs/api.md differs from what this script writes.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
import sys
import types
from pathlib import Path

SECTIONS = [  # (module, heading, what it is)
    ("tinygrad_bp", "tinygrad_bp",
     "the engine, derivative checks and drawings (`import tinygrad_bp as tg`)"),
    ("tinygrad_bp.nn", "tinygrad_bp.nn", "modules, activations, training, saving"),
    ("tinygrad_bp.nn.losses", "tinygrad_bp.losses",
     "loss functions (also `tinygrad_bp.nn.losses`)"),
    ("tinygrad_bp.nn.optim", "tinygrad_bp.optim", "optimisers (also `tinygrad_bp.nn.optim`)"),
    ("tinygrad_bp.data", "tinygrad_bp.data", "load, scale, split and score data"),
    ("tinygrad_bp.tutorial", "tinygrad_bp.tutorial", "the tutorial's functions and its case study"),
    ("tinygrad_bp.viz", "tinygrad_bp.viz", "drawings"),
]
OUT = Path(__file__).resolve().parent / "api.md"


def _default(value) -> str:
    """A default value as source would spell it, the same on every machine (no addresses)."""
    if isinstance(value, types.ModuleType):
        return value.__name__
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type)):
        return value.__qualname__
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    text = repr(value)
    return re.sub(r" at 0x[0-9a-f]+", "", text)


def _signature(obj) -> str:
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    parts, star_done = [], False
    for p in signature.parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        if p.kind is p.VAR_POSITIONAL:
            star_done = True
            text = f"*{p.name}"
        elif p.kind is p.VAR_KEYWORD:
            text = f"**{p.name}"
        else:
            text = p.name
        if p.default is not p.empty:
            text += f"={_default(p.default)}"
        parts.append(text)
    return f"({', '.join(parts)})"


def _doc(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip()


def _public_names(module) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, v in vars(module).items() if not n.startswith("_")
                 and getattr(v, "__module__", "").startswith(module.__name__)]
    return sorted(n for n in names if not isinstance(getattr(module, n), types.ModuleType))


def _entry(name: str, obj) -> list[str]:
    lines = []
    if inspect.isclass(obj):
        lines.append(f"### class `{name}{_signature(obj)}`")
        lines += ["", _doc(obj), ""]
        for attr, member in sorted(vars(obj).items()):
            if attr.startswith("_") and attr not in ("__call__",):
                continue
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            if isinstance(member, property):
                doc = _doc(member)
                lines.append(f"- `{name}.{attr}` (property)" + (f": {doc.splitlines()[0]}"
                                                                 if doc else ""))
            elif inspect.isfunction(member):
                doc = _doc(member)
                first = doc.split("\n\n")[0].replace("\n", " ") if doc else ""
                lines.append(f"- `{name}.{attr}{_signature(member)}`" + (f": {first}"
                                                                          if first else ""))
        lines.append("")
    elif callable(obj):
        lines += [f"### `{name}{_signature(obj)}`", "", _doc(obj), ""]
    else:
        lines += [f"### `{name}`", "", f"A {type(obj).__name__}.", ""]
    return lines


def reference() -> str:
    """The text of docs/api.md."""
    lines = ["# API reference", "",
             "Generated from the docstrings by `python docs/make_api_reference.py`; a test",
             "fails when this page and the code disagree. The chapters explain; this page lists.",
             ""]
    for module_name, heading, what in SECTIONS:
        module = importlib.import_module(module_name)
        lines += [f"## `{heading}`: {what}", ""]
        for name in _public_names(module):
            lines += _entry(name, getattr(module, name))
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(OUT.parents[1]))
    OUT.write_text(reference(), encoding="utf-8")
    print(f"wrote {OUT}")
