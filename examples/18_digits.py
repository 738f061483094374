"""Handwritten digits: softmax, cross-entropy, minibatches and Adam, with learning curves.

The bundled UCI optical digits (``tinygrad_bp.data.load_digits()``: 1797 images of 8x8 pixels,
each 0 to 16) are split 75/25 into training and test rows. A 64-32-10 network (tanh hidden
layer, softmax output) trains on minibatches of 32 shuffled rows with Adam, minimising the
cross-entropy. After every epoch the test rows are scored too, so the curves show whether the
network learns the digits or only its training rows. ``nn.train`` runs the steps (forward,
loss, ``zero_grad()``/``backward()``, ``step()``) and returns an ``nn.History``, whose
``plot()`` draws the curves (an SVG, no plotting library needed).

    python examples/18_digits.py                          # 20 epochs; writes digits-curves.svg
    python examples/18_digits.py --out DIR --page DIR2    # the curves into DIR, a page of snapshots
    TINYGRAD_BP_FAST=1 python examples/18_digits.py       # 3 epochs, for a quick look
"""
from __future__ import annotations

import argparse
import os
import random
from pathlib import Path

import numpy as np

from tinygrad_bp import nn
from tinygrad_bp.data import load_digits, train_test_split
from tinygrad_bp.losses import cross_entropy
from tinygrad_bp.nn import MLP, History
from tinygrad_bp.optim import Adam

FAST = os.environ.get("TINYGRAD_BP_FAST") == "1"
EPOCHS = 3 if FAST else 20
BATCH, LR, HIDDEN, SEED = 32, 0.01, 32, 0


def percent_correct(probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(probabilities.argmax(axis=1) == labels) * 100)


def train(epochs: int = EPOCHS, snapshots: int = 0) -> tuple[MLP, History, tuple]:
    digits = load_digits()
    X, labels = digits.features / 16.0, digits.labels  # pixels to [0, 1]
    train_rows, test_rows = train_test_split(len(labels), 0.25, rng=SEED)
    X_train, y_train, X_test, y_test = X[train_rows], labels[train_rows], X[test_rows], \
        labels[test_rows]
    model = MLP(64, [HIDDEN, 10], activation="tanh", output_activation="softmax",
                init="symmetric", rng=random.Random(SEED))
    history = nn.train(model, X_train, y_train, loss=cross_entropy,
                       optimizer=Adam(model.parameters(), lr=LR), epochs=epochs,
                       batch_size=BATCH, shuffle=True, rng=random.Random(SEED),
                       validation=(X_test, y_test), snapshots=snapshots)
    return model, history, (X_test, y_test)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS,
                        help=f"passes over the training rows (default {EPOCHS})")
    parser.add_argument("--out", type=Path, default=Path("."),
                        help="directory for digits-curves.svg (default: here)")
    parser.add_argument("--page", type=Path, help="also write a page of 5 snapshots to PAGE/")
    args = parser.parse_args()
    model, history, (X_test, y_test) = train(args.epochs, snapshots=5 if args.page else 0)
    print(f"64-{HIDDEN}-10 network, tanh then softmax, cross-entropy, Adam lr {LR}, "
          f"minibatches of {BATCH}, {len(y_test)} test rows")
    for e in range(history.epochs):
        if e == 0 or (e + 1) % 5 == 0 or e + 1 == history.epochs:
            print(f"epoch {e + 1:2d}: loss {history.loss[e]:.3f} (test {history.val_loss[e]:.3f}),"
                  f" accuracy {history.accuracy[e]:.1f}% (test {history.val_accuracy[e]:.1f}%)")
    print(f"test accuracy: {percent_correct(model(X_test).data, y_test):.1f}%")
    print(f"wrote {history.plot(gradients=True).save(args.out / 'digits-curves.svg')}")
    if args.page:
        print(f"wrote {history.save_page(args.page)}")


if __name__ == "__main__":
    main()
