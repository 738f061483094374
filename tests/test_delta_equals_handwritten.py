"""Autograd's deltas are the hand-written sigmoid-derivative deltas, on many random networks.

The hand-written side is the reference oracle (``reference.tutorial_algorithm``): the
tutorial's delta rule in plain Python, which ``test_reference_oracle`` ties to the tutorial's
published numbers. Each case draws a network with 1-3 hidden layers of 1-6 neurons, weights in
[-2, 2], one row and a one-hot target, builds it three ways -- the oracle's dicts, an MLP at
neuron granularity, an MLP at layer granularity -- and checks, to 1e-12:

- every neuron's ``delta`` (``-dE/da`` from the graph) equals the oracle's delta;
- one ``update_weights`` step (``w -= l_rate * w.grad``) gives the oracle's weights
  (``w += l_rate * delta * input``);
- the two granularities agree on outputs, deltas and every parameter's gradient;
- ``delta == -dE/da``: the bias's gradient (``da/db = 1``), every weight's gradient
  ``-delta * input``, and a central difference of E with respect to each bias.
"""
import copy
import random

import numpy as np
import pytest

from reference import tutorial_algorithm as ta
from tinygrad_bp import tutorial as tut
from tinygrad_bp.losses import half_squared_error, one_hot
from tinygrad_bp.nn import MLP

N_CASES = 50
L_RATE = 0.3
TOL = dict(rtol=1e-12, atol=1e-12)


class Uniform:
    """A random source for ``initialize_deep`` and ``MLP(rng=...)``: ``random()`` in [-2, 2)."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def random(self) -> float:
        return 4.0 * self.rng.random() - 2.0


def make_case(seed: int) -> dict:
    r = random.Random(seed)
    n_inputs = r.randint(1, 6)
    hidden = [r.randint(1, 6) for _ in range(r.randint(1, 3))]
    n_outputs = r.randint(1, 6)
    label = r.randrange(n_outputs)
    row = [r.uniform(-3.0, 3.0) for _ in range(n_inputs)] + [label]
    weights_seed = r.randrange(2 ** 32)
    return dict(n_inputs=n_inputs, hidden=hidden, n_outputs=n_outputs, row=row,
                expected=[0] * label + [1] + [0] * (n_outputs - label - 1),
                oracle=ta.initialize_deep(n_inputs, hidden, n_outputs, Uniform(weights_seed)),
                weights_seed=weights_seed)


def oracle_weights(network) -> list[np.ndarray]:
    return [np.array([neuron["weights"] for neuron in layer]) for layer in network]


def build(case: dict, granularity: str) -> MLP:
    """The case's network as an MLP: random weights of its own, then ``set_weights``."""
    model = MLP(case["n_inputs"], [*case["hidden"], case["n_outputs"]], granularity=granularity,
                rng=random.Random(0))
    model.set_weights(oracle_weights(case["oracle"]))
    return model


def run_oracle(case: dict):
    network = copy.deepcopy(case["oracle"])
    outputs = ta.forward_propagate(network, case["row"])
    ta.backward_propagate_error(network, case["expected"])
    return network, outputs


def run_model(case: dict, granularity: str):
    model = build(case, granularity)
    outputs = tut.forward_propagate(model, case["row"])
    tut.backward_propagate_error(model, case["expected"])
    return model, outputs


def deltas(model: MLP) -> list[list[float]]:
    return [[n.delta for n in layer.neurons] for layer in model.layers]


def gradient_rows(layer) -> np.ndarray:
    """A layer's gradients laid out like its weights: one row per neuron, bias last."""
    if layer.granularity == "neuron":
        return np.array([[p.grad for p in n.parameters()] for n in layer.neurons])
    return np.column_stack([layer.W.grad, layer.b.grad])


def layer_inputs(model: MLP, row) -> list[list[float]]:
    """What each layer read: the row's features, then each previous layer's outputs."""
    return [list(row[:model.n_inputs])] + [[n.output for n in layer.neurons]
                                           for layer in model.layers[:-1]]


CASES = range(N_CASES)


def test_the_cases_cover_the_sizes_asked_for() -> None:
    cases = [make_case(seed) for seed in CASES]
    assert {len(c["hidden"]) for c in cases} == {1, 2, 3}
    sizes = {n for c in cases for n in [c["n_inputs"], *c["hidden"], c["n_outputs"]]}
    assert sizes == {1, 2, 3, 4, 5, 6}
    weights = np.concatenate([w.ravel() for c in cases for w in oracle_weights(c["oracle"])])
    assert weights.min() < -1.9 and weights.max() > 1.9 and np.all(np.abs(weights) <= 2)


@pytest.mark.parametrize("seed", CASES)
def test_mlp_draws_weights_in_the_oracles_order(seed: int) -> None:
    case = make_case(seed)
    for granularity in ("neuron", "layer"):
        model = MLP(case["n_inputs"], [*case["hidden"], case["n_outputs"]],
                    granularity=granularity, rng=Uniform(case["weights_seed"]))
        for got, want in zip(model.get_weights(), oracle_weights(case["oracle"])):
            assert got.tolist() == want.tolist()


@pytest.mark.parametrize("seed", CASES)
@pytest.mark.parametrize("granularity", ["neuron", "layer"])
def test_autograd_deltas_equal_the_handwritten_deltas(seed: int, granularity: str) -> None:
    case = make_case(seed)
    network, want_outputs = run_oracle(case)
    model, outputs = run_model(case, granularity)
    np.testing.assert_allclose(outputs, want_outputs, **TOL)
    for layer, oracle_layer in zip(model.layers, network):
        np.testing.assert_allclose([n.output for n in layer.neurons],
                                   [n["output"] for n in oracle_layer], **TOL)
        np.testing.assert_allclose([n.delta for n in layer.neurons],
                                   [n["delta"] for n in oracle_layer], **TOL)



@pytest.mark.parametrize("seed", CASES)
def test_neuron_granularity_deltas_are_bit_for_bit_where_tutorial_py_says(seed: int) -> None:
    # A layer's deltas are the tutorial's to the last bit when no later layer has more than
    # two neurons (the output layer always). With three or more, the backward walk adds that
    # layer's terms in the opposite order to the tutorial's loop, so the last bit can differ
    # (the 1e-12 test above covers those).
    case = make_case(seed)
    network, _ = run_oracle(case)
    model, _ = run_model(case, "neuron")
    for i, (layer, oracle_layer) in enumerate(zip(model.layers, network)):
        if all(len(later) <= 2 for later in network[i + 1:]):
            assert [n.delta for n in layer.neurons] == [n["delta"] for n in oracle_layer]
@pytest.mark.parametrize("seed", CASES)
@pytest.mark.parametrize("granularity", ["neuron", "layer"])
def test_one_update_step_equals_the_handwritten_update(seed: int, granularity: str) -> None:
    case = make_case(seed)
    network, _ = run_oracle(case)
    ta.update_weights(network, case["row"], L_RATE)
    model, _ = run_model(case, granularity)
    tut.update_weights(model, case["row"], L_RATE)
    for got, want in zip(model.get_weights(), oracle_weights(network)):
        np.testing.assert_allclose(got, want, **TOL)


@pytest.mark.parametrize("seed", CASES)
def test_neuron_and_layer_granularity_agree(seed: int) -> None:
    """Same outputs, deltas and gradients whether each weight is a scalar or a matrix entry."""
    case = make_case(seed)
    by_neuron, by_layer = build(case, "neuron"), build(case, "layer")
    features = case["row"][:-1]
    out_n, out_l = by_neuron(features), by_layer(features)
    np.testing.assert_allclose(out_n.data, out_l.data, **TOL)
    half_squared_error(out_n, case["expected"]).backward()
    half_squared_error(out_l, case["expected"]).backward()
    for layer_n, layer_l in zip(by_neuron.layers, by_layer.layers):
        np.testing.assert_allclose([n.output for n in layer_n.neurons],
                                   [n.output for n in layer_l.neurons], **TOL)
        np.testing.assert_allclose([n.delta for n in layer_n.neurons],
                                   [n.delta for n in layer_l.neurons], **TOL)
        np.testing.assert_allclose(gradient_rows(layer_n), gradient_rows(layer_l), **TOL)


@pytest.mark.parametrize("seed", CASES)
@pytest.mark.parametrize("granularity", ["neuron", "layer"])
def test_delta_is_minus_dE_da(seed: int, granularity: str) -> None:
    """a = b*1 + sum_i w_i x_i, so dE/db = dE/da and dE/dw_i = dE/da * x_i = -delta * x_i."""
    case = make_case(seed)
    model, _ = run_model(case, granularity)
    for layer, inputs in zip(model.layers, layer_inputs(model, case["row"])):
        delta = np.array([n.delta for n in layer.neurons])
        grads = gradient_rows(layer)
        np.testing.assert_array_equal(delta, -grads[:, -1])
        np.testing.assert_allclose(grads[:, :-1], -np.outer(delta, inputs), rtol=1e-15, atol=0)


@pytest.mark.parametrize("seed", range(0, N_CASES, 5))
def test_delta_matches_a_central_difference_of_the_loss(seed: int) -> None:
    """An independent dE/da: nudge each bias (which moves a by the same amount) and re-run."""
    case = make_case(seed)
    model, _ = run_model(case, "neuron")
    eps = 1e-6

    def loss(network) -> float:
        outputs = ta.forward_propagate(network, case["row"])
        return 0.5 * sum((e - o) ** 2 for e, o in zip(case["expected"], outputs))

    for i, layer in enumerate(model.layers):
        for j, neuron in enumerate(layer.neurons):
            slopes = []
            for step in (eps, -eps):
                moved = copy.deepcopy(case["oracle"])
                moved[i][j]["weights"][-1] += step
                slopes.append(loss(moved))
            dE_da = (slopes[0] - slopes[1]) / (2 * eps)
            assert neuron.delta == pytest.approx(-dE_da, abs=1e-8)


@pytest.mark.parametrize("seed", range(0, N_CASES, 5))
def test_a_few_epochs_of_training_stay_with_the_oracle(seed: int) -> None:
    case = make_case(seed)
    r = random.Random(seed)
    data = [[r.uniform(-3.0, 3.0) for _ in range(case["n_inputs"])]
            + [r.randrange(case["n_outputs"])] for _ in range(5)]
    network = copy.deepcopy(case["oracle"])
    want = ta.train_network(network, data, L_RATE, 3, case["n_outputs"])
    for granularity in ("neuron", "layer"):
        model = build(case, granularity)
        got = tut.train_network(model, data, L_RATE, 3, case["n_outputs"])
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-12)
        for got_w, want_w in zip(model.get_weights(), oracle_weights(network)):
            np.testing.assert_allclose(got_w, want_w, rtol=1e-11, atol=1e-11)


def test_the_one_hot_target_is_the_tutorials_expected_vector() -> None:
    for seed in CASES:
        case = make_case(seed)
        assert case["expected"] == one_hot(case["row"][-1], case["n_outputs"])
