"""The tutorial's section 3, "Back Propagate Error", with autograd: TUTORIAL.md item 3.

The tutorial computes each neuron's ``delta`` by hand: ``(expected - output) * output*(1 - output)``
for an output neuron, ``(sum_k w_kj * delta_k) * output*(1 - output)`` for a hidden one. Autograd
instead differentiates ``E = 1/2 * sum_j (expected_j - output_j)^2``; the tutorial's delta is
``-dE/da``, minus the gradient of the neuron's activation ``a``, and each weight's gradient is
``dE/dw = -delta * input`` (the bias's input is 1).

    python examples/07_backpropagate.py
"""
from tinygrad_bp import tutorial as tut

# The tutorial's example: the network of section 1 with outputs stored in every neuron.
network = tut.from_network([
    [{"output": 0.7105668883115941,
      "weights": [0.13436424411240122, 0.8474337369372327, 0.763774618976614]}],
    [{"output": 0.6213859615555266, "weights": [0.2550690257394217, 0.49543508709194095]},
     {"output": 0.6573693455986976, "weights": [0.4494910647887381, 0.651592972722763]}],
])
expected = [0, 1]
tut.backward_propagate_error(network, expected)

print("The tutorial prints each layer after the backward pass:")
for layer in tut.to_network(network):
    print(layer)

print()
print("Autograd's view: each delta beside -dE/da read from the graph, and the tutorial's rule")
print(f"  {'neuron':<10}{'delta':<24}{'-dE/da':<24}the tutorial's rule")
hidden, output = network.layers
for j, neuron in enumerate(output.neurons):
    o = neuron.output
    rule = (expected[j] - o) * (o * (1.0 - o))  # (expected - output) * transfer_derivative
    print(f"  {f'output {j}':<10}{neuron.delta!r:<24}{-neuron.preactivation.grad!r:<24}{rule!r}")
for j, neuron in enumerate(hidden.neurons):
    o = neuron.output
    error = sum(k.weights[j] * k.delta for k in output.neurons)  # back along the weights
    rule = error * (o * (1.0 - o))
    print(f"  {f'hidden {j}':<10}{neuron.delta!r:<24}{-neuron.preactivation.grad!r:<24}{rule!r}")

print()
print("Each output-layer weight's gradient dE/dw beside -delta * input (the bias's input is 1):")
print(f"  {'weight':<10}{'dE/dw':<24}-delta * input")
for neuron in output.neurons:
    inputs = [n.output for n in hidden.neurons] + [1.0]
    for p, x in zip(neuron.parameters(), inputs):
        print(f"  {p.label:<10}{p.grad!r:<24}{-neuron.delta * x!r}")
print("  (this example stores outputs but no input row, so the hidden layer's weights have no")
print("   gradients to show here; examples/08_train.py shows them on a real row)")
