"""``cross_validate(history=True, snapshots=N)`` records each fold's trace and snapshots.

Compared with the plain-Python oracle (``reference.tutorial_algorithm``) trained on the same
rows from the same seed: its ``train_network`` returns the tutorial's per-epoch sum_error, and
its networks, run forward and backward on a fold's first training row, give the outputs and
deltas a snapshot must hold.
"""
from __future__ import annotations

import copy
import random
from importlib import resources

import numpy as np
import pytest

from reference import tutorial_algorithm as ta
from tinygrad_bp.data import load_wheat_seeds
from tinygrad_bp.tutorial.casestudy import cross_validate

SEEDS_CSV = resources.files("tinygrad_bp.data") / "bundled" / "wheat-seeds.csv"
SEED, FOLDS, HIDDEN, EPOCHS, L_RATE = 2, 3, 3, 12, 0.3
TOLERANCE = 1e-9  # the stacked training adds in numpy's order (test_casestudy: 1e-12 on weights)


def _oracle():
    """Each fold's training rows, sum_error trace and network after 0, 6 and 12 epochs."""
    dataset = ta.load_seeds_csv(SEEDS_CSV)
    random.seed(SEED)
    ta.normalize_dataset(dataset, ta.dataset_minmax(dataset))
    folds = ta.cross_validation_split(dataset, FOLDS)
    runs = []
    for k in range(FOLDS):
        train = [row for j, other in enumerate(folds) if j != k for row in other]
        network = ta.initialize_network(len(train[0]) - 1, HIDDEN, 3)
        networks, trace = [copy.deepcopy(network)], []
        for _ in range(2):
            trace += ta.train_network(network, train, L_RATE, EPOCHS // 2, 3)
            networks.append(copy.deepcopy(network))
        runs.append((train, trace, networks))
    return runs


@pytest.fixture(scope="module")
def recorded():
    return cross_validate(load_wheat_seeds(), n_folds=FOLDS, n_hidden=HIDDEN, n_epoch=EPOCHS,
                          l_rate=L_RATE, seed=SEED, snapshots=3), _oracle()


def test_each_folds_sum_error_is_the_tutorials_trace(recorded) -> None:
    result, oracle = recorded
    history = result.history
    assert history.models == FOLDS and history.epochs == EPOCHS
    assert np.shape(history.sum_error) == (EPOCHS, FOLDS)
    for k, (train, trace, _) in enumerate(oracle):
        fold = [epoch[k] for epoch in history.sum_error]
        assert fold == pytest.approx(trace, rel=TOLERANCE)
        # loss: the mean half squared error per row
        assert [epoch[k] for epoch in history.loss] == pytest.approx(
            [t / 2 / len(train) for t in trace], rel=TOLERANCE)


def test_snapshots_hold_every_folds_weights_outputs_and_deltas(recorded) -> None:
    result, oracle = recorded
    snapshots = result.history.snapshots
    assert [s.epoch for s in snapshots] == [0, 6, 12]
    for snapshot, index in zip(snapshots, range(3)):
        for k, (train, _, networks) in enumerate(oracle):
            network = copy.deepcopy(networks[index])
            row = train[0]
            expected = [1.0 if c == row[-1] else 0.0 for c in range(3)]
            ta.forward_propagate(network, row)
            ta.backward_propagate_error(network, expected)
            assert np.allclose(snapshot.inputs[k], row[:-1], rtol=0, atol=0)
            assert list(snapshot.target[k]) == expected
            for layer, weights, outputs, deltas in zip(network, snapshot.weights,
                                                       snapshot.outputs, snapshot.deltas):
                assert np.allclose(weights[k], [n["weights"] for n in layer], rtol=0, atol=1e-12)
                assert outputs[k] == pytest.approx([n["output"] for n in layer], abs=1e-12)
                assert deltas[k] == pytest.approx([n["delta"] for n in layer], abs=1e-12)


def test_recording_changes_no_score_and_costs_nothing_when_off(recorded) -> None:
    result, _ = recorded
    plain = cross_validate(load_wheat_seeds(), n_folds=FOLDS, n_hidden=HIDDEN, n_epoch=EPOCHS,
                           l_rate=L_RATE, seed=SEED)
    assert plain.scores == result.scores and plain.history is None
    assert result.history.settings["activations"] == ["sigmoid", "sigmoid"]


def test_snapshot_epochs_are_evenly_spaced_from_zero() -> None:
    def epochs(n_epoch: int, count: int) -> list[int]:
        result = cross_validate(load_wheat_seeds(), n_folds=2, n_hidden=1, n_epoch=n_epoch,
                                snapshots=count)
        return [s.epoch for s in result.history.snapshots] if result.history else []

    assert epochs(20, 5) == [0, 5, 10, 15, 20]
    assert epochs(3, 11) == [0, 1, 2, 3]  # at most one per epoch
    assert epochs(4, 1) == [4] and epochs(4, 0) == []
