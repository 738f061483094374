"""Data sets and what the case study does with them: load, scale, split, score.

- ``loading``: ``load_csv``, with clear ``path:line:`` errors (``DataError``).
- ``datasets``: the bundled data sets (``load_wheat_seeds``, ``load_digits``).
- ``scaling``: min-max normalisation.
- ``splits``: the tutorial's k-fold split, and a seeded train/test split (row indices).
- ``metrics``: accuracy and a confusion matrix.
"""

from .datasets import load_digits, load_wheat_seeds
from .loading import Dataset, load_csv
from .metrics import accuracy, confusion_matrix
from .scaling import minmax, normalize
from .splits import kfold_indices, train_test_split

__all__ = [
    "Dataset", "load_csv", "load_digits", "load_wheat_seeds", "minmax", "normalize",
    "kfold_indices", "train_test_split", "accuracy", "confusion_matrix",
]
