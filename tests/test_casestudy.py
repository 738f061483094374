"""``casestudy.cross_validate`` reproduces the tutorial's case study (TUTORIAL.md item 6).

The default run (500 epochs, a few seconds) is the suite's one run of it, the ``seeds_default``
fixture (conftest.py), shared with test_cli and test_docs_casestudy. Every other setting is a
short run compared with the plain-Python oracle (``reference.tutorial_algorithm``) on the same
rows, with the same seed: the oracle knows nothing of tinygrad_bp, so agreement means the
stacked, numpy-scheduled training computes what the tutorial's loops compute. Expected numbers
for the default run come from ``reference.tutorial_numbers``, transcribed from TUTORIAL.md.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pytest

from reference import tutorial_algorithm as ta
from reference import tutorial_numbers as tn
from tinygrad_bp import nn
from tinygrad_bp.casestudy import CrossValidation, cross_validate
from tinygrad_bp.data import kfold_indices, load_csv, load_wheat_seeds, minmax, normalize
from tinygrad_bp.errors import DataError

SEEDS_CSV = resources.files("tinygrad_bp.data") / "bundled" / "wheat-seeds.csv"
VARIETIES = {1: "Kama", 2: "Rosa", 3: "Canadian"}  # data/bundled/README.md

# Short settings for oracle comparisons: (seed, folds, hidden, epochs, l_rate).
SHORT_SETTINGS = [(2, 3, 3, 30, 0.3), (7, 4, 3, 60, 0.5)]
STACKED_ATOL = 1e-12  # stacked vs oracle weights: numpy adds in another order (cited in docs)


@pytest.fixture
def default_run(seeds_default) -> CrossValidation:
    """What ``tinygrad-bp seeds`` found: ``cross_validate`` with every default."""
    return seeds_default.result


# --- the oracle, on rows in memory ----------------------------------------------------------

@dataclass
class OracleRun:
    scores: list[float]
    actual: list[list[int]]      # each fold's labels
    predicted: list[list[int]]   # each fold's predictions

    def confusion(self, n_classes: int) -> np.ndarray:
        counts = np.zeros((n_classes, n_classes), dtype=np.int64)
        for fold_actual, fold_predicted in zip(self.actual, self.predicted):
            for a, p in zip(fold_actual, fold_predicted):
                counts[a, p] += 1
        return counts


def oracle_run(rows: list[list], seed: int, n_folds: int, n_hidden: int, n_epoch: int,
               l_rate: float, constant_columns: tuple[int, ...] = ()) -> OracleRun:
    """The oracle's case study on ``rows`` (float features, int label), as run_seeds_case_study.

    ``constant_columns`` get the range [c, c + 1] instead of [c, c], so they scale to 0.0 (the
    tutorial would divide by zero there; tinygrad_bp's rule maps them to 0.0).
    """
    dataset = [list(row) for row in rows]
    n_classes = len({row[-1] for row in dataset})
    ranges = ta.dataset_minmax(dataset)
    for column in constant_columns:
        assert ranges[column][0] == ranges[column][1]
        ranges[column] = [ranges[column][0], ranges[column][0] + 1.0]
    random.seed(seed)
    ta.normalize_dataset(dataset, ranges)
    actual = [[row[-1] for row in fold] for fold in ta.cross_validation_split(dataset, n_folds)]
    predicted = []

    def algorithm(train, test, *args):
        # The oracle sizes its output layer by the classes present in the training rows.
        assert len({row[-1] for row in train}) == n_classes, "a training set lacks a class"
        predicted.append(ta.back_propagation(train, test, *args))
        return predicted[-1]

    random.seed(seed)  # the same draws again: the split, then each fold's network
    scores = ta.evaluate_algorithm(dataset, algorithm, n_folds, l_rate, n_epoch, n_hidden)
    return OracleRun(scores, actual, predicted)


def seeds_rows() -> list[list]:
    return ta.load_seeds_csv(SEEDS_CSV)


def run(dataset, seed: int, n_folds: int, n_hidden: int, n_epoch: int,
        l_rate: float) -> CrossValidation:
    return cross_validate(dataset, n_folds=n_folds, l_rate=l_rate, n_epoch=n_epoch,
                          n_hidden=n_hidden, seed=seed)


@cache
def seeds_run(*settings) -> CrossValidation:
    """``run`` on the bundled seeds data; each setting runs once (tests only read the result)."""
    return run(load_wheat_seeds(), *settings)


@cache
def seeds_oracle(*settings) -> OracleRun:
    """``oracle_run`` on the seeds rows; each setting runs once."""
    return oracle_run(seeds_rows(), *settings)


def yes_no_rows(n: int = 40) -> list[tuple[float, float, str]]:
    """A small two-class problem: pass (YES) when the score outweighs the hours missed."""
    rng = random.Random(5)
    rows = []
    for _ in range(n):
        score, missed = round(rng.uniform(0, 100), 1), round(rng.uniform(0, 20), 1)
        rows.append((score, missed, "YES" if score - 3 * missed + rng.gauss(0, 10) > 20 else "NO"))
    return rows


# --- the tutorial's numbers from the defaults -----------------------------------------------

def test_default_run_gives_the_tutorials_scores(default_run):
    assert default_run.scores == tn.SEEDS_SCORES
    assert f"{default_run.mean:.3f}" == tn.SEEDS_MEAN_3DP == "93.333"


def test_default_run_settings_classes_and_fold_size(default_run):
    assert default_run.settings == dict(n_folds=tn.SEEDS_N_FOLDS, l_rate=tn.SEEDS_L_RATE,
                                        n_epoch=tn.SEEDS_N_EPOCH, n_hidden=tn.SEEDS_N_HIDDEN,
                                        seed=tn.SEED)
    assert default_run.classes == ["1", "2", "3"]
    assert default_run.fold_size == int(210 / 5) == 42


def test_default_confusion_matrix_agrees_with_the_scores_and_the_split(default_run):
    confusion = default_run.confusion
    assert confusion.shape == (3, 3) and confusion.dtype == np.int64
    assert confusion.sum() == 5 * 42 == 210
    # The diagonal holds the correct predictions, fold by fold: 38 + 39 + 41 + 39 + 39.
    correct = [round(score * 42 / 100) for score in tn.SEEDS_SCORES]
    assert correct == [38, 39, 41, 39, 39]
    assert np.trace(confusion) == sum(correct) == 196
    assert np.trace(confusion) / confusion.sum() * 100 == pytest.approx(default_run.mean)
    # Rows count the actual classes of the held-out rows: with 210 = 5 * 42 every row is held
    # out once, and the file holds 70 of each variety.
    assert confusion.sum(axis=1).tolist() == [70, 70, 70]


# --- agreement with the oracle on other settings ---------------------------------------------

@pytest.mark.parametrize("seed, n_folds, n_hidden, n_epoch, l_rate", SHORT_SETTINGS)
def test_seeds_short_runs_agree_with_the_oracle(seed, n_folds, n_hidden, n_epoch, l_rate):
    result = seeds_run(seed, n_folds, n_hidden, n_epoch, l_rate)
    expected = seeds_oracle(seed, n_folds, n_hidden, n_epoch, l_rate)
    assert result.scores == expected.scores
    assert result.confusion.tolist() == expected.confusion(3).tolist()
    assert result.fold_size == int(210 / n_folds) == len(expected.actual[0])


def test_oracle_helper_is_the_oracles_own_case_study():
    seed, n_folds, n_hidden, n_epoch, l_rate = SHORT_SETTINGS[0]
    assert seeds_oracle(seed, n_folds, n_hidden, n_epoch, l_rate).scores == \
        ta.run_seeds_case_study(SEEDS_CSV, seed=seed, n_folds=n_folds, l_rate=l_rate,
                                n_epoch=n_epoch, n_hidden=n_hidden)


def test_three_string_classes_agree_with_the_oracle_on_sorted_indices(tmp_path):
    """The seeds rows labelled Kama / Rosa / Canadian: classes sort as Canadian, Kama, Rosa."""
    text = SEEDS_CSV.read_text()
    lines = [line.rsplit(",", 1) for line in text.splitlines() if line.strip()]
    path = tmp_path / "varieties.csv"
    path.write_text("".join(f"{features},{VARIETIES[int(label)]}\n" for features, label in lines))
    dataset = load_csv(path)
    assert dataset.classes == ["Canadian", "Kama", "Rosa"]

    index = {1: 1, 2: 2, 3: 0}  # file label -> index of its name in sorted order
    rows = [row[:-1] + [index[int(label)]] for row, (_, label) in zip(seeds_rows(), lines)]
    seed, n_folds, n_hidden, n_epoch, l_rate = SHORT_SETTINGS[1]
    result = run(dataset, seed, n_folds, n_hidden, n_epoch, l_rate)
    expected = oracle_run(rows, seed, n_folds, n_hidden, n_epoch, l_rate)
    assert result.classes == ["Canadian", "Kama", "Rosa"]
    assert result.scores == expected.scores
    assert result.confusion.tolist() == expected.confusion(3).tolist()


@pytest.mark.parametrize("seed, n_folds", [(2, 3), (7, 4)])
def test_yes_no_labels_with_a_header_agree_with_the_oracle(tmp_path, seed, n_folds):
    rows = yes_no_rows()
    path = tmp_path / "exam.csv"
    path.write_text("score,missed,passed\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows))
    dataset = load_csv(path)
    assert dataset.classes == ["NO", "YES"] and dataset.header == ["score", "missed", "passed"]

    result = run(dataset, seed, n_folds, n_hidden=3, n_epoch=50, l_rate=0.3)
    numeric = [[a, b, ["NO", "YES"].index(c)] for a, b, c in rows]
    expected = oracle_run(numeric, seed, n_folds, n_hidden=3, n_epoch=50, l_rate=0.3)
    assert result.scores == expected.scores
    assert result.confusion.tolist() == expected.confusion(2).tolist()
    assert result.fold_size == int(40 / n_folds)


def test_a_constant_column_scales_to_zero(tmp_path):
    """The tutorial divides by zero on a constant column; tinygrad_bp maps it to 0.0."""
    rows = [row[:3] + [1.5] + row[3:] for row in seeds_rows()]
    features = np.array([row[:-1] for row in rows])
    assert normalize(features, *minmax(features))[:, 3].tolist() == [0.0] * len(rows)

    path = tmp_path / "constant.csv"
    path.write_text("".join(",".join(map(repr, row[:-1])) + f",{row[-1]}\n" for row in rows))
    seed, n_folds, n_hidden, n_epoch, l_rate = SHORT_SETTINGS[0]
    result = run(load_csv(path), seed, n_folds, n_hidden, n_epoch, l_rate)
    expected = oracle_run(rows, seed, n_folds, n_hidden, n_epoch, l_rate, constant_columns=(3,))
    assert result.scores == expected.scores


# --- fold size, confusion matrix, bookkeeping -------------------------------------------------

@pytest.mark.parametrize("n_rows, n_folds", [(11, 3), (12, 4), (13, 2)])
def test_fold_size_is_the_tutorials_and_leftover_rows_are_dropped(n_rows, n_folds):
    rows = [(float(i), float(i % 3), i % 2) for i in range(n_rows)]
    features = np.array([r[:2] for r in rows])
    labels = np.array([r[2] for r in rows])
    result = cross_validate((features, labels, ["a", "b"]), n_folds=n_folds, n_epoch=2,
                            n_hidden=2)
    assert result.fold_size == int(n_rows / n_folds)
    assert len(result.scores) == n_folds
    assert result.confusion.sum() == n_folds * int(n_rows / n_folds)


@pytest.mark.parametrize("seed, n_folds, n_hidden, n_epoch, l_rate", SHORT_SETTINGS)
def test_confusion_matrix_sums_to_the_held_out_rows_and_its_diagonal_to_the_mean(
        seed, n_folds, n_hidden, n_epoch, l_rate):
    result = seeds_run(seed, n_folds, n_hidden, n_epoch, l_rate)
    held_out = n_folds * result.fold_size
    assert result.confusion.sum() == held_out
    assert np.trace(result.confusion) / held_out * 100 == pytest.approx(result.mean, abs=1e-12)
    assert result.mean == sum(result.scores) / n_folds


def test_on_epoch_is_called_once_per_epoch_with_its_index():
    seen = []
    cross_validate(load_wheat_seeds(), n_folds=2, n_epoch=3, n_hidden=1, on_epoch=seen.append)
    assert seen == [0, 1, 2]


def test_the_dataset_is_left_unchanged():
    dataset = load_wheat_seeds()
    features, labels = dataset.features.copy(), dataset.labels.copy()
    cross_validate(dataset, n_epoch=1)
    assert np.array_equal(dataset.features, features) and np.array_equal(dataset.labels, labels)


def test_too_few_rows_for_the_folds_is_a_data_error_naming_the_file(tmp_path):
    path = tmp_path / "four.csv"
    path.write_text("1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    with pytest.raises(DataError, match=r"^.*four\.csv: cannot make 5 folds from 4 rows"):
        cross_validate(load_csv(path))
    features, labels, classes = load_csv(path)
    with pytest.raises(DataError, match=r"^cannot make 5 folds from 4 rows"):
        cross_validate((features, labels, classes))


# --- the stacked network is k separate networks -----------------------------------------------

def stacked_predictions(model: nn.MLP, rows: np.ndarray) -> np.ndarray:
    """Each network's predicted classes for its rows (k, n, features): the largest output."""
    return np.argmax(model(np.swapaxes(rows, 1, 2)).data, axis=1)


def test_stacked_training_equals_k_separate_single_fold_runs_of_the_oracle():
    """The case study's claim: each fold in the stack trains exactly as it would alone."""
    seed, n_folds, n_hidden, n_epoch, l_rate = 7, 4, 3, 15, 0.3
    rows = seeds_rows()
    dataset = [list(row) for row in rows]
    random.seed(seed)
    ta.normalize_dataset(dataset, ta.dataset_minmax(dataset))
    folds = ta.cross_validation_split(dataset, n_folds)
    state = random.getstate()
    networks = [ta.initialize_network(7, n_hidden, 3) for _ in folds]  # fold after fold
    initial = [np.stack([np.array([n["weights"] for n in net[layer]]) for net in networks])
               for layer in range(2)]
    random.setstate(state)  # the stacked model draws the same numbers, in the same order
    drawn = nn.MLP(7, [n_hidden, 3], models=n_folds).get_weights()
    assert all(np.array_equal(d, w) for d, w in zip(drawn, initial))

    # The same split as index lists, for the stacked side.
    features = normalize(load_wheat_seeds().features, *minmax(load_wheat_seeds().features))
    labels = load_wheat_seeds().labels
    random.seed(seed)
    index_folds = kfold_indices(len(labels), n_folds)
    assert [[features[i].tolist() + [int(labels[i])] for i in fold] for fold in index_folds] \
        == folds
    train = np.array([[i for other in index_folds if other is not fold for i in other]
                      for fold in index_folds])
    test = np.array(index_folds)

    stack = nn.MLP(7, [n_hidden, 3], models=n_folds, weights=initial)
    nn.train(stack, features[train], labels[train], lr=l_rate, epochs=n_epoch)
    stacked = stack.get_weights()
    predictions = stacked_predictions(stack, features[test])
    for k, fold in enumerate(folds):
        train_rows = [row for j, other in enumerate(folds) if j != k for row in other]
        ta.train_network(networks[k], train_rows, l_rate, n_epoch, 3)
        for layer in range(2):
            alone = np.array([n["weights"] for n in networks[k][layer]])
            np.testing.assert_allclose(stacked[layer][k], alone, rtol=0, atol=STACKED_ATOL)
        assert predictions[k].tolist() == [ta.predict(networks[k], row) for row in fold]

        # And the stack of one: bit for bit the same weights as fold k inside the stack of k.
        one = nn.MLP(7, [n_hidden, 3], models=1, weights=[w[k:k + 1] for w in initial])
        nn.train(one, features[train[k:k + 1]], labels[train[k:k + 1]], lr=l_rate,
                 epochs=n_epoch)
        for layer in range(2):
            assert np.array_equal(one.get_weights()[layer][0], stacked[layer][k])


# --- examples/11_case_study.py ----------------------------------------------------------------

@pytest.mark.parametrize("args, n_epoch", [([], 20), (["--epochs", "5"], 5)])
def test_example_prints_the_oracles_numbers_in_fast_mode(args, n_epoch, examples):
    """TINYGRAD_BP_FAST=1 means 20 epochs; an explicit --epochs wins."""
    examples.launch("11_case_study", *args, fast=True)  # runs while the oracle computes
    expected = seeds_oracle(1, 5, 5, n_epoch, 0.3)
    confusion = expected.confusion(3).tolist()
    assert list(examples("11_case_study", *args, fast=True)) == [
        "210 rows, 7 features, classes ['1', '2', '3']",
        f"5 folds of {len(expected.actual[0])} rows, {n_epoch} epochs",
        f"Scores: {expected.scores}",
        f"Mean Accuracy: {sum(expected.scores) / 5:.3f}%",
        "Confusion matrix (rows: actual, columns: predicted):",
        *(f"  {name}: {row}" for name, row in zip("123", confusion)),
    ]


def test_a_plain_triple_of_lists_gives_the_same_result_as_arrays():
    rng = np.random.default_rng(5)
    features = rng.random((12, 2))
    labels = [i % 3 for i in range(12)]
    as_lists = cross_validate((features.tolist(), labels, ["a", "b", "c"]),
                              n_folds=3, n_epoch=4)
    as_arrays = cross_validate((features, np.array(labels), ["a", "b", "c"]),
                               n_folds=3, n_epoch=4)
    assert as_lists.scores == as_arrays.scores
    assert as_lists.confusion.tolist() == as_arrays.confusion.tolist()
    assert as_lists.confusion.sum() == 12
