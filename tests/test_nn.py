"""``tinygrad_bp.nn`` and ``tinygrad_bp.losses``: the MLP's interface, checked against numpy.

Every expected value is computed here by hand (numpy formulas, or arithmetic written out), so a
test fails if the modules compute something else, not merely something different from before.
"""
import math
import random

import numpy as np
import pytest

from reference import tutorial_numbers as tn
from tinygrad_bp import Value
from tinygrad_bp import tutorial as tut
from tinygrad_bp.losses import (cross_entropy, half_squared_error, mean_squared_error, one_hot,
                                one_hot_matrix, sum_squared_error)
from tinygrad_bp.nn import ACTIVATIONS, MLP, Layer, Neuron

GRANULARITIES = ["neuron", "layer"]
NUMPY_ACTIVATIONS = {
    "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-a)),
    "tanh": np.tanh,
    "relu": lambda a: np.maximum(a, 0.0),
    "linear": lambda a: a,
    "softmax": lambda a: np.exp(a - a.max(-1, keepdims=True))
    / np.exp(a - a.max(-1, keepdims=True)).sum(-1, keepdims=True),
}


def numpy_forward(weights, x, activation, output_activation):
    """The MLP's forward pass written with numpy, from ``get_weights``' layout (bias last)."""
    for i, w in enumerate(weights):
        a = x @ w[:, :-1].T + w[:, -1]
        x = NUMPY_ACTIVATIONS[output_activation if i == len(weights) - 1 else activation](a)
    return x


def model(granularity="layer", sizes=(4, 3), n_inputs=3, seed=0, **kwargs) -> MLP:
    return MLP(n_inputs, list(sizes), granularity=granularity, rng=random.Random(seed), **kwargs)


# --- parameters and gradients ---------------------------------------------------------------

def test_parameters_at_layer_granularity_are_each_layers_matrix_and_bias() -> None:
    m = model("layer", (4, 2))
    assert [p.shape for p in m.parameters()] == [(4, 3), (4,), (2, 4), (2,)]
    assert m.parameters()[0] is m.layers[0].W and m.parameters()[3] is m.layers[1].b


def test_parameters_at_neuron_granularity_are_scalars_neuron_by_neuron_bias_last() -> None:
    m = model("neuron", (4, 2))
    params = m.parameters()
    assert len(params) == 4 * (3 + 1) + 2 * (4 + 1) == 26
    assert all(p.shape == () for p in params)
    first = m.layers[0].neurons[0]
    assert params[:4] == [*first.w, first.b]
    assert params[-1] is m.layers[1].neurons[1].b
    assert [p.data for p in params] == [w for layer in m.get_weights() for w in layer.ravel()]


def test_both_granularities_hold_the_same_number_of_weights() -> None:
    sizes = [model(g, (5, 4, 2)).parameters() for g in GRANULARITIES]
    n_weights = (3 + 1) * 5 + (5 + 1) * 4 + (4 + 1) * 2
    assert sum(p.size for p in sizes[0]) == sum(p.size for p in sizes[1]) == n_weights


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_gradients_accumulate_until_zero_grad(granularity: str) -> None:
    m = model(granularity)
    x = [0.5, -1.0, 2.0]
    m(x).sum().backward()
    first = [np.array(p.grad) for p in m.parameters()]
    assert any(np.any(g != 0) for g in first)
    m(x).sum().backward()
    for p, g in zip(m.parameters(), first):
        np.testing.assert_allclose(p.grad, 2 * g, rtol=1e-15)
    m.zero_grad()
    assert all(np.all(np.asarray(p.grad) == 0) for p in m.parameters())


def test_a_layer_on_its_own_is_x_at_W_transposed_plus_b() -> None:
    layer = Layer(3, 2, rng=random.Random(0))
    assert layer.W.shape == (2, 3) and layer.b.shape == (2,)
    x = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]])
    want = 1 / (1 + np.exp(-(x @ layer.W.data.T + layer.b.data)))
    np.testing.assert_allclose(layer(x).data, want, rtol=1e-15)
    by_neuron = Layer(3, 2, granularity="neuron", rng=random.Random(0))
    np.testing.assert_array_equal(by_neuron.get_weights(), layer.get_weights())
    np.testing.assert_allclose(by_neuron(x[0]).data, want[0], rtol=1e-15)


def test_a_neuron_shows_nothing_before_it_has_run() -> None:
    for granularity in GRANULARITIES:
        neuron = model(granularity).layers[0].neurons[0]
        assert neuron.output is None and neuron.delta is None
        assert len(neuron.weights) == 3 and isinstance(neuron.bias, float)


# --- activations ----------------------------------------------------------------------------

@pytest.mark.parametrize("granularity", GRANULARITIES)
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
def test_activations_by_name_compute_their_formula(granularity: str, activation: str) -> None:
    m = model(granularity, (4, 3), activation=activation, init="symmetric")
    x = np.array([0.3, -1.2, 2.0])
    want = numpy_forward(m.get_weights(), x, activation, activation)
    np.testing.assert_allclose(m(x).data, want, rtol=1e-13, atol=1e-15)
    assert [layer.activation for layer in m.layers] == [activation, activation]


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_output_activation_overrides_the_last_layer_only(granularity: str) -> None:
    m = model(granularity, (4, 4, 2), activation="tanh", output_activation="linear")
    assert [layer.activation for layer in m.layers] == ["tanh", "tanh", "linear"]
    x = np.array([1.0, 2.0, -0.5])
    np.testing.assert_allclose(m(x).data, numpy_forward(m.get_weights(), x, "tanh", "linear"),
                               rtol=1e-13)


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_softmax_outputs_are_probabilities(granularity: str) -> None:
    m = model(granularity, (4, 3), output_activation="softmax", init="symmetric")
    x = np.array([0.3, -1.2, 2.0])
    p = m(x).data
    assert p.sum() == pytest.approx(1.0, abs=1e-15) and np.all(p > 0)
    np.testing.assert_allclose(p, numpy_forward(m.get_weights(), x, "sigmoid", "softmax"),
                               rtol=1e-13)


def test_softmax_rows_of_a_batch_each_sum_to_one() -> None:
    m = model("layer", (4, 5), output_activation="softmax", init="symmetric")
    p = m(np.random.default_rng(0).normal(size=(7, 3)) * 10).data
    np.testing.assert_allclose(p.sum(axis=1), np.ones(7), rtol=0, atol=1e-15)


def test_softmax_cannot_overflow() -> None:
    m = model("layer", (3,), n_inputs=1, output_activation="softmax")
    m.set_weights([[[1000.0, 0.0], [0.0, 0.0], [-1000.0, 0.0]]])
    np.testing.assert_allclose(m([1.0]).data, [1.0, 0.0, 0.0], atol=1e-300)


def test_softmax_on_a_hidden_layer_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="softmax works on an output layer only; use "
                                         "output_activation='softmax'"):
        MLP(3, [4, 2], activation="softmax")
    with pytest.raises(ValueError, match="softmax spans a whole layer"):
        Neuron(3, "softmax")


def test_the_activation_names() -> None:
    assert set(ACTIVATIONS) == {"sigmoid", "tanh", "relu", "linear", "softmax"}


@pytest.mark.parametrize("kwargs, message", [
    (dict(activation="swish"), "unknown activation 'swish'; choose from sigmoid, tanh, relu, "
                               "linear, softmax"),
    (dict(output_activation="Sigmoid"), "unknown activation 'Sigmoid'"),
    (dict(granularity="weight"), "granularity must be 'layer' or 'neuron', not 'weight'"),
    (dict(init="xavier"), "unknown init 'xavier'; choose 'tutorial' or 'symmetric'"),
])
def test_unknown_names_are_refused_with_the_choices(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MLP(3, [4, 2], **kwargs)


@pytest.mark.parametrize("n_inputs, sizes, message", [
    (0, [2], "n_inputs must be a positive whole number, not 0"),
    (3, [2, 0], "n_outputs must be a positive whole number, not 0"),
    (3, [], "sizes must name at least the output layer"),
])
def test_impossible_sizes_are_refused(n_inputs, sizes, message) -> None:
    with pytest.raises(ValueError, match=message):
        MLP(n_inputs, sizes)


# --- inputs ---------------------------------------------------------------------------------

def test_a_row_of_the_wrong_width_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match=r"MLP expects rows of 3 inputs, got shape \(2,\)"):
        model("layer")([1.0, 2.0])
    with pytest.raises(ValueError, match=r"MLP expects rows of 3 inputs, got shape \(5, 4\)"):
        model("layer")(np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"one row of 3 inputs, got shape \(2,\)"):
        model("neuron")([1.0, 2.0])
    with pytest.raises(ValueError, match=r"one row of 3 inputs, got shape \(5, 3\)"):
        model("neuron")(np.zeros((5, 3)))



@pytest.mark.parametrize("x, shape", [(np.ones(4), r"\(4,\)"), (np.ones((2, 2)), r"\(2, 2\)"),
                                      (2.0, r"\(\)")])
def test_a_layer_given_rows_of_the_wrong_width_says_so(x, shape) -> None:
    # not numpy's "matmul: Input operand 1 has a mismatch in its core dimension 0"
    with pytest.raises(ValueError, match=rf"Layer: expected rows of 3 inputs, got shape {shape}"):
        Layer(3, 2, rng=random.Random(0))(x)


def test_a_neuron_given_the_wrong_number_of_inputs_says_so() -> None:
    neuron = Neuron(3, draw=lambda n: 0.5)
    with pytest.raises(ValueError, match="Neuron: expected 3 inputs, got 2"):
        neuron([1.0, 2.0])
    with pytest.raises(ValueError, match="Neuron: expected 3 inputs, got 4"):
        neuron([1.0, 2.0, 3.0, 4.0])
    assert neuron([1.0, 2.0, 3.0]).item() == pytest.approx(1 / (1 + math.exp(-3.5)), rel=1e-15)


@pytest.mark.parametrize("output_activation", ["sigmoid", "linear", "softmax"])
def test_a_batch_of_rows_gives_what_each_row_gives(output_activation: str) -> None:
    m = model("layer", (5, 4, 3), output_activation=output_activation)
    rows = np.random.default_rng(1).normal(size=(6, 3))
    batch = m(rows)
    assert batch.shape == (6, 3)
    for row, out in zip(rows, batch.data):
        np.testing.assert_allclose(model("neuron", (5, 4, 3), output_activation=output_activation)
                                   (row).data, out, rtol=1e-13)
        np.testing.assert_allclose(m(row).data, out, rtol=1e-13)


def test_a_batch_loss_gradient_is_the_sum_of_the_rows_gradients() -> None:
    m = model("layer", (4, 2))
    rows = np.random.default_rng(2).normal(size=(5, 3))
    targets = one_hot_matrix([0, 1, 1, 0, 1], 2)
    half_squared_error(m(rows), targets).backward()
    batch = [np.array(p.grad) for p in m.parameters()]
    m.zero_grad()
    for row, target in zip(rows, targets):
        half_squared_error(m(row), target).backward()  # gradients add up across calls
    for p, g in zip(m.parameters(), batch):
        np.testing.assert_allclose(p.grad, g, rtol=1e-12, atol=1e-15)


def test_a_value_input_gets_a_gradient_at_both_granularities() -> None:
    grads = []
    for granularity in GRANULARITIES:
        x = Value([0.5, -0.25, 1.0])
        model(granularity)(x).sum().backward()
        grads.append(np.array(x.grad))
    assert np.any(grads[0] != 0)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_a_list_of_scalar_values_gets_gradients_like_one_value_row(granularity: str) -> None:
    # micrograd's way of calling a model: model([Value(...), Value(...)]); the graph must
    # reach the inputs, not be cut where the list is read as numbers.
    row = [0.5, -0.25, 1.0]
    xs = [Value(v) for v in row]
    x = Value(row)
    m = model(granularity)
    out = m(xs)
    out.sum().backward()
    m(x).sum().backward()
    np.testing.assert_allclose(out.data, m(row).data, rtol=1e-15)
    assert np.any(x.grad != 0)
    np.testing.assert_allclose([v.grad for v in xs], x.grad, rtol=1e-12)


def test_a_batch_given_as_nested_lists_of_values_gets_gradients() -> None:
    rows = [[0.5, -0.25, 1.0], [1.5, 0.0, -2.0]]
    xs = [[Value(v) for v in r] for r in rows]
    x = Value(rows)
    m = model("layer")
    m(xs).sum().backward()
    m(x).sum().backward()
    np.testing.assert_allclose([[v.grad for v in r] for r in xs], x.grad, rtol=1e-12)


# --- weights --------------------------------------------------------------------------------

@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_init_symmetric_draws_uniform_over_plus_minus_one_over_sqrt_n(granularity: str) -> None:
    m = model(granularity, (30, 20), n_inputs=9, seed=5, init="symmetric")
    draws = random.Random(5)
    for layer, n in zip(m.get_weights(), [9, 30]):
        want = [[(2 * draws.random() - 1) / math.sqrt(n) for _ in range(n + 1)] for _ in layer]
        np.testing.assert_array_equal(layer, want)
        assert np.abs(layer).max() <= 1 / math.sqrt(n) and layer.min() < 0 < layer.max()


def test_init_tutorial_draws_uniform_zero_one_from_the_global_stream() -> None:
    random.seed(7)
    m = MLP(2, [3, 2])
    random.seed(7)
    assert [w for layer in m.get_weights() for w in layer.ravel()] == \
        [random.random() for _ in range(3 * 3 + 2 * 4)]


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_get_and_set_weights_round_trip(granularity: str) -> None:
    source, target = model(granularity, (4, 2), seed=1), model(granularity, (4, 2), seed=2)
    target.set_weights(source.get_weights())
    for got, want in zip(target.get_weights(), source.get_weights()):
        np.testing.assert_array_equal(got, want)
    x = [0.1, 0.2, 0.3]
    np.testing.assert_array_equal(target(x).data, source(x).data)
    assert [w.shape for w in source.get_weights()] == [(4, 4), (2, 5)]


def test_set_weights_copies_the_array_it_is_given() -> None:
    m = model("layer", (2,))
    weights = np.zeros((2, 4))
    m.set_weights([weights])
    weights[0, 0] = 9.0
    assert m.get_weights()[0][0, 0] == 0.0


def test_set_weights_refuses_wrong_shapes() -> None:
    m = model("layer", (4, 2))
    with pytest.raises(ValueError, match=r"MLP\.set_weights: expected 2 layers, got 1"):
        m.set_weights([np.zeros((4, 4))])
    with pytest.raises(ValueError, match=r"expected shape \(4, 4\) \(neurons x "
                                         r"\(inputs \+ bias\)\), got \(4, 3\)"):
        m.set_weights([np.zeros((4, 3)), np.zeros((2, 5))])
    with pytest.raises(ValueError, match=r"expected shape \(2, 5\)"):
        model("neuron", (4, 2)).set_weights([np.zeros((4, 4)), np.zeros((5, 2))])


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_to_network_and_from_network_round_trip(granularity: str) -> None:
    m = model(granularity, (4, 3, 2))
    layers = tut.to_network(m)
    assert [len(layer) for layer in layers] == [4, 3, 2]
    assert layers[0][0] == {"weights": m.get_weights()[0][0].tolist()}  # no output before a pass
    back = tut.from_network(layers)
    assert back.granularity == "neuron" and tut.to_network(back) == layers
    row = [0.4, -0.3, 0.9]
    np.testing.assert_allclose(tut.forward_propagate(back, row), m(row).data, rtol=1e-13)
    after = tut.to_network(back)
    assert after[-1][1]["output"] == back.layers[-1].neurons[1].output
    assert "delta" not in after[-1][1]


def test_from_network_keeps_stored_outputs() -> None:
    layers = [[{"weights": [0.5, 0.1], "output": 0.25}], [{"weights": [2.0, 0.0], "output": 0.75}]]
    m = tut.from_network(layers)
    assert [n.output for layer in m.layers for n in layer.neurons] == [0.25, 0.75]
    tut.backward_propagate_error(m, [1])
    delta_out = (1 - 0.75) * 0.75 * (1 - 0.75)
    assert m.layers[1].neurons[0].delta == delta_out
    assert m.layers[0].neurons[0].delta == pytest.approx(2.0 * delta_out * 0.25 * 0.75, rel=1e-15)



@pytest.mark.parametrize("layers, message", [
    ([], r"from_network: the network has no layers"),
    ([[{"weights": [0.5, 0.1]}], []], r"from_network: layer 1 has no neurons"),
    ([[{"weights": [0.5, 0.1, 0.2]}, {"weights": [0.5, 0.1]}]],
     r"from_network: layer 0, neuron 1 has 2 weights; expected 3 \(2 inputs, then the bias\)"),
    ([[{"weights": [0.5, 0.1]}], [{"weights": [1.0, 2.0, 3.0]}]],
     r"from_network: layer 1, neuron 0 has 3 weights; expected 2 \(1 inputs, then the bias\)"),
    ([[{"weights": [0.5]}]], r"from_network: layer 0, neuron 0 has 1 weights; expected at least 2"),
    ([[{"output": 0.5}]], r"from_network: layer 0, neuron 0 has no 'weights'"),
])
def test_from_network_says_what_is_wrong_with_a_malformed_network(layers, message) -> None:
    with pytest.raises(ValueError, match=message):
        tut.from_network(layers)


# --- deeper networks through the tutorial's functions ---------------------------------------

@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_a_deeper_network_trains_with_the_tutorials_functions(granularity: str) -> None:
    m = MLP(2, [3, 4, 2], granularity=granularity, rng=random.Random(1), init="symmetric")
    trace = tut.train_network(m, tn.CONTRIVED_DATASET, 0.5, 60, 2)
    assert len(trace) == 60 and trace[-1] < 0.5 * trace[0]
    layers = tut.to_network(m)  # the last row's outputs and deltas, as the tutorial's dicts hold
    assert [len(layer) for layer in layers] == [3, 4, 2]
    assert all("delta" in n and "output" in n for layer in layers for n in layer)
    assert [tut.predict(m, row) for row in tn.CONTRIVED_DATASET] == \
        [row[-1] for row in tn.CONTRIVED_DATASET]
    # a forward pass builds a new graph: its neurons have outputs but no deltas yet
    assert all("delta" not in n for layer in tut.to_network(m) for n in layer)


def test_the_tutorials_own_initialisation_also_trains_a_deeper_network() -> None:
    random.seed(tn.SEED)
    m = MLP(2, [3, 4, 2], granularity="neuron")
    trace = tut.train_network(m, tn.CONTRIVED_DATASET, 0.5, 100, 2)
    assert trace[-1] < trace[0]


# --- losses ---------------------------------------------------------------------------------

def test_half_squared_error_and_its_gradient() -> None:
    o = Value([0.2, 0.7, 0.4])
    e = [0.0, 1.0, 0.0]
    loss = half_squared_error(o, e)
    assert loss.item() == pytest.approx(0.5 * (0.2 ** 2 + 0.3 ** 2 + 0.4 ** 2), rel=1e-15)
    loss.backward()
    np.testing.assert_allclose(o.grad, [0.2, -0.3, 0.4], rtol=1e-15)  # dE/do = -(e - o)


def test_mean_squared_error() -> None:
    o = Value([[0.2, 0.7], [0.4, 0.0]])
    e = [[0.0, 1.0], [1.0, 0.0]]
    loss = mean_squared_error(o, e)
    assert loss.item() == pytest.approx((0.04 + 0.09 + 0.36 + 0.0) / 4, rel=1e-15)
    loss.backward()
    np.testing.assert_allclose(o.grad, 2 * (o.data - np.array(e)) / 4, rtol=1e-15)


def test_cross_entropy_of_one_row_and_of_a_batch() -> None:
    p = Value([0.2, 0.5, 0.3])
    assert cross_entropy(p, [0, 1, 0]).item() == pytest.approx(-math.log(0.5), rel=1e-15)
    batch = Value([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]])
    loss = cross_entropy(batch, one_hot_matrix([1, 0], 3))
    assert loss.item() == pytest.approx(-(math.log(0.5) + math.log(0.9)) / 2, rel=1e-15)


def test_cross_entropy_through_softmax_has_gradient_p_minus_y() -> None:
    logits = Value([1.0, -0.5, 2.0])
    from tinygrad_bp.nn import softmax
    p = softmax(logits)
    cross_entropy(p, [0, 1, 0]).backward()
    np.testing.assert_allclose(logits.grad, p.data - np.array([0, 1, 0]), rtol=1e-12, atol=1e-15)


def test_sum_squared_error_is_the_tutorials_metric() -> None:
    assert sum_squared_error([0.25, 0.5], [0, 1]) == 0.0625 + 0.25
    assert isinstance(sum_squared_error([0.25, 0.5], [0, 1]), float)


def test_one_hot() -> None:
    assert one_hot(0, 2) == [1.0, 0.0]
    assert one_hot(2, 3) == [0.0, 0.0, 1.0]
    assert one_hot(1.0, 3) == one_hot(np.int64(1), 3) == [0.0, 1.0, 0.0]
    np.testing.assert_array_equal(one_hot_matrix([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(one_hot_matrix(np.array([1.0, 0.0]), 2), [[0, 1], [1, 0]])
    assert one_hot_matrix([], 3).shape == (0, 3)


@pytest.mark.parametrize("label", [2, -1, 0.7, 1.5, "1", None, float("nan"), float("inf")])
def test_one_hot_refuses_what_is_not_a_class_index(label) -> None:
    with pytest.raises(ValueError, match=f"class label {label!r} is not a class index 0..1"):
        one_hot(label, 2)


@pytest.mark.parametrize("labels", [[0, 2], [0, -1], [0.5, 1]])
def test_one_hot_matrix_refuses_what_is_not_a_class_index(labels) -> None:
    # -1 would silently pick the last class and 0.5 would silently become class 0
    with pytest.raises(ValueError, match=r"is not a class index 0\.\.1"):
        one_hot_matrix(labels, 2)
