"""The data sets bundled with the package (their sources and licences: bundled/README.md)."""

from __future__ import annotations

import gzip
from importlib import resources

from .loading import Dataset, parse_csv


def load_wheat_seeds() -> Dataset:
    """The bundled UCI wheat seeds data: 210 rows, 7 features, classes "1", "2", "3".

    The three classes are the wheat varieties Kama, Rosa and Canadian; see bundled/README.md.
    """
    resource = resources.files(__package__) / "bundled" / "wheat-seeds.csv"
    return parse_csv(resource.read_bytes(), str(resource))


def load_digits() -> Dataset:
    """The bundled UCI optical digits (test set): 1797 rows, 64 features, classes "0" to "9".

    Each row is an 8x8 image of a handwritten digit, read row by row: 64 whole numbers from 0
    (blank) to 16 (every pixel of a 4x4 block inked). The label is the digit, so class index
    and digit agree. ``features[i].reshape(8, 8)`` is the image; see bundled/README.md.
    """
    resource = resources.files(__package__) / "bundled" / "digits.csv.gz"
    # Kept compressed (57 KB instead of 265 KB): the file is scikit-learn's, byte for byte.
    return parse_csv(gzip.decompress(resource.read_bytes()), str(resource))
