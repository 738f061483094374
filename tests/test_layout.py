"""The package's layers: imports flow one way, the old import paths work, the CLI loads on
demand."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tinygrad_bp"

ENGINE = {"value", "engine", "ops", "checks", "errors", "verify", "derivatives", "grad_mode",
          "operands", "protocols", "replay", "program", "symbolic", "codegen", "compiled"}
LAYER = {**dict.fromkeys(ENGINE, "engine"), "nn": "nn", "data": "data",
         "tutorial": "tutorial", "viz": "viz", "cli": "cli"}
ALLOWED = {  # which layers each layer may import (besides itself)
    "engine": set(),
    "nn": {"engine"},
    "data": {"engine"},
    "viz": {"engine"},
    "tutorial": {"engine", "nn", "data"},
    "cli": {"engine", "nn", "data", "tutorial", "viz"},
}
LAZY = {  # layers a module may import inside its functions only, so importing it loads nothing:
    # History.plot() and .save_page() draw with viz when called; nn itself never needs viz
    "tinygrad_bp.nn.history": {"viz"},
    # a check report's .draw() and .plot(), and the drawing's node names in its table
    "tinygrad_bp.verify.graph": {"viz"},
    "tinygrad_bp.verify.sweep": {"viz"},
}
OLD_PATHS = {"losses": "nn.losses", "optim": "nn.optim", "saving": "nn.saving",
             "splits": "data.splits", "casestudy": "tutorial.casestudy"}


def _python(code: str) -> subprocess.CompletedProcess:
    """``code`` run by a fresh interpreter from the repository root (nothing imported yet)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=PACKAGE.parent, check=True)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_statements(tree: ast.Module):
    """Every import statement with whether it sits inside a function (runs only when called)."""
    todo = [(node, False) for node in tree.body]
    while todo:
        node, inside = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, inside
        inside = inside or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        todo.extend((child, inside) for child in ast.iter_child_nodes(node))


def _imports(path: Path, lazy: bool | None = None) -> set[str]:
    """The tinygrad_bp modules ``path`` imports, as absolute dotted names.

    ``lazy=True``: only those imported inside functions; ``False``: only the others.
    """
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node, inside in _import_statements(ast.parse(path.read_text(encoding="utf-8"))):
        if lazy is not None and inside != lazy:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {t for t in found if t.startswith("tinygrad_bp.")}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return LAYER.get(parts[1]) if len(parts) > 1 else None


def _sources():
    shims = {PACKAGE / f"{old}.py" for old in OLD_PATHS}
    return [p for p in sorted(PACKAGE.rglob("*.py"))
            if p not in shims and p != PACKAGE / "__init__.py" and p.name != "__main__.py"]


def test_every_module_belongs_to_a_layer() -> None:
    assert all(_layer(_module_name(p)) for p in _sources())


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_flow_one_way(path: Path) -> None:
    own = _layer(_module_name(path))
    lazy = LAZY.get(_module_name(path), set())
    wrong = {t for t in _imports(path, lazy=False) | {t for t in _imports(path, lazy=True)
                                                       if _layer(t) not in lazy}
             if _layer(t) not in (None, own) and _layer(t) not in ALLOWED[own]}
    assert not wrong, f"{path.name} ({own}) imports {sorted(wrong)}"


def test_lazy_imports_are_inside_functions_and_the_check_sees_both_kinds() -> None:
    history = PACKAGE / "nn" / "history.py"
    assert {_layer(t) for t in _imports(history, lazy=True)} == {"viz"}
    assert not {_layer(t) for t in _imports(history, lazy=False)} & {"viz"}
    sample = ast.parse("import a\nclass C:\n    def f(self):\n        import b\n"
                       "        g = lambda: __import__('c')\nif x:\n    import d\n")
    found = sorted((n.names[0].name, inside) for n, inside in _import_statements(sample))
    assert found == [("a", False), ("b", True), ("d", False)]


def test_the_verify_modules_import_drawing_code_inside_functions_only() -> None:
    for path in (PACKAGE / "verify" / "graph.py", PACKAGE / "verify" / "sweep.py"):
        assert {_layer(t) for t in _imports(path, lazy=True)} == {"viz"}
        assert not {_layer(t) for t in _imports(path, lazy=False)} & {"viz"}


def test_the_verification_tools_load_no_drawing_code_until_asked() -> None:
    code = ("import sys, tinygrad_bp.verify; "
            "print(sorted(m for m in sys.modules if m.startswith('tinygrad_bp.viz')))")
    done = _python(code)
    assert done.stdout.strip() == "[]"


def test_no_import_circle_between_modules() -> None:
    modules = {_module_name(p): p for p in _sources()}
    graph = {m: {t for t in _imports(p) if t in modules and t != m} for m, p in modules.items()}
    # a package's __init__ re-exports its modules; only edges between modules can form a circle
    packages = {m for m, p in modules.items() if p.name == "__init__.py"}
    graph = {m: {t for t in ts if t not in packages} for m, ts in graph.items()
             if m not in packages}
    state: dict[str, int] = {}

    def visit(m, path):
        state[m] = 1
        for t in graph.get(m, ()):
            assert state.get(t) != 1, f"import circle: {' -> '.join(path + [t])}"
            if t not in state:
                visit(t, path + [t])
        state[m] = 2

    for m in graph:
        if m not in state:
            visit(m, [m])


def test_the_subpackages_are_attributes_after_a_plain_import() -> None:
    code = ("import tinygrad_bp as tg; "
            "print(all(hasattr(tg, n) for n in ['nn', 'data', 'tutorial', 'viz', 'losses', "
            "'optim'])); print(tg.losses.cross_entropy.__module__, tg.optim.SGD.__module__)")
    done = _python(code)
    assert done.stdout.split() == ["True", "tinygrad_bp.nn.losses", "tinygrad_bp.nn.optim"]


@pytest.mark.parametrize("old, new", sorted(OLD_PATHS.items()))
def test_old_import_paths_are_the_new_modules(old: str, new: str) -> None:
    code = (f"import tinygrad_bp.{old} as a, tinygrad_bp.{new} as b; "
            f"from tinygrad_bp.{old} import *; print(a is b)")
    done = _python(code)
    assert done.stdout.strip() == "True"


def test_importing_the_package_loads_no_command_line_code() -> None:
    code = ("import sys, tinygrad_bp; "
            "print(sorted(m for m in ('argparse', 'tinygrad_bp.cli') if m in sys.modules))")
    done = _python(code)
    assert done.stdout.strip() == "[]"


def test_the_lazy_exports_and_what_type_checkers_see_are_the_same_names() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    checked = next(node for node in tree.body if isinstance(node, ast.If))  # if TYPE_CHECKING:
    seen = {alias.asname or alias.name for node in checked.body for alias in node.names}
    import tinygrad_bp

    assert seen == set(tinygrad_bp.__all__)
    for name in tinygrad_bp.__all__:
        assert getattr(tinygrad_bp, name) is not None, name


def test_a_misspelt_name_is_an_attribute_error_naming_it() -> None:
    import tinygrad_bp

    with pytest.raises(AttributeError, match="no attribute 'Valeu'"):
        tinygrad_bp.Valeu  # noqa: B018


def test_help_and_version_import_neither_numpy_nor_the_library() -> None:
    code = ("import sys\nfrom tinygrad_bp import cli\n"
            "for argv in (['--help'], ['--version'], ['seeds', '--help'], ['graph', '--help']):\n"
            "    try:\n        cli.main(argv)\n    except SystemExit as done:\n"
            "        assert done.code == 0, done.code\n"
            "print(sorted(m for m in ('numpy', 'tinygrad_bp.value', 'graphviz') "
            "if m in sys.modules))")
    done = _python(code)
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("package", ["", "nn", "data", "tutorial", "viz", "verify", "ops"])
def test_no_module_shares_a_name_with_a_function_its_package_exports(package: str) -> None:
    # importing tinygrad_bp.X sets the package's attribute X to that module, which would hide
    # a function exported as tg.X (tg.gradcheck once became a module this way)
    import importlib
    import types

    folder = PACKAGE / package
    module = importlib.import_module("tinygrad_bp" + (f".{package}" if package else ""))
    names = {p.stem for p in folder.glob("*.py")} | {p.name for p in folder.iterdir()
                                                     if (p / "__init__.py").exists()}
    clashes = {name for name in names & set(module.__all__)
               if not isinstance(getattr(module, name), types.ModuleType)}
    assert not clashes


def test_design_md_draws_every_layer_this_test_knows() -> None:
    text = (PACKAGE.parent / "docs" / "design.md").read_text(encoding="utf-8")
    picture = text.split("## The layers", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    for name in ["nn/", "data/", "tutorial/", "viz/", "cli.py", "ops/", "value", "engine",
                 "derivatives", "checks", "verify/", "grad_mode", "errors"]:
        assert name in picture, name
    assert set(LAYER.values()) == {"engine", "nn", "data", "tutorial", "viz", "cli"}
    # the one training loop the page names is where it says
    assert "def train(" in (PACKAGE / "nn" / "training.py").read_text(encoding="utf-8")
    assert "ACTIVATIONS" in (PACKAGE / "nn" / "activations.py").read_text(encoding="utf-8")
    assert "class Optimizer" in (PACKAGE / "nn" / "optim.py").read_text(encoding="utf-8")
