"""draw_network on the tutorial's networks, its own dict format, stand-ins and big MLPs.

Outputs and deltas are checked against the plain-Python reference oracle (the tutorial's
algorithm, independent of the autograd engine), weights against TUTORIAL.md item 1.
"""
import random
import re
from types import SimpleNamespace

import numpy as np
import pytest

from reference import tutorial_algorithm as ta
from reference import tutorial_numbers as tn
from tinygrad_bp.nn import MLP
from tinygrad_bp.viz import draw_network
from tinygrad_bp.tutorial.samples import seeds_network, tutorial_network

ROW, EXPECTED = [1.0, 0.0], [0.0, 1.0]


def _oracle_212() -> ta.Network:
    random.seed(tn.SEED)
    network = ta.initialize_network(*tn.INIT_SHAPE)
    ta.forward_propagate(network, ROW)
    ta.backward_propagate_error(network, EXPECTED)
    return network


def _row_value(source: str, name: str) -> list[str]:
    """The numbers in every table row called ``name`` (bias, out, δ), in order."""
    return re.findall(rf'>{name}</td><td align="right" bgcolor="[^"]+"[^>]*>'
                      rf'<font face="Courier"[^>]*>([^<]+)</font>', source)


def test_tutorial_network_weights_on_edges() -> None:
    source = draw_network(tutorial_network()).source
    (hidden,), output = tn.INIT_HIDDEN, tn.INIT_OUTPUT
    for w in hidden[:-1] + [o[0] for o in output]:
        assert re.search(rf'label="?{w:.4f}"? ', source)
    assert _row_value(source, "bias") == [f"{hidden[-1]:.4f}", f"{output[0][-1]:.4f}",
                                          f"{output[1][-1]:.4f}"]
    assert "hidden layer · sigmoid" in source and "output layer · sigmoid" in source
    assert "<b>x1</b>  <font face=\"Courier\">1.0000</font>" in source


def test_outputs_and_deltas_match_the_tutorials_algorithm() -> None:
    oracle = _oracle_212()
    source = draw_network(tutorial_network()).source
    neurons = [n for layer in oracle for n in layer]
    assert _row_value(source, "out") == [f"{n['output']:.4f}" for n in neurons]
    assert _row_value(source, "δ") == [f"{n['delta']:.4f}" for n in neurons]
    assert f"{tn.FORWARD_OUTPUTS[0]:.4f}" in _row_value(source, "out")


def test_the_tutorials_dict_format_draws_the_same_picture() -> None:
    assert draw_network(_oracle_212(), inputs=ROW).source == \
        draw_network(tutorial_network()).source


def test_a_stand_in_object_before_any_pass() -> None:
    neuron = SimpleNamespace(weights=[0.5, -0.25], bias=0.1, output=None, delta=None)
    layer = SimpleNamespace(activation="tanh", neurons=[neuron])
    model = SimpleNamespace(n_inputs=2, layers=[layer])
    source = draw_network(model).source
    assert "output layer · tanh" in source and re.search(r'label="?-0.2500"? ', source)
    assert _row_value(source, "out") == ["–"] and _row_value(source, "δ") == ["–"]
    assert "#d62728" in source and "#1f77b4" in source  # negative red, positive blue


def test_worksheet_blanks_outputs_and_deltas_but_keeps_inputs() -> None:
    source = draw_network(tutorial_network(), show_values=False).source
    assert set(_row_value(source, "out")) == {"_______"} == set(_row_value(source, "δ"))
    assert "1.0000" in source and "0.1344" in source


def test_seeds_network_lists_weights_in_rows_in_order() -> None:
    random.seed(tn.SEED)
    oracle = ta.initialize_network(7, 5, 3)
    source = draw_network(seeds_network()).source
    assert not re.search(r"->.* label=", source)  # 35 edges: no numbers in mid-air
    assert "splines=line" in source
    for k, layer in enumerate(oracle):
        for j, neuron in enumerate(layer):
            for i, w in enumerate(neuron["weights"][:-1]):
                assert f'port="n{j}w{i}">from ' in source
                assert re.search(rf'port="n{j}w{i}out"><font face="Courier" color="#1f77b4">'
                                 rf"{w:.4f}<", source), (k, j, i)
    assert source.count("-> layer0:n") == 35 and source.count("-> layer1:n") == 15
    assert [int(n) for n in re.findall(r"<b>h(\d)</b>", source)] == [1, 2, 3, 4, 5]


def test_big_layers_are_elided_and_weights_become_colour() -> None:
    model = MLP(20, [30, 10], init="symmetric", rng=random.Random(0))
    model(np.linspace(-1, 1, 20))
    source = draw_network(model).source
    assert "… 10 more inputs …" in source and "… 20 more neurons …" in source
    assert "<b>h5</b>" in source and "<b>h26</b>" in source and "<b>h6</b>" not in source
    assert "from x" not in source and not re.search(r"->.* label=", source)
    assert "edges: blue w ≥ 0, red w < 0, wider = larger |w|" in source
    assert source.count("->") == 10 * 10 + 10 * 10
    assert "<b>x20</b>  <font face=\"Courier\">1.0000</font>" in source  # last_input


def test_deep_network_names_layers() -> None:
    model = MLP(2, [3, 3, 1], activation="tanh", output_activation="linear",
                rng=random.Random(0))
    source = draw_network(model).source
    assert "hidden layer 1 · tanh" in source and "hidden layer 2 · tanh" in source
    assert "output layer · linear" in source and "<b>h2.3</b>" in source


def test_deterministic_and_checked() -> None:
    assert draw_network(seeds_network()).source == draw_network(seeds_network()).source
    assert "rankdir=TB" in draw_network(tutorial_network(), rankdir="TB").source
    with pytest.raises(ValueError, match="at least one layer"):
        draw_network([])
