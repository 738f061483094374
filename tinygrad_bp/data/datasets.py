"""The data sets bundled with the package (their sources and licences: bundled/README.md)."""

from __future__ import annotations

from importlib import resources

from .loading import Dataset, parse_csv


def load_wheat_seeds() -> Dataset:
    """The bundled UCI wheat seeds data: 210 rows, 7 features, classes "1", "2", "3".

    The three classes are the wheat varieties Kama, Rosa and Canadian; see bundled/README.md.
    """
    resource = resources.files(__package__) / "bundled" / "wheat-seeds.csv"
    return parse_csv(resource.read_bytes(), str(resource))
