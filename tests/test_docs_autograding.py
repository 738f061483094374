"""docs/12-autograding.md and examples/15_check_your_backprop.py print only what really happens.

The chapter's files are written into a temporary directory as a teacher would save them, and
its commands are run there: ``tinygrad-bp check`` (in-process), the shell loop over a class's
submissions and pytest on the teacher's test files (as subprocesses). Each output block must be
what they print. Its numbers are recomputed without the checker: autograd's deltas by the
plain-Python oracle (``reference.tutorial_algorithm``), the counts by running the oracle beside
the learner's code on the networks the checker hands out, gradcheck's numbers from
``math.tanh`` (to 1e-6: numpy's tanh may differ from libm's in the last bits, and a central
difference magnifies that).
"""
from __future__ import annotations

import copy
import importlib.util
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reference import tutorial_algorithm as ta
from reference.markdown import local_links, parse
from tinygrad_bp import cli
from tinygrad_bp import tutorial as tut
from tinygrad_bp.ops import OPS

REPO = Path(__file__).resolve().parents[1]
CHAPTER = REPO / "docs" / "12-autograding.md"
TEXT = CHAPTER.read_text(encoding="utf-8")
BLOCKS, PROSE = parse(TEXT)
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def block(above: str, lang: str | None = None, after: int = 0) -> str:
    """The body of the first block (from index ``after``) whose line above contains ``above``."""
    for b in BLOCKS[after:]:
        if above in b["above"] and (lang is None or b["lang"] == lang):
            return b["body"]
    raise AssertionError(f"no block under a line containing {above!r}")


def index_of(body: str) -> int:
    return next(i for i, b in enumerate(BLOCKS) if b["body"] == body)


LEARNER = block("A learner hands in `backprop.py`", "python")
OK_OUTPUT = BLOCKS[index_of(LEARNER) + 1]["body"]
SIGN = ("expected[j] - neuron['output']", "neuron['output'] - expected[j]")


def slipped(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, old
    return source.replace(old, new)


def command_output(body: str) -> tuple[str, str]:
    """A shown session: the ``$ command`` line and what follows it."""
    first, _, rest = body.partition("\n")
    assert first.startswith("$ ")
    return first[2:], rest


def run_check(capsys, tmp_path, monkeypatch, source: str, command: str = "tinygrad-bp check "
              "backprop.py") -> tuple[int, str, str]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "backprop.py").write_text(source)
    program, _, args = command.partition(" ")
    assert program == "tinygrad-bp"
    status = cli.main(args.split())
    out, err = capsys.readouterr()
    return status, out, err


def load(path: Path):
    spec = importlib.util.spec_from_file_location(f"doc_{path.stem}_{id(path)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def networks_seen(networks: int = 100, seed: int = 0) -> list:
    """The networks check_backprop hands a learner, with the targets, as the learner sees them."""
    seen = []
    tut.check_backprop(lambda network, expected: seen.append((copy.deepcopy(network),
                                                              list(expected))),
                       networks=networks, seed=seed)
    return seen


def count_wrong(function) -> tuple[int, int, int]:
    """(wrong deltas, all deltas, networks with a wrong delta), by the oracle and the slip."""
    wrong = total = bad_networks = 0
    for network, expected in networks_seen():
        ours, theirs = copy.deepcopy(network), copy.deepcopy(network)
        ta.backward_propagate_error(ours, expected)
        function(theirs, expected)
        pairs = [(a["delta"], b["delta"]) for la, lb in zip(ours, theirs) for a, b in zip(la, lb)]
        n = sum(abs(b - a) > 1e-12 + 1e-9 * abs(a) for a, b in pairs)
        wrong, total, bad_networks = wrong + n, total + len(pairs), bad_networks + (n > 0)
    return wrong, total, bad_networks


# --- tinygrad-bp check --------------------------------------------------------------------

def test_the_learners_file_passes_with_the_line_shown(capsys, tmp_path, monkeypatch) -> None:
    command, shown = command_output(OK_OUTPUT)
    status, out, err = run_check(capsys, tmp_path, monkeypatch, LEARNER, command)
    assert (status, err, out) == (0, "", shown)
    n_deltas = sum(len(layer) for network, _ in networks_seen() for layer in network)
    assert f"all {n_deltas} deltas" in shown and "on 100 random networks (seed 0;" in shown


def test_the_sign_slip_reports_as_shown(capsys, tmp_path, monkeypatch) -> None:
    body = block("`error = neuron['output'] - expected[j]`", "text")
    command, shown = command_output(body)
    status, out, err = run_check(capsys, tmp_path, monkeypatch, slipped(LEARNER, *SIGN), command)
    assert (status, err, out) == (1, "", shown)
    # the numbers, without the checker: network 1's output neuron 0, by the oracle
    network, expected = networks_seen(1)[0]
    ta.backward_propagate_error(network, expected)
    autograd = network[2][0]["delta"]
    assert f"handwritten {-autograd:.6g}, autograd {autograd:.6g}" in shown
    assert f"shape {len(network[0][0]['weights']) - 1}-1-3-5:" in shown
    assert [len(layer) for layer in network] == [1, 3, 5]
    module = load(tmp_path / "backprop.py")
    wrong, total, bad = count_wrong(module.backward_propagate_error)
    assert f"{wrong} of {total} deltas differ, on {bad} of 100 networks" in shown


def hint_table() -> list[tuple[str, str, str]]:
    rows = []
    for line in PROSE.splitlines():
        cells = re.findall(r"`([^`]*)`", line)
        if line.startswith("| `") and len(cells) == 3:
            rows.append(tuple(cells))
    return rows


def test_the_table_of_slips_lists_the_hints_the_command_gives(capsys, tmp_path, monkeypatch):
    rows = hint_table()
    assert len(rows) == 6
    for new, old, hint in rows:
        status, out, err = run_check(capsys, tmp_path, monkeypatch, slipped(LEARNER, old, new))
        assert status == 1 and err == ""
        line = out.splitlines()[2]
        assert line.startswith("hint: " + hint), (new, line)


def test_without_its_own_transfer_derivative_the_slope_slip_gets_the_general_hint(tmp_path):
    (tmp_path / "slope.py").write_text(slipped(LEARNER, "output * (1.0 - output)",
                                               "output * (1.0 + output)"))
    module = load(tmp_path / "slope.py")
    hint = "every delta is off, the output layer's too: check transfer_derivative"
    assert f"`{hint}`" in PROSE
    assert tut.check_backprop(module.backward_propagate_error).hint.startswith(hint)


def test_a_crash_shows_one_line_and_the_learners_own_lines(capsys, tmp_path, monkeypatch) -> None:
    body = block("With `expected[j + 1]`:", "text")
    command, shown = command_output(body)
    source = slipped(LEARNER, "expected[j] - neuron", "expected[j + 1] - neuron")
    status, out, err = run_check(capsys, tmp_path, monkeypatch, source, command)
    assert (status, out, err) == (2, "", shown)
    assert source.splitlines()[9] == "                error = expected[j + 1] - neuron['output']"


# --- pytest, a class, gradcheck -------------------------------------------------------------

TEACHER_TEST = next(b["body"] for b in BLOCKS if b["body"].startswith("# test_backprop.py"))
TANH_OP = block("The learner hands in `tanh_op.py`", "python")
TANH_TEST = next(b["body"] for b in BLOCKS if b["body"].startswith("# test_tanh_op.py"))
TANH_SLIP = ("return (g * (1 - y * y),)", "return (g * (1 - y),)")


def squeeze(line: str) -> str:
    return " ".join(line.split())


@pytest.fixture(scope="module")
def failing_pytest_run(tmp_path_factory) -> subprocess.CompletedProcess:
    """pytest on the teacher's two test files, beside the sign slip and the tanh slip."""
    where = tmp_path_factory.mktemp("class")
    (where / "backprop.py").write_text(slipped(LEARNER, *SIGN))
    (where / "test_backprop.py").write_text(TEACHER_TEST)
    (where / "tanh_op.py").write_text(slipped(TANH_OP, *TANH_SLIP))
    (where / "test_tanh_op.py").write_text(TANH_TEST)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "no:randomly", "-o", "addopts="], cwd=where, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_teachers_tests_fail_the_sign_slip_with_the_report(failing_pytest_run) -> None:
    out = failing_pytest_run.stdout
    assert failing_pytest_run.returncode == 1
    assert "FAILED test_backprop.py::test_every_delta_is_autograds" in out
    assert "FAILED test_backprop.py::test_the_tutorials_own_example" in out
    shown = block("the first failure's message is the report:", "text")
    lines = [squeeze(line) for line in out.splitlines()]
    start = lines.index(squeeze(shown.splitlines()[0]))
    assert lines[start:start + 3] == [squeeze(line) for line in shown.splitlines()]
    assert "3 failed, 1 passed" in out  # the tanh file's first test passes


def test_the_gradcheck_failure_is_as_shown(failing_pytest_run) -> None:
    shown = squeeze(block("both numbers:", "text"))
    actual = next(squeeze(line) for line in failing_pytest_run.stdout.splitlines()
                  if line.startswith("E") and "GradcheckError: gradcheck:" in line)
    assert NUMBER.sub("#", actual) == NUMBER.sub("#", shown)
    got = [float(n) for n in NUMBER.findall(actual)]
    want = [float(n) for n in NUMBER.findall(shown)]
    assert got == pytest.approx(want, rel=1e-6)
    analytic, numeric, difference, _ = want
    y = math.tanh(-3.0)  # element 0 of linspace(-3, 3, 7)
    assert analytic == pytest.approx(1 - y, rel=1e-12)
    assert numeric == pytest.approx(1 - y * y, rel=1e-6)
    assert (f"{abs(analytic - numeric):.3g}", f"{1e-6 + 1e-5 * numeric:.3g}") == \
        (str(difference), "1.1e-06")
    assert f"`1 - tanh(-3)` is {1 - y:.6g}" in PROSE and f"is {1 - y * y:.3g}" in PROSE


def test_the_teachers_tests_pass_the_right_answers(tmp_path, monkeypatch) -> None:
    """In this process: the right backprop and the right op pass every test in both files."""
    (tmp_path / "backprop.py").write_text(LEARNER)
    (tmp_path / "tanh_op.py").write_text(TANH_OP)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        for source in (TEACHER_TEST, TANH_TEST):
            namespace: dict = {}
            exec(compile(source, "<doc>", "exec"), namespace)  # the chapter's code
            tests = [f for name, f in namespace.items() if name.startswith("test_")]
            assert len(tests) == 2
            for test in tests:
                test()
    finally:
        OPS.pop("my_tanh", None)  # the learner's op registered itself; leave OPS as it was
        for name in ("backprop", "tanh_op"):
            sys.modules.pop(name, None)


def write_submissions(where: Path) -> None:
    """A class's answers: Ada's right, Ben's hidden sum without the weight, Cy's crashing."""
    submissions = where / "submissions"
    submissions.mkdir()
    (submissions / "ada.py").write_text(LEARNER)
    (submissions / "ben.py").write_text(slipped(
        LEARNER, "sum(n['weights'][j] * n['delta'] for n", "sum(n['delta'] for n"))
    (submissions / "cy.py").write_text(slipped(LEARNER, "expected[j] -", "expected[j + 1] -"))


def test_the_grading_loop_prints_each_submissions_status(tmp_path) -> None:
    loop = block("a shell one-liner:", "sh")
    shown = BLOCKS[index_of(loop) + 1]["body"]
    write_submissions(tmp_path)
    command = f"{sys.executable} -m tinygrad_bp"
    assert loop.count("tinygrad-bp") == 1
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]))
    done = subprocess.run(["bash", "-c", loop.replace("tinygrad-bp", command)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout == shown and done.returncode == 0


def test_the_grading_loop_in_python_prints_as_shown(tmp_path, monkeypatch, capsys) -> None:
    code = block("own lines:", "python")
    shown = BLOCKS[index_of(code) + 1]["body"]
    write_submissions(tmp_path)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "<doc>", "exec"), {})  # the chapter's own code
    assert capsys.readouterr().out == shown


# --- the example, and the chapter's links -------------------------------------------------

def test_example_15_prints_both_reports_and_their_numbers_are_right(examples) -> None:
    lines = examples("15_check_your_backprop")
    example = load(REPO / "examples" / "15_check_your_backprop.py")
    assert lines[0] == "backward_propagate_error: passed"
    assert count_wrong(example.backward_propagate_error) == (0, 880, 0)
    assert lines[1].startswith("all 880 deltas match autograd's -dE/da on 100 random networks")
    assert lines[2] == "backward_propagate_error_slipped: FAILED"
    network, expected = networks_seen(1)[0]
    ours, theirs = copy.deepcopy(network), copy.deepcopy(network)
    ta.backward_propagate_error(ours, expected)
    example.backward_propagate_error_slipped(theirs, expected)
    assert lines[3] == (f"network[1][0]['delta'] is wrong: handwritten "
                        f"{theirs[1][0]['delta']:.6g}, autograd {ours[1][0]['delta']:.6g}")
    assert lines[5].startswith("hint: the output layer's deltas are right, the hidden layers' "
                               "are not: check the error sum")
    wrong, total, bad = count_wrong(example.backward_propagate_error_slipped)
    assert lines[6].startswith(f"{wrong} of {total} deltas differ, on {bad} of 100 networks")
    assert lines[7] == "report.first: network 1, 3 layers, expected has 5 values"
    assert len(lines) == 8


def test_the_chapter_links_its_example_and_the_readme_links_it() -> None:
    # (test_docs_links checks that every link resolves)
    files = [file for file, _ in local_links(CHAPTER)]
    assert REPO / "examples" / "15_check_your_backprop.py" in files
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "[Autograding backprop exercises (for teachers)](docs/12-autograding.md)" in readme
