"""The tutorial's examples (examples/05-09) run and print the tutorial's numbers.

Each script runs as a user would run it (``python examples/NN_name.py`` from the repository's
root) and every number it prints is checked: the tutorial's own print-outs against TUTORIAL.md's
constants (``reference.tutorial_numbers``), the autograd columns against the oracle
(``reference.tutorial_algorithm``) or against each other where they must agree.
"""
import ast
import copy
import random
import re
from pathlib import Path

import numpy as np
import pytest

from reference import tutorial_algorithm as ta
from reference import tutorial_numbers as tn

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = ["05_initialize", "06_forward", "07_backpropagate", "08_train", "09_predict"]
NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"


def dict_lines(lines: list[str]) -> list[list[dict]]:
    """The layers the example printed the way the tutorial does (``print(layer)``)."""
    return [ast.literal_eval(line) for line in lines if line.startswith("[{")]


def table(lines: list[str], first_word: str) -> list[list[str]]:
    """Rows of an indented table whose first cell matches ``first_word`` (a regex)."""
    return [line.split() for line in lines if re.match(rf"  {first_word}\b", line)]


def item1_oracle() -> ta.Network:
    return [[{"weights": list(w)} for w in layer] for layer in (tn.INIT_HIDDEN, tn.INIT_OUTPUT)]


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_runs_and_says_how_to_run_it(name: str, examples) -> None:
    assert examples(name)
    source = (REPO / "examples" / f"{name}.py").read_text()
    assert f"python examples/{name}.py" in source


def test_05_initialize(examples) -> None:
    lines = list(examples("05_initialize"))
    layers = dict_lines(lines)
    assert layers == [[{"weights": w} for w in tn.INIT_HIDDEN],
                      [{"weights": w} for w in tn.INIT_OUTPUT]]
    rows = table(lines, r"L\d")
    assert [row[0] for row in rows] == ["L0.n0.w0", "L0.n0.w1", "L0.n0.b",
                                        "L1.n0.w0", "L1.n0.b", "L1.n1.w0", "L1.n1.b"]
    flat = [w for layer in (tn.INIT_HIDDEN, tn.INIT_OUTPUT) for neuron in layer for w in neuron]
    assert [float(row[1].removeprefix("data=")) for row in rows] == flat
    assert all(row[2] == "grad=0.0" for row in rows)
    assert ("7 parameters: (2 inputs + bias) x 1 hidden neuron + (1 hidden output + bias) x 2 "
            "output neurons") in lines
    assert ("Autograd's view: MLP(2, [1, 2], granularity='neuron'), every weight a leaf Value "
            "with a gradient") in lines


def test_06_forward(examples) -> None:
    lines = list(examples("06_forward"))
    assert ast.literal_eval(lines[1]) == tn.FORWARD_OUTPUTS
    network = item1_oracle()
    inputs = tn.FORWARD_ROW
    want = []
    for layer in network:
        for neuron in layer:
            a = ta.activate(neuron["weights"], inputs)
            want.append((a, ta.transfer(a)))
        inputs = [ta.transfer(ta.activate(n["weights"], inputs)) for n in layer]
    got = [tuple(map(float, m)) for m in
           re.findall(rf"= ({NUMBER}), output = sigmoid\(a\) = ({NUMBER})", "\n".join(lines))]
    assert got == want
    sums = [line for line in lines if "a = " in line]
    assert sums[0] == (f"  layer 0 neuron 0: a = {tn.INIT_HIDDEN[0][2]!r}*1 + "
                       f"{tn.INIT_HIDDEN[0][0]!r}*1 + {tn.INIT_HIDDEN[0][1]!r}*0")
    # Output 0's graph: 5 weights, the 2 inputs, and hidden (2 *, 2 +, sigmoid) + output
    # (1 *, 1 +, sigmoid) = 8 operations.
    assert lines[-1] == ("  the graph of output 0 has 15 nodes: the weights L0.n0.w0, L0.n0.w1, "
                         "L0.n0.b, L1.n0.w0, L1.n0.b; the inputs [1.0, 0.0] (constants: no "
                         "gradient); and 8 operations (* + sigmoid)")


def test_07_backpropagate(examples) -> None:
    lines = list(examples("07_backpropagate"))
    hidden, output = dict_lines(lines)
    assert [n["weights"] for n in hidden] == tn.INIT_HIDDEN
    assert [n["weights"] for n in output] == tn.INIT_OUTPUT
    assert [n["output"] for n in hidden] == tn.BACKWARD_HIDDEN_OUTPUTS
    assert [n["output"] for n in output] == tn.BACKWARD_OUTPUT_OUTPUTS
    assert [n["delta"] for n in hidden] == tn.BACKWARD_HIDDEN_DELTAS
    assert [n["delta"] for n in output] == tn.BACKWARD_OUTPUT_DELTAS

    rows = table(lines, "(output|hidden)")
    assert [row[:2] for row in rows] == [["output", "0"], ["output", "1"], ["hidden", "0"]]
    deltas = tn.BACKWARD_OUTPUT_DELTAS + tn.BACKWARD_HIDDEN_DELTAS
    for row, delta in zip(rows, deltas):
        assert [float(cell) for cell in row[2:]] == [delta, delta, delta]

    rows = table(lines, r"L1")
    assert [row[0] for row in rows] == ["L1.n0.w0", "L1.n0.b", "L1.n1.w0", "L1.n1.b"]
    h = tn.BACKWARD_HIDDEN_OUTPUTS[0]
    want = [-d * x for d in tn.BACKWARD_OUTPUT_DELTAS for x in (h, 1.0)]
    assert [float(row[1]) for row in rows] == [float(row[2]) for row in rows] == want


def test_08_train(examples) -> None:
    lines = list(examples("08_train"))
    epochs = [line for line in lines if line.startswith(">epoch=")]
    assert epochs == [f">epoch={i}, lrate=0.500, error={e}"
                      for i, e in enumerate(tn.TRAIN_SUM_ERROR_3DP)]
    hidden, output = dict_lines(lines)
    np.testing.assert_allclose([n["weights"] for n in hidden], tn.TRAIN_FINAL_HIDDEN, rtol=1e-12)
    np.testing.assert_allclose([n["weights"] for n in output], tn.TRAIN_FINAL_OUTPUT, rtol=1e-12)

    # The first update, against the oracle's hand-written step on the same network and row.
    random.seed(tn.SEED)
    network = ta.initialize_network(2, tn.TRAIN_N_HIDDEN, tn.TRAIN_N_OUTPUTS)
    before = copy.deepcopy(network)
    row = tn.CONTRIVED_DATASET[0]
    ta.forward_propagate(network, row)
    ta.backward_propagate_error(network, [1, 0])
    ta.update_weights(network, row, tn.TRAIN_L_RATE)
    inputs = [row[:2], [n["output"] for n in network[0]]]
    want_delta_x = [-n["delta"] * x for layer, xs in zip(network, inputs)
                    for n in layer for x in [*xs, 1.0]]
    rows = table(lines, r"L\d")
    assert len(rows) == 12
    cells = np.array([[float(c) for c in r[1:]] for r in rows])
    flat = lambda net: [w for layer in net for n in layer for w in n["weights"]]  # noqa: E731
    assert cells[:, 0].tolist() == flat(before)
    np.testing.assert_array_equal(cells[:, 1], cells[:, 2])  # dE/dw is -delta * input
    np.testing.assert_allclose(cells[:, 2], want_delta_x, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(cells[:, 3], flat(network), rtol=1e-12)
    np.testing.assert_allclose(cells[:, 3], cells[:, 0] - tn.TRAIN_L_RATE * cells[:, 1], rtol=1e-15)


def test_09_predict(examples) -> None:
    lines = list(examples("09_predict"))
    labels = [row[-1] for row in tn.CONTRIVED_DATASET]
    assert [line for line in lines if line.startswith("Expected=")] == \
        [f"Expected={y}, Got={y}" for y in labels]
    network = [[{"weights": list(w)} for w in layer]
               for layer in (tn.PREDICT_HIDDEN, tn.PREDICT_OUTPUT)]
    rows = [line for line in lines if line.startswith("  [")]
    assert len(rows) == 10
    for line, data_row in zip(rows, tn.CONTRIVED_DATASET):
        numbers = [float(x) for x in re.findall(NUMBER, line)]
        outputs = ta.forward_propagate(network, data_row)
        assert numbers == [*data_row[:2], *outputs, data_row[-1]]
    assert f"  {tn.PREDICT_N_CORRECT} of 10 correct" in lines
    assert lines[-1] == ("  all rows at once (a layer-granularity MLP, shape (10, 2)): "
                         f"predictions {labels}")
