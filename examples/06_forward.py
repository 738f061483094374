"""The tutorial's section 2, "Forward Propagate", with autograd: TUTORIAL.md item 2.

Each neuron computes its activation ``a = b*1 + w_0*x_0 + w_1*x_1`` (the bias is a weight whose
input is always 1) and its output ``sigmoid(a)``; each layer's outputs are the next layer's
inputs. With autograd the same arithmetic also records a graph, which backward will walk.

    python examples/06_forward.py
"""
import random

from tinygrad_bp import tutorial as tut
from tinygrad_bp.engine import topological_order

random.seed(1)
network = tut.initialize_network(2, 1, 2)
row = [1, 0, None]  # the tutorial's row: two inputs and an unknown class label
output = tut.forward_propagate(network, row)

print("The tutorial prints the output layer's outputs:")
print(output)

print()
print("Autograd's view: every neuron's activation and output, held as nodes of the graph")
inputs = row[:2]
for i, layer in enumerate(network.layers):
    for j, neuron in enumerate(layer.neurons):
        terms = " + ".join(f"{w!r}*{x!r}" for w, x in zip(neuron.weights, inputs))
        print(f"  layer {i} neuron {j}: a = {neuron.bias!r}*1 + {terms}")
        print(f"                      = {neuron.preactivation.data!r}, "
              f"output = sigmoid(a) = {neuron.output!r}")
    inputs = [neuron.output for neuron in layer.neurons]

nodes = topological_order(network.layers[-1].neurons[0].out)
in_graph = {id(n) for n in nodes}
weights = [p.label for p in network.parameters() if id(p) in in_graph]
constants = [n.data for n in nodes if not n.op and not n.requires_grad]
n_ops = len(nodes) - len(weights) - len(constants)
print(f"  the graph of output 0 has {len(nodes)} nodes: the weights {', '.join(weights)}; "
      f"the inputs {constants} (constants: no gradient); and {n_ops} operations (* + sigmoid)")
