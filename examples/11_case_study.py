"""The tutorial's case study, the wheat seeds data, through the Python API: TUTORIAL.md item 6.

``cross_validate`` does what the tutorial's ``evaluate_algorithm`` does: seed Python's random,
min-max normalise every feature, draw 5 folds, and for each fold train a fresh
``initialize_network(7, 5, 3)`` on the other four folds (online, 500 epochs, learning rate 0.3)
and score it on the held-out fold. The five networks train side by side as one stacked network.
See docs/07-case-study.md; ``tinygrad-bp seeds`` runs the same thing from the shell.

    python examples/11_case_study.py               # the tutorial's 500 epochs, a few seconds
    python examples/11_case_study.py --epochs 50   # fewer epochs
    TINYGRAD_BP_FAST=1 python examples/11_case_study.py   # 20 epochs, for a quick look
"""
import argparse
import os

from tinygrad_bp.casestudy import cross_validate
from tinygrad_bp.data import load_wheat_seeds

parser = argparse.ArgumentParser(description="The wheat seeds case study, through the API.")
parser.add_argument("--epochs", type=int, default=None,
                    help="training epochs per fold (default 500, or 20 with TINYGRAD_BP_FAST=1)")
args = parser.parse_args()
fast = os.environ.get("TINYGRAD_BP_FAST") == "1"
n_epoch = args.epochs if args.epochs is not None else (20 if fast else 500)

dataset = load_wheat_seeds()  # unpacks as features, labels, classes
features, labels, classes = dataset
print(f"{features.shape[0]} rows, {features.shape[1]} features, classes {classes}")

result = cross_validate(dataset, n_folds=5, l_rate=0.3, n_epoch=n_epoch, n_hidden=5, seed=1)
print(f"{len(result.scores)} folds of {result.fold_size} rows, {n_epoch} epochs")
print(f"Scores: {result.scores}")
print(f"Mean Accuracy: {result.mean:.3f}%")

# The confusion matrix counts [actual, predicted] over every held-out row; its diagonal is
# the correct predictions.
print("Confusion matrix (rows: actual, columns: predicted):")
for name, row in zip(result.classes, result.confusion):
    print(f"  {name}: {row.tolist()}")
