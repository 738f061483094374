"""Tests for tinygrad_bp.data: loading CSV files, scaling, splits and scores.

Expected values come from the file text, a hand computation or a plain-Python restatement of the
tutorial's code, never from the functions under test.
"""

import doctest
import io
import random
import re
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from tinygrad_bp.data import (Dataset, accuracy, confusion_matrix, kfold_indices, load_csv,
                              load_wheat_seeds, minmax, normalize, train_test_split)
from tinygrad_bp.errors import DataError

DOC = Path(__file__).resolve().parent.parent / "docs" / "troubleshooting.md"


def write(tmp_path, content, name="data.csv"):
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def load_error(path):
    with pytest.raises(DataError) as info:
        load_csv(path)
    return str(info.value)


# --- the bundled wheat seeds data -------------------------------------------------------------

def test_wheat_seeds_shape_classes_and_first_row():
    features, labels, classes = load_wheat_seeds()
    assert features.shape == (210, 7) and features.dtype == np.float64
    assert labels.shape == (210,) and labels.dtype == np.int64
    assert classes == ["1", "2", "3"]
    assert np.bincount(labels).tolist() == [70, 70, 70]
    assert features[0].tolist() == [15.26, 14.84, 0.871, 5.763, 3.312, 2.221, 5.22]
    assert labels[0] == 0
    assert load_wheat_seeds().header is None


def test_wheat_seeds_matches_a_plain_reading_of_the_bundled_text():
    text = (resources.files("tinygrad_bp.data") / "bundled" / "wheat-seeds.csv").read_text()
    rows = [[field.strip() for field in line.split(",")] for line in text.splitlines() if line]
    features, labels, classes = load_wheat_seeds()
    assert features.tolist() == [[float(x) for x in row[:-1]] for row in rows]
    assert [classes[i] for i in labels] == [row[-1] for row in rows]


# --- load_csv: what it accepts ----------------------------------------------------------------

def test_dataset_unpacks_as_three_items_and_carries_path_and_header(tmp_path):
    path = write(tmp_path, "1.5,2,A\n3,4.25,B\n")
    dataset = load_csv(path)
    assert isinstance(dataset, Dataset)
    features, labels, classes = dataset
    assert len(dataset) == 3
    with pytest.raises(ValueError):
        features, labels = dataset
    assert features.tolist() == [[1.5, 2.0], [3.0, 4.25]]
    assert labels.tolist() == [0, 1]
    assert classes == ["A", "B"]
    assert dataset.path == str(path)
    assert dataset.header is None
    assert load_csv(str(path)).path == str(path)


def test_string_labels_sort_as_strings(tmp_path):
    path = write(tmp_path, "1,2,YES\n3,4,NO\n5,6,YES\n7,8,NO\n")
    features, labels, classes = load_csv(path)
    assert classes == ["NO", "YES"]
    assert labels.tolist() == [1, 0, 1, 0]


def test_numeric_labels_sort_as_numbers(tmp_path):
    path = write(tmp_path, "1,2,10\n3,4,9\n5,6,2\n7,8,9\n")
    _, labels, classes = load_csv(path)
    assert classes == ["2", "9", "10"]
    assert labels.tolist() == [2, 1, 0, 1]


def test_equal_numbers_are_one_class_named_by_first_spelling(tmp_path):
    path = write(tmp_path, "1,2,1.0\n3,4,2\n5,6,1\n7,8,02\n")
    _, labels, classes = load_csv(path)
    assert classes == ["1.0", "2"]
    assert labels.tolist() == [0, 1, 0, 1]


def test_labels_mixing_numbers_and_text_sort_as_strings(tmp_path):
    path = write(tmp_path, "1,2,10\n3,4,9\n5,6,x\n")
    _, labels, classes = load_csv(path)
    assert classes == ["10", "9", "x"]
    assert labels.tolist() == [0, 1, 2]


def test_header_row_is_detected_skipped_and_reported(tmp_path):
    path = write(tmp_path, "\narea, perimeter, class\n15.26, 14.84, 1\n14.88, 14.57, 2\n")
    dataset = load_csv(path)
    assert dataset.header == ["area", "perimeter", "class"]
    assert dataset.features.tolist() == [[15.26, 14.84], [14.88, 14.57]]
    assert dataset.classes == ["1", "2"]


def test_quoted_header_and_labels(tmp_path):
    path = write(tmp_path, '"a","b","class"\n1,2,"YES"\n3,4,"NO"\n')
    dataset = load_csv(path)
    assert dataset.header == ["a", "b", "class"]
    assert dataset.classes == ["NO", "YES"]


def test_header_needs_every_feature_field_non_numeric(tmp_path):
    # "2" is a number, so the first line is data and "x" is a bad feature.
    path = write(tmp_path, "x,2,A\n3,4,B\n")
    assert load_error(path) == f"{path}:1: column 1 is not a number: 'x'"


@pytest.mark.parametrize("text", [
    "1, 2, A\n3,  4 ,B\n",                      # spaces around fields
    "1,2,A\r\n3,4,B\r\n",                       # CRLF
    "\ufeff1,2,A\n3,4,B\n",                     # UTF-8 byte-order mark
    "1,2,A\n3,4,B",                             # no trailing newline
    "\n\n1,2,A\n\n  \n3,4,B\n\n\t\n",           # blank lines anywhere
    "\ufeff\r\n1, 2, A\r\n\r\n3, 4, B",         # all of it at once
])
def test_tolerates_what_real_files_contain(tmp_path, text):
    features, labels, classes = load_csv(write(tmp_path, text))
    assert features.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert labels.tolist() == [0, 1]
    assert classes == ["A", "B"]


def test_bom_before_a_header(tmp_path):
    dataset = load_csv(write(tmp_path, "\ufeffx1,x2,y\r\n1,2,A\r\n3,4,B\r\n"))
    assert dataset.header == ["x1", "x2", "y"]


def test_file_is_unchanged_after_loading(tmp_path):
    original = b"\xef\xbb\xbfa,b,c\r\n1, 2,A\r\n\r\n3,4,B"
    path = write(tmp_path, original)
    load_csv(path)
    assert path.read_bytes() == original
    bad = b"1,2,A\n3,,B\n"
    path = write(tmp_path, bad, "bad.csv")
    load_error(path)
    assert path.read_bytes() == bad


# --- load_csv: what it refuses ----------------------------------------------------------------

def test_data_error_is_a_value_error():
    assert issubclass(DataError, ValueError)


def test_non_numeric_feature(tmp_path):
    path = write(tmp_path, "1,2,A\n\n3,abc,B\n")
    assert load_error(path) == f"{path}:3: column 2 is not a number: 'abc'"


def test_empty_field(tmp_path):
    path = write(tmp_path, "1,2,A\n3,,B\n")
    assert load_error(path) == f"{path}:2: column 2 is empty: '3,,B'"


def test_empty_field_of_spaces_and_empty_label(tmp_path):
    path = write(tmp_path, "1,2,A\n3,4, \n")
    assert load_error(path) == f"{path}:2: column 3 is empty: '3,4, '"


def test_first_line_with_empty_features_is_not_a_header(tmp_path):
    path = write(tmp_path, ",,A\n3,4,B\n")
    assert load_error(path) == f"{path}:1: column 1 is empty: ',,A'"


def test_too_few_columns(tmp_path):
    path = write(tmp_path, "1,2,A\n3,4,B\n\n5,C\r\n")
    message = load_error(path)
    assert message == f"{path}:4: expected 3 columns (as on line 1), found 2: '5,C'"


def test_too_many_columns_counts_from_the_header(tmp_path):
    path = write(tmp_path, "\nx1,x2,y\n1,2,A\n3,4,B,\n")
    message = load_error(path)
    assert message == f"{path}:4: expected 3 columns (as on line 2), found 4: '3,4,B,'"


def test_long_lines_are_shortened_in_messages(tmp_path):
    long_line = ",".join(["1.25"] * 30) + ",A"
    path = write(tmp_path, "1,2,A\n" + long_line + "\n")
    message = load_error(path)
    assert message.startswith(f"{path}:2: expected 3 columns (as on line 1), found 31: ")
    assert message.endswith("'" + long_line[:57] + "...'")


@pytest.mark.parametrize("field", ["nan", "NaN", "inf", "-inf", "Infinity", "1e400"])
def test_non_finite_values(tmp_path, field):
    path = write(tmp_path, f"1,2,A\n3,{field},B\n")
    assert load_error(path) == f"{path}:2: column 2 is not a finite number: '{field}'"


@pytest.mark.parametrize("text, where", [
    ("", ":1: no data rows"), ("\n\n  \n", ":1: no data rows"), ("\ufeff", ":1: no data rows"),
    ("a,b,c\n", ":2: no data rows after the header on line 1"),
    ("\na,b,c\n\r\n", ":3: no data rows after the header on line 2"),
])
def test_no_data_rows_points_where_the_data_should_start(tmp_path, text, where):
    path = write(tmp_path, text)
    assert load_error(path) == f"{path}{where}"


def test_only_one_class_points_at_the_last_row(tmp_path):
    path = write(tmp_path, "1,2,A\n3,4,A\n5,6,A\n\n")
    assert load_error(path) == f"{path}:3: only one class ('A') in 3 rows; need at least 2"


def test_one_column(tmp_path):
    path = write(tmp_path, "1;2;A\n3;4;B\n")
    assert load_error(path) == (f"{path}:1: need at least 2 comma-separated columns "
                                f"(features, then the class label), found 1: '1;2;A'")


def test_bad_quoting(tmp_path):
    path = write(tmp_path, '1,2,A\n3,"4,B\n')
    message = load_error(path)
    assert message.startswith(f"{path}:2: bad quoting (")
    assert message.endswith("): '3,\"4,B'")


def test_file_not_found(tmp_path):
    path = tmp_path / "missing.csv"
    assert load_error(path) == f"{path}: file not found"


def test_directory(tmp_path):
    assert load_error(tmp_path) == f"{tmp_path}: is a directory, not a file"


def test_not_utf8(tmp_path):
    path = write(tmp_path, "x,y,label\n1,2,A\n".encode() + "3,4,café\n".encode("latin-1"))
    assert load_error(path) == (f"{path}:3: not UTF-8 text (byte 0xe9); "
                                f"save the file as CSV UTF-8")


# --- minmax and normalize ---------------------------------------------------------------------

def test_normalize_is_bit_identical_to_a_python_float_loop():
    features, _, _ = load_wheat_seeds()
    rows = features.tolist()
    columns = list(zip(*rows))
    lows = [min(column) for column in columns]
    highs = [max(column) for column in columns]
    expected = [[(row[i] - lows[i]) / (highs[i] - lows[i]) for i in range(len(row))]
                for row in rows]
    mins, maxs = minmax(features)
    assert mins.tolist() == lows and maxs.tolist() == highs
    scaled = normalize(features, mins, maxs)
    assert scaled.dtype == np.float64
    assert scaled.tolist() == expected  # exact float equality, element by element


def test_normalize_leaves_its_input_alone_and_scales_to_unit_range():
    features = np.array([[1.0, 10.0], [3.0, 30.0], [2.0, 15.0]])
    copy = features.copy()
    scaled = normalize(features, *minmax(features))
    assert np.array_equal(features, copy)
    assert scaled.tolist() == [[0.0, 0.0], [1.0, 1.0], [0.5, 0.25]]


def test_constant_column_maps_to_zero_without_warning():
    features = np.array([[1.0, 7.0], [3.0, 7.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            mins, maxs = minmax(features)
            scaled = normalize(features, mins, maxs)
            other = normalize(np.array([[2.0, 9.0]]), mins, maxs)
    assert scaled.tolist() == [[0.0, 0.0], [1.0, 0.0]]
    assert other.tolist() == [[0.5, 0.0]]


def test_minmax_refuses_an_empty_table():
    with pytest.raises(ValueError, match="at least one row"):
        minmax(np.zeros((0, 3)))


# --- kfold_indices ----------------------------------------------------------------------------

def tutorial_folds(n_rows, n_folds):
    """The tutorial's cross_validation_split, restated on row indices."""
    dataset_copy = list(range(n_rows))
    fold_size = int(n_rows / n_folds)
    folds = []
    for _ in range(n_folds):
        fold = []
        while len(fold) < fold_size:
            index = random.randrange(len(dataset_copy))
            fold.append(dataset_copy.pop(index))
        folds.append(fold)
    return folds


@pytest.mark.parametrize("n_rows, n_folds", [(210, 5), (11, 5), (10, 2), (7, 7)])
def test_kfold_matches_the_tutorial_after_seed_1(n_rows, n_folds):
    random.seed(1)
    expected = tutorial_folds(n_rows, n_folds)
    after_expected = random.random()
    random.seed(1)
    folds = kfold_indices(n_rows, n_folds)
    assert folds == expected
    assert random.random() == after_expected  # same number of draws from the global stream


def test_kfold_sizes_and_leftovers():
    random.seed(3)
    folds = kfold_indices(11, 5)
    assert [len(fold) for fold in folds] == [2, 2, 2, 2, 2]  # int(11 / 5) == 2, one row dropped
    drawn = [i for fold in folds for i in fold]
    assert len(set(drawn)) == 10 and set(drawn) <= set(range(11))


def test_kfold_with_its_own_random_leaves_the_global_stream_alone():
    random.seed(5)
    state = random.getstate()
    folds = kfold_indices(20, 4, random.Random(7))
    assert random.getstate() == state
    random.seed(7)
    assert folds == tutorial_folds(20, 4)


@pytest.mark.parametrize("n_rows, n_folds", [(10, 1), (10, 0), (3, 5), (0, 2)])
def test_kfold_too_few_rows_or_folds(n_rows, n_folds):
    with pytest.raises(ValueError) as info:
        kfold_indices(n_rows, n_folds)
    assert isinstance(info.value, DataError)
    assert str(info.value).startswith(f"cannot make {n_folds} folds from {n_rows} rows")


def test_kfold_error_names_the_path():
    with pytest.raises(DataError) as info:
        kfold_indices(3, 5, path="data.csv")
    assert str(info.value).startswith("data.csv: cannot make 5 folds from 3 rows")


def test_case_study_data_side_matches_the_reference_oracle():
    """Load, normalise and fold the seeds data as the oracle (the tutorial's code) does."""
    ta = pytest.importorskip("reference.tutorial_algorithm")
    path = resources.files("tinygrad_bp.data") / "bundled" / "wheat-seeds.csv"
    dataset = ta.load_seeds_csv(str(path))
    ta.normalize_dataset(dataset, ta.dataset_minmax(dataset))
    random.seed(1)
    oracle_folds = ta.cross_validation_split(dataset, 5)

    features, labels, _ = load_wheat_seeds()
    scaled = normalize(features, *minmax(features))
    random.seed(1)
    folds = kfold_indices(len(labels), 5)
    ours = [[scaled[i].tolist() + [int(labels[i])] for i in fold] for fold in folds]
    assert ours == oracle_folds


# --- train_test_split -------------------------------------------------------------------------

def test_train_test_split_sizes_and_disjointness():
    train, test = train_test_split(210, 0.25, random.Random(0))
    assert len(test) == 53 and len(train) == 157  # 210 * 0.25 = 52.5, rounded half up
    assert sorted(train + test) == list(range(210))
    train, test = train_test_split(100, 0.07, 1)
    assert len(test) == 7 and len(train) == 93


def test_train_test_split_is_repeatable_and_leaves_global_random_alone():
    random.seed(11)
    state = random.getstate()
    first = train_test_split(30, 0.3, 4)
    assert first == train_test_split(30, 0.3, random.Random(4))
    assert first == train_test_split(30, 0.3, 4)
    assert random.getstate() == state
    order = list(range(30))
    random.Random(4).shuffle(order)
    assert first == (order[9:], order[:9])


@pytest.mark.parametrize("n_rows, fraction", [(10, 0.0), (10, 1.0), (1, 0.5), (10, 0.01)])
def test_train_test_split_refuses_empty_parts(n_rows, fraction):
    with pytest.raises(ValueError):
        train_test_split(n_rows, fraction, 0)


# --- accuracy and confusion_matrix ------------------------------------------------------------

def test_accuracy_is_the_tutorials_percentage():
    # TUTORIAL.md item 6: the first fold scores 90.47619047619048, i.e. 38 of 42 correct.
    assert accuracy([1] * 42, [1] * 38 + [0] * 4) == 90.47619047619048
    # correct / len * 100 in that order, which differs from 100 * correct / len in the last bit
    assert accuracy([0, 1, 2], [0, 2, 1]) == 1 / 3.0 * 100.0
    assert accuracy([0, 1, 2], [0, 2, 1]) != 100.0 / 3
    assert accuracy(np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2])) == 75.0


def test_accuracy_refuses_mismatched_or_empty_input():
    with pytest.raises(ValueError, match="2 predictions for 3 labels"):
        accuracy([0, 1, 2], [0, 1])
    with pytest.raises(ValueError):
        accuracy([], [])


def test_confusion_matrix_counts_actual_by_predicted():
    matrix = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)
    assert matrix.dtype == np.int64
    assert matrix.tolist() == [[1, 1, 0],
                               [0, 1, 0],
                               [1, 0, 2]]


def test_confusion_matrix_refuses_bad_indices():
    with pytest.raises(ValueError, match="out of range"):
        confusion_matrix([0, 3], [0, 1], 3)
    with pytest.raises(ValueError, match="as many predictions"):
        confusion_matrix([0, 1], [0], 2)
    with pytest.raises(TypeError):
        confusion_matrix([0, 1.0], [0, 1], 2)


# --- docs/troubleshooting.md: every example and message is what the code gives ----------------

CLI_PREFIX = "tinygrad-bp: error: "


def doc_blocks():
    return re.findall(r"^```(\w*)\n(.*?)^```$", DOC.read_text(encoding="utf-8"), re.M | re.S)


def doc_examples():
    blocks = doc_blocks()
    return [(body, kind, result) for (k, body), (kind, result) in zip(blocks, blocks[1:])
            if k == "csv"]


def test_doc_examples_are_all_paired():
    blocks = doc_blocks()
    kinds = [kind for kind, _ in blocks]
    assert kinds.count("csv") == len(doc_examples()) >= 12
    for i, kind in enumerate(kinds):
        if kind in ("console", "pycon"):
            assert kinds[i - 1] == "csv", f"block {i} ({kind}) does not follow a csv block"
    quoted = [line for line in DOC.read_text(encoding="utf-8").splitlines() if CLI_PREFIX in line]
    in_console = [line for _, kind, result in doc_examples() if kind == "console"
                  for line in result.splitlines() if line.startswith(CLI_PREFIX)]
    assert quoted == in_console


@pytest.mark.parametrize("example", doc_examples(), ids=lambda e: e[1])
def test_doc_example(tmp_path, monkeypatch, example):
    csv_text, kind, result = example
    write(tmp_path, csv_text)
    monkeypatch.chdir(tmp_path)
    if kind == "console":
        [line] = [line for line in result.splitlines() if line.startswith(CLI_PREFIX)]
        with pytest.raises(DataError) as info:
            load_csv("data.csv")
        assert CLI_PREFIX + str(info.value) == line
    else:
        assert kind == "pycon"
        test = doctest.DocTestParser().get_doctest(result, {}, "troubleshooting", str(DOC), 0)
        out = io.StringIO()
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test, out=out.write)
        assert runner.failures == 0, out.getvalue()


def test_doc_file_level_messages(tmp_path, monkeypatch):
    text = DOC.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    messages = [load_error("data.csv")]
    (tmp_path / "data.csv").mkdir()
    messages.append(load_error("data.csv"))
    (tmp_path / "data.csv").rmdir()
    write(tmp_path, "x,y,label\n1,2,caf\xe9\n".encode("latin-1"))
    messages.append(load_error("data.csv"))
    for message in messages:
        assert f"`{message}`" in text
