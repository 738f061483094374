"""examples/18_digits.py: the digits learned with cross-entropy, minibatches and Adam.

The accuracy is checked against what the task allows, not against a copied number: ten classes
make 10% the score of guessing, and the digits are easy enough that a small network gets well
above 90% on rows it never trained on. The full run's curves are docs/images/digits-curves.svg.
"""
import re
from pathlib import Path

import numpy as np
from reference.svg import svg_series, svg_texts
from reference.scripts import load

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "examples" / "18_digits.py"


def _module():
    return load(SCRIPT)


def test_fast_run_learns_and_writes_its_curves(tmp_path, examples) -> None:
    lines = list(examples("18_digits", "--out", str(tmp_path), fast=True))
    assert lines[0] == ("64-32-10 network, tanh then softmax, cross-entropy, Adam lr 0.01, "
                        "minibatches of 32, 449 test rows")  # 1797 rows, a quarter held out
    first, last = [re.fullmatch(r"epoch +(\d+): loss ([\d.]+) \(test ([\d.]+)\), accuracy "
                                r"([\d.]+)% \(test ([\d.]+)%\)", line) for line in lines[1:3]]
    assert (int(first[1]), int(last[1])) == (1, 3)  # TINYGRAD_BP_FAST=1: 3 epochs
    assert float(last[2]) < float(first[2])  # the training loss falls
    accuracy = float(re.fullmatch(r"test accuracy: ([\d.]+)%", lines[3])[1])
    assert accuracy == float(last[5]) and 90 < accuracy <= 100
    assert lines[4:] == [f"wrote {tmp_path / 'digits-curves.svg'}"]
    assert svg_series(tmp_path / "digits-curves.svg") == [
        "train loss", "validation loss", "train accuracy", "validation accuracy",
        "hidden layer", "output layer"]


def test_snapshots_hold_numpys_outputs_and_deltas() -> None:
    _, history, _ = _module().train(1, snapshots=2)
    assert [s.epoch for s in history.snapshots] == [0, 1]
    for s in history.snapshots:
        (W1, W2), x, e = s.weights, s.inputs, s.target
        h = np.tanh(W1[:, :-1] @ x + W1[:, -1])
        z = W2[:, :-1] @ h + W2[:, -1]
        p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        # -dE/da for softmax with cross-entropy is e - p; one layer back, through tanh
        delta_out = e - p
        delta_hidden = (W2[:, :-1].T @ delta_out) * (1 - h ** 2)
        for got, want in zip([*s.outputs, *s.deltas], [h, p, delta_hidden, delta_out]):
            assert np.allclose(got, want, rtol=1e-9, atol=1e-12)


def test_the_full_run_is_the_chapters_picture_and_says_what_it_says() -> None:
    _, history, _ = _module().train(20)
    drawn = history.plot(gradients=True).svg
    assert sorted(svg_texts(REPO / "docs" / "images" / "digits-curves.svg", strip=True)) == \
        sorted(svg_texts(drawn, strip=True))
    loss, val_loss = np.array(history.loss), np.array(history.val_loss)
    accuracy, val_accuracy = np.array(history.accuracy), np.array(history.val_accuracy)
    # what docs/10 says of the picture
    assert 1.1 < loss[0] < 1.3 and loss[-1] < 0.015 and 0.4 < val_loss[0] < 0.55
    assert np.all((val_loss[6:] > 0.1) & (val_loss[6:] < 0.15))
    assert 65 < accuracy[0] < 75 and accuracy[-1] > 99.5
    assert np.all((val_accuracy[4:] > 95) & (val_accuracy[4:] < 98))
    assert 96.5 < val_accuracy[-1] < 97.5  # "near 97%"
    norms = np.array(history.grad_norm)
    assert norms[-1, 0] < norms[0, 0] and norms[-1, 1] < norms[0, 1]
    assert np.all(norms[:, 0] > norms[:, 1])
