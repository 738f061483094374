"""The tutorial's data helpers, by its names, on its lists of rows.

The tutorial keeps a data set as a list of rows, each a list with the class label last:
``load_csv`` reads the rows as strings, ``str_column_to_float`` and ``str_column_to_int`` turn a
column into numbers in place, ``dataset_minmax`` and ``normalize_dataset`` rescale the features
to [0, 1] in place. The arithmetic is ``tinygrad_bp.data``'s (``normalize``, its order of
class names); what differs from the tutorial's code is only what happens to input it
cannot mean: a missing value, a header row, a short line or a column whose range overflows is
an error naming the row and column (and the file and line, for rows ``load_csv`` read), instead
of a ``ValueError: could not convert string to float``, an ``IndexError`` or ``nan``.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence
from numbers import Real

import numpy as np

from ..data import normalize
from ..data.loading import _index_classes, _to_float
from ..errors import DataError
from ..value import Value

__all__ = ["CsvRow", "check_number", "number_problem", "check_row", "dataset_minmax", "load_csv",
           "normalize_dataset", "str_column_to_float", "str_column_to_int"]


class CsvRow(list[str]):
    """One row ``load_csv`` read: a plain list of fields that remembers its ``path:line``."""

    __slots__ = ("where",)
    where: str


def number_problem(value) -> str | None:
    """What is wrong with ``value`` as a number (``"is None (a missing value)"``), or None."""
    if value is None:
        return "is None (a missing value)"
    if not isinstance(value, Real):
        return f"is {value!r}, not a number"
    if not math.isfinite(value):
        return f"is {value}, not a finite number"
    return None


def check_number(value, where: str) -> None:
    """A ValueError naming ``where`` unless ``value`` is a finite number (not None, not nan)."""
    problem = number_problem(value)
    if problem:
        raise ValueError(f"{where} {problem}")


def check_row(row: Sequence, n_inputs: int, who: str, name: str = "row") -> list:
    """The first ``n_inputs`` values of ``row``, each checked to be a number (or a Value)."""
    if len(row) < n_inputs:
        raise ValueError(f"{who}: {name} has {len(row)} values, but {n_inputs} inputs are "
                         "needed (one per weight, the bias aside)")
    values = list(row[:n_inputs])
    for k, value in enumerate(values):
        if not isinstance(value, Value):  # a Value is the caller's own graph: left to it
            check_number(value, f"{who}: {name}[{k}]")
    return values


def load_csv(filename: str | os.PathLike) -> list[CsvRow]:
    """The file's rows as lists of strings, as the tutorial's ``load_csv`` returns them.

    Blank lines are skipped and fields stripped of spaces; a UTF-8 byte-order mark is ignored.
    Unlike ``tinygrad_bp.data.load_csv`` nothing is converted: that is the job of
    ``str_column_to_float`` and ``str_column_to_int``. A line with another number of fields
    than the first is a ``DataError`` starting ``path:line:``, not an ``IndexError`` later.
    """
    name = os.fsdecode(filename)
    try:
        with open(filename, encoding="utf-8-sig", newline="") as file:
            reader = csv.reader(file, skipinitialspace=True)
            records = [(reader.line_num, record) for record in reader]
    except FileNotFoundError:
        raise DataError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{name}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{name}: not UTF-8 text ({exc.reason}); save the file as CSV UTF-8") \
            from None
    except (OSError, csv.Error) as exc:
        raise DataError(f"{name}: cannot read: {exc}") from None
    dataset: list[CsvRow] = []
    for line, record in records:  # line_num: the record's last line
        fields = [field.strip() for field in record]
        if not any(fields):
            continue
        row = CsvRow(fields)
        row.where = f"{name}:{line}"
        if dataset and len(row) != len(dataset[0]):
            raise DataError(f"{row.where}: {len(row)} fields, but line "
                            f"{dataset[0].where.rpartition(':')[2]} has {len(dataset[0])}")
        dataset.append(row)
    return dataset


def _error(dataset: Sequence, i: int, column: int, who: str, text: str) -> ValueError:
    """An error about ``dataset[i][column]``: a ``DataError`` starting ``path:line:`` for a row
    ``load_csv`` read, a ``ValueError`` naming only the position otherwise."""
    where = getattr(dataset[i], "where", None)
    message = f"{who}: dataset[{i}][{column}] {text}"
    return DataError(f"{where}: {message}") if where else ValueError(message)


def _field(dataset: Sequence, i: int, column: int, who: str):
    row = dataset[i]
    if not -len(row) <= column < len(row):
        raise ValueError(f"{who}: dataset[{i}] has {len(row)} values, so no column {column}")
    value = row[column]
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _error(dataset, i, column, who, f"is {value!r} (a missing value)")
    return value


def str_column_to_float(dataset: list[list], column: int) -> None:
    """Convert ``column`` of every row to float, in place (the tutorial's function).

    Fields are read as ``tinygrad_bp.data.load_csv`` reads them: plain decimals only, so a
    header row's name, a stray separator, ``nan``, ``1_000`` or digits of another script are a
    ``DataError`` naming the row and column (and the file and line, for rows ``load_csv`` read).
    """
    for i, row in enumerate(dataset):
        value = _field(dataset, i, column, "str_column_to_float")
        if not isinstance(value, str):  # already a number: checked, and kept as a float
            problem = number_problem(value)
            if problem:
                raise _error(dataset, i, column, "str_column_to_float", problem)
            row[column] = float(value)
            continue
        where = getattr(row, "where", None)
        try:
            row[column] = _to_float(value.strip(), column, f"{where + ': ' if where else ''}"
                                    f"str_column_to_float: dataset[{i}]")
        except DataError as exc:
            header = i == 0 and not any(c.isdigit() for c in value)
            hint = " (a header row? remove it)" if header else ""
            raise DataError(f"{exc}{hint}") from None


def str_column_to_int(dataset: list[list], column: int) -> dict:
    """Replace the class names in ``column`` by indices 0, 1, ...; returns ``{name: index}``.

    The tutorial numbers the classes in the order of a Python ``set``, which for strings changes
    from run to run; here they are numbered in sorted order (numeric order when every name is a
    number, as ``tinygrad_bp.data.load_csv`` does), so "1", "2", "3" become 0, 1, 2 every time.
    """
    values = [_field(dataset, i, column, "str_column_to_int") for i in range(len(dataset))]
    _, indices = _index_classes([str(v).strip() for v in values])
    lookup = dict(zip(values, indices))
    for row, index in zip(dataset, indices):
        row[column] = index
    return lookup


def _matrix(dataset: Sequence[Sequence], who: str) -> np.ndarray:
    """The rows as a float64 array, every value checked to be a number, every row as long."""
    if not dataset:
        raise ValueError(f"{who}: the dataset has no rows")
    width = len(dataset[0])
    for i, row in enumerate(dataset):
        if len(row) != width:
            raise ValueError(f"{who}: dataset[{i}] has {len(row)} values, dataset[0] {width}")
        for k, value in enumerate(row):
            problem = number_problem(value)
            if problem:
                hint = " (convert the column with str_column_to_float)" * isinstance(value, str)
                raise _error(dataset, i, k, who, problem + hint)
    return np.array(dataset, dtype=np.float64).reshape(len(dataset), width)


def _check_spans(lows: np.ndarray, highs: np.ndarray, who: str) -> None:
    """An error naming the first column whose ``max - min`` overflows float64 (±1e308)."""
    for k, (lo, hi) in enumerate(zip(lows.tolist(), highs.tolist())):
        if not math.isfinite(hi - lo):
            raise ValueError(f"{who}: column {k} spans {lo!r} to {hi!r}, a range too large for "
                             "float64 (max - min overflows); rescale it first")


def dataset_minmax(dataset: Sequence[Sequence[float]]) -> list[list[float]]:
    """``[min, max]`` of every column, the class column too (the tutorial's function).

    A column whose ``max - min`` overflows float64 is refused here already, with its values,
    since normalising it could only give ``nan``.
    """
    rows = _matrix(dataset, "dataset_minmax")
    lows, highs = rows.min(axis=0), rows.max(axis=0)
    _check_spans(lows, highs, "dataset_minmax")
    return [[lo, hi] for lo, hi in zip(lows.tolist(), highs.tolist())]


def normalize_dataset(dataset: list[list[float]], minmax: Sequence[Sequence[float]]) -> None:
    """Rescale every feature (not the class, last) to ``(x - min) / (max - min)``, in place.

    The arithmetic is ``data.normalize``'s, bit for bit the tutorial's. A constant column
    (``max == min``) becomes 0.0, where the tutorial divides by zero; a range or an ``x - min``
    that overflows float64 (values near ±1e308) is an error naming the column, not ``nan``.
    """
    features = _matrix(dataset, "normalize_dataset")[:, :-1]
    n = features.shape[1]
    if len(minmax) < n:
        raise ValueError(f"normalize_dataset: minmax has {len(minmax)} [min, max] pairs for "
                         f"{n} feature columns")
    lows, highs = np.array([list(pair) for pair in minmax[:n]], dtype=np.float64).reshape(n, 2).T
    _check_spans(lows, highs, "normalize_dataset")
    with np.errstate(over="ignore"):
        bad = np.argwhere(~np.isfinite(features - lows))
    if len(bad):  # a value far outside [min, max], as a minmax of other rows allows
        i, k = (int(v) for v in bad[0])
        raise _error(dataset, i, k, "normalize_dataset",
                     f"lies too far from column {k}'s min {float(lows[k])!r}: x - min overflows "
                     "float64")
    for row, values in zip(dataset, normalize(features, lows, highs).tolist()):
        row[:n] = values
