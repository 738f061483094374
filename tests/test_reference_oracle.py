"""The reference oracle reproduces the tutorial's published numbers (TUTORIAL.md items 1-6).

Every expected value comes from ``reference.tutorial_numbers``, transcribed from TUTORIAL.md,
so these tests tie the oracle to the tutorial and not to itself. Only once they pass can the
framework's tests use the oracle as a stand-in for the tutorial's code.
"""
import math
import random

import pytest

from reference import tutorial_algorithm as ta
from reference import tutorial_numbers as tn



def _weights(layer: ta.Layer) -> list[list[float]]:
    return [neuron["weights"] for neuron in layer]


def _network(*layers: list[list[float]]) -> ta.Network:
    return [[{"weights": list(weights)} for weights in layer] for layer in layers]


def test_item1_initialize_network_draws() -> None:
    random.seed(tn.SEED)
    network = ta.initialize_network(*tn.INIT_SHAPE)
    assert _weights(network[0]) == tn.INIT_HIDDEN
    assert _weights(network[1]) == tn.INIT_OUTPUT


def test_initialize_deep_uses_the_same_draw_order() -> None:
    random.seed(tn.SEED)
    shallow = ta.initialize_network(3, 4, 2)
    deep = ta.initialize_deep(3, [4], 2, rng=random.Random(tn.SEED))
    assert deep == shallow
    random.seed(tn.SEED)
    flat = [random.random() for _ in range(4 * 4 + 3 * 5 + 2 * 4)]
    deep = ta.initialize_deep(3, [4, 3], 2, rng=random.Random(tn.SEED))
    assert [w for layer in deep for neuron in layer for w in neuron["weights"]] == flat
    assert [len(layer) for layer in deep] == [4, 3, 2]


def test_item2_forward_propagate() -> None:
    network = _network(tn.INIT_HIDDEN, tn.INIT_OUTPUT)
    assert ta.forward_propagate(network, tn.FORWARD_ROW) == tn.FORWARD_OUTPUTS
    # A trailing label (the tutorial passes [1, 0, None]) is ignored.
    assert ta.forward_propagate(network, tn.FORWARD_ROW + [None]) == tn.FORWARD_OUTPUTS


def test_item3_backward_propagate_error() -> None:
    network = _network(tn.INIT_HIDDEN, tn.INIT_OUTPUT)
    for layer, outputs in zip(network, [tn.BACKWARD_HIDDEN_OUTPUTS, tn.BACKWARD_OUTPUT_OUTPUTS]):
        for neuron, output in zip(layer, outputs):
            neuron["output"] = output
    ta.backward_propagate_error(network, tn.BACKWARD_EXPECTED)
    assert [neuron["delta"] for neuron in network[0]] == tn.BACKWARD_HIDDEN_DELTAS
    assert [neuron["delta"] for neuron in network[1]] == tn.BACKWARD_OUTPUT_DELTAS


def test_item4_train_network_trace_and_final_weights() -> None:
    random.seed(tn.SEED)
    n_inputs = len(tn.CONTRIVED_DATASET[0]) - 1
    network = ta.initialize_network(n_inputs, tn.TRAIN_N_HIDDEN, tn.TRAIN_N_OUTPUTS)
    dataset = [list(row) for row in tn.CONTRIVED_DATASET]
    trace = ta.train_network(network, dataset, tn.TRAIN_L_RATE, tn.TRAIN_N_EPOCH,
                             tn.TRAIN_N_OUTPUTS)
    assert [f"{x:.3f}" for x in trace] == tn.TRAIN_SUM_ERROR_3DP
    # On CPython 3.11 / x86-64 these weights come out bit-exact (== holds): the oracle does
    # the tutorial's arithmetic in the tutorial's order. The tolerance only leaves room for a
    # platform whose libm exp() rounds an ulp differently.
    for layer, published in zip(network, [tn.TRAIN_FINAL_HIDDEN, tn.TRAIN_FINAL_OUTPUT]):
        for got, want in zip(_weights(layer), published, strict=True):
            assert len(got) == len(want)
            assert all(math.isclose(g, w, rel_tol=1e-12, abs_tol=0.0)
                       for g, w in zip(got, want))
    assert dataset == tn.CONTRIVED_DATASET  # training never modifies the rows


def test_item5_predict_with_the_hardcoded_network() -> None:
    network = _network(tn.PREDICT_HIDDEN, tn.PREDICT_OUTPUT)
    correct = sum(ta.predict(network, row) == row[-1] for row in tn.CONTRIVED_DATASET)
    assert correct == tn.PREDICT_N_CORRECT == len(tn.CONTRIVED_DATASET)


def test_backward_deltas_are_minus_dE_da_in_a_deep_network() -> None:
    """No published number covers more than one hidden layer; central differences do.

    With ``E = 1/2 sum_j (expected_j - output_j)^2``, each neuron's delta must equal
    ``-dE/da``; nudging a neuron's bias by ``h`` nudges its activation by exactly ``h``.
    """
    rng = random.Random(7)
    network = ta.initialize_deep(3, [4, 3], 2, rng=rng)
    for layer in network:
        for neuron in layer:
            neuron["weights"] = [2.0 * w - 1.0 for w in neuron["weights"]]
    row, expected = [0.3, -1.2, 0.8, 1], [0, 1]

    def loss() -> float:
        outputs = ta.forward_propagate(network, row)
        return 0.5 * sum((e - o) ** 2 for e, o in zip(expected, outputs))

    ta.forward_propagate(network, row)
    ta.backward_propagate_error(network, expected)
    h = 1e-6
    for layer in network:
        for neuron in layer:
            bias = neuron["weights"][-1]
            neuron["weights"][-1] = bias + h
            up = loss()
            neuron["weights"][-1] = bias - h
            down = loss()
            neuron["weights"][-1] = bias
            assert neuron["delta"] == pytest.approx(-(up - down) / (2 * h), abs=1e-8)


def test_normalize_and_split_follow_the_tutorial() -> None:
    dataset = [[1.0, 10.0, 0], [3.0, 30.0, 1], [2.0, 20.0, 2], [5.0, 50.0, 1], [4.0, 40.0, 0]]
    ta.normalize_dataset(dataset, ta.dataset_minmax(dataset))
    assert [row[0] for row in dataset] == [0.0, 0.5, 0.25, 1.0, 0.75]
    assert [row[-1] for row in dataset] == [0, 1, 2, 1, 0]
    random.seed(3)
    folds = ta.cross_validation_split(dataset, 2)
    random.seed(3)
    copy, expected = list(dataset), []
    for _ in range(4):
        expected.append(copy.pop(random.randrange(len(copy))))
    assert folds == [expected[:2], expected[2:]]
    assert len(dataset) == 5  # the caller's list is not consumed


def test_item6_seeds_case_study() -> None:
    path = ta.DEFAULT_SEEDS_CSV
    scores = ta.run_seeds_case_study(path, seed=tn.SEED, n_folds=tn.SEEDS_N_FOLDS,
                                     l_rate=tn.SEEDS_L_RATE, n_epoch=tn.SEEDS_N_EPOCH,
                                     n_hidden=tn.SEEDS_N_HIDDEN)
    assert scores == tn.SEEDS_SCORES
    assert f"{sum(scores) / len(scores):.3f}" == tn.SEEDS_MEAN_3DP
