"""Loading CSV data sets and scaling their features, as the tutorial's case study does.

A data file holds numeric features with the class label in the last column, one row per line.
``load_csv`` accepts what real files contain (spaces after commas, blank lines, CRLF line endings,
a UTF-8 byte-order mark, one optional header row, quoted fields) and rejects anything else with a
``DataError`` whose message starts with ``path:line:`` (or ``path:`` when no one line is at fault),
so a reader sees what is wrong and where instead of a traceback from deep inside training.

A feature is a plain decimal number in ASCII, as spreadsheets write them (``-1.5``, ``.5``,
``2e-3``). Python's ``float`` also reads ``1_000``, digits of other scripts (``١٢``), ``inf``
and ``nan``; a CSV reader should not guess at those, so each is a ``DataError`` naming line and
column.
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections.abc import Iterator

import numpy as np

from ..errors import DataError

__all__ = ["Dataset", "load_csv", "parse_csv"]

_QUOTE_LIMIT = 60  # longest line quoted in a message before it is shortened
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NOT_FINITE = {"inf", "infinity", "nan"}  # float()'s words, signed or not, in any case


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


def load_csv(path: str | os.PathLike, header: bool | None = None) -> Dataset:
    """Read a CSV of numeric features with the class label last; see the module docstring.

    Class labels become indices in sorted order: numeric order when every label is a number
    (``"10"`` after ``"9"``; ``"1"`` and ``"1.0"`` are one class, named by the first spelling
    seen), string order otherwise. Features must be plain ASCII decimal numbers: ``1_000``,
    non-ASCII digits, ``inf``, ``nan`` and values beyond float64 (``1e400``) are refused, and so
    is a column whose largest and smallest values are too far apart for min-max scaling
    (``max - min`` overflows, as for ``1e308`` and ``-1e308``).

    ``header=None`` (the default) decides from the file: the first non-blank line is a header
    when every feature field in it is text that is not a number, or when its label is text while
    every other row's label is a number (names that are numbers, ``0,1,2,class``, above numeric
    labels). A header of number names above text labels cannot be told from data: pass
    ``header=True`` (the first non-blank line is a header) or ``header=False`` (it is data). The
    header's fields are kept as ``dataset.header``. The file is only read, never changed.
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
    return parse_csv(raw, name, header)


def parse_csv(raw: bytes, name: str, header: bool | None = None) -> Dataset:
    """The data set in ``raw``, the bytes of a CSV file; ``name`` is used in messages.

    ``header`` as for ``load_csv``.
    """
    if header not in (None, True, False):
        raise TypeError(f"header must be True, False or None, not {header!r}")
    text = _decode(raw, name)
    # Splitting by hand (not csv over the whole text) keeps line numbers physical.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    names: list[str] | None = None
    first: list[str] = []  # the first non-blank line's fields
    n_cols = 0
    first_line = 0
    rows: list[list[float]] = []
    labels: list[str] = []
    row_lines: list[int] = []
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
            n_cols, first_line, first = len(fields), number, fields
            if header or (header is None and all(
                    field and not _is_number(field) for field in fields[:-1])):
                names = fields
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
        row_lines.append(number)
    if header is None and names is None and _number_names(labels):
        names = first
        del rows[0], labels[0], row_lines[0]
    if not rows:
        after = f" after the header on line {first_line}" if names else ""
        raise DataError(f"{name}:{last_line + 1}: no data rows{after}")
    classes, indices = _index_classes(labels)
    if len(classes) < 2:
        raise DataError(f"{name}:{last_line}: only one class ({classes[0]!r}) in {len(rows)} rows; "
                        f"need at least 2")
    features = np.array(rows, dtype=np.float64).reshape(len(rows), n_cols - 1)
    _check_spans(features, row_lines, name)
    return Dataset(features, np.array(indices, dtype=np.int64), classes, name, names)


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"\x1f\x8b"):  # gzip's magic number: a .csv.gz such as the bundled one
        raise DataError(f"{name}:1: gzip-compressed, not CSV text; decompress it first "
                        f"(gunzip {name})")
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
    """True for anything ``float`` reads: a header is text that is not even that."""
    try:
        float(field)
    except ValueError:
        return False
    return True


def _plain(field: str) -> bool:
    return _NUMBER.fullmatch(field) is not None


def _to_float(field: str, column: int, where: str) -> float:
    if _plain(field):
        value = float(field)
        if math.isinf(value):
            raise DataError(f"{where} column {column} is too large for a float64 (at most about "
                            f"1.8e308): {field!r}")
        return value
    if field.lstrip("+-").lower() in _NOT_FINITE:
        raise DataError(f"{where} column {column} is not a finite number: {field!r}")
    if _is_number(field):  # float() reads it, but no spreadsheet writes it
        fix = (f"write it without '_' ({field.replace('_', '')})" if "_" in field
               else "write it with the ASCII digits 0-9")
        raise DataError(f"{where} column {column} is not a plain decimal number: {field!r}; "
                        f"{fix}")
    raise DataError(f"{where} column {column} is not a number: {field!r}")


def _number_names(labels: list[str]) -> bool:
    """True when only the first row's label is text: that row is a header of number names."""
    return (len(labels) > 1 and not _plain(labels[0])
            and all(_plain(label) for label in labels[1:]))


def _check_spans(features: np.ndarray, row_lines: list[int], name: str) -> None:
    """Refuse a column whose ``max - min`` overflows: min-max scaling would turn it into nan."""
    with np.errstate(over="ignore"):
        spans = features.max(axis=0) - features.min(axis=0)
    for column in np.flatnonzero(~np.isfinite(spans)):
        values = features[:, column]
        high, low = int(values.argmax()), int(values.argmin())
        raise DataError(f"{name}:{row_lines[high]}: column {column + 1} holds "
                        f"{float(values[high])!r} here and {float(values[low])!r} on line "
                        f"{row_lines[low]}: max - min overflows float64, so min-max scaling "
                        f"would give nan; scale this column down first")


def _index_classes(labels: list[str]) -> tuple[list[str], list[int]]:
    """Sorted class names and each row's index into them (numeric order for numbers)."""
    keys: list = labels
    if all(_plain(label) for label in labels):
        numbers = [float(label) for label in labels]
        if all(math.isfinite(key) for key in numbers):
            keys = numbers
    spelling: dict = {}
    for key, label in zip(keys, labels):
        spelling.setdefault(key, label)  # the first spelling seen names the class
    order = sorted(spelling)
    position = {key: i for i, key in enumerate(order)}
    return [spelling[key] for key in order], [position[key] for key in keys]
