"""Check a handwritten backward_propagate_error against autograd (docs/12-autograding.md).

The tutorial's section 3 is an exercise: write the backward pass by hand, storing each neuron's
``delta``. Below is a learner's answer, written as the tutorial writes it, and the same answer
with one slip: a hidden neuron's error forgets the weight that connects it to the next layer.
``tut.check_backprop`` runs each on 100 random networks in the tutorial's format and compares
every delta with autograd's -dE/da; the command ``tinygrad-bp check FILE.py`` does the same for
a file.

Run:  python examples/15_check_your_backprop.py
"""
from tinygrad_bp import tutorial as tut


def transfer_derivative(output):
    return output * (1.0 - output)


def backward_propagate_error(network, expected):
    last = len(network) - 1
    for i in range(last, -1, -1):
        for j, neuron in enumerate(network[i]):
            if i == last:
                error = expected[j] - neuron['output']
            else:
                error = sum(n['weights'][j] * n['delta'] for n in network[i + 1])
            neuron['delta'] = error * transfer_derivative(neuron['output'])


def backward_propagate_error_slipped(network, expected):
    last = len(network) - 1
    for i in range(last, -1, -1):
        for j, neuron in enumerate(network[i]):
            if i == last:
                error = expected[j] - neuron['output']
            else:
                error = sum(n['delta'] for n in network[i + 1])  # the slip: no n['weights'][j]
            neuron['delta'] = error * transfer_derivative(neuron['output'])


if __name__ == "__main__":
    for function in (backward_propagate_error, backward_propagate_error_slipped):
        report = tut.check_backprop(function, transfer_derivative)
        print(f"{function.__name__}: {'passed' if report else 'FAILED'}")
        print(report)
    # the network it failed on, to run by hand: its weights and stored outputs, and the target
    first = report.first
    print(f"report.first: network {first.number}, {len(first.layers)} layers, "
          f"expected has {len(first.expected)} values")
