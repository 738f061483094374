"""Handwritten digits: softmax, cross-entropy, minibatches and Adam, with learning curves.

The bundled UCI optical digits (``tinygrad_bp.data.load_digits()``: 1797 images of 8x8 pixels,
each 0 to 16) are split 75/25 into training and test rows. A 64-32-10 network (tanh hidden
layer, softmax output) trains on minibatches of 32 shuffled rows with Adam, minimising the
cross-entropy. After every epoch the test rows are scored too, so the curves show whether the
network learns the digits or only its training rows. Every step is the usual four lines:
forward, loss, ``zero_grad()``/``backward()``, ``step()``; the numbers go into an
``nn.History``, whose ``plot()`` draws the curves (an SVG, no plotting library needed).

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

from tinygrad_bp.data import load_digits, train_test_split
from tinygrad_bp.losses import cross_entropy, one_hot_matrix
from tinygrad_bp.nn import MLP, History, Snapshot
from tinygrad_bp.optim import Adam

FAST = os.environ.get("TINYGRAD_BP_FAST") == "1"
EPOCHS = 3 if FAST else 20
BATCH, LR, HIDDEN, SEED = 32, 0.01, 32, 0


def percent_correct(probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(probabilities.argmax(axis=1) == labels) * 100)


def snapshot(model: MLP, epoch: int, row: np.ndarray, target: np.ndarray) -> Snapshot:
    """The network now, with its outputs and deltas for one row (what the page draws)."""
    model.zero_grad()
    cross_entropy(model(row), target).backward()
    outputs = [np.array([n.output for n in layer.neurons]) for layer in model.layers]
    deltas = [np.array([n.delta for n in layer.neurons]) for layer in model.layers]
    model.zero_grad()
    return Snapshot(epoch, model.get_weights(), row, target, outputs, deltas)


def train(epochs: int = EPOCHS, snapshots: int = 0) -> tuple[MLP, History, tuple]:
    digits = load_digits()
    X, labels = digits.features / 16.0, digits.labels  # pixels to [0, 1]
    train_rows, test_rows = train_test_split(len(labels), 0.25, rng=SEED)
    X_train, y_train, X_test, y_test = X[train_rows], labels[train_rows], X[test_rows], \
        labels[test_rows]
    E_train, E_test = one_hot_matrix(y_train, 10), one_hot_matrix(y_test, 10)
    model = MLP(64, [HIDDEN, 10], activation="tanh", output_activation="softmax",
                init="symmetric", rng=random.Random(SEED))
    optimizer = Adam(model.parameters(), lr=LR)
    shuffler = random.Random(SEED)
    history = History(layer_names=["hidden layer", "output layer"],
                      settings=dict(activations=["tanh", "softmax"], loss="cross_entropy",
                                    optimizer=f"Adam lr {LR}", batch_size=BATCH))
    at = set(np.linspace(0, epochs, snapshots).round().astype(int)) if snapshots else set()
    if 0 in at:
        history.snapshots.append(snapshot(model, 0, X_train[0], E_train[0]))
    order = list(range(len(y_train)))
    for epoch in range(1, epochs + 1):
        shuffler.shuffle(order)
        losses, correct, squares = [], 0, np.zeros(len(model.layers))
        for start in range(0, len(order), BATCH):
            batch = order[start:start + BATCH]
            probabilities = model(X_train[batch])
            loss = cross_entropy(probabilities, E_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            correct += int(np.sum(probabilities.data.argmax(axis=1) == y_train[batch]))
            squares += [sum(float((p.grad ** 2).sum()) for p in layer.parameters())
                        for layer in model.layers]
        steps = len(losses)
        history.loss.append(float(np.mean(losses)))
        history.accuracy.append(correct / len(order) * 100)
        history.grad_norm.append(np.sqrt(squares / steps).tolist())
        test_probabilities = model(X_test)
        history.val_loss.append(cross_entropy(test_probabilities, E_test).item())
        history.val_accuracy.append(percent_correct(test_probabilities.data, y_test))
        history.epochs = epoch
        if epoch in at:
            history.snapshots.append(snapshot(model, epoch, X_train[0], E_train[0]))
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
