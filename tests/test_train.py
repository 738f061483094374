"""``nn.train`` and its ``History``: every number checked against an independent computation.

The independent sides: the plain-Python oracle (``reference.tutorial_algorithm``) for the
tutorial's online training, and a numpy restatement of the same network with its gradients
derived by hand (no autograd) for minibatches, full batches, shuffling and the history's
numbers.
"""
from __future__ import annotations

import random

import numpy as np
import pytest

from reference import tutorial_algorithm as ta
from reference import tutorial_numbers as tn
from tinygrad_bp import nn
from tinygrad_bp import tutorial as tut
from tinygrad_bp.losses import mean_squared_error

ROWS = [row[:2] for row in tn.CONTRIVED_DATASET]
LABELS = [row[-1] for row in tn.CONTRIVED_DATASET]
TOL = dict(rtol=1e-12, atol=1e-13)  # numpy's matmul adds in its own order


def tutorial_network(granularity: str = "neuron") -> nn.MLP:
    random.seed(tn.SEED)
    return nn.MLP(2, [tn.TRAIN_N_HIDDEN, tn.TRAIN_N_OUTPUTS], granularity=granularity)


def oracle_trace(n_epoch: int = tn.TRAIN_N_EPOCH):
    random.seed(tn.SEED)
    network = ta.initialize_network(2, tn.TRAIN_N_HIDDEN, tn.TRAIN_N_OUTPUTS)
    trace = ta.train_network(network, [list(r) for r in tn.CONTRIVED_DATASET], tn.TRAIN_L_RATE,
                             n_epoch, tn.TRAIN_N_OUTPUTS)
    return trace, network


# --- the tutorial's training, through nn.train ---------------------------------------------

def test_the_tutorials_trace_bit_for_bit():
    history = nn.train(tutorial_network(), ROWS, LABELS, lr=tn.TRAIN_L_RATE,
                       epochs=tn.TRAIN_N_EPOCH)
    trace, _ = oracle_trace()
    assert history.sum_error == trace  # every bit of every epoch
    assert [f"{e:.3f}" for e in history.sum_error] == tn.TRAIN_SUM_ERROR_3DP  # TUTORIAL.md 4
    assert history.epochs == len(history.loss) == tn.TRAIN_N_EPOCH


def test_train_network_returns_the_same_trace_and_weights():
    network = tutorial_network()
    trace = tut.train_network(network, tn.CONTRIVED_DATASET, tn.TRAIN_L_RATE,
                              tn.TRAIN_N_EPOCH, tn.TRAIN_N_OUTPUTS)
    assert trace == oracle_trace()[0]
    assert [w.tolist() for w in network.get_weights()] == [tn.TRAIN_FINAL_HIDDEN,
                                                           tn.TRAIN_FINAL_OUTPUT]


def test_loss_is_the_mean_step_loss_half_the_rows_squared_error():
    history = nn.train(tutorial_network(), ROWS, LABELS, lr=0.5, epochs=5)
    # half_squared_error is half a row's squared error; loss averages it over the 10 steps
    for loss, sum_error in zip(history.loss, history.sum_error):
        assert loss == pytest.approx(sum_error / 2 / 10, rel=1e-15)


def test_layer_granularity_follows_the_trace_to_rounding():
    history = nn.train(tutorial_network("layer"), ROWS, LABELS, lr=0.5, epochs=20)
    np.testing.assert_allclose(history.sum_error, oracle_trace()[0], rtol=1e-12)


def oracle_accuracies(n_epoch: int) -> tuple[list[float], list]:
    """The oracle trained row by row, counting each row's prediction before its update."""
    random.seed(tn.SEED)
    oracle = ta.initialize_network(2, 2, 2)
    accuracies = []
    for _ in range(n_epoch):
        predicted = []
        for row in tn.CONTRIVED_DATASET:
            predicted.append(ta.predict(oracle, row))
            ta.backward_propagate_error(oracle, tn_one_hot(row[-1]))
            ta.update_weights(oracle, row, 0.5)
        accuracies.append(ta.accuracy_metric(LABELS, predicted))
    return accuracies, oracle


def test_accuracy_during_the_tutorials_training():
    history = nn.train(tutorial_network(), ROWS, LABELS, lr=0.5, epochs=6,
                       validation=(ROWS, LABELS))
    accuracies, oracle = oracle_accuracies(6)
    assert history.accuracy == accuracies
    assert accuracies[0] == 50.0 and len(set(accuracies)) > 1  # it changes as it learns
    # validation is scored after the epoch: the oracle's network after the last epoch
    predicted = [ta.predict(oracle, row) for row in tn.CONTRIVED_DATASET]
    assert history.val_accuracy[-1] == ta.accuracy_metric(LABELS, predicted)


def tn_one_hot(label: int) -> list[int]:
    expected = [0, 0]
    expected[label] = 1
    return expected


# --- a numpy restatement: minibatches, full batches, shuffling -----------------------------

def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def numpy_training(weights, X, T, lr, epochs, size, orders=None):
    """A 2-layer sigmoid network under half_squared_error, gradients by hand; the weights and
    per epoch: the loss (step losses weighted by their rows), sum_error, the outputs before
    each update, and each step's squared gradient norm per layer."""
    (W1, b1), (W2, b2) = [(w[:, :-1].copy(), w[:, -1].copy()) for w in weights]
    losses, sum_errors, outputs_seen, squares = [], [], [], []
    for epoch in range(epochs):
        order = np.arange(len(X)) if orders is None else orders[epoch]
        step_losses, rows_per_step, outputs, step_squares = [], [], [], []
        for start in range(0, len(X), size):
            rows = order[start:start + size]
            x, t = X[rows], T[rows]
            h = sigmoid(x @ W1.T + b1)
            o = sigmoid(h @ W2.T + b2)
            outputs.append(o)
            step_losses.append(0.5 * np.sum((t - o) ** 2))
            rows_per_step.append(len(rows))
            d2 = (o - t) * o * (1 - o)            # dE/da, output layer
            d1 = (d2 @ W2) * h * (1 - h)          # dE/da, hidden layer
            grads = [d1.T @ x, d1.sum(0), d2.T @ h, d2.sum(0)]
            step_squares.append([np.sum(grads[0] ** 2) + np.sum(grads[1] ** 2),
                                 np.sum(grads[2] ** 2) + np.sum(grads[3] ** 2)])
            for p, g in zip((W1, b1, W2, b2), grads):
                p -= lr * g
        outputs = np.concatenate(outputs)
        losses.append(np.dot(step_losses, rows_per_step) / len(X))
        sum_errors.append(np.sum((T[order] - outputs) ** 2))
        outputs_seen.append((order, outputs))
        squares.append(np.array(step_squares))
    return [np.c_[W1, b1], np.c_[W2, b2]], losses, sum_errors, outputs_seen, squares


def small_problem(seed=3, n=11):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    return X, labels, np.eye(3)[labels]


@pytest.mark.parametrize("batch_size", [4, None, 1])
def test_minibatch_and_full_batch_against_numpy(batch_size):
    X, labels, T = small_problem()
    model = nn.MLP(3, [4, 3], rng=random.Random(2))
    start = model.get_weights()
    history = nn.train(model, X, labels, lr=0.3, epochs=6, batch_size=batch_size)
    size = len(X) if batch_size is None else batch_size
    weights, losses, sum_errors, seen, _ = numpy_training(start, X, T, 0.3, 6, size)
    for got, want in zip(model.get_weights(), weights):
        np.testing.assert_allclose(got, want, **TOL)
    np.testing.assert_allclose(history.loss, losses, **TOL)
    np.testing.assert_allclose(history.sum_error, sum_errors, **TOL)
    accuracy = [np.mean(np.argmax(o, 1) == labels[order]) * 100 for order, o in seen]
    np.testing.assert_allclose(history.accuracy, accuracy, rtol=1e-15)
    assert history.settings["batch_size"] == batch_size and history.settings["rows"] == 11


@pytest.mark.parametrize("rng, orders", [
    (5, lambda n: list(_permutations(np.random.default_rng(5), n))),
    (np.random.default_rng(8), lambda n: list(_permutations(np.random.default_rng(8), n))),
    (random.Random(4), lambda n: list(_python_orders(random.Random(4), n))),
])
def test_shuffled_rows_against_numpy(rng, orders):
    X, labels, T = small_problem()
    model = nn.MLP(3, [4, 3], rng=random.Random(2))
    start = model.get_weights()
    state = random.getstate()
    history = nn.train(model, X, labels, lr=0.3, epochs=4, batch_size=3, shuffle=True, rng=rng)
    assert random.getstate() == state  # the global stream is never touched
    weights, _, sum_errors, seen, _ = numpy_training(start, X, T, 0.3, 4, 3, orders(11))
    for got, want in zip(model.get_weights(), weights):
        np.testing.assert_allclose(got, want, **TOL)
    np.testing.assert_allclose(history.sum_error, sum_errors, **TOL)
    assert all(sorted(order.tolist()) == list(range(11)) for order, _ in seen)


def _permutations(generator, n, epochs=4):
    order = np.arange(n)  # shuffled in place, epoch after epoch, as a hand-written loop does
    for _ in range(epochs):
        generator.shuffle(order)
        yield order.copy()


def _python_orders(generator, n, epochs=4):
    order = list(range(n))
    for _ in range(epochs):
        generator.shuffle(order)
        yield np.array(order)


def test_regression_targets_with_mean_squared_error():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(9, 2))
    y = X @ [1.5, -2.0] + 0.5
    model = nn.MLP(2, [1], activation="linear", rng=random.Random(0))
    (w0,) = model.get_weights()
    history = nn.train(model, X, y, loss=mean_squared_error, lr=0.1, epochs=3, batch_size=4)
    w, b = w0[0, :-1].copy(), w0[0, -1]
    want = []
    for _ in range(3):
        steps = []
        for s in range(0, 9, 4):
            x, t = X[s:s + 4], y[s:s + 4]
            r = x @ w + b - t
            steps.append(np.mean(r ** 2) * len(r))  # the mean over rows, steps by their rows
            w, b = w - 0.1 * 2 * r @ x / len(r), b - 0.1 * 2 * r.mean()
        want.append(np.sum(steps) / 9)
    np.testing.assert_allclose(model.get_weights()[0], [[*w, b]], **TOL)
    np.testing.assert_allclose(history.loss, want, **TOL)
    assert history.accuracy == [] and history.settings["targets"] == "values"


# --- grad_norm, validation, snapshots, callbacks -------------------------------------------

@pytest.mark.parametrize("n, batch_size, measured", [(11, 4, range(3)), (70, 1, range(0, 70, 3))])
def test_grad_norm_is_the_root_mean_square_of_each_layers_gradient_norm(n, batch_size, measured):
    X, labels, T = small_problem(n=n)
    model = nn.MLP(3, [4, 3], rng=random.Random(2))
    start = model.get_weights()
    history = nn.train(model, X, labels, lr=0.3, epochs=2, batch_size=batch_size)
    *_, squares = numpy_training(start, X, T, 0.3, 2, batch_size)
    # up to 32 steps an epoch are measured: 70 steps give every third, from the first
    want = [np.sqrt(epoch[list(measured)].mean(axis=0)) for epoch in squares]
    np.testing.assert_allclose(history.grad_norm, want, **TOL)
    assert history.layer_names == ["hidden layer", "output layer"]
    assert history.settings["activations"] == ["sigmoid", "sigmoid"]


def test_validation_loss_is_on_the_training_loss_scale():
    X, labels, _ = small_problem()
    history = nn.train(nn.MLP(3, [4, 3], rng=random.Random(2)), X, labels, lr=0.3, epochs=2,
                       batch_size=4, validation=(X, labels))
    model = nn.MLP(3, [4, 3], rng=random.Random(2))
    weights, *_ = numpy_training(model.get_weights(), X, np.eye(3)[labels], 0.3, 2, 4)
    h = sigmoid(X @ weights[0][:, :-1].T + weights[0][:, -1])
    o = sigmoid(h @ weights[1][:, :-1].T + weights[1][:, -1])
    steps = [0.5 * np.sum((np.eye(3)[labels[s:s + 4]] - o[s:s + 4]) ** 2) for s in (0, 4, 8)]
    assert history.val_loss[-1] == pytest.approx(np.dot(steps, [4, 4, 3]) / 11, rel=1e-12)
    assert history.val_accuracy[-1] == np.mean(np.argmax(o, 1) == labels) * 100


@pytest.mark.parametrize("snapshots, epochs, at", [(0, 4, []), (1, 4, [4]), (2, 4, [0, 4]),
                                                    (3, 10, [0, 5, 10]), (4, 10, [0, 3, 7, 10]),
                                                    (5, 4, [0, 1, 2, 3, 4])])
def test_snapshots_are_at_evenly_spaced_epochs(snapshots, epochs, at):
    history = nn.train(tutorial_network(), ROWS, LABELS, lr=0.5, epochs=epochs,
                       snapshots=snapshots)
    assert [s.epoch for s in history.snapshots] == at


def test_a_snapshot_holds_the_weights_outputs_and_deltas_of_the_first_row():
    history = nn.train(tutorial_network(), ROWS, LABELS, lr=0.5, epochs=3, snapshots=2)
    first, last = history.snapshots
    random.seed(tn.SEED)
    oracle = ta.initialize_network(2, 2, 2)
    assert [w.tolist() for w in first.weights] == [[n["weights"] for n in layer]
                                                   for layer in oracle]
    ta.forward_propagate(oracle, tn.CONTRIVED_DATASET[0])
    ta.backward_propagate_error(oracle, tn_one_hot(LABELS[0]))
    assert [o.tolist() for o in first.outputs] == [[n["output"] for n in layer] for layer in oracle]
    assert [d.tolist() for d in first.deltas] == [[n["delta"] for n in layer] for layer in oracle]
    assert first.inputs.tolist() == ROWS[0] and first.target.tolist() == [1.0, 0.0]
    outputs = oracle[-1]
    assert first.loss == pytest.approx(0.5 * sum((e - n["output"]) ** 2 for e, n in
                                                 zip((1, 0), outputs)), rel=1e-15)
    trained = tutorial_network()
    nn.train(trained, ROWS, LABELS, lr=0.5, epochs=3)
    assert [w.tolist() for w in last.weights] == [w.tolist() for w in trained.get_weights()]


def test_callbacks_see_each_epoch_and_the_history_so_far():
    seen = []
    nn.train(tutorial_network(), ROWS, LABELS, lr=0.5, epochs=3,
             callbacks=[lambda epoch, h: seen.append((epoch, h.epochs, len(h.sum_error)))])
    assert seen == [(0, 1, 1), (1, 2, 2), (2, 3, 3)]
    one = []
    nn.train(tutorial_network(), ROWS, LABELS, lr=0.5, epochs=2,
             callbacks=lambda e, h: one.append(e))  # one function, not in a list
    assert one == [0, 1]


def test_progress_shows_a_bar_on_stderr(capsys):
    nn.train(tutorial_network(), ROWS, LABELS, lr=0.5, epochs=3, progress=True)
    err = capsys.readouterr().err
    assert "nn.train" in err and "3/3" in err


def test_the_history_prints_briefly():
    history = nn.train(tutorial_network(), ROWS, LABELS, lr=0.5, epochs=20, snapshots=2)
    trace, _ = oracle_trace()
    first, last = trace[0] / 20, trace[-1] / 20  # loss: half a row's error, 10 rows a step each
    accuracies, _ = oracle_accuracies(20)
    assert repr(history) == (f"History(20 epochs, loss {first:.4g} -> {last:.4g}, "
                             f"accuracy {accuracies[0]:.4g} -> {accuracies[-1]:.4g}, "
                             "2 snapshots)")
