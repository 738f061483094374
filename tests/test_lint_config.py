"""The lint and type-check settings: pinned, chosen on purpose, run by CI, and explained."""

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest itself needs tomli before Python 3.11
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT_TEXT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads(PYPROJECT_TEXT)
RUFF = PYPROJECT["tool"]["ruff"]
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_lint_tools_are_pinned_to_one_version_each():
    lint = PYPROJECT["project"]["optional-dependencies"]["lint"]
    pins = dict(re.fullmatch(r"([\w-]+)==([\w.]+)", entry).groups() for entry in lint)
    assert len(pins) == len(lint)
    assert {"ruff", "mypy", "build", "types-tqdm"} <= set(pins)


def test_ruff_and_mypy_target_the_oldest_python_and_the_house_line_length():
    assert RUFF["line-length"] == 100
    assert RUFF["target-version"] == "py310"
    assert PYPROJECT["project"]["requires-python"] == ">=3.10"
    assert PYPROJECT["tool"]["mypy"]["python_version"] == "3.10"


def test_the_rules_are_selected_explicitly_and_every_ignore_says_why():
    lint = RUFF["lint"]
    assert "select" in lint and "extend-select" not in lint  # not ruff's changing default
    for code in lint["ignore"]:
        line = next(line for line in PYPROJECT_TEXT.splitlines() if f'"{code}"' in line)
        assert "#" in line, f"{code}: no reason given beside it"


def test_every_ignore_is_of_a_selected_rule_and_every_per_file_ignore_names_files():
    lint = RUFF["lint"]
    selected = lint["select"]
    ignored = [*lint["ignore"], *(c for codes in lint["per-file-ignores"].values() for c in codes)]
    dead = [code for code in ignored if not any(code.startswith(s) for s in selected)]
    assert dead == []
    for pattern in lint["per-file-ignores"]:
        assert any(ROOT.glob(pattern)), f"per-file-ignores: {pattern} matches no file"


def test_ci_runs_ruff_mypy_and_the_sdists_tests_after_the_readmes_command():
    readme_command = CI.index("pip install '.[test]' && python -m pytest -q")
    steps = ["pip install -q '.[lint]'", "ruff check tinygrad_bp tests examples benchmarks docs",
             "mypy tinygrad_bp", "python -m build --sdist",
             "python -m pytest -q -p no:cacheprovider -x"]
    at = [CI.index(step) for step in steps]
    assert readme_command < at[0] and at == sorted(at)
    assert "set -euo pipefail" in CI


def test_the_design_page_says_why_the_code_is_not_ruff_formatted():
    doc = " ".join((ROOT / "docs" / "design.md").read_text(encoding="utf-8").split())
    assert "not by `ruff format`" in doc
    assert f"within {RUFF['line-length']} columns" in doc
