"""nn.save / nn.load: a saved network comes back computing the same bits; bad files say why."""
import json
import random

import numpy as np
import pytest

from reference import tutorial_numbers as tn
from tinygrad_bp import nn
from tinygrad_bp import tutorial as tut
from tinygrad_bp.nn import MLP

ROWS = np.array([[0.5, -1.0, 2.0], [3.0, 0.25, -0.75], [-2.0, 1.5, 0.0]])


def round_trip(model: MLP, tmp_path) -> MLP:
    path = tmp_path / "model.json"
    nn.save(model, path)
    return nn.load(path)


@pytest.mark.parametrize("granularity", ["layer", "neuron"])
@pytest.mark.parametrize("activation, output_activation, sizes", [
    ("sigmoid", None, [4, 2]),
    ("tanh", "linear", [5, 4, 1]),
    ("relu", "softmax", [4, 4, 3]),
    ("sigmoid", "softmax", [3]),
])
def test_round_trip_gives_the_same_outputs_to_the_last_bit(tmp_path, granularity, activation,
                                                            output_activation, sizes):
    model = MLP(3, sizes, activation, output_activation, granularity, rng=random.Random(5),
                init="symmetric")
    loaded = round_trip(model, tmp_path)
    assert type(loaded) is MLP and loaded.granularity == granularity
    assert [layer.n_outputs for layer in loaded.layers] == sizes
    assert [layer.activation for layer in loaded.layers] == \
        [layer.activation for layer in model.layers]
    for saved, back in zip(model.get_weights(), loaded.get_weights()):
        assert saved.tobytes() == back.tobytes()
    for row in ROWS:
        assert model(row).data.tobytes() == loaded(row).data.tobytes()


def test_a_trained_tutorial_network_keeps_the_tutorials_weights(tmp_path):
    random.seed(tn.SEED)
    network = tut.initialize_network(2, tn.TRAIN_N_HIDDEN, tn.TRAIN_N_OUTPUTS)
    tut.train_network(network, tn.CONTRIVED_DATASET, tn.TRAIN_L_RATE, tn.TRAIN_N_EPOCH,
                      tn.TRAIN_N_OUTPUTS)
    loaded = round_trip(network, tmp_path)
    assert [w.tolist() for w in loaded.get_weights()] == [tn.TRAIN_FINAL_HIDDEN,
                                                          tn.TRAIN_FINAL_OUTPUT]
    assert [tut.predict(loaded, row) for row in tn.CONTRIVED_DATASET] == [0] * 5 + [1] * 5


def test_the_file_is_readable_json_one_line_per_neuron(tmp_path):
    random.seed(tn.SEED)
    network = tut.initialize_network(*tn.INIT_SHAPE)
    path = tmp_path / "net.json"
    nn.save(network, path)
    (h,), (o1, o2) = tn.INIT_HIDDEN, tn.INIT_OUTPUT
    assert path.read_text() == f"""{{
  "format": "tinygrad_bp.MLP",
  "version": 1,
  "n_inputs": 2,
  "sizes": [1, 2],
  "activations": ["sigmoid", "sigmoid"],
  "granularity": "neuron",
  "weights": [
    [[{h[0]!r}, {h[1]!r}, {h[2]!r}]],
    [[{o1[0]!r}, {o1[1]!r}],
     [{o2[0]!r}, {o2[1]!r}]]
  ]
}}
"""
    assert json.loads(path.read_text())["weights"] == [tn.INIT_HIDDEN, tn.INIT_OUTPUT]


def test_saving_and_loading_draw_no_random_numbers(tmp_path):
    model = MLP(2, [3, 1], rng=random.Random(0))
    random.seed(123)
    state = random.getstate()
    round_trip(model, tmp_path)
    assert random.getstate() == state


def test_save_refuses_what_is_not_an_mlp_or_not_finite(tmp_path):
    with pytest.raises(TypeError, match=r"^save: expected an MLP, not ArrayLayer$"):
        nn.save(nn.Layer(2, 2), tmp_path / "x.json")
    model = MLP(2, [2], rng=random.Random(0))
    model.layers[0].W.data[1, 0] = np.nan
    with pytest.raises(ValueError, match=r"^save: layer 0 holds a weight that is nan or infinite"):
        nn.save(model, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


GOOD = {"format": "tinygrad_bp.MLP", "version": 1, "n_inputs": 2, "sizes": [2, 1],
        "activations": ["tanh", "sigmoid"], "granularity": "layer",
        "weights": [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [[0.7, 0.8, 0.9]]]}


def test_the_good_file_the_error_cases_start_from_loads(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(json.dumps(GOOD))
    model = nn.load(path)
    assert [w.tolist() for w in model.get_weights()] == GOOD["weights"]
    assert [layer.activation for layer in model.layers] == ["tanh", "sigmoid"]


@pytest.mark.parametrize("change, message", [
    ({"version": 2}, "file format version 2; this tinygrad_bp reads version 1"),
    ({"version": None}, "file format version None; this tinygrad_bp reads version 1"),
    ({"format": "keras"}, 'not a tinygrad_bp network file (expected a JSON object with '
                          '"format": "tinygrad_bp.MLP")'),
    ({"sizes": None}, "'sizes' must be a list of positive whole numbers, not None"),
    ({"sizes": [2, 0]}, "'sizes' must be a list of positive whole numbers, not [2, 0]"),
    ({"n_inputs": 2.5}, "'n_inputs' must be a positive whole number, not 2.5"),
    ({"n_inputs": True}, "'n_inputs' must be a positive whole number, not True"),
    ({"activations": ["tanh"]}, "'activations' must list one name per layer (2), not ['tanh']"),
    ({"activations": ["tanh", "swish"]},
     "Layer: unknown activation 'swish'; choose from sigmoid, tanh, relu, linear, softmax"),
    ({"activations": ["softmax", "sigmoid"]},
     "MLP: softmax works on an output layer only; use output_activation='softmax'"),
    ({"granularity": "weight"}, "Layer: granularity must be 'layer' or 'neuron', not 'weight'"),
    ({"weights": [[[0.1, 0.2, 0.3]]]}, "'weights' must hold one list per layer (2)"),
    ({"weights": [[[0.1, 0.2, 0.3], [0.4, 0.5]], [[0.7, 0.8, 0.9]]]},
     "layer 0's weights must be 2 rows (one per neuron) of 3 numbers (2 inputs, then the bias)"),
    ({"weights": [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [[0.7, "0.8", 0.9]]]},
     "layer 1's weights must be 1 row (one per neuron) of 3 numbers (2 inputs, then the bias)"),
])
def test_a_malformed_file_is_a_value_error_naming_it(tmp_path, change, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**GOOD, **change}))
    with pytest.raises(ValueError) as error:
        nn.load(path)
    assert str(error.value) == f"{path}: {message}"


def test_a_missing_field_is_named(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({k: v for k, v in GOOD.items() if k not in ("sizes", "weights")}))
    with pytest.raises(ValueError) as error:
        nn.load(path)
    assert str(error.value) == f"{path}: missing 'sizes', 'weights'"


@pytest.mark.parametrize("text, message", [
    ("", "not a tinygrad_bp network file (not JSON: Expecting value: line 1 column 1 (char 0))"),
    ("[1, 2]", 'not a tinygrad_bp network file (expected a JSON object with "format": '
               '"tinygrad_bp.MLP")'),
    (json.dumps(GOOD).replace("0.5", "NaN"),
     "holds NaN, which is no weight of a trained network (and not JSON)"),
    (json.dumps(GOOD).replace("0.5", "-Infinity"),
     "holds -Infinity, which is no weight of a trained network (and not JSON)"),
])
def test_a_file_that_is_not_a_network_is_a_value_error_naming_it(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ValueError) as error:
        nn.load(path)
    assert str(error.value) == f"{path}: {message}"


def test_a_binary_file_is_a_value_error_naming_it(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(b"\x80\x04\x95 pickled")
    with pytest.raises(ValueError) as error:
        nn.load(path)
    assert str(error.value) == f"{path}: not a tinygrad_bp network file (not UTF-8 text)"


def test_a_utf8_byte_order_mark_is_read_past(tmp_path):
    path = tmp_path / "notepad.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode("utf-8"))
    assert [w.tolist() for w in nn.load(path).get_weights()] == GOOD["weights"]


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a": ' * 100_000, '{"w": [' * 50_000])
def test_deep_nesting_is_a_value_error_naming_the_file(tmp_path, text):
    path = tmp_path / "deep.json"
    path.write_text(text)
    with pytest.raises(ValueError) as error:  # not the RecursionError json.loads raises
        nn.load(path)
    assert str(error.value) == (f"{path}: not a tinygrad_bp network file (lists or objects "
                                "nested too deeply to read; a network file nests 4 levels)")


def test_a_missing_file_is_pythons_own_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere\.json"):
        nn.load(tmp_path / "nowhere.json")
