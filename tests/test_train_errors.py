"""``nn.train`` refuses what it cannot mean, with an error naming the argument and the fault."""
from __future__ import annotations

import random
import warnings

import numpy as np
import pytest

from tinygrad_bp import Value, nn, no_grad
from tinygrad_bp import tutorial as tut
from tinygrad_bp.losses import mean_squared_error
from tinygrad_bp.optim import SGD

X = np.arange(20.0).reshape(10, 2) / 10
Y = np.array([0, 1] * 5)


def model(**kwargs) -> nn.MLP:
    return nn.MLP(2, [3, 2], rng=random.Random(0), **kwargs)


class Empty(nn.Module):
    pass


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(loss="mse"), TypeError, r"loss must be a function loss\(output, target\), not str"),
    (dict(epochs=0), ValueError, "epochs must be a positive whole number, not 0"),
    (dict(epochs=2.5), ValueError, "epochs must be a positive whole number, not 2.5"),
    (dict(epochs=True), ValueError, "epochs must be a positive whole number, not True"),
    (dict(batch_size=0), ValueError, "batch_size must be a positive whole number, not 0"),
    (dict(snapshots=-1), ValueError, "snapshots must be a whole number >= 0, not -1"),
    (dict(epochs=3, snapshots=5), ValueError,
     r"snapshots=5 is more than the 4 epochs there are to take them at \(0 to 3\)"),
    (dict(shuffle="yes"), TypeError, "shuffle must be True or False, not 'yes'"),
    (dict(progress=1), TypeError, "progress must be True or False, not 1"),
    (dict(rng=3), ValueError, "rng is only used to shuffle the rows; pass shuffle=True"),
    (dict(shuffle=True, rng="abc"), TypeError, "rng must be a seed, a numpy Generator or a "
                                               "random.Random, not str"),
    (dict(callbacks=[print, 1]), TypeError, "callbacks must be functions callback"),
    (dict(callbacks=3), TypeError, "callbacks must be functions callback"),
    (dict(lr=0), ValueError, "nn.train: lr must be a positive number, not 0"),
    (dict(optimizer="sgd"), TypeError, "optimizer must be an optim optimiser"),
    (dict(optimizer=SGD([Value(1.0)], lr=0.1)), ValueError,
     "the optimizer holds none of the model's parameters"),
    (dict(validation=X), ValueError, r"validation must be a pair \(inputs, targets\)"),
    (dict(validation=(X, np.ones((10, 2)))), ValueError,
     "validation targets must be of the training targets' kind"),
    (dict(validation=(np.ones((4, 3)), Y[:4])), ValueError,
     "validation inputs rows have 3 features, the model takes 2 inputs"),
])
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        nn.train(model(), X, Y, **kwargs)


@pytest.mark.parametrize("inputs, targets, message", [
    (X[:, 0], Y, r"inputs must be \(rows, features\), one row of features per example, "
                 r"not shape \(10,\)"),
    (np.ones((10, 3)), Y, "inputs rows have 3 features, the model takes 2 inputs"),
    ([[1.0, 2.0], [3.0]], [0, 1], r"inputs must be numbers, in rows of equal length; inputs "
                                  r"holds rows of lengths \[1, 2\]"),
    ([[1.0, 2.0], [None, 3.0]], [0, 1], r"inputs\[1\]\[0\] is None"),
    ([[1.0, 2.0], [3.0, float("nan")]], [0, 1], r"inputs\[1\]\[1\] is nan, not a finite number"),
    (X, Y[:9], r"targets of shape \(9,\) do not match inputs of shape \(10, 2\)"),
    (X[:2], ["a", "b"], r"targets must be numbers.*targets\[0\] is .a.; map class names to "
                        r"indices first"),
    (X[:3], [0, 2, 1], r"class label 2 \(targets, row 1\) is not a class index 0..1"),
    (X[:4], [0, 1, 1, 0.5], r"class label 0.5 \(targets, row 3\) is not a class index 0..1"),
    (X[:3], [-1, 0, 1], r"class label -1 \(targets, row 0\)"),
    (X[:3], np.ones((3, 3)), r"targets of shape \(3, 3\) do not fit a model with 2 outputs"),
])
def test_bad_data(inputs, targets, message):
    with pytest.raises(ValueError, match=message):
        nn.train(model(), inputs, targets)


def test_the_model_must_be_a_module_with_parameters():
    with pytest.raises(TypeError, match=r"model must be an nn\.Module .* not function"):
        nn.train(lambda x: x, X, Y)
    with pytest.raises(ValueError, match=r"the model \(Empty\) has no parameters to train"):
        nn.train(Empty(), X, Y)


def test_models_side_by_side_need_the_summed_loss_and_their_own_rows():
    stack = nn.MLP(2, [3, 2], models=2, rng=random.Random(0))
    with pytest.raises(ValueError, match="a model with models=2 trains under half_squared_error"):
        nn.train(stack, np.stack([X, X]), np.stack([Y, Y]), loss=mean_squared_error)
    with pytest.raises(ValueError, match=r"inputs has shape \(3, 10, 2\), but the model holds 2 "
                                         r"networks: give shape \(2, rows, features\)"):
        nn.train(stack, np.stack([X, X, X]), np.stack([Y, Y, Y]))
    with pytest.raises(ValueError, match=r"class label 5 \(targets, row 3 of network 1\)"):
        nn.train(stack, np.stack([X, X]), np.stack([Y, np.where(np.arange(10) == 3, 5, Y)]))


def test_training_inside_no_grad_is_refused():
    with no_grad(), pytest.raises(RuntimeError, match=r"nn\.train inside no_grad"):
        nn.train(model(), X, Y)


def test_a_loss_must_give_one_number_that_depends_on_the_model():
    with pytest.raises(ValueError, match=r"the loss must return a Value holding one number, "
                                         r"not \(2,\)"):
        nn.train(model(), X, Y, loss=lambda out, t: out * 1.0)
    with pytest.raises(ValueError, match="the loss does not depend on the model's parameters"):
        nn.train(model(), X, Y, loss=lambda out, t: Value(1.0) * 2.0)


def test_train_network_checks_n_outputs():
    random.seed(1)
    network = tut.initialize_network(2, 1, 2)
    with pytest.raises(ValueError, match="n_outputs is 3, but the network has 2 outputs"):
        tut.train_network(network, [[1.0, 2.0, 0]], 0.5, 1, 3)


@pytest.mark.parametrize("train, n_epoch, message", [
    ([[1.0, 0.0]], 1, r"train\[0\] has 2 values; a row holds the network's 2 inputs, then its "
                      "class label"),
    ([[1.0, 0.0, 1]], -1, "n_epoch must be a positive whole number, not -1"),
    ([], 1, "train has no rows"),
])
def test_train_network_refuses_rows_and_epochs_it_cannot_train_on(train, n_epoch, message):
    random.seed(1)
    network = tut.initialize_network(2, 1, 2)
    for kind in (network, tut.to_network(network)):  # an MLP, and the tutorial's own dicts
        with pytest.raises(ValueError, match="train_network: " + message):
            tut.train_network(kind, train, 0.5, n_epoch, 2)


def test_huge_finite_inputs_whose_sum_overflows_are_numbers_and_inf_is_found_among_them():
    # the finiteness check adds the inputs first: a sum past 1.8e308 is inf, though every
    # input is finite, so the check then looks at each and finds none wrong
    huge = np.full((10, 2), 1e308)
    nn.train(model(), huge, Y, epochs=1)
    huge[7, 1] = np.inf
    with pytest.raises(ValueError, match=r"inputs\[7\]\[1\] is inf, not a finite number"):
        nn.train(model(), huge, Y, epochs=1)


def test_float64_inputs_are_read_where_they_are_and_other_kinds_are_converted():
    from tinygrad_bp.nn.batching import examples

    x = np.array(X, dtype=np.float64)
    assert examples(model(), x, Y, nn.losses.half_squared_error).inputs is x
    ints = np.arange(20).reshape(10, 2)
    converted = examples(model(), ints, Y, nn.losses.half_squared_error).inputs
    assert converted.dtype == np.float64 and np.array_equal(converted, ints)


@pytest.mark.parametrize("compile", [False, "auto"])
def test_a_callback_that_changes_the_inputs_changes_nothing_of_the_training(compile):
    # with callbacks nn.train reads a copy taken at the start, so every compile mode trains on
    # the rows as they were (without, it reads the caller's float64 arrays where they are)
    def run(rows, callbacks=()):
        net = nn.MLP(2, [3, 2], rng=np.random.default_rng(1))
        return nn.train(net, rows, Y, epochs=3, batch_size=1, lr=0.5, compile=compile,
                        callbacks=callbacks).loss

    untouched = run(X.copy())
    changed = X.copy()
    assert run(changed, [lambda epoch, history: changed.__imul__(0.5)]) == untouched
    assert changed[1, 1] == X[1, 1] / 8  # the callback did halve them, three times


@pytest.mark.parametrize("compile", [False, "auto"])
def test_a_training_that_diverges_warns_once_naming_the_epoch(compile):
    # w <- w - lr * x * (w x - y) with lr * x^2 = 16 multiplies the error by -15 a step: the
    # loss overflows to inf near epoch 70 (two steps an epoch); one warning, not numpy's many
    x, y = np.array([[3.0], [4.0]]), np.array([1.0, 2.0])
    net = nn.MLP(1, [1], output_activation="linear", rng=np.random.default_rng(0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = nn.train(net, x, y, lr=1.0, epochs=100, compile=compile, validation=(x, y))
    first = next(i for i, loss in enumerate(history.loss) if not np.isfinite(loss))
    assert 50 < first < 90 and np.isfinite(history.loss[first - 1])
    assert [str(w.message) for w in caught] == [
        f"nn.train: the loss is inf after epoch {first} (SGD(2 parameters, lr=1.0, "
        "momentum=0.0)): training diverged, and the numbers after it are inf or nan; a "
        "smaller lr may help"]
    assert caught[0].category is RuntimeWarning and caught[0].filename == __file__


def test_k_networks_name_the_one_that_diverges():
    x, y = np.array([[3.0], [4.0]]), np.array([1.0, 2.0])
    net = nn.MLP(1, [1], output_activation="linear", models=2, rng=np.random.default_rng(0))
    with pytest.warns(RuntimeWarning, match=r"the loss of network 1 is inf after epoch \d+ "):
        history = nn.train(net, np.stack([x * 0.01, x]), np.stack([y, y]), lr=1.0, epochs=100)
    assert np.isfinite(history.loss[-1][0]) and history.loss[-1][1] == np.inf


def test_a_training_that_does_not_diverge_gives_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.train(model(), X, Y, epochs=3, lr=0.5)


@pytest.mark.parametrize("loss, output, wanted, reads", [
    (nn.losses.cross_entropy_with_logits, "relu", "linear", "scores (logits)"),
    (nn.losses.binary_cross_entropy_with_logits, "sigmoid", "linear", "scores (logits)"),
    (nn.losses.cross_entropy, "sigmoid", "softmax",
     "probabilities that add up to 1 in each row"),
])
def test_a_loss_fed_by_an_output_layer_it_does_not_expect_warns(loss, output, wanted, reads):
    # MLP's output layer takes the hidden activation unless told: relu logits are a slip
    rows, labels = np.random.default_rng(0).random((6, 2)), np.array([0, 1, 1, 0, 1, 0])
    targets = labels if loss is not nn.losses.binary_cross_entropy_with_logits \
        else labels[:, None].astype(float)
    width = 1 if loss is nn.losses.binary_cross_entropy_with_logits else 2
    with pytest.warns(UserWarning, match="reads") as caught:
        nn.train(nn.MLP(2, [3, width], activation=output), rows, targets, loss=loss, epochs=1)
    assert [str(w.message) for w in caught] == [
        f"nn.train: {loss.__name__} reads {reads}, but the model's output layer applies "
        f"{output}; build it with output_activation={wanted!r}"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.train(nn.MLP(2, [3, width], activation=output, output_activation=wanted), rows,
                 targets, loss=loss, epochs=1)


@pytest.mark.parametrize("shape, empty", [((0, 2), "rows"), ((10, 0), "features")])
def test_inputs_with_no_rows_or_no_features_say_so(shape, empty):
    with pytest.raises(ValueError, match=rf"^nn.train: inputs has no {empty} \(shape "
                                         rf"\({shape[0]}, {shape[1]}\)\): give at least one "
                                         "row of at least one feature$"):
        nn.train(model(), np.zeros(shape), np.zeros(shape[0]), epochs=1)
    with pytest.raises(ValueError, match=r"validation inputs has no rows \(shape \(0, 2\)\)"):
        nn.train(model(), X, Y, epochs=1, validation=(np.zeros((0, 2)), np.zeros(0)))
