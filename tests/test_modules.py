"""``nn.Module``'s parameters, the two layer classes behind ``Layer``, and weights as arrays."""
from __future__ import annotations

import copy
import pickle
import random

import numpy as np
import pytest

from tinygrad_bp import Value, nn
from tinygrad_bp.nn import MLP, ArrayLayer, Layer, NeuronLayer, draw_weights
from tinygrad_bp.optim import SGD, Adam


# --- parameters found as attributes (issue 8) ----------------------------------------------

class Net(nn.Module):
    def __init__(self):
        rng = random.Random(0)
        self.l1 = Layer(2, 3, rng=rng)
        self.w = Value(np.ones(3))
        self.blocks = [Layer(3, 3, rng=rng), (Layer(3, 2, rng=rng),)]
        self.named = {"head": Layer(2, 1, rng=rng)}
        self.constant = Value(2.0, requires_grad=False)  # not a parameter
        self.made = self.w * 2.0                          # made by an op: not a parameter
        self.shared = self.l1                             # the same layer again: listed once
        self.me = self                                    # a cycle: walked once
        self.note = "text"


def test_a_subclass_gets_the_values_and_layers_it_sets_as_attributes():
    net = Net()
    params = net.parameters()
    expected = [net.l1.W, net.l1.b, net.w, net.blocks[0].W, net.blocks[0].b,
                net.blocks[1][0].W, net.blocks[1][0].b, net.named["head"].W, net.named["head"].b]
    assert len(params) == len(expected) and all(p is e for p, e in zip(params, expected))
    assert [name for name, _ in net.named_parameters()][:3] == ["l1.W", "l1.b", "w"]
    net.zero_grad()
    (net.l1(np.ones(2)).sum() * net.w.sum()).backward()
    assert net.w.grad.tolist() != [0.0, 0.0, 0.0]
    net.zero_grad()
    assert net.w.grad.tolist() == [0.0, 0.0, 0.0] and net.l1.W.grad.sum() == 0.0


def test_an_empty_module_and_a_module_of_modules():
    assert nn.Module().parameters() == []
    mlp = MLP(2, [3, 1], rng=random.Random(0))

    class Outer(nn.Module):
        def __init__(self):
            self.inner = mlp

    assert Outer().parameters() == mlp.parameters()


# --- Layer: two classes, one constructor ---------------------------------------------------

def test_layer_makes_the_class_of_its_granularity():
    by_layer = Layer(3, 2, rng=random.Random(0))
    by_neuron = Layer(3, 2, "tanh", "neuron", rng=random.Random(0))
    assert type(by_layer) is ArrayLayer and type(by_neuron) is NeuronLayer
    assert isinstance(by_layer, Layer) and isinstance(by_neuron, Layer)
    assert by_layer.granularity == "layer" and by_neuron.granularity == "neuron"
    assert by_layer.get_weights().tolist() == Layer(3, 2, "tanh", granularity="neuron",
                                                    rng=random.Random(0)).get_weights().tolist()
    with pytest.raises(ValueError, match="NeuronLayer is the 'neuron' granularity, not 'layer'"):
        NeuronLayer(3, 2, granularity="layer")
    with pytest.raises(ValueError, match="granularity must be 'layer' or 'neuron', not 'x'"):
        Layer(3, 2, granularity="x")


@pytest.mark.parametrize("granularity", ["layer", "neuron"])
def test_layers_copy_and_pickle(granularity):
    layer = Layer(3, 2, granularity=granularity, rng=random.Random(0))
    x = [0.5, -1.0, 2.0]
    for other in (copy.deepcopy(layer), pickle.loads(pickle.dumps(layer))):
        assert type(other) is type(layer)
        assert other(x).data.tolist() == layer(x).data.tolist()


@pytest.mark.parametrize("granularity", ["layer", "neuron"])
def test_a_layer_given_weights_draws_nothing(granularity):
    weights = np.arange(8.0).reshape(2, 4) / 10
    state = random.getstate()
    layer = Layer(3, 2, granularity=granularity, weights=weights)
    assert random.getstate() == state
    assert layer.get_weights().tolist() == weights.tolist()
    weights[0, 0] = 9.0  # a copy was taken
    assert layer.get_weights()[0, 0] == 0.0
    with pytest.raises(ValueError, match=r"expected shape \(2, 4\) \(neurons x \(inputs \+ "
                                         r"bias\)\), got \(2, 3\)"):
        Layer(3, 2, granularity=granularity, weights=np.zeros((2, 3)))


def test_an_mlp_given_weights_draws_nothing():
    state = random.getstate()
    model = MLP(2, [2, 1], weights=[np.ones((2, 3)), np.zeros((1, 3))])
    assert random.getstate() == state
    assert model.get_weights()[0].tolist() == [[1.0] * 3] * 2
    with pytest.raises(ValueError, match=r"weights must hold one array per layer \(2\), not 1"):
        MLP(2, [2, 1], weights=[np.ones((2, 3))])


# --- weights drawn as arrays (issue 13) ------------------------------------------------------

def test_draw_weights_is_the_tutorials_order_from_either_kind_of_stream():
    draws = random.Random(3)
    want = [[draws.random() for _ in range(5)] for _ in range(2)]  # neuron by neuron, bias last
    assert draw_weights(4, 2, random.Random(3)).tolist() == want
    generator = np.random.default_rng(3)
    one_by_one = [[generator.random() for _ in range(5)] for _ in range(2)]
    assert draw_weights(4, 2, np.random.default_rng(3)).tolist() == one_by_one
    with pytest.raises(TypeError, match=r"rng must be a random\.Random or a numpy Generator"):
        draw_weights(4, 2, rng="seed")


def test_a_large_mlp_is_built_from_arrays_not_scalar_values():
    model = MLP(784, [256, 10], rng=np.random.default_rng(0))
    assert [p.shape for p in model.parameters()] == [(256, 784), (256,), (10, 256), (10,)]
    assert len(model.layers[0].neurons) == 256  # views onto the arrays, made on demand


# --- optimisers update in place --------------------------------------------------------------

@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1), lambda ps: SGD(ps, 0.1, 0.9),
                                  lambda ps: Adam(ps, lr=0.1)])
def test_steps_make_no_new_arrays(make):
    w = Value(np.linspace(-1, 1, 6).reshape(2, 3))
    data = w.data
    opt = make([w])
    kept = []
    for _ in range(3):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
        state = [b for b in opt._buffers[0] + opt._buffers[1] if b is not None]
        if isinstance(opt, Adam):
            state += [opt.m[0], opt.v[0]]
        elif opt.momentum:
            state.append(opt.velocity[0])
        kept.append([id(b) for b in state])
    assert w.data is data and kept[0] == kept[1] == kept[2] and kept[0]
