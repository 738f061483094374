"""The tutorial's section 4, "Train Network", with autograd: TUTORIAL.md item 4.

Online training: for every row, a forward pass, a backward pass, then an update of every
weight. The tutorial updates ``w += l_rate * delta * input``; autograd's update is gradient
descent, ``w -= l_rate * dE/dw``, the same step because ``dE/dw = -delta * input``.

    python examples/08_train.py
"""
import random

from tinygrad_bp import tutorial as tut

dataset = tut.contrived_dataset()  # the ten rows the tutorial trains on
n_inputs = len(dataset[0]) - 1
n_outputs = len({row[-1] for row in dataset})
l_rate = 0.5

print("The tutorial prints the error of every epoch, then the trained network:")
random.seed(1)
network = tut.initialize_network(n_inputs, 2, n_outputs)
tut.train_network(network, dataset, l_rate, 20, n_outputs, verbose=True)
for layer in tut.to_network(network):
    print(layer)

print()
print("Autograd's view of the very first update (epoch 0, row 0), on a fresh network:")
random.seed(1)
network = tut.initialize_network(n_inputs, 2, n_outputs)
row = dataset[0]
tut.forward_propagate(network, row)
tut.backward_propagate_error(network, [1, 0])  # row 0 is class 0
before = {p.label: p.data for p in network.parameters()}
tut.update_weights(network, row, l_rate)
print(f"  {'weight':<10}{'before':<24}{'dE/dw':<24}{'-delta * input':<24}"
      f"after = before - {l_rate} * dE/dw")
inputs = row[:n_inputs]
for layer in network.layers:
    for neuron in layer.neurons:
        for p, x in zip(neuron.parameters(), [*inputs, 1.0]):
            print(f"  {p.label:<10}{before[p.label]!r:<24}{p.grad!r:<24}"
                  f"{-neuron.delta * x!r:<24}{p.data!r}")
    inputs = [neuron.output for neuron in layer.neurons]
