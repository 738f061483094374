"""The tutorial's section 5, "Predict", with autograd: TUTORIAL.md item 5.

A prediction is a forward pass and the index of the largest output. The tutorial hardcodes a
trained network in its own format; ``from_network`` turns that into an MLP.

    python examples/09_predict.py
"""
import numpy as np

from tinygrad_bp import tutorial as tut
from tinygrad_bp.nn import MLP

dataset = tut.contrived_dataset()  # the ten rows the tutorial trains on
network = tut.from_network([
    [{"weights": [-1.482313569067226, 1.8308790073202204, 1.078381922048799]},
     {"weights": [0.23244990332399884, 0.3621998343835864, 0.40289821191094327]}],
    [{"weights": [2.5001872433501404, 0.7887233511355132, -1.1026649757805829]},
     {"weights": [-2.429350576245497, 0.8357651039198697, 1.0699217181280656]}],
])

print("The tutorial prints the expected class and the prediction for every row:")
for row in dataset:
    prediction = tut.predict(network, row)
    print(f"Expected={row[-1]}, Got={prediction}")

print()
print("Autograd's view: the outputs each prediction is the larger of")
print(f"  {'row':<30}{'output 0':<24}{'output 1':<24}predicted")
correct = 0
for row in dataset:
    outputs = tut.forward_propagate(network, row)
    prediction = outputs.index(max(outputs))
    correct += prediction == row[-1]
    print(f"  {row[:2]!s:<30}{outputs[0]!r:<24}{outputs[1]!r:<24}{prediction}")
print(f"  {correct} of {len(dataset)} correct")

# The same network at layer granularity takes all ten rows at once, as one matrix.
batched = MLP(2, [2, 2])
batched.set_weights(network.get_weights())
outputs = batched(np.array([row[:2] for row in dataset])).data
print(f"  all rows at once (a layer-granularity MLP, shape {outputs.shape}): predictions "
      f"{outputs.argmax(axis=1).tolist()}")
