"""Save a trained network, load it back, and predict rows it has never seen.

Trains the tutorial's network on its contrived dataset (TUTORIAL.md item 4: seed 1, 2 hidden
neurons, l_rate 0.5, 20 epochs; written with ``nn.MLP`` and ``nn.train`` instead of the
tutorial's functions, and the same numbers come out), saves it with ``nn.save``, loads it with
``nn.load`` and predicts new rows. The file is JSON that people can read: the network's shape,
its activations, then one line per neuron with the bias last, as the tutorial stores weights.

    python examples/14_save_and_predict.py
"""
import os
import random
import tempfile

from tinygrad_bp import nn
from tinygrad_bp import tutorial as tut

dataset = tut.contrived_dataset()  # the ten rows the tutorial trains on
new_rows = [[1.0, 1.0], [4.0, 3.0], [5.0, 2.0], [6.0, 4.0], [9.0, 0.5]]

random.seed(1)
model = nn.MLP(2, [2, 2], granularity="neuron")  # the tutorial's initialize_network(2, 2, 2)
history = nn.train(model, [row[:2] for row in dataset], [row[-1] for row in dataset], lr=0.5,
                   epochs=20)
for epoch in (0, 19):
    print(f"epoch {epoch}: sum_error {history.sum_error[epoch]:.3f}")

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "contrived.json")
    nn.save(model, path)
    print()
    print(f"{os.path.basename(path)}, {os.path.getsize(path)} bytes:")
    with open(path, encoding="utf-8") as file:
        print(file.read(), end="")
    loaded = nn.load(path)
print(f"loaded: {loaded!r}")

print()
print("Predictions of the loaded network for new rows:")
print(f"  {'row':<12}{'output 0':>10}{'output 1':>10}  class")
for row in new_rows:
    outputs = loaded(row).data
    print(f"  {row!s:<12}{outputs[0]:>10.6f}{outputs[1]:>10.6f}  {int(outputs.argmax())}")
rows = new_rows + [row[:2] for row in dataset]
same = all((loaded(row).data == model(row).data).all() for row in rows)
print(f"the loaded network's outputs are the trained one's, bit for bit: {same}")
