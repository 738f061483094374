"""``tinygrad_bp.tutorial`` has every function of the tutorial and takes the tutorial's network.

A learner can paste the tutorial's list-of-dicts network into ``tut``'s functions and get the
tutorial's numbers. Expected values come from ``reference.tutorial_numbers`` (transcribed from
TUTORIAL.md) or from ``reference.tutorial_algorithm`` (the tutorial's algorithm restated in
plain Python, which knows nothing of tinygrad_bp). On the dicts these are pure scalar float
operations in the tutorial's order, so they are compared bit for bit: the forward pass, the
deltas of any layer after which no layer has more than two neurons, and the update for every
learning rate (``update_weights`` steps down the gradient of ``l_rate * E``, whose rounding is
the tutorial's ``w += l_rate * delta * input``).
"""
import copy
import inspect
import math
import random

import numpy as np
import pytest

from reference import tutorial_algorithm as ta
from reference import tutorial_numbers as tn
from tinygrad_bp import tutorial as tut
from tinygrad_bp.errors import DataError
from tinygrad_bp.nn import MLP

TUTORIAL_FUNCTIONS = """activate transfer transfer_derivative forward_propagate
    backward_propagate_error update_weights train_network predict back_propagation load_csv
    str_column_to_float str_column_to_int dataset_minmax normalize_dataset
    cross_validation_split accuracy_metric evaluate_algorithm initialize_network""".split()


def dicts(*layers, outputs=None) -> list[list[dict]]:
    """The tutorial's network format, optionally with stored outputs."""
    network = [[{"weights": list(w)} for w in layer] for layer in layers]
    for layer, layer_outputs in zip(network, outputs or []):
        for neuron, output in zip(layer, layer_outputs):
            neuron["output"] = output
    return network


def item1_dicts() -> list[list[dict]]:
    random.seed(tn.SEED)
    return ta.initialize_network(*tn.INIT_SHAPE)


def field(network, key: str) -> list[list]:
    return [[neuron[key] for neuron in layer] for layer in network]


@pytest.mark.parametrize("name", TUTORIAL_FUNCTIONS)
def test_every_function_of_the_tutorial_is_there_with_the_tutorials_arguments(name) -> None:
    assert name in tut.__all__
    oracle = getattr(ta, name, None)
    if oracle is not None:  # the oracle restates the tutorial's signatures
        ours = list(inspect.signature(getattr(tut, name)).parameters)
        assert ours[:len(inspect.signature(oracle).parameters)] == \
            list(inspect.signature(oracle).parameters)


# --- items 1-5 through the tutorial's dicts ---------------------------------------------------

def test_item2_forward_propagate_on_the_tutorials_dicts_stores_each_output() -> None:
    network = item1_dicts()
    assert tut.forward_propagate(network, tn.FORWARD_ROW + [None]) == tn.FORWARD_OUTPUTS
    assert field(network, "output")[1] == tn.FORWARD_OUTPUTS
    assert field(network, "weights") == [tn.INIT_HIDDEN, tn.INIT_OUTPUT]  # untouched


def test_item2_by_hand_with_activate_and_transfer() -> None:
    """The tutorial's own loop, ``transfer(activate(weights, inputs))``, layer by layer."""
    inputs = tn.FORWARD_ROW
    for layer in (tn.INIT_HIDDEN, tn.INIT_OUTPUT):
        inputs = [tut.transfer(tut.activate(w, inputs)) for w in layer]
    assert inputs == tn.FORWARD_OUTPUTS


def test_item3_backward_propagate_error_on_the_tutorials_dicts() -> None:
    network = dicts(tn.INIT_HIDDEN, tn.INIT_OUTPUT,
                    outputs=[tn.BACKWARD_HIDDEN_OUTPUTS, tn.BACKWARD_OUTPUT_OUTPUTS])
    assert tut.backward_propagate_error(network, tn.BACKWARD_EXPECTED) is None
    assert field(network, "delta") == [tn.BACKWARD_HIDDEN_DELTAS, tn.BACKWARD_OUTPUT_DELTAS]
    assert field(network, "output") == [tn.BACKWARD_HIDDEN_OUTPUTS, tn.BACKWARD_OUTPUT_OUTPUTS]
    assert field(network, "weights") == [tn.INIT_HIDDEN, tn.INIT_OUTPUT]


def test_item4_train_network_on_the_tutorials_dicts_bit_for_bit() -> None:
    random.seed(tn.SEED)
    network = ta.initialize_network(2, tn.TRAIN_N_HIDDEN, tn.TRAIN_N_OUTPUTS)
    trace = tut.train_network(network, tn.CONTRIVED_DATASET, tn.TRAIN_L_RATE, tn.TRAIN_N_EPOCH,
                              tn.TRAIN_N_OUTPUTS)
    assert [f"{e:.3f}" for e in trace] == tn.TRAIN_SUM_ERROR_3DP
    assert field(network, "weights") == [tn.TRAIN_FINAL_HIDDEN, tn.TRAIN_FINAL_OUTPUT]
    # the outputs and deltas the last row left, as the tutorial's network holds them
    random.seed(tn.SEED)
    oracle = ta.initialize_network(2, tn.TRAIN_N_HIDDEN, tn.TRAIN_N_OUTPUTS)
    oracle_trace = ta.train_network(oracle, tn.CONTRIVED_DATASET, tn.TRAIN_L_RATE,
                                    tn.TRAIN_N_EPOCH, tn.TRAIN_N_OUTPUTS)
    assert network == oracle and trace == oracle_trace


def test_item4_the_network_initialize_network_draws_converts_and_trains_the_same() -> None:
    random.seed(tn.SEED)
    network = tut.to_network(tut.initialize_network(2, tn.TRAIN_N_HIDDEN, tn.TRAIN_N_OUTPUTS))
    tut.train_network(network, tn.CONTRIVED_DATASET, tn.TRAIN_L_RATE, tn.TRAIN_N_EPOCH,
                      tn.TRAIN_N_OUTPUTS)
    assert field(network, "weights") == [tn.TRAIN_FINAL_HIDDEN, tn.TRAIN_FINAL_OUTPUT]


def test_item5_predict_with_the_tutorials_hardcoded_dicts() -> None:
    network = dicts(tn.PREDICT_HIDDEN, tn.PREDICT_OUTPUT)
    predictions = [tut.predict(network, row) for row in tn.CONTRIVED_DATASET]
    assert predictions == [row[-1] for row in tn.CONTRIVED_DATASET]
    assert sum(p == row[-1] for p, row in zip(predictions, tn.CONTRIVED_DATASET)) == 10


# --- the dict path on random networks, against the oracle ----------------------------------

def random_case(seed: int, widths=(1, 2)):
    r = random.Random(seed)
    n_inputs = r.randint(1, 4)
    sizes = [r.choice(widths) for _ in range(r.randint(1, 3))]
    n_outputs = r.choice(widths)
    network = ta.initialize_deep(n_inputs, sizes, n_outputs, rng=r)
    for layer in network:
        for neuron in layer:
            neuron["weights"] = [4 * w - 2 for w in neuron["weights"]]
    rows = [[r.uniform(-3, 3) for _ in range(n_inputs)] + [r.randrange(n_outputs)]
            for _ in range(4)]
    return network, rows, n_outputs


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("l_rate", [0.5, 0.3, 0.07])
def test_training_the_dicts_is_the_tutorials_to_the_last_bit(seed: int, l_rate: float) -> None:
    """No layer wider than two neurons: every delta and every update is bit for bit."""
    network, rows, n_outputs = random_case(seed)
    oracle = copy.deepcopy(network)
    assert tut.train_network(network, rows, l_rate, 3, n_outputs) == \
        ta.train_network(oracle, rows, l_rate, 3, n_outputs)
    assert network == oracle


@pytest.mark.parametrize("seed", range(12))
def test_wider_layers_match_the_tutorial_to_1e_12(seed: int) -> None:
    network, rows, n_outputs = random_case(seed, widths=(3, 4, 5))
    oracle = copy.deepcopy(network)
    trace = tut.train_network(network, rows, 0.3, 3, n_outputs)
    np.testing.assert_allclose(trace, ta.train_network(oracle, rows, 0.3, 3, n_outputs),
                               rtol=1e-12)
    for key in ("weights", "output", "delta"):
        for ours, theirs in zip(field(network, key), field(oracle, key)):
            np.testing.assert_allclose(np.array(ours), np.array(theirs), rtol=1e-12, atol=1e-15)


def test_update_weights_on_dicts_uses_the_stored_deltas_and_outputs() -> None:
    """The tutorial's update reads what the dicts hold, even deltas nobody computed."""
    network = dicts([[0.5, -1.0, 0.25]], [[2.0, 0.1], [-1.0, 0.3]],
                    outputs=[[0.75], [0.6, 0.2]])
    for layer, deltas in zip(network, [[0.125], [0.5, -0.25]]):
        for neuron, delta in zip(layer, deltas):
            neuron["delta"] = delta
    oracle = copy.deepcopy(network)
    tut.update_weights(network, [1.0, 3.0, None], 0.3)
    ta.update_weights(oracle, [1.0, 3.0, None], 0.3)
    assert network == oracle
    assert field(network, "weights")[1][0] == [2.0 + 0.3 * 0.5 * 0.75, 0.1 + 0.3 * 0.5]


# --- the tutorial's helper functions --------------------------------------------------------

def test_activate_transfer_and_transfer_derivative_are_the_tutorials_formulas() -> None:
    r = random.Random(3)
    for _ in range(200):
        weights = [r.uniform(-3, 3) for _ in range(r.randint(2, 6))]
        inputs = [r.uniform(-3, 3) for _ in range(len(weights) - 1)] + [None]  # a label
        assert tut.activate(weights, inputs) == ta.activate(weights, inputs)
        a = r.uniform(-30, 30)
        assert tut.transfer(a) == 1.0 / (1.0 + math.exp(-a))
        output = r.random()
        assert tut.transfer_derivative(output) == output * (1.0 - output)
    assert tut.transfer(-1000.0) == 0.0  # the tutorial's math.exp overflows here
    assert tut.transfer(1000.0) == 1.0


def test_transfer_derivative_is_the_slope_of_transfer() -> None:
    for a in (-4.0, -0.5, 0.0, 1.5, 6.0):
        h = 1e-6
        slope = (tut.transfer(a + h) - tut.transfer(a - h)) / (2 * h)
        # o * (1 - o) from a rounded o near 1 keeps about 8 digits; the difference about 9
        assert tut.transfer_derivative(tut.transfer(a)) == pytest.approx(slope, rel=1e-6)


# --- missing values --------------------------------------------------------------------------

MISSING = r"row\[1\] is None \(a missing value\)"


def test_a_missing_value_in_a_row_is_named_by_position_for_both_kinds_of_network() -> None:
    random.seed(tn.SEED)
    for network in (tut.initialize_network(2, 1, 2), item1_dicts(),
                    MLP(2, [1, 2], rng=random.Random(1))):
        with pytest.raises(ValueError, match="forward_propagate: " + MISSING):
            tut.forward_propagate(network, [1.0, None, 0])
        with pytest.raises(ValueError, match="forward_propagate: " + MISSING):
            tut.predict(network, [1.0, None])
        before = copy.deepcopy(network) if isinstance(network, list) else network.get_weights()
        with pytest.raises(ValueError, match=r"train_network: train\[1\]\[1\] is None "
                                             r"\(a missing value\)"):
            tut.train_network(network, [[0.5, 0.5, 0], [1.0, None, 1]], 0.5, 1, 2)
        # refused before any training: row 0 changed nothing either
        after = network if isinstance(network, list) else network.get_weights()
        assert str(after) == str(before)
    with pytest.raises(ValueError, match=r"forward_propagate: row\[0\] is nan, not a finite"):
        tut.forward_propagate(item1_dicts(), [float("nan"), 0.0])
    with pytest.raises(ValueError, match=r"forward_propagate: row\[1\] is -inf, not a finite"):
        tut.forward_propagate(item1_dicts(), [0.0, -math.inf])
    with pytest.raises(ValueError, match=r"forward_propagate: row\[0\] is '1', not a number"):
        tut.forward_propagate(item1_dicts(), ["1", 0.0])
    with pytest.raises(ValueError, match=r"activate: inputs\[1\] is None"):
        tut.activate([0.5, 0.5, 0.1], [1.0, None])
    with pytest.raises(ValueError, match=r"back_propagation: test\[1\]\[0\] is None"):
        tut.back_propagation(tn.CONTRIVED_DATASET, [[1.0, 2.0, None], [None, 2.0, None]],
                             0.5, 1, 2)


def test_missing_values_in_a_network_or_a_target_are_named_too() -> None:
    network = item1_dicts()
    network[1][0]["weights"][1] = None
    with pytest.raises(ValueError, match=r"network\[1\]\[0\]\['weights'\]\[1\] is None"):
        tut.forward_propagate(network, [1, 0])
    with pytest.raises(ValueError, match=r"backward_propagate_error: network\[0\]\[0\] has no "
                                         r"'output'; run forward_propagate first"):
        tut.backward_propagate_error(item1_dicts(), [0, 1])
    network = item1_dicts()
    tut.forward_propagate(network, [1, 0])
    with pytest.raises(ValueError, match=r"backward_propagate_error: expected\[1\] is None"):
        tut.backward_propagate_error(network, [0, None])
    with pytest.raises(ValueError, match=r"update_weights: network\[0\]\[0\] has no 'delta'; "
                                         r"run backward_propagate_error first"):
        tut.update_weights(network, [1, 0], 0.5)


def test_from_network_draws_nothing_from_the_global_random_stream() -> None:
    random.seed(5)
    state = random.getstate()
    network = item1_dicts()  # draws, then the stream is reset below
    random.setstate(state)
    model = tut.from_network(network)
    tut.forward_propagate(network, [1, 0])
    tut.backward_propagate_error(network, [0, 1])
    tut.update_weights(network, [1, 0], 0.5)
    assert random.getstate() == state
    assert tut.to_network(model)[0][0]["weights"] == tn.INIT_HIDDEN[0]


# --- section 6: the data helpers on lists of rows ------------------------------------------

def write(tmp_path, text: str, name: str = "data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_csv_returns_rows_of_strings_as_the_tutorial_does(tmp_path) -> None:
    path = write(tmp_path, "\ufeff1.5, 2,a\n\n3,4 ,b\n   \n5,6,a\n")
    dataset = tut.load_csv(path)
    assert dataset == [["1.5", "2", "a"], ["3", "4", "b"], ["5", "6", "a"]]
    assert all(type(field) is str for row in dataset for field in row)
    assert [list(row) for row in dataset] == dataset


def test_load_csv_refuses_a_short_line_and_a_missing_file(tmp_path) -> None:
    path = write(tmp_path, "1,2,a\n3,4,b\n5,a\n")
    with pytest.raises(DataError, match=rf"^{path}:3: 2 fields, but line 1 has 3$"):
        tut.load_csv(path)
    with pytest.raises(DataError, match=r"nope\.csv: file not found"):
        tut.load_csv(tmp_path / "nope.csv")


def test_str_column_helpers_convert_in_place_and_name_bad_fields(tmp_path) -> None:
    dataset = tut.load_csv(write(tmp_path, "0.5,9\n1.25,10\n-2,9\n"))
    tut.str_column_to_float(dataset, 0)
    assert tut.str_column_to_int(dataset, 1) == {"9": 0, "10": 1}  # numeric order, not "10" < "9"
    assert dataset == [[0.5, 0], [1.25, 1], [-2.0, 0]]
    header = tut.load_csv(write(tmp_path, "area,class\n1,2\n", "h.csv"))
    with pytest.raises(DataError, match=r"h.csv:1: str_column_to_float: dataset\[0\] column 0 "
                                        r"is not a number: 'area' \(a header row\? remove it\)$"):
        tut.str_column_to_float(header, 0)
    # read as tinygrad_bp.data.load_csv reads a field: plain decimals only
    with pytest.raises(DataError, match=r"^str_column_to_float: dataset\[1\] column 0 is not a "
                                        r"plain decimal number: '1_000'; write it without '_' "
                                        r"\(1000\)$"):
        tut.str_column_to_float([["1"], ["1_000"]], 0)
    with pytest.raises(ValueError, match=r"^str_column_to_float: dataset\[1\]\[0\] is None "
                                         r"\(a missing value\)$"):
        tut.str_column_to_float([["1"], [None]], 0)
    with pytest.raises(ValueError, match=r"str_column_to_int: dataset\[0\]\[1\] is '' "):
        tut.str_column_to_int([["1", ""]], 1)


def test_the_case_study_pipeline_gives_the_oracles_rows_bit_for_bit() -> None:
    dataset = tut.load_csv(ta.DEFAULT_SEEDS_CSV)
    for i in range(len(dataset[0]) - 1):
        tut.str_column_to_float(dataset, i)
    lookup = tut.str_column_to_int(dataset, len(dataset[0]) - 1)
    assert lookup == {"1": 0, "2": 1, "3": 2}
    oracle = ta.load_seeds_csv(ta.DEFAULT_SEEDS_CSV)
    assert dataset == oracle and len(dataset) == 210
    minmax = tut.dataset_minmax(dataset)
    assert minmax == ta.dataset_minmax(oracle)
    tut.normalize_dataset(dataset, minmax)
    ta.normalize_dataset(oracle, minmax)
    assert dataset == oracle
    assert [row[-1] for row in dataset[:3]] == [0, 0, 0]  # the class column is left alone


def test_normalize_dataset_refuses_what_min_max_cannot_scale() -> None:
    with pytest.raises(ValueError, match=r"normalize_dataset: dataset\[1\]\[0\] is None"):
        tut.normalize_dataset([[1.0, 0], [None, 1]], [[0.0, 1.0]])
    with pytest.raises(ValueError, match=r"dataset_minmax: dataset\[0\]\[0\] is '1', not a "
                                         r"number \(convert the column with str_column_to_float\)"):
        tut.dataset_minmax([["1", 0]])
    huge = [[-1e308, 0], [1e308, 1], [0.0, 0]]
    for function, args in ((tut.dataset_minmax, (huge,)),
                           (tut.normalize_dataset, (huge, [[-1e308, 1e308]]))):
        with pytest.raises(ValueError, match=rf"^{function.__name__}: column 0 spans -1e\+308 to "
                                             r"1e\+308, a range too large for float64"):
            function(*args)
    with pytest.raises(ValueError, match=r"^normalize_dataset: dataset\[0\]\[0\] lies too far "
                                         r"from column 0's min -1e\+308: x - min overflows"):
        tut.normalize_dataset([[1e308, 0]], [[-1e308, 0.0]])
    constant = [[2.0, 5.0, 0], [2.0, 7.0, 1]]
    tut.normalize_dataset(constant, tut.dataset_minmax(constant))
    assert constant == [[0.0, 0.0, 0], [0.0, 1.0, 1]]  # the tutorial divides by zero here


def test_cross_validation_split_draws_the_tutorials_folds() -> None:
    dataset = [[float(i), i % 3] for i in range(23)]
    random.seed(4)
    folds = tut.cross_validation_split(dataset, 4)
    state = random.getstate()
    random.seed(4)
    assert folds == ta.cross_validation_split(dataset, 4)
    assert random.getstate() == state
    assert [len(fold) for fold in folds] == [5, 5, 5, 5]
    assert folds[0][0] is dataset[int(folds[0][0][0])]  # the dataset's own rows


def test_accuracy_metric_is_the_tutorials_percentage() -> None:
    assert tut.accuracy_metric([1] * 42, [1] * 38 + [0] * 4) == 38 / 42.0 * 100.0
    assert tut.accuracy_metric([0, 1, 2, 2], [0, 1, 1, 2]) == 75.0


def test_evaluate_algorithm_hides_the_labels_and_trains_on_the_other_folds() -> None:
    dataset = [[float(i), i % 2] for i in range(12)]
    seen = []

    def zero_rule(train, test):
        seen.append((train, test))
        labels = [row[-1] for row in train]
        return [max(set(labels), key=labels.count)] * len(test)

    random.seed(1)
    scores = tut.evaluate_algorithm(dataset, zero_rule, 3)
    random.seed(1)
    assert scores == ta.evaluate_algorithm(dataset, zero_rule, 3)
    train, test = seen[0]
    assert len(train) == 8 and len(test) == 4
    assert all(row[-1] is None for row in test)
    assert not {row[0] for row in train} & {row[0] for row in test}


def test_item6_evaluate_algorithm_with_back_propagation_is_the_case_studys() -> None:
    """The tutorial's section 6 script with tut's functions, at 2 epochs instead of 500.

    The oracle (pure Python) runs the same script; the scores, and the random stream after
    both, are equal. The full 500-epoch case study is checked once elsewhere (test_casestudy).
    """
    n_folds, l_rate, n_epoch, n_hidden = 5, 0.3, 2, 5
    random.seed(1)
    dataset = tut.load_csv(ta.DEFAULT_SEEDS_CSV)
    for i in range(len(dataset[0]) - 1):
        tut.str_column_to_float(dataset, i)
    tut.str_column_to_int(dataset, len(dataset[0]) - 1)
    tut.normalize_dataset(dataset, tut.dataset_minmax(dataset))
    scores = tut.evaluate_algorithm(dataset, tut.back_propagation, n_folds, l_rate, n_epoch,
                                    n_hidden)
    state = random.getstate()
    want = ta.run_seeds_case_study(seed=1, n_folds=n_folds, l_rate=l_rate, n_epoch=n_epoch,
                                   n_hidden=n_hidden)
    assert scores == want
    assert random.getstate() == state
    assert len(scores) == 5 and len(set(scores)) > 1  # not a degenerate run
