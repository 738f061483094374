"""Tests for tinygrad_bp.data: loading CSV files, scaling, splits and scores.

Expected values come from the file text, a hand computation or a plain-Python restatement of the
tutorial's code, never from the functions under test.
"""

import csv
import doctest
import gzip
import hashlib
import io
import itertools
import random
import re
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from reference import tutorial_algorithm as ta

import tinygrad_bp as tg
from tinygrad_bp.data import (Dataset, accuracy, confusion_matrix, kfold_indices, load_csv,
                              load_digits, load_wheat_seeds, minmax, normalize, train_test_split)
from tinygrad_bp.errors import DataError

DOC = Path(__file__).resolve().parent.parent / "docs" / "troubleshooting.md"


def write(tmp_path, content, name="data.csv"):
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def load_error(path):
    return load_error_with(path)


def load_error_with(path, **options):
    with pytest.raises(DataError) as info:
        load_csv(path, **options)
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


# --- the bundled optical digits ---------------------------------------------------------------

DIGITS_GZ = resources.files("tinygrad_bp.data") / "bundled" / "digits.csv.gz"

# digits.images[0] as scikit-learn's documentation prints it: a zero, the first row of the file.
FIRST_DIGIT = [[0, 0, 5, 13, 9, 1, 0, 0],
               [0, 0, 13, 15, 10, 15, 5, 0],
               [0, 3, 15, 2, 0, 11, 8, 0],
               [0, 4, 12, 0, 0, 8, 8, 0],
               [0, 5, 8, 0, 0, 9, 8, 0],
               [0, 4, 11, 0, 1, 12, 7, 0],
               [0, 2, 14, 5, 10, 12, 0, 0],
               [0, 0, 6, 13, 10, 0, 0, 0]]


def test_digits_shape_range_and_first_image():
    dataset = load_digits()
    features, labels, classes = dataset
    assert features.shape == (1797, 64) and features.dtype == np.float64
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert classes == [str(d) for d in range(10)]
    assert features.min() == 0.0 and features.max() == 16.0
    assert np.array_equal(features, np.round(features))  # whole numbers of inked pixels
    assert features[0].reshape(8, 8).tolist() == FIRST_DIGIT and labels[0] == 0
    assert dataset.header is None
    assert tg.load_digits is load_digits and "load_digits" in tg.__all__


def test_digits_class_counts_are_the_uci_test_sets():
    # The UCI page's class distribution of optdigits.tes, which bundled/README.md repeats.
    counts = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert np.bincount(load_digits().labels).tolist() == counts
    with gzip.open(DIGITS_GZ, "rt", encoding="ascii") as file:
        rows = list(csv.reader(file))
    assert [sum(row[-1] == str(d) for row in rows) for d in range(10)] == counts


def test_digits_match_a_plain_reading_of_the_bundled_file():
    with gzip.open(DIGITS_GZ, "rt", encoding="ascii") as file:
        rows = list(csv.reader(file))
    assert len(rows) == 1797 and {len(row) for row in rows} == {65}
    features, labels, _ = load_digits()
    assert features.tolist() == [[int(x) for x in row[:-1]] for row in rows]
    assert labels.tolist() == [int(row[-1]) for row in rows]


def test_digits_file_is_the_one_the_readme_names():
    readme = (resources.files("tinygrad_bp.data") / "bundled" / "README.md").read_text("utf-8")
    digest = hashlib.sha256(DIGITS_GZ.read_bytes()).hexdigest()
    assert f"`{digest}`" in readme and "57,523 bytes" in readme
    assert len(DIGITS_GZ.read_bytes()) == 57_523
    assert "https://doi.org/10.24432/C50P49" in readme and "CC BY 4.0" in readme


def test_bundled_files_are_package_data():
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text("utf-8")
    [line] = [line for line in pyproject.splitlines() if line.startswith("tinygrad_bp = [")]
    bundled = resources.files("tinygrad_bp.data") / "bundled"
    patterns = re.findall(r'"data/bundled/([^"]+)"', line)
    for entry in bundled.iterdir():
        assert any(Path(entry.name).match(p) for p in patterns), entry.name


# --- load_csv: what it accepts ----------------------------------------------------------------

def test_dataset_unpacks_as_three_items_and_carries_path_and_header(tmp_path):
    path = write(tmp_path, "1.5,2,A\n3,4.25,B\n")
    dataset = load_csv(path)
    assert isinstance(dataset, Dataset)
    features, labels, classes = dataset
    assert len(dataset) == 3
    with pytest.raises(ValueError, match=r"too many values to unpack \(expected 2\)"):
        features, labels = dataset
    assert features.tolist() == [[1.5, 2.0], [3.0, 4.25]]
    assert labels.tolist() == [0, 1]
    assert classes == ["A", "B"]
    assert dataset.path == str(path)
    assert dataset.header is None
    assert load_csv(str(path)).path == str(path)


def test_string_labels_sort_as_strings(tmp_path):
    path = write(tmp_path, "1,2,YES\n3,4,NO\n5,6,YES\n7,8,NO\n")
    _, labels, classes = load_csv(path)
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


def test_header_of_number_names_above_numeric_labels(tmp_path):
    # Pixel columns named 0..3 and a "digit" column: only the first label is text.
    path = write(tmp_path, "0,1,2,3,digit\n0,5,13,9,0\n1,0,0,4,1\n16,2,0,3,1\n")
    dataset = load_csv(path)
    assert dataset.header == ["0", "1", "2", "3", "digit"]
    assert dataset.features.tolist() == [[0, 5, 13, 9], [1, 0, 0, 4], [16, 2, 0, 3]]
    assert dataset.classes == ["0", "1"] and dataset.labels.tolist() == [0, 1, 1]


def test_header_of_number_names_above_text_labels_needs_header_true(tmp_path):
    text = "1,2,species\n5.1,3.5,setosa\n6.2,2.9,virginica\n"
    guessed = load_csv(write(tmp_path, text))  # cannot be told from data: read as a row
    assert guessed.header is None and guessed.classes == ["setosa", "species", "virginica"]
    told = load_csv(write(tmp_path, text), header=True)
    assert told.header == ["1", "2", "species"]
    assert told.features.tolist() == [[5.1, 3.5], [6.2, 2.9]]
    assert told.classes == ["setosa", "virginica"]


def test_header_false_reads_the_first_line_as_data(tmp_path):
    path = write(tmp_path, "0,1,class\n3,4,0\n5,6,1\n")
    assert load_csv(path).header == ["0", "1", "class"]
    dataset = load_csv(path, header=False)
    assert dataset.header is None
    assert dataset.features.tolist() == [[0, 1], [3, 4], [5, 6]]
    assert dataset.classes == ["0", "1", "class"] and dataset.labels.tolist() == [2, 0, 1]
    path = write(tmp_path, "x,y,class\n3,4,0\n5,6,1\n", "text.csv")
    assert load_error_with(path, header=False) == f"{path}:1: column 1 is not a number: 'x'"


def test_header_true_with_only_a_header(tmp_path):
    path = write(tmp_path, "1,2,3\n")
    message = load_error_with(path, header=True)
    assert message == f"{path}:2: no data rows after the header on line 1"


def test_header_must_be_a_bool_or_none(tmp_path):
    with pytest.raises(TypeError, match="header must be True, False or None, not 'yes'"):
        load_csv(write(tmp_path, "1,2,A\n3,4,B\n"), header="yes")


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


@pytest.mark.parametrize("field", ["nan", "NaN", "inf", "-inf", "+Infinity", "-nan", "INF"])
def test_non_finite_values(tmp_path, field):
    path = write(tmp_path, f"1,2,A\n3,{field},B\n")
    assert load_error(path) == f"{path}:2: column 2 is not a finite number: '{field}'"


@pytest.mark.parametrize("field", ["1e400", "-1.8e308", "2e308"])
def test_values_beyond_float64(tmp_path, field):
    path = write(tmp_path, f"1,2,A\n3,{field},B\n")
    assert load_error(path) == (f"{path}:2: column 2 is too large for a float64 (at most about "
                                f"1.8e308): '{field}'")


def test_largest_floats_load_and_the_smallest_underflow_to_zero(tmp_path):
    # 1.7976931348623157e308 is the largest float64; 1e-400 is below the smallest subnormal.
    path = write(tmp_path, "1.7976931348623157e308,1e-400,A\n1e308,2,B\n")
    assert load_csv(path).features.tolist() == [[1.7976931348623157e308, 0.0], [1e308, 2.0]]


@pytest.mark.parametrize("text, line, column, big, small, small_line", [
    ("1e308,1,A\n-1e308,2,B\n", 1, 1, "1e+308", "-1e+308", 2),
    ("0,1,A\n\n1,-9e307,B\n2,9e307,A\n", 4, 2, "9e+307", "-9e+307", 3),
])
def test_columns_too_wide_for_minmax_name_a_line(tmp_path, text, line, column, big, small,
                                                  small_line):
    # 1e308 - (-1e308) = 2e308 overflows float64 (max about 1.798e308): scaling would give nan.
    path = write(tmp_path, text)
    assert load_error(path) == (
        f"{path}:{line}: column {column} holds {big} here and {small} on line {small_line}: "
        f"max - min overflows float64, so min-max scaling would give nan; scale this column "
        f"down first")


def test_wide_but_representable_columns_load_and_scale_without_warnings(tmp_path):
    path = write(tmp_path, "8e307,1,A\n-8e307,2,B\n0,3,A\n")  # span 1.6e308 < 1.798e308
    features = load_csv(path).features
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scaled = normalize(features, *minmax(features))
    assert scaled.tolist() == [[1.0, 0.0], [0.0, 0.5], [0.5, 1.0]]


@pytest.mark.parametrize("field, fix", [
    ("1_000", "write it without '_' (1000)"),
    ("0.000_5", "write it without '_' (0.0005)"),
    ("\u0661\u0662", "write it with the ASCII digits 0-9"),       # Arabic-Indic 1 2
    ("\uff11.5", "write it with the ASCII digits 0-9"),           # full-width 1
    ("\u0967\u0968e3", "write it with the ASCII digits 0-9"),    # Devanagari 1 2
])
def test_what_float_reads_but_a_csv_reader_should_not(tmp_path, field, fix):
    assert float(field) > 0  # Python's float() takes every one of these
    path = write(tmp_path, f"1,2,A\n3,{field},B\n")
    assert load_error(path) == f"{path}:2: column 2 is not a plain decimal number: '{field}'; {fix}"


@pytest.mark.parametrize("field, value", [
    ("+1.5", 1.5), ("-.5", -0.5), ("5.", 5.0), ("1E3", 1000.0), ("2e-3", 0.002), ("007", 7.0),
    ("-0", -0.0), ("1.5e+2", 150.0),
])
def test_plain_decimal_spellings(tmp_path, field, value):
    assert load_csv(write(tmp_path, f"{field},1,A\n0,2,B\n")).features[0, 0] == value


@pytest.mark.parametrize("field", ["0x10", "1,5", "1.2.3", "e5", "1e", "--1", "1 000", "٫5"])
def test_other_near_numbers_are_not_numbers(tmp_path, field):
    path = write(tmp_path, f'1,2,A\n3,"{field}",B\n')
    assert load_error(path) == f"{path}:2: column 2 is not a number: '{field}'"


def test_labels_that_float_reads_are_not_merged_with_plain_numbers(tmp_path):
    # float("1_0") == float("\u0661\u0660") == 10.0, but a reader sees three different labels.
    path = write(tmp_path, "1,2,10\n3,4,1_0\n5,6,\u0661\u0660\n7,8,10\n")
    _, labels, classes = load_csv(path)
    assert classes == ["10", "1_0", "\u0661\u0660"]  # not all plain numbers: string order
    assert labels.tolist() == [0, 1, 2, 0]


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
    path = write(tmp_path, b"x,y,label\n1,2,A\n" + "3,4,café\n".encode("latin-1"))
    assert load_error(path) == (f"{path}:3: not UTF-8 text (byte 0xe9); "
                                f"save the file as CSV UTF-8")


def test_gzip_file_says_so(tmp_path):
    path = write(tmp_path, gzip.compress(b"1,2,A\n3,4,B\n"), "data.csv.gz")
    assert load_error(path) == (f"{path}:1: gzip-compressed, not CSV text; decompress it first "
                                f"(gunzip {path})")


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


@pytest.mark.parametrize("features, message", [
    ([[1e308, 0.0], [-1e308, 1.0]], "minmax: max - min overflows float64 in column 1"),
    ([[0.0, np.nan], [1.0, 1.0]], "minmax: features hold nan or inf (column 2)"),
    ([[0.0, 1.0], [np.inf, 1.0]], "minmax: features hold nan or inf (column 1)"),
])
def test_minmax_refuses_what_scaling_would_turn_into_nan(features, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError) as info:
            minmax(np.array(features))
    assert str(info.value).startswith(message)


@pytest.mark.parametrize("features, mins, maxs, message", [
    ([[1.0, 2.0]], [0.0, -1e308], [2.0, 1e308], "normalize: max - min overflows float64 in "
                                                 "column 2"),
    ([[1e308, 0.0]], [-1e308, 0.0], [0.0, 1.0], "normalize: x - min overflows float64 in "
                                                 "column 1"),
    ([[np.nan, 0.0]], [0.0, 0.0], [1.0, 1.0], "normalize: features hold nan or inf (column 1)"),
    ([[0.5, 0.0]], [0.0, 0.0], [1.0, np.inf], "normalize: maxs hold nan or inf (column 2)"),
])
def test_normalize_refuses_what_would_be_nan_or_inf(features, mins, maxs, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError) as info:
            normalize(np.array(features), np.array(mins), np.array(maxs))
    assert str(info.value).startswith(message)


def test_minmax_refuses_an_empty_table():
    with pytest.raises(ValueError, match="at least one row"):
        minmax(np.zeros((0, 3)))


# --- kfold_indices ----------------------------------------------------------------------------

def tutorial_folds(n_rows, n_folds):
    """The tutorial's cross_validation_split (the reference oracle's), on row indices."""
    return ta.cross_validation_split(range(n_rows), n_folds)


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
    with pytest.raises(ValueError, match="test_fraction"):
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
    with pytest.raises(ValueError, match="accuracy of no predictions is undefined"):
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
    return [(body, kind, result) for (k, body), (kind, result) in itertools.pairwise(blocks)
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
