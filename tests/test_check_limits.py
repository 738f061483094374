"""tinygrad-bp check on submissions that loop, recurse, or go wrong and then raise."""

from __future__ import annotations

import sys
import textwrap

import pytest

from tinygrad_bp import cli

SIGN_FLIPPED_THEN_RAISES = '''
calls = 0

def backward_propagate_error(network, expected):
    global calls
    calls += 1
    if calls == 3:
        raise RuntimeError("boom")
    for i in reversed(range(len(network))):
        layer = network[i]
        if i == len(network) - 1:
            errors = [n["output"] - expected[j] for j, n in enumerate(layer)]
        else:
            errors = [sum(n["weights"][j] * n["delta"] for n in network[i + 1])
                      for j in range(len(layer))]
        for j, n in enumerate(layer):
            n["delta"] = errors[j] * n["output"] * (1.0 - n["output"])
'''


def _check(tmp_path, capsys, source: str, *options: str) -> tuple[int, str, str]:
    path = tmp_path / "backprop.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    status = cli.main(["check", str(path), *options])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_wrong_delta_found_before_a_raise_is_the_answer(tmp_path, capsys) -> None:
    status, out, err = _check(tmp_path, capsys, SIGN_FLIPPED_THEN_RAISES)
    assert (status, err) == (1, "")
    assert "['delta'] is wrong" in out and "on random network 1 of 2," in out
    assert "opposite sign" in out


def test_a_raise_before_any_wrong_delta_cannot_be_checked(tmp_path, capsys) -> None:
    source = "def backward_propagate_error(network, expected):\n    raise RuntimeError('boom')\n"
    status, out, err = _check(tmp_path, capsys, source)
    assert (status, out) == (2, "")
    assert err.startswith("tinygrad-bp: error: ") and "RuntimeError: boom" in err


def test_a_recursion_prints_a_few_frames_and_a_count(tmp_path, capsys) -> None:
    source = ("def f(n):\n    return f(n + 1)\n\n"
              "def backward_propagate_error(network, expected):\n    f(0)\n")
    status, _, err = _check(tmp_path, capsys, source)
    lines = err.splitlines()
    assert status == 2 and "RecursionError" in lines[0]
    assert len(lines) < 15
    assert lines[-1].startswith("  [Previous line repeated ") and lines[-1].endswith(
        " more times]")
    assert sum(line == "    return f(n + 1)" for line in lines) == 3


@pytest.mark.skipif(not hasattr(__import__("signal"), "setitimer"), reason="needs SIGALRM")
def test_an_endless_loop_is_stopped_at_the_time_limit(tmp_path, capsys) -> None:
    source = "def backward_propagate_error(network, expected):\n    while True:\n        pass\n"
    status, out, err = _check(tmp_path, capsys, source, "--timeout", "0.5")
    assert (status, out) == (2, "")
    assert err == ("tinygrad-bp: error: " + str(tmp_path / "backprop.py") + ": did not finish "
                   "within 0.5 s (an endless loop? --timeout sets the limit)\n")


def test_an_endless_loop_that_catches_exceptions_is_stopped_too(tmp_path, capsys) -> None:
    if sys.platform == "win32":
        pytest.skip("needs SIGALRM")
    source = ("def backward_propagate_error(network, expected):\n    while True:\n"
              "        try:\n            pass\n        except Exception:\n            pass\n")
    status, _, err = _check(tmp_path, capsys, source, "--timeout", "0.3")
    assert status == 2 and "did not finish within 0.3 s" in err


@pytest.mark.parametrize("exit_call", ["sys.exit(0)", "raise SystemExit", "os._exit(0)"])
def test_ending_the_process_from_the_backward_pass_is_no_pass(tmp_path, capsys,
                                                              exit_call: str) -> None:
    source = ("import os, sys\n\ndef backward_propagate_error(network, expected):\n"
              f"    {exit_call}\n")
    status, out, err = _check(tmp_path, capsys, source)
    assert (status, out) == (2, "")
    assert err.startswith("tinygrad-bp: error: ") and "raised SystemExit" in err


def test_a_check_that_stopped_early_says_so(tmp_path, capsys) -> None:
    status, out, _ = _check(tmp_path, capsys, SIGN_FLIPPED_THEN_RAISES)
    assert status == 1
    last = out.splitlines()[-1]
    assert last.startswith("stopped early: backward_propagate_error raised RuntimeError: boom "
                           "(on random network 3 of 100")
    assert last.endswith("(asked for 100 networks)")


@pytest.mark.skipif(not hasattr(__import__("signal"), "setitimer"), reason="needs SIGALRM")
def test_the_python_entry_point_has_the_time_limit_too(tmp_path) -> None:
    from tinygrad_bp.tutorial.submissions import SubmissionError, check_backprop_file

    path = tmp_path / "slow.py"
    path.write_text("while True:\n    pass\n", encoding="utf-8")  # loops while it is imported
    with pytest.raises(SubmissionError, match=r"slow\.py: did not finish within 0\.3 s"):
        check_backprop_file(path, timeout=0.3)
