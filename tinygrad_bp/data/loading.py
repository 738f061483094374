"""Loading CSV data sets and scaling their features, as the tutorial's case study does.

A data file holds numeric features with the class label in the last column, one row per line.
``load_csv`` accepts what real files contain (spaces after commas, blank lines, CRLF line endings,
a UTF-8 byte-order mark, one optional header row, quoted fields) and rejects anything else with a
``DataError`` whose message starts with ``path:line:`` (or ``path:`` when no one line is at fault),
so a reader sees what is wrong and where instead of a traceback from deep inside training.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterator

import numpy as np

from ..errors import DataError

__all__ = ["Dataset", "load_csv", "parse_csv"]

_QUOTE_LIMIT = 60  # longest line quoted in a message before it is shortened


class Dataset:
    """What ``load_csv`` returns: unpacks as ``features, labels, classes``.

    ``features`` is a float64 array (rows, features); ``labels`` an int64 array of indices into
    ``classes``, the class names as written in the file. ``path`` names the file and ``header``
    holds the header row's field names, or None when the file has no header. Like the tuple it
    stands for, ``len(dataset) == 3``; the number of rows is ``len(dataset.labels)``.
    """

    def __init__(self, features: np.ndarray, labels: np.ndarray, classes: list[str],
                 path: str, header: list[str] | None = None) -> None:
        self.features = features
        self.labels = labels
        self.classes = classes
        self.path = path
        self.header = header

    def __iter__(self) -> Iterator:
        return iter((self.features, self.labels, self.classes))

    def __len__(self) -> int:
        return 3

    def __repr__(self) -> str:
        rows, cols = self.features.shape
        return (f"Dataset(path={self.path!r}, rows={rows}, features={cols}, "
                f"classes={self.classes!r})")


def load_csv(path: str | os.PathLike) -> Dataset:
    """Read a CSV of numeric features with the class label last; see the module docstring.

    Class labels become indices in sorted order: numeric order when every label is a number
    (``"10"`` after ``"9"``; ``"1"`` and ``"1.0"`` are one class, named by the first spelling
    seen), string order otherwise. The first non-blank line is a header when every feature field
    in it is text that is not a number; it is skipped and kept as ``dataset.header``. The file is
    only read, never changed.
    """
    name = os.fsdecode(path)
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except FileNotFoundError:
        raise DataError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{name}: is a directory, not a file") from None
    except OSError as exc:
        raise DataError(f"{name}: cannot read file: {exc.strerror or exc}") from None
    return parse_csv(raw, name)


def parse_csv(raw: bytes, name: str) -> Dataset:
    """The data set in ``raw``, the bytes of a CSV file; ``name`` is used in messages."""
    text = _decode(raw, name)
    # Splitting by hand (not csv over the whole text) keeps line numbers physical.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header: list[str] | None = None
    n_cols = 0
    first_line = 0
    rows: list[list[float]] = []
    labels: list[str] = []
    last_line = 0  # the last non-blank line, for messages about the file as a whole
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        last_line = number
        where = f"{name}:{number}:"
        fields = _split(line, where)
        if not n_cols:
            if len(fields) < 2:
                raise DataError(f"{where} need at least 2 comma-separated columns (features, "
                                f"then the class label), found 1: {_quote(line)}")
            n_cols, first_line = len(fields), number
            if all(field and not _is_number(field) for field in fields[:-1]):
                header = fields
                continue
        if len(fields) != n_cols:
            raise DataError(f"{where} expected {n_cols} columns (as on line {first_line}), "
                            f"found {len(fields)}: {_quote(line)}")
        values = []
        for column, field in enumerate(fields, start=1):
            if not field:
                raise DataError(f"{where} column {column} is empty: {_quote(line)}")
            if column < n_cols:
                values.append(_to_float(field, column, where))
        rows.append(values)
        labels.append(fields[-1])
    if not rows:
        after = f" after the header on line {first_line}" if header else ""
        raise DataError(f"{name}:{last_line + 1}: no data rows{after}")
    classes, indices = _index_classes(labels)
    if len(classes) < 2:
        raise DataError(f"{name}:{last_line}: only one class ({classes[0]!r}) in {len(rows)} rows; "
                        f"need at least 2")
    features = np.array(rows, dtype=np.float64).reshape(len(rows), n_cols - 1)
    return Dataset(features, np.array(indices, dtype=np.int64), classes, name, header)


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(f"{name}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                        f"save the file as CSV UTF-8") from None


def _split(line: str, where: str) -> list[str]:
    try:
        fields = next(csv.reader([line], skipinitialspace=True, strict=True))
    except csv.Error as exc:
        raise DataError(f"{where} bad quoting ({exc}): {_quote(line)}") from None
    return [field.strip() for field in fields]


def _quote(line: str) -> str:
    if len(line) > _QUOTE_LIMIT:
        line = line[:_QUOTE_LIMIT - 3] + "..."
    return repr(line)


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _to_float(field: str, column: int, where: str) -> float:
    try:
        value = float(field)
    except ValueError:
        raise DataError(f"{where} column {column} is not a number: {field!r}") from None
    if not math.isfinite(value):
        raise DataError(f"{where} column {column} is not a finite number: {field!r}")
    return value


def _index_classes(labels: list[str]) -> tuple[list[str], list[int]]:
    """Sorted class names and each row's index into them (numeric order for numbers)."""
    try:
        keys: list = [float(label) for label in labels]
        numeric = all(math.isfinite(key) for key in keys)
    except ValueError:
        numeric = False
    if not numeric:
        keys = labels
    spelling: dict = {}
    for key, label in zip(keys, labels):
        spelling.setdefault(key, label)  # the first spelling seen names the class
    order = sorted(spelling)
    position = {key: i for i, key in enumerate(order)}
    return [spelling[key] for key in order], [position[key] for key in keys]
