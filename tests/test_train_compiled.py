"""nn.train's compiled epochs leave what its replayed steps leave; settings say which ran.

The reference is nn.train itself with ``compile=False`` (every step replayed through the
engine, which tests/test_train*.py check against the tutorial's algorithm and numpy), and the
tutorial's own algorithm where the maths guarantees its bits.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from reference import tutorial_algorithm as ta

from tinygrad_bp import nn
from tinygrad_bp import tutorial as tut
from tinygrad_bp.nn.optim import SGD, Adam

RNG = np.random.default_rng(4)
X = RNG.random((24, 3))
LABELS = RNG.integers(0, 2, 24)


def _network(granularity: str):
    return nn.MLP(3, [4, 2], granularity=granularity, rng=random.Random(5))


def _train(model, **options):
    return nn.train(model, X, LABELS, lr=0.5, epochs=3, **options)


def test_a_network_of_scalars_compiles_to_the_engines_bits():
    compiled, replayed = _network("neuron"), _network("neuron")
    h1, h2 = _train(compiled), _train(replayed, compile=False)
    assert h1.settings["step"] == "compiled (python, bit for bit)"
    assert h2.settings["step"] == "replayed"
    assert [w.tolist() for w in compiled.get_weights()] == \
        [w.tolist() for w in replayed.get_weights()]
    assert h1.loss == h2.loss and h1.sum_error == h2.sum_error
    np.testing.assert_allclose(h1.grad_norm, h2.grad_norm, rtol=1e-12)
    # the last step ran through the engine: every neuron shows its output and delta
    assert [(n.output, n.delta) for layer in compiled.layers for n in layer.neurons] == \
        [(n.output, n.delta) for layer in replayed.layers for n in layer.neurons]


def test_the_tutorials_network_compiled_is_the_tutorials_training():
    # l_rate 0.5, no layer wider than two: the tutorial's updates and deltas to the bit
    rows = [[*x, int(c)] for x, c in zip(X.tolist(), LABELS)]
    random.seed(3)
    oracle = ta.initialize_network(3, 2, 2)
    want = ta.train_network(oracle, rows, 0.5, 4, 2)
    random.seed(3)
    network = tut.initialize_network(3, 2, 2)
    assert tut.train_network(network, rows, 0.5, 4, 2) == want
    assert [n["weights"] for layer in tut.to_network(network) for n in layer] == \
        [n["weights"] for layer in oracle for n in layer]


def test_arrays_compile_to_rounding():
    compiled, replayed = _network("layer"), _network("layer")
    h1, h2 = _train(compiled), _train(replayed, compile=False)
    assert h1.settings["step"] == "compiled (python, to rounding)"
    for a, b in zip(compiled.get_weights(), replayed.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(h1.loss, h2.loss, rtol=1e-13)
    assert h1.accuracy == h2.accuracy


def test_k_networks_side_by_side_compile_too():
    stack = nn.MLP(3, [4, 2], models=2, rng=random.Random(5))
    alone = nn.MLP(3, [4, 2], models=2, rng=random.Random(5))
    x, labels = np.stack([X, X[::-1]]), np.stack([LABELS, LABELS[::-1]])
    h1 = nn.train(stack, x, labels, lr=0.5, epochs=3)
    h2 = nn.train(alone, x, labels, lr=0.5, epochs=3, compile=False)
    assert h1.settings["step"] == "compiled (python, to rounding)"
    for a, b in zip(stack.get_weights(), alone.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(h1.sum_error, h2.sum_error, rtol=1e-13)
    # each network's loss from its outputs: the compiled epochs compute no summed loss
    np.testing.assert_allclose(h1.loss, h2.loss, rtol=1e-13)
    assert np.shape(h1.loss) == (3, 2)
    np.testing.assert_allclose(h1.grad_norm, h2.grad_norm, rtol=1e-12)


@pytest.mark.parametrize("make, how", [
    (lambda m: SGD(m.parameters(), lr=0.5, momentum=0.9), "replayed"),
    (lambda m: Adam(m.parameters(), lr=0.01), "replayed"),
])
def test_only_plain_sgd_compiles(make, how):
    model = _network("layer")
    assert _train(model, optimizer=make(model)).settings["step"] == how


def test_a_graph_too_big_to_unroll_is_replayed_and_says_why():
    model = nn.MLP(3, [2000, 2], rng=random.Random(5))
    how = _train(model).settings["step"]
    assert how.startswith("replayed (not compiled: about ") and "max_ops=20000" in how


def test_a_model_of_ones_own_is_built_every_step():
    class Own(nn.Module):
        def __init__(self):
            self.inner = _network("layer")

        def __call__(self, x):
            return self.inner(x)

    assert _train(Own()).settings["step"] == "built every step"


def test_compile_takes_what_it_says():
    with pytest.raises(ValueError, match="compile must be 'auto', 'python', 'numba' or False, "
                                         "not 'fast'"):
        _train(_network("layer"), compile="fast")


def test_numba_trains_to_the_same_bits(tmp_path, monkeypatch):
    pytest.importorskip("numba")
    monkeypatch.setenv("TINYGRAD_BP_CACHE", str(tmp_path))
    fast, python = _network("neuron"), _network("neuron")
    h1, h2 = _train(fast, compile="numba"), _train(python)
    assert h1.settings["step"] == "compiled (numba, bit for bit)"
    assert [w.tolist() for w in fast.get_weights()] == [w.tolist() for w in python.get_weights()]
    assert h1.loss == h2.loss


def test_a_shorter_last_step_is_replayed_and_says_why():
    rows = len(X)
    size = next(k for k in range(2, rows) if rows % k)  # steps that leave a shorter last one
    history = _train(_network("layer"), batch_size=size)  # batches: layer granularity
    assert history.settings["step"] == (f"replayed (not compiled: {rows} rows do not split "
                                        f"into steps of {size})")
