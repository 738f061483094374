"""docs/10-beyond-the-tutorial.md prints only what its code and examples print, and that is right.

- Its ```python blocks run in order in one namespace; a ```text block right after one is exactly
  what that code prints (the saved classifier's weights to a stated tolerance: their last digits
  are the machine's).
- A ```text block under ``<!-- output of examples/NAME.py -->`` is a piece of that example's
  output (a ``...`` line stands for lines left out); test_examples_beyond.py recomputes every
  number those examples print.
- The numbers the chapter leans on are recomputed here without the library: the tutorial's
  errors, the gradients of the two losses, Adam's first step, the least-squares fit.
- Every decimal number in its prose appears in a checked output or in code; it links both
  examples, and README's "Read on" list links it after chapter 9.
"""
from __future__ import annotations

import itertools
import json
import math
import re
from functools import cache
from pathlib import Path

import numpy as np
from reference import tutorial_numbers as tn
from reference.markdown import DECIMAL, MARKER, contains_in_order, run_chapter, same_to_within
from reference.markdown import local_links
from reference.markdown import shown as shown_blocks

REPO = Path(__file__).resolve().parents[1]
CHAPTER = REPO / "docs" / "10-beyond-the-tutorial.md"
# The saved classifier's weights went through matrix products (whose sums the BLAS library
# orders) and numpy's vectorised exp, so their last digits depend on the machine: that block is
# compared to 12 significant digits (it differs in the 16th between OpenBLAS kernels), the
# rest of the chapter's output exactly.
SAVED = "classifier.json"
WEIGHTS_RTOL = 1e-12


@cache
def chapter() -> dict:
    """Run the chapter's code once; its blocks, prose, and (shown, printed) pairs to compare."""
    return run_chapter(CHAPTER)


def printed() -> str:
    return shown_blocks(chapter())


def test_every_output_block_is_what_its_code_prints():
    pairs = chapter()["pairs"]
    assert len(pairs) == 14
    for code, shown, actual in pairs:
        if SAVED in code:
            assert same_to_within(shown, actual, WEIGHTS_RTOL), \
                f"the block\n{code}\nprints\n{actual}"
        else:
            assert shown == actual, f"the block\n{code}\nprints\n{actual}"


def test_quoted_example_output_is_what_the_examples_print(examples):
    examples.launch("13_xor"), examples.launch("14_save_and_predict")
    quoted = chapter()["quoted"]
    assert [name for name, _ in quoted] == ["13_xor", "13_xor", "14_save_and_predict"]
    for name, body in quoted:
        assert contains_in_order(examples(name), body.splitlines()), body


def test_no_text_block_goes_unchecked():
    blocks = chapter()["blocks"]
    texts = [b for b in blocks if b["lang"] == "text"]
    after_code = [b for k, b in enumerate(blocks) if b["lang"] == "text" and k
                  and blocks[k - 1]["lang"] == "python" and not MARKER.search(b["above"])]
    under_marker = [b for b in texts if MARKER.search(b["above"])]
    assert len(after_code) + len(under_marker) == len(texts)
    assert {b["lang"] for b in blocks} == {"python", "text"}


def test_every_decimal_in_the_prose_is_computed():
    computed = printed() + "".join(b["body"] for b in chapter()["blocks"])
    numbers = DECIMAL.findall(chapter()["prose"])
    assert "6.350" in numbers and "1.132" in numbers
    assert [n for n in numbers if n.lstrip("-") not in computed] == []


# -- the numbers, recomputed without the library ----------------------------------------------

def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def test_the_tutorials_errors_come_out_of_plain_sgd():
    row = re.search(r"^SGD lr 0.5 +(.*)$", printed(), re.M)[1].split()
    assert row == [tn.TRAIN_SUM_ERROR_3DP[i] for i in (0, 4, 8, 12, 16, 19)]


def test_the_loss_gradients_for_a_confident_mistake():
    a, e = np.array([4.0, -4.0]), np.array([0.0, 1.0])
    o = sigmoid(a)
    squared = (o - e) * o * (1 - o)                 # dE/da for E = 1/2 sum (e - o)^2
    p = np.exp(a) / np.exp(a).sum()
    entropy = p - e                                 # dE/da for E = -sum e log p, p = softmax(a)
    assert f"sigmoid + squared error, dE/da: {squared.round(4).tolist()}" in printed()
    assert f"softmax + cross-entropy, dE/da: {entropy.round(4).tolist()}" in printed()
    assert round(entropy[0] / squared[0]) == 58      # "nearly 58 times larger"
    assert "nearly 58 times larger" in chapter()["prose"]


def test_cross_entropy_from_labels_and_scores():
    scores, classes = np.array([[2.0, 1.0, 0.1], [1000.0, -1000.0, 0.0]]), [0, 1]
    log_p = scores - np.logaddexp.reduce(scores, axis=1, keepdims=True)   # stable log-softmax
    rows = -log_p[[0, 1], classes]
    assert rows[1] == 2000.0 and f"{rows.round(4).tolist()}" == "[0.417, 2000.0]"
    p = np.exp(log_p)
    grad = (p - np.eye(3)[classes]) / 2                   # (softmax - one-hot) / N
    assert f"{round(rows.mean(), 4)} {grad.round(4).tolist()}" in printed()
    assert np.exp(scores[1] - scores[1].max()).tolist() == [1.0, 0.0, 0.0]  # so -log 0 = inf
    assert "inf\n[0.417, 2000.0]\n" in printed()
    assert "cross_entropy_with_logits: expected[1]: class label 3 is not a class index 0..2" \
        in printed()


def test_binary_cross_entropy_clamps_and_the_logits_version_does_not():
    first = math.log1p(math.exp(-3.0))                    # -log sigmoid(3)
    assert round(first, 2) == 0.05 and "about 0.05, either way" in chapter()["prose"]
    clamped, exact = (first + 100) / 2, (first + 1000) / 2  # -log sigmoid(-1000) = 1000
    assert f"{round(clamped, 4)}\n{round(exact, 4)}\n" in printed()


def test_vanishing_deltas_ratios_are_four_and_two_hundred():
    ns = chapter()["namespace"]
    sig = [float(x) for x in ns["mean_delta_per_layer"]("sigmoid", "tutorial")]
    tanh = [float(x) for x in ns["mean_delta_per_layer"]("tanh", "symmetric")]
    assert 3.5 < tanh[-1] / sig[-1] < 4.5 and 150 < tanh[0] / sig[0] < 300
    assert ("about four times the sigmoid network's; at\nthe first layer they are about two "
            "hundred times larger") in chapter()["prose"]
    assert all(a < b for a, b in itertools.pairwise(sig))  # shrinking layer by layer, back to front


def test_adams_first_step_is_the_learning_rate():
    g = np.array([1e-3, 1e2])
    assert f"{(0.01 * g / (np.abs(g) + 1e-8)).round(6).tolist()}" == "[0.01, 0.01]"
    assert "[0.001, 100.0]\n[0.01, 0.01]\n" in printed()


def test_the_least_squares_fit_and_the_curve():
    ns = chapter()["namespace"]
    design = np.column_stack([ns["points"], np.ones(20)])
    exact = np.linalg.lstsq(design, ns["values"][:, 0], rcond=None)[0]
    np.testing.assert_allclose(ns["line"].get_weights()[0][0], exact, atol=5e-5)
    assert np.allclose(exact, [2, -3, 1], atol=0.05)  # near the line the points came from
    fitted = ns["curve"](ns["new_xs"]).data[:, 0]
    assert np.abs(fitted - np.sin(ns["new_xs"][:, 0])).max() < 0.03


def test_the_saved_classifier_is_the_trained_one():
    ns = chapter()["namespace"]
    [(_, shown, actual)] = [pair for pair in chapter()["pairs"] if SAVED in pair[0]]
    hidden, output = ns["model"].get_weights()
    # the file as written here: the trained weights, one neuron a line, the bias last
    assert f'"weights": [\n    [{hidden[0].tolist()},' in actual
    # the file the chapter shows: the same weights, but for the digits the machine decides
    saved = json.loads(re.search(r"(\{\n.*?\n\}\n)", shown, re.S)[1])
    for layer, weights in zip(saved["weights"], [hidden, output], strict=True):
        np.testing.assert_allclose(layer, weights, rtol=WEIGHTS_RTOL, atol=0)
    x = np.array([[2.0, 2.0], [8.0, 1.0]])
    h = sigmoid(x @ hidden[:, :2].T + hidden[:, 2])
    a = h @ output[:, :2].T + output[:, 2]
    assert f"{a.argmax(axis=1).tolist()}\nTrue\n" in printed()  # softmax keeps the order of a
    assert a.argmax(axis=1).tolist() == [0, 1]


def test_mini_batch_training_learns_every_row():
    assert "predictions: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]" in printed()
    losses = [float(x) for x in re.findall(r"cross-entropy over all rows (\d\.\d{4})", printed())]
    assert len(losses) == 3 and losses == sorted(losses, reverse=True) and losses[-1] < math.log(2)


def test_the_chapter_links_both_examples():
    files = [file for file, _ in local_links(CHAPTER)]
    assert REPO / "examples" / "13_xor.py" in files
    assert REPO / "examples" / "14_save_and_predict.py" in files


def test_readme_links_the_chapter_after_chapter_9():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("9. [Drawing graphs"))
    assert lines[at + 1] == ("10. [Beyond the tutorial: deeper networks, other activations, "
                             "mini-batches, optimisers, XOR, saving]"
                             "(docs/10-beyond-the-tutorial.md)")
