"""``tinygrad_bp.tutorial`` reproduces the tutorial's published numbers (TUTORIAL.md items 1-5).

Every expected value comes from ``reference.tutorial_numbers``, transcribed by hand from
TUTORIAL.md, never from running code. Items 1-3 hold bit for bit: the neuron-granularity MLP
adds ``bias + w_0 x_0 + w_1 x_1`` in the tutorial's order and autograd's deltas round exactly
as the hand-written delta rule does. Item 4's update ``w -= l_rate * w.grad`` rounds differently
from the tutorial's ``w += (l_rate * delta) * input``, so its weights are compared to 1e-12.
"""
import random

import numpy as np
import pytest

from reference import tutorial_numbers as tn
from tinygrad_bp import tutorial as tut
from tinygrad_bp.losses import half_squared_error
from tinygrad_bp.nn import MLP
from tinygrad_bp.value import stack


def _weights(network) -> list[list[list[float]]]:
    return [[neuron["weights"] for neuron in layer] for layer in tut.to_network(network)]


def _dicts(*layers, outputs=None) -> list[list[dict]]:
    """The tutorial's network format, optionally with stored outputs."""
    network = [[{"weights": list(w)} for w in layer] for layer in layers]
    if outputs is not None:
        for layer, layer_outputs in zip(network, outputs):
            for neuron, output in zip(layer, layer_outputs):
                neuron["output"] = output
    return network


def _item3_network():
    return tut.from_network(_dicts(tn.INIT_HIDDEN, tn.INIT_OUTPUT, outputs=[
        tn.BACKWARD_HIDDEN_OUTPUTS, tn.BACKWARD_OUTPUT_OUTPUTS]))


def _trained(granularity: str = "neuron", verbose: bool = False):
    random.seed(tn.SEED)
    if granularity == "neuron":
        network = tut.initialize_network(2, tn.TRAIN_N_HIDDEN, tn.TRAIN_N_OUTPUTS)
    else:
        network = MLP(2, [tn.TRAIN_N_HIDDEN, tn.TRAIN_N_OUTPUTS], granularity=granularity)
    trace = tut.train_network(network, tn.CONTRIVED_DATASET, tn.TRAIN_L_RATE, tn.TRAIN_N_EPOCH,
                              tn.TRAIN_N_OUTPUTS, verbose=verbose)
    return network, trace


# --- item 1: initialize_network -------------------------------------------------------------

def test_item1_initialize_network_draws_the_tutorials_weights() -> None:
    random.seed(tn.SEED)
    network = tut.initialize_network(*tn.INIT_SHAPE)
    assert _weights(network) == [tn.INIT_HIDDEN, tn.INIT_OUTPUT]
    assert [len(layer.neurons) for layer in network.layers] == [1, 2]
    assert isinstance(network, MLP) and network.granularity == "neuron"


def test_item1_a_layer_granularity_mlp_draws_the_same_weights() -> None:
    random.seed(tn.SEED)
    model = MLP(2, [1, 2])
    assert _weights(model) == [tn.INIT_HIDDEN, tn.INIT_OUTPUT]


def test_item1_an_explicit_rng_seeded_1_draws_the_same_weights() -> None:
    model = MLP(2, [1, 2], rng=random.Random(tn.SEED))
    assert _weights(model) == [tn.INIT_HIDDEN, tn.INIT_OUTPUT]


# --- item 2: forward_propagate --------------------------------------------------------------

def test_item2_forward_propagate_on_the_item1_network() -> None:
    random.seed(tn.SEED)
    network = tut.initialize_network(*tn.INIT_SHAPE)
    assert tut.forward_propagate(network, tn.FORWARD_ROW + [None]) == tn.FORWARD_OUTPUTS
    assert [n.output for n in network.layers[-1].neurons] == tn.FORWARD_OUTPUTS


def test_item2_forward_propagate_on_a_network_given_in_the_tutorials_format() -> None:
    network = tut.from_network(_dicts(tn.INIT_HIDDEN, tn.INIT_OUTPUT))
    assert tut.forward_propagate(network, tn.FORWARD_ROW) == tn.FORWARD_OUTPUTS


# --- item 3: backward_propagate_error -------------------------------------------------------

def test_item3_autograd_deltas_are_the_tutorials_deltas_bit_for_bit() -> None:
    network = _item3_network()
    tut.backward_propagate_error(network, tn.BACKWARD_EXPECTED)
    hidden, output = network.layers
    assert [n.delta for n in hidden.neurons] == tn.BACKWARD_HIDDEN_DELTAS
    assert [n.delta for n in output.neurons] == tn.BACKWARD_OUTPUT_DELTAS
    layers = tut.to_network(network)
    assert [n["delta"] for n in layers[0]] == tn.BACKWARD_HIDDEN_DELTAS
    assert [n["delta"] for n in layers[1]] == tn.BACKWARD_OUTPUT_DELTAS
    assert [n["output"] for n in layers[0]] == tn.BACKWARD_HIDDEN_OUTPUTS
    assert [n["output"] for n in layers[1]] == tn.BACKWARD_OUTPUT_OUTPUTS


def test_item3_delta_is_minus_dE_da_read_from_the_graph() -> None:
    """The equality TUTORIAL.md asks the tests to show: delta = -dE/da, for every neuron.

    dE/da is read three ways: the activation node's gradient, the bias's gradient (a = b*1 +
    sum w x, so da/db = 1) and, for the output layer, the chain rule written out by hand.
    """
    network = _item3_network()
    tut.backward_propagate_error(network, tn.BACKWARD_EXPECTED)
    for layer in network.layers:
        for neuron in layer.neurons:
            assert neuron.delta == -neuron.preactivation.grad
            assert neuron.delta == -neuron.b.grad
    for neuron, e, o, delta in zip(network.layers[-1].neurons, tn.BACKWARD_EXPECTED,
                                   tn.BACKWARD_OUTPUT_OUTPUTS, tn.BACKWARD_OUTPUT_DELTAS):
        dE_do = -(e - o)          # E = 1/2 sum (e - o)^2
        do_da = o * (1.0 - o)     # the sigmoid's slope in terms of its output
        assert neuron.preactivation.grad == dE_do * do_da == -delta


def test_item3_weight_gradients_are_minus_delta_times_input() -> None:
    network = _item3_network()
    tut.backward_propagate_error(network, tn.BACKWARD_EXPECTED)
    (hidden,), output = network.layers[0].neurons, network.layers[1].neurons
    for neuron in output:
        assert neuron.w[0].grad == -neuron.delta * hidden.output
        assert neuron.b.grad == -neuron.delta * 1.0


def test_item3_the_loss_really_is_half_the_squared_error() -> None:
    network = _item3_network()
    outputs = stack([n.out for n in network.layers[-1].neurons])
    loss = half_squared_error(outputs, tn.BACKWARD_EXPECTED)
    by_hand = 0.5 * sum((e - o) ** 2 for e, o in zip(tn.BACKWARD_EXPECTED,
                                                    tn.BACKWARD_OUTPUT_OUTPUTS))
    assert loss.item() == pytest.approx(by_hand, rel=1e-15)


# --- item 4: train_network ------------------------------------------------------------------

def test_item4_the_per_epoch_error_trace_to_three_decimals() -> None:
    _, trace = _trained()
    assert len(trace) == tn.TRAIN_N_EPOCH
    assert [f"{e:.3f}" for e in trace] == tn.TRAIN_SUM_ERROR_3DP


def test_item4_the_final_weights() -> None:
    network, _ = _trained()
    hidden, output = _weights(network)
    np.testing.assert_allclose(hidden, tn.TRAIN_FINAL_HIDDEN, rtol=1e-12, atol=0)
    np.testing.assert_allclose(output, tn.TRAIN_FINAL_OUTPUT, rtol=1e-12, atol=0)


def test_item4_verbose_prints_the_tutorials_epoch_lines(capsys) -> None:
    _trained(verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f">epoch={epoch}, lrate=0.500, error={error}"
                     for epoch, error in enumerate(tn.TRAIN_SUM_ERROR_3DP)]
    assert lines[0] == ">epoch=0, lrate=0.500, error=6.350"


def test_item4_not_verbose_prints_nothing(capsys) -> None:
    _trained()
    assert capsys.readouterr().out == ""


def test_item4_a_layer_granularity_mlp_trains_the_same_way() -> None:
    """The tutorial's functions take the default, matrix-based MLP too (same draws, same maths)."""
    network, trace = _trained("layer")
    assert [f"{e:.3f}" for e in trace] == tn.TRAIN_SUM_ERROR_3DP
    hidden, output = _weights(network)
    np.testing.assert_allclose(hidden, tn.TRAIN_FINAL_HIDDEN, rtol=1e-12, atol=0)
    np.testing.assert_allclose(output, tn.TRAIN_FINAL_OUTPUT, rtol=1e-12, atol=0)


# --- item 5: predict ------------------------------------------------------------------------

def test_item5_the_hardcoded_network_predicts_every_row() -> None:
    network = tut.from_network(_dicts(tn.PREDICT_HIDDEN, tn.PREDICT_OUTPUT))
    labels = [row[-1] for row in tn.CONTRIVED_DATASET]
    predictions = [tut.predict(network, row) for row in tn.CONTRIVED_DATASET]
    assert predictions == labels
    assert sum(p == y for p, y in zip(predictions, labels)) == tn.PREDICT_N_CORRECT == 10


def test_item5_the_network_trained_in_item4_predicts_every_row_too() -> None:
    network, _ = _trained()
    assert [tut.predict(network, row) for row in tn.CONTRIVED_DATASET] == \
        [row[-1] for row in tn.CONTRIVED_DATASET]


# --- the tutorial functions' guards ---------------------------------------------------------

def test_update_weights_before_any_forward_pass_says_what_to_do() -> None:
    random.seed(tn.SEED)
    network = tut.initialize_network(2, 1, 2)
    with pytest.raises(ValueError, match="forward_propagate"):
        tut.update_weights(network, [1, 0], 0.5)


def test_update_weights_with_another_row_is_refused() -> None:
    random.seed(tn.SEED)
    network = tut.initialize_network(2, 1, 2)
    tut.forward_propagate(network, [1, 0])
    tut.backward_propagate_error(network, [0, 1])
    with pytest.raises(ValueError, match="not the row of the last forward pass"):
        tut.update_weights(network, [0, 1], 0.5)


def test_backward_before_forward_is_refused() -> None:
    for granularity in ("neuron", "layer"):
        network = MLP(2, [1, 2], granularity=granularity, rng=random.Random(1))
        with pytest.raises(ValueError, match="forward_propagate"):
            tut.backward_propagate_error(network, [0, 1])


def test_train_network_refuses_a_fractional_class_label() -> None:
    random.seed(tn.SEED)
    network = tut.initialize_network(2, 1, 2)
    with pytest.raises(ValueError, match=r"class label 0\.7"):
        tut.train_network(network, [[1.0, 2.0, 0.7]], 0.5, 1, 2)


def test_contrived_dataset_is_the_tutorials_and_a_fresh_copy_each_time():
    first = tut.contrived_dataset()
    assert first == [list(row) for row in tn.CONTRIVED_DATASET]
    first[0][0] = 99.0
    assert tut.contrived_dataset()[0][0] == 2.7810836
