"""``nn.train`` on other models: k networks side by side, your own modules, the replayed step.

A stack of k networks must train each network exactly as it would train alone; a replayed
step must give what building the graph again gives; a PyTorch-style module must train
through the parameters it sets as attributes.
"""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

from tinygrad_bp import Value, losses, nn
from tinygrad_bp.losses import half_squared_error, mean_squared_error
from tinygrad_bp.optim import SGD, Adam

TOL = dict(rtol=1e-12, atol=1e-13)


def problem(seed: int, n: int = 9, features: int = 3, classes: int = 3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, features))
    return X, rng.integers(0, classes, size=n)


# --- k networks side by side ---------------------------------------------------------------

@pytest.mark.parametrize("batch_size", [1, 4, None])
def test_each_network_of_a_stack_trains_as_it_would_alone(batch_size):
    k = 3
    data = [problem(seed) for seed in range(k)]
    X, labels = np.stack([x for x, _ in data]), np.stack([y for _, y in data])
    stack = nn.MLP(3, [4, 3], models=k, rng=random.Random(1))
    alone = stack.unstack()
    val = (X[:, :5], labels[:, :5])
    history = nn.train(stack, X, labels, lr=0.4, epochs=5, batch_size=batch_size,
                       validation=val, snapshots=2)
    assert history.models == k
    for m, network in enumerate(alone):
        own = nn.train(network, X[m], labels[m], lr=0.4, epochs=5, batch_size=batch_size,
                       validation=(X[m, :5], labels[m, :5]), snapshots=2)
        for got, want in zip(stack.get_weights(), network.get_weights()):
            np.testing.assert_allclose(got[m], want, **TOL)
        for field in ("loss", "sum_error", "val_loss", "grad_norm"):
            np.testing.assert_allclose([epoch[m] for epoch in getattr(history, field)],
                                       getattr(own, field), **TOL, err_msg=field)
        for field in ("accuracy", "val_accuracy"):
            assert [epoch[m] for epoch in getattr(history, field)] == getattr(own, field)
        for snap, own_snap in zip(history.snapshots, own.snapshots):
            assert snap.epoch == own_snap.epoch
            np.testing.assert_allclose(snap.loss[m], own_snap.loss, **TOL)
            for got, want in zip(snap.outputs + snap.deltas, own_snap.outputs + own_snap.deltas):
                np.testing.assert_allclose(got[m], want, **TOL)


def test_a_stack_draws_its_networks_one_after_the_other():
    random.seed(4)
    stack = nn.MLP(2, [3, 2], models=3)
    random.seed(4)
    separate = [nn.MLP(2, [3, 2]) for _ in range(3)]
    for layer, got in enumerate(stack.get_weights()):
        assert got.shape == (3, *separate[0].get_weights()[layer].shape)
        for m in range(3):
            assert got[m].tolist() == separate[m].get_weights()[layer].tolist()
    assert [p.shape for p in stack.parameters()] == [(3, 3, 2), (3, 3, 1), (3, 2, 3), (3, 2, 1)]


def test_a_stack_reads_columns_and_computes_each_networks_outputs():
    stack = nn.MLP(3, [4, 2], models=2, activation="tanh", rng=random.Random(0))
    x = np.random.default_rng(0).normal(size=(2, 5, 3))  # 2 networks, 5 rows each
    out = stack(np.swapaxes(x, 1, 2))
    assert out.shape == (2, 2, 5)
    for m, network in enumerate(stack.unstack()):
        np.testing.assert_allclose(out.data[m].T, network(x[m]).data, **TOL)
    with pytest.raises(ValueError, match=r"models=2 expects columns of shape \(2, 3, n\), "
                                         r"got shape \(2, 5, 3\)"):
        stack(x)
    with pytest.raises(ValueError, match=r"look at one model's neurons with MLP\.unstack"):
        _ = stack.layers[0].neurons
    with pytest.raises(ValueError, match="models=k needs granularity='layer' and no softmax"):
        nn.MLP(3, [2], models=2, output_activation="softmax")
    with pytest.raises(ValueError, match="models=k needs granularity='layer'"):
        nn.MLP(3, [2], models=2, granularity="neuron")


def test_unstack_copies():
    stack = nn.MLP(2, [2], models=2, rng=random.Random(0))
    first = stack.unstack()[0]
    first.layers[0].W.data[0, 0] = 99.0
    assert stack.layers[0].W.data[0, 0, 0] != 99.0
    with pytest.raises(ValueError, match="this MLP holds one network"):
        first.unstack()


# --- the replayed step ---------------------------------------------------------------------

class Rebuilt(nn.MLP):
    """An MLP nn.train does not replay (a subclass could compute anything): built every step."""


@pytest.mark.parametrize("loss, batch_size", [(half_squared_error, 1), (half_squared_error, 4),
                                              (mean_squared_error, 3)])
def test_a_replayed_step_gives_what_building_it_again_gives(loss, batch_size):
    X, labels = problem(0, n=10)
    results = []
    for cls in (nn.MLP, Rebuilt):
        model = cls(3, [5, 3], activation="relu", output_activation="sigmoid",
                    rng=random.Random(3))
        history = nn.train(model, X, labels, loss=loss, lr=0.2, epochs=4,
                           batch_size=batch_size, optimizer=Adam(model.parameters(), lr=0.05))
        results.append((model.get_weights(), history))
    (replayed, h1), (rebuilt, h2) = results
    for a, b in zip(replayed, rebuilt):
        assert np.array_equal(a, b)  # every bit: the same ops on the same data
    assert h1.loss == h2.loss and h1.sum_error == h2.sum_error and h1.grad_norm == h2.grad_norm


def test_after_training_the_layers_show_the_last_steps_numbers():
    X, labels = problem(1, n=6)
    model = nn.MLP(3, [4, 3], rng=random.Random(0))
    nn.train(model, X, labels, lr=0.3, epochs=2)
    assert model.last_input.tolist() == X[-1].tolist()
    h = model.layers[0].last_outputs()
    assert [n.output for n in model.layers[0].neurons] == h.tolist()
    assert model.layers[1].last_deltas() is not None


# --- your own modules ----------------------------------------------------------------------

class Affine(nn.Module):
    """PyTorch style: parameters are whatever Values and layers it sets as attributes."""

    def __init__(self):
        rng = random.Random(5)
        self.hidden = nn.Layer(2, 3, "tanh", rng=rng)
        self.scale = Value(np.ones(1), label="scale")
        self.heads = [nn.Layer(3, 1, "linear", rng=rng)]

    def __call__(self, x):
        return self.heads[0](self.hidden(x)) * self.scale


def test_a_module_of_your_own_trains_through_its_attributes():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(8, 2))
    y = np.sin(X[:, 0]) + X[:, 1]
    model = Affine()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["hidden.W", "hidden.b", "scale", "heads.0.W", "heads.0.b"]
    before = [np.array(p.data) for p in model.parameters()]
    history = nn.train(model, X, y, lr=0.05, epochs=30, batch_size=None)
    assert history.layer_names == ["hidden", "scale", "heads.0"]
    assert len(history.grad_norm[0]) == 3
    assert history.loss[-1] < history.loss[0] / 2
    assert all(not np.array_equal(b, p.data) for b, p in zip(before, model.parameters()))


# --- class indices for the cross-entropy losses --------------------------------------------

def test_cross_entropy_losses_get_class_indices(monkeypatch):
    seen = []

    def spy(probabilities, expected):
        seen.append(expected)
        rows = np.arange(len(expected))
        return -(probabilities[rows, np.asarray(expected)].log()).mean()

    monkeypatch.setattr(losses, "cross_entropy", spy)
    X, labels = problem(3, n=6)
    model = nn.MLP(3, [4, 3], output_activation="softmax", rng=random.Random(0))
    nn.train(model, X, labels, loss=spy, lr=0.1, epochs=1, batch_size=3)
    assert [np.asarray(e).tolist() for e in seen] == [labels[:3].tolist(), labels[3:].tolist()]
    seen.clear()
    nn.train(model, X, labels, loss=lambda p, e: spy(p, np.argmax(e.data, axis=1)), lr=0.1,
             epochs=1, batch_size=3)  # any other loss gets one-hot rows
    assert [np.asarray(e).tolist() for e in seen] == [labels[:3].tolist(), labels[3:].tolist()]


def test_cross_entropy_trains_when_it_takes_class_indices():
    probe = losses.cross_entropy(Value([[0.25, 0.75]]), np.array([1])).item()
    if not math.isclose(probe, -math.log(0.75)):
        pytest.skip("losses.cross_entropy does not take class indices on this branch yet")
    X, labels = problem(4, n=8)
    model = nn.MLP(3, [4, 3], output_activation="softmax", rng=random.Random(0))
    history = nn.train(model, X, labels, loss=losses.cross_entropy, lr=0.5, epochs=1,
                       batch_size=None)
    weights = nn.MLP(3, [4, 3], output_activation="softmax", rng=random.Random(0)).get_weights()
    h = 1 / (1 + np.exp(-(X @ weights[0][:, :-1].T + weights[0][:, -1])))
    z = h @ weights[1][:, :-1].T + weights[1][:, -1]
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    assert history.loss[0] == pytest.approx(-np.mean(np.log(p[np.arange(8), labels])), rel=1e-12)


def test_sgd_momentum_through_train_is_the_optimisers():
    X, labels = problem(5, n=6)
    a = nn.MLP(3, [2, 3], rng=random.Random(0))
    b = nn.MLP(3, [2, 3], rng=random.Random(0))
    nn.train(a, X, labels, optimizer=SGD(a.parameters(), lr=0.1, momentum=0.9), epochs=2)
    opt = SGD(b.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        for x, label in zip(X, labels):
            loss = half_squared_error(b(x), np.eye(3)[label])
            opt.zero_grad()
            loss.backward()
            opt.step()
    for got, want in zip(a.get_weights(), b.get_weights()):
        assert np.array_equal(got, want)
