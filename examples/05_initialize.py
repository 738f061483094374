"""The tutorial's section 1, "Initialize Network", with autograd: TUTORIAL.md item 1.

The tutorial's network is a list of layers of neuron dicts; ours is an MLP whose every weight
is a Value, a leaf of the graphs the forward pass will build. The weights are drawn from
Python's global ``random`` in the tutorial's order (hidden layer first, neuron by neuron, each
neuron's input weights and then its bias), so ``random.seed(1)`` gives the tutorial's numbers.

    python examples/05_initialize.py
"""
import random

from tinygrad_bp import tutorial as tut

random.seed(1)
network = tut.initialize_network(2, 1, 2)

print("The tutorial prints each layer, a list of neuron dicts (weights, bias last):")
for layer in tut.to_network(network):
    print(layer)

print()
print(f"Autograd's view: {network!r}, every weight a leaf Value with a gradient")
for layer in network.layers:
    for neuron in layer.neurons:
        for p in neuron.parameters():
            print(f"  {p.label:<9} data={p.data!r:<21} grad={p.grad!r}")
print(f"{len(network.parameters())} parameters: (2 inputs + bias) x 1 hidden neuron "
      "+ (1 hidden output + bias) x 2 output neurons")
