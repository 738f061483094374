"""``tut.check_backprop`` and ``tinygrad-bp check``: a learner's own backward pass, checked.

Each planted bug is the tutorial's correct ``backward_propagate_error`` with one slip a learner
makes, written as a file in ``tmp_path`` as a learner would write it. The checker must fail
each, name the first wrong delta, and give the hint for that kind of slip; it must pass the
correct code and other correct ways of writing it. The expected deltas come from the plain-Python
oracle (``reference.tutorial_algorithm``), not from the checker.
"""
from __future__ import annotations

import copy
import importlib.util
import itertools
import random
import re
import subprocess
import sys

import pytest

from reference import tutorial_algorithm as ta
from tinygrad_bp import cli
from tinygrad_bp import tutorial as tut

CORRECT = '''\
def transfer_derivative(output):
    return output * (1.0 - output)


def backward_propagate_error(network, expected):
    for i in reversed(range(len(network))):
        layer = network[i]
        errors = list()
        if i != len(network)-1:
            for j in range(len(layer)):
                error = 0.0
                for neuron in network[i + 1]:
                    error += (neuron['weights'][j] * neuron['delta'])
                errors.append(error)
        else:
            for j in range(len(layer)):
                neuron = layer[j]
                errors.append(expected[j] - neuron['output'])
        for j in range(len(layer)):
            neuron = layer[j]
            neuron['delta'] = errors[j] * transfer_derivative(neuron['output'])
'''

# bug name -> (the slip: old text, new text), the hint's key words
BUGS = {
    "wrong slope": (("output * (1.0 - output)", "output * (1.0 + output)"),
                    "every delta is off, the output layer's too: check transfer_derivative"),
    "missing weight": (("(neuron['weights'][j] * neuron['delta'])", "neuron['delta']"),
                       "hidden layers' are not: check the error sum over the next layer"),
    "sign flip": (("expected[j] - neuron['output']", "neuron['output'] - expected[j]"),
                  "every delta has the opposite sign to autograd's"),
    "off-by-one weight": (("neuron['weights'][j]", "neuron['weights'][j + 1]"),
                          "hidden layers' are not: check the error sum over the next layer"),
    "off-by-one target": (("expected[j] -", "expected[j - 1] -"),
                          "some output deltas are right and some wrong"),
    "no derivative": (("errors[j] * transfer_derivative(neuron['output'])", "errors[j]"),
                      "the output deltas are just the errors: multiply each error by "
                      "transfer_derivative"),
    "no hidden derivative": (("errors[j] * transfer_derivative(neuron['output'])",
                              "errors[j] * (transfer_derivative(neuron['output']) "
                              "if i == len(network) - 1 else 1.0)"),
                             "the hidden layers' lack the slope"),
}


def learner_source(bug: str | None = None) -> str:
    if bug is None:
        return CORRECT
    old, new = BUGS[bug][0]
    assert old in CORRECT
    return CORRECT.replace(old, new)


def learner_file(tmp_path, source: str, name: str = "backprop.py"):
    path = tmp_path / name
    path.write_text(source)
    return path


def learner_module(tmp_path, source: str, name: str = "backprop.py"):
    path = learner_file(tmp_path, source, name)
    spec = importlib.util.spec_from_file_location(f"learner_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def oracle_deltas(layers, expected) -> list[list[float]]:
    network = copy.deepcopy(layers)
    ta.backward_propagate_error(network, expected)
    return [[neuron["delta"] for neuron in layer] for layer in network]


# --- the library function -------------------------------------------------------------------

def test_the_tutorials_own_code_passes(tmp_path) -> None:
    module = learner_module(tmp_path, CORRECT)
    report = tut.check_backprop(module.backward_propagate_error, module.transfer_derivative)
    assert report.ok and bool(report) and report.first is None and report.hint == ""
    assert report.networks == 100 and report.wrong == 0 and report.wrong_networks == 0
    assert str(report).startswith(f"all {report.deltas} deltas match autograd's -dE/da on 100 "
                                  "random networks (seed 0; |handwritten - autograd| <= 1e-12 + "
                                  "1e-09 * |autograd|)")


def test_every_neuron_of_every_network_is_compared(tmp_path) -> None:
    seen = []
    module = learner_module(tmp_path, CORRECT)

    def recording(network, expected):
        seen.append(([len(network[0][0]["weights"]) - 1] + [len(layer) for layer in network],
                     list(expected), all("output" in n and "delta" not in n
                                         for layer in network for n in layer)))
        module.backward_propagate_error(network, expected)

    report = tut.check_backprop(recording, networks=60, seed=3)
    assert len(seen) == 60
    assert report.deltas == sum(sum(shape[1:]) for shape, _, _ in seen)
    assert all(fresh for _, _, fresh in seen)  # outputs stored, no delta to copy
    assert {len(shape) - 2 for shape, _, _ in seen} == {1, 2, 3}  # hidden layers
    assert {n for shape, _, _ in seen for n in shape} == {1, 2, 3, 4, 5}
    targets = [t for _, t, _ in seen]
    assert any(sorted(t)[-1] == 1.0 and sum(t) == 1.0 for t in targets)  # one-hot
    assert any(0.0 < t[0] < 1.0 for t in targets)  # and uniform targets


def test_the_stored_outputs_are_a_forward_pass_of_the_stored_weights() -> None:
    captured = []
    tut.check_backprop(lambda network, expected: captured.append(copy.deepcopy(network)),
                       networks=5)
    for network in captured:  # each layer after the first reads the outputs before it
        for before, layer in itertools.pairwise(network):
            inputs = [n["output"] for n in before]
            assert [n["output"] for n in layer] == \
                [ta.transfer(ta.activate(n["weights"], inputs)) for n in layer]


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_each_planted_bug_is_caught_with_its_hint(tmp_path, bug: str) -> None:
    module = learner_module(tmp_path, learner_source(bug))
    report = tut.check_backprop(module.backward_propagate_error, networks=40)
    assert not report.ok and not bool(report)
    assert BUGS[bug][1] in report.hint
    m = report.first
    # autograd's number is the oracle's delta, the handwritten one what the bug computes
    want = oracle_deltas(m.layers, m.expected)[m.layer][m.neuron]
    assert m.autograd == pytest.approx(want, rel=1e-12, abs=1e-15)
    buggy = copy.deepcopy(m.layers)
    module.backward_propagate_error(buggy, list(m.expected))
    assert m.handwritten == buggy[m.layer][m.neuron]["delta"]
    assert m.where == f"network[{m.layer}][{m.neuron}]['delta']"
    assert m.shape == (len(m.layers[0][0]["weights"]) - 1, *(len(layer) for layer in m.layers))
    # the first one reported is the first the backward pass makes: what comes before is right
    oracle = oracle_deltas(m.layers, m.expected)
    for i in range(m.layer + 1, len(buggy)):
        assert [n["delta"] for n in buggy[i]] == pytest.approx(oracle[i], rel=1e-9, abs=1e-12)
    assert [n["delta"] for n in buggy[m.layer][:m.neuron]] == \
        pytest.approx(oracle[m.layer][:m.neuron], rel=1e-9, abs=1e-12)


def test_a_wrong_transfer_derivative_is_named_with_its_numbers(tmp_path) -> None:
    module = learner_module(tmp_path, learner_source("wrong slope"))
    report = tut.check_backprop(module.backward_propagate_error, module.transfer_derivative,
                                networks=10)
    found = re.fullmatch(r"transfer_derivative\((\S+)\) returned (\S+), but the sigmoid's slope "
                         r"there is output \* \(1.0 - output\) = (\S+)", report.hint)
    assert found, report.hint
    output, yours, slope = map(float, found.groups())
    assert yours == pytest.approx(output * (1.0 + output), rel=1e-5)
    assert slope == pytest.approx(output * (1.0 - output), rel=1e-5)


def test_a_mismatch_report_reads_as_promised(tmp_path) -> None:
    module = learner_module(tmp_path, learner_source("sign flip"))
    report = tut.check_backprop(module.backward_propagate_error, networks=7, seed=11)
    m = report.first
    lines = str(report).splitlines()
    assert len(lines) == 4
    handwritten, autograd = re.fullmatch(
        rf"network\[{m.layer}\]\[{m.neuron}\]\['delta'\] is wrong: handwritten (\S+), autograd "
        r"(\S+)", lines[0]).groups()
    assert float(handwritten) == pytest.approx(-float(autograd)) and \
        float(autograd) == pytest.approx(m.autograd, rel=1e-5)
    assert lines[1].startswith(f"  on random network {m.number} of 7, shape "
                               f"{'-'.join(map(str, m.shape))}: {m.shape[0]} input")
    assert lines[2] == "hint: " + report.hint
    assert lines[3] == (f"{report.wrong} of {report.deltas} deltas differ, on 7 of 7 networks "
                        "(seed 11; |handwritten - autograd| <= 1e-12 + 1e-09 * |autograd|)")
    assert report.wrong == report.deltas  # a sign flip spoils every delta


def test_describe_shape_counts_inputs_layers_and_outputs() -> None:
    from tinygrad_bp.tutorial.checking import describe_shape
    assert describe_shape((2, 3, 1)) == "2-3-1: 2 inputs, a hidden layer of 3 neurons, 1 output"
    assert describe_shape((1, 4, 2, 5, 3)) == \
        "1-4-2-5-3: 1 input, hidden layers of 4, 2 and 5 neurons, 3 outputs"


def test_other_correct_ways_of_writing_it_pass() -> None:
    def reversed_sums(network, expected):  # the same terms added in the other order
        for i in reversed(range(len(network))):
            for j, neuron in enumerate(network[i]):
                if i == len(network) - 1:
                    error = expected[j] - neuron["output"]
                else:
                    error = sum(n["weights"][j] * n["delta"] for n in reversed(network[i + 1]))
                neuron["delta"] = neuron["output"] * (1 - neuron["output"]) * error

    def with_numpy(network, expected):
        import numpy as np
        error = np.asarray(expected) - [n["output"] for n in network[-1]]
        for i in reversed(range(len(network))):
            outputs = np.array([n["output"] for n in network[i]])
            deltas = error * outputs * (1 - outputs)
            for neuron, delta in zip(network[i], deltas):
                neuron["delta"] = delta  # a numpy float is a number
            weights = np.array([n["weights"][:-1] for n in network[i]])
            error = deltas @ weights

    for function in (reversed_sums, with_numpy):
        assert tut.check_backprop(function, networks=50).ok


def test_the_tolerance_is_what_the_report_says(tmp_path) -> None:
    module = learner_module(tmp_path, CORRECT)

    def nudged(scale):
        def function(network, expected):
            module.backward_propagate_error(network, expected)
            for layer in network:
                for neuron in layer:
                    neuron["delta"] *= 1 + scale
        return function

    assert tut.check_backprop(nudged(1e-11), networks=20).ok
    assert not tut.check_backprop(nudged(1e-7), networks=20).ok
    assert tut.check_backprop(nudged(1e-7), networks=20, rtol=1e-6).ok


def test_a_missing_delta_is_a_mismatch_with_its_own_hint() -> None:
    def forgets_the_first_layer(network, expected):
        ta.backward_propagate_error(network, expected)
        del network[0][0]["delta"]

    report = tut.check_backprop(forgets_the_first_layer, networks=5)
    assert not report.ok and report.first.handwritten is None
    assert report.first.where == "network[0][0]['delta']"
    assert report.hint.startswith("some neurons hold no number in 'delta'")


def test_seeds_repeat_and_differ_and_leave_the_global_stream_alone() -> None:
    random.seed(123)
    state = random.getstate()
    shapes = {}
    for seed in (0, 0, 1):
        seen = []
        tut.check_backprop(lambda net, e, seen=seen: seen.append(tuple(map(len, net))) or
                           ta.backward_propagate_error(net, e), networks=10, seed=seed)
        shapes.setdefault(seed, []).append(seen)
    assert random.getstate() == state
    assert shapes[0][0] == shapes[0][1] and shapes[0][0] != shapes[1][0]


def test_code_that_raises_is_reported_with_the_network_it_raised_on() -> None:
    def crashes_on_deep_networks(network, expected):
        if len(network) > 2:
            raise IndexError("list index out of range")
        ta.backward_propagate_error(network, expected)

    with pytest.raises(tut.LearnerCodeError, match=r"crashes_on_deep_networks raised IndexError: "
                                                   r"list index out of range \(on random network "
                                                   r"\d+ of 30, shape ") as caught:
        tut.check_backprop(crashes_on_deep_networks, networks=30)
    assert isinstance(caught.value.__cause__, IndexError)
    assert caught.value.number >= 1


def test_a_function_with_other_arguments_is_refused_before_it_runs() -> None:
    with pytest.raises(TypeError, match=r"takes_one must take \(network, expected\), like the "
                                        r"tutorial's; yours takes \(network\)"):
        tut.check_backprop(_takes_one)
    with pytest.raises(TypeError, match="must be a function, not int"):
        tut.check_backprop(3)
    with pytest.raises(ValueError, match="networks must be at least 1"):
        tut.check_backprop(ta.backward_propagate_error, networks=0)


def _takes_one(network):
    return None


_takes_one.__name__ = "takes_one"


def test_check_backprop_file_is_what_the_command_runs(tmp_path) -> None:
    report = tut.check_backprop_file(learner_file(tmp_path, learner_source("sign flip")),
                                     networks=5)
    assert not report.ok and report.networks == 5 and "opposite sign" in report.hint
    crash = learner_file(tmp_path, CORRECT.replace(
        "        errors = list()\n", "        errors = list()\n        first = layer[5]\n"),
        "crash.py")
    with pytest.raises(tut.SubmissionError, match=r"crash.py: backward_propagate_error raised "
                                                  r"IndexError: list index out of range") as got:
        tut.check_backprop_file(crash, networks=3)
    assert got.value.traceback_lines == [
        f'  File "{crash}", line 9, in backward_propagate_error\n    first = layer[5]\n']


# --- tinygrad-bp check ------------------------------------------------------------------------

def check(capsys, *args) -> tuple[int, str, str]:
    status = cli.main(["check", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_correct_code_exits_0_with_one_line(tmp_path, capsys) -> None:
    path = learner_file(tmp_path, CORRECT)
    report = tut.check_backprop(learner_module(tmp_path, CORRECT, "same.py")
                                .backward_propagate_error, networks=25, seed=4)
    status, out, err = check(capsys, path, "--networks", 25, "--seed", 4)
    assert (status, err) == (0, "")
    assert out == (f"{path}: backward_propagate_error: all {report.deltas} deltas match "
                   "autograd's -dE/da on 25 random networks (seed 4; |handwritten - autograd| "
                   "<= 1e-12 + 1e-09 * |autograd|)\n")


@pytest.mark.parametrize("bug", ["wrong slope", "missing weight", "sign flip"])
def test_cli_a_bug_exits_1_naming_the_first_wrong_delta(tmp_path, capsys, bug: str) -> None:
    path = learner_file(tmp_path, learner_source(bug))
    status, out, err = check(capsys, path, "--networks", 10)
    assert (status, err) == (1, "")
    lines = out.splitlines()
    assert re.fullmatch(rf"{re.escape(str(path))}: backward_propagate_error: network\[\d\]\[\d\]"
                        r"\['delta'\] is wrong: handwritten \S+, autograd \S+", lines[0])
    assert re.fullmatch(r"  on random network \d+ of 10, shape [\d-]+: .*", lines[1])
    assert lines[2].startswith("hint: ")
    if bug == "wrong slope":  # the file's own transfer_derivative is checked too
        assert lines[2].startswith("hint: transfer_derivative(")
    else:
        assert BUGS[bug][1] in lines[2]


def test_cli_the_learners_code_raising_shows_only_their_lines(tmp_path, capsys) -> None:
    source = CORRECT.replace("        errors = list()\n",
                             "        errors = list()\n        first = layer[5]\n")
    path = learner_file(tmp_path, source)
    status, out, err = check(capsys, path, "--networks", 3)
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert re.fullmatch(rf"tinygrad-bp: error: {re.escape(str(path))}: backward_propagate_error "
                        r"raised IndexError: list index out of range \(on random network 1 of "
                        r"3, shape .*\)", lines[0])
    assert lines[1] == f'  File "{path}", line 9, in backward_propagate_error'
    assert lines[2] == "    first = layer[5]"
    assert "tinygrad_bp" not in err and "Traceback" not in err


def test_cli_an_import_that_raises_shows_the_learners_line(tmp_path, capsys) -> None:
    path = learner_file(tmp_path, "import math\nx = 1 / 0\n" + CORRECT)
    status, out, err = check(capsys, path)
    assert (status, out) == (2, "")
    assert err.splitlines()[:3] == [
        f"tinygrad-bp: error: {path}: importing it raised ZeroDivisionError: division by zero",
        f'  File "{path}", line 2, in <module>', "    x = 1 / 0"]


def test_cli_a_syntax_error_names_the_line(tmp_path, capsys) -> None:
    path = learner_file(tmp_path, "def backward_propagate_error(network, expected)\n    pass\n")
    status, out, err = check(capsys, path)
    assert (status, out) == (2, "")
    first = err.splitlines()[0]
    assert first.startswith(f"tinygrad-bp: error: {path}:1: cannot import it: SyntaxError: ")
    assert "tinygrad_bp" not in err and "Traceback" not in err


@pytest.mark.parametrize("name, source, message", [
    ("missing.py", None, "{path}: file not found"),
    ("notes.txt", CORRECT, "{path}: not a Python file (expected FILE.py)"),
    ("other.py", "def transfer_derivative(o):\n    return o\n",
     "{path}: defines no function backward_propagate_error(network, expected)"),
    ("wrongargs.py", "def backward_propagate_error(network):\n    pass\n",
     "{path}: backward_propagate_error must take (network, expected), like the tutorial's; "
     "yours takes (network)"),
])
def test_cli_bad_input_is_exit_2_and_one_line(tmp_path, capsys, name, source, message) -> None:
    path = tmp_path / name
    if source is not None:
        path.write_text(source)
    status, out, err = check(capsys, path)
    assert (status, out) == (2, "")
    assert err == "tinygrad-bp: error: " + message.format(path=path) + "\n"


def test_cli_a_directory_and_bad_options_are_exit_2(tmp_path, capsys) -> None:
    (tmp_path / "pkg.py").mkdir()
    assert check(capsys, tmp_path / "pkg.py") == \
        (2, "", f"tinygrad-bp: error: {tmp_path / 'pkg.py'}: is a directory, not a file\n")
    status, out, err = check(capsys, learner_file(tmp_path, CORRECT), "--networks", "0")
    assert (status, out) == (2, "")
    assert err == ("tinygrad-bp: error: argument --networks: must be at least 1, got 0 "
                   "(see 'tinygrad-bp check --help')\n")


def test_cli_the_learners_file_can_import_its_neighbours_and_is_not_main(tmp_path, capsys):
    (tmp_path / "slope.py").write_text("def transfer_derivative(output):\n"
                                       "    return output * (1.0 - output)\n")
    source = CORRECT.split("\n\n\n", 1)[1]  # without its own transfer_derivative
    path = learner_file(tmp_path, "from slope import transfer_derivative\n\n\n" + source +
                        "\nif __name__ == '__main__':\n    raise SystemExit('ran as main')\n")
    status, _, err = check(capsys, path, "--networks", 5)
    assert (status, err) == (0, "")
    assert not (tmp_path / "__pycache__").exists()  # nothing written beside the learner's file
    assert str(tmp_path) not in sys.path


def test_cli_as_a_real_command_gives_the_exit_statuses(tmp_path) -> None:
    good, bad = learner_file(tmp_path, CORRECT), learner_file(tmp_path, learner_source(
        "sign flip"), "bad.py")
    runs = [subprocess.run([sys.executable, "-m", "tinygrad_bp", "check", str(path),
                            "--networks", "5"], capture_output=True, text=True, timeout=60,
                           check=False)
            for path in (good, bad)]
    assert [run.returncode for run in runs] == [0, 1]
    assert runs[0].stdout.count("\n") == 1 and "all " in runs[0].stdout
    assert "opposite sign" in runs[1].stdout and runs[1].stderr == ""
