"""XOR "not learning": the tutorial's recipe on XOR, and what learns it instead.

XOR's four rows (0 0 -> 0, 0 1 -> 1, 1 0 -> 1, 1 1 -> 0) need a hidden layer, and two hidden
neurons are enough to represent it. Finding those weights is the hard part:

- The tutorial's recipe (sigmoid everywhere, every weight drawn from [0, 1), online SGD at
  l_rate 0.5) sits on a plateau, every output near 0.5, for hundreds of epochs. All its
  weights start positive, so the two hidden neurons start out alike, and the sigmoid's slope
  (at most 1/4, once per layer) makes the gradient that would pull them apart tiny. It is slow
  rather than stuck for good: seed 1, for one, has learned XOR by epoch 2000.
- tanh hidden neurons with weights drawn around zero (``init="symmetric"``) start out
  different, and Adam takes steps of about its learning rate however small the gradient: most
  seeds learn XOR within 200 epochs. Some settle instead with two rows answered 0.5, their
  hidden neurons saturated and the gradient all but gone; with four hidden neurons every seed
  here learns.

Each recipe trains online with ``nn.train``, one update per row, on the loss whose gradient
gives the tutorial's deltas, E = 1/2 (target - output)^2; the loss printed is the tutorial's
sum_error over the four rows. Every model draws its weights from its own ``random.Random(seed)``,
so the numbers are the same on every run.

    python examples/13_xor.py
    TINYGRAD_BP_FAST=1 python examples/13_xor.py   # seeds 0-2 instead of 0-9
"""
from __future__ import annotations

import os
import random

from tinygrad_bp import nn
from tinygrad_bp.losses import half_squared_error
from tinygrad_bp.nn import MLP
from tinygrad_bp.optim import SGD, Adam

ROWS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
TARGETS = [0.0, 1.0, 1.0, 0.0]
SEEDS = range(3) if os.environ.get("TINYGRAD_BP_FAST") == "1" else range(10)
SHOWN_SEED = 1


def tutorial_recipe(seed: int):
    model = MLP(2, [2, 1], rng=random.Random(seed))  # sigmoid everywhere, weights from [0, 1)
    return model, SGD(model.parameters(), lr=0.5), 500


def tanh_adam(seed: int, hidden: int = 2):
    model = MLP(2, [hidden, 1], activation="tanh", output_activation="sigmoid",
                init="symmetric", rng=random.Random(seed))
    return model, Adam(model.parameters(), lr=0.05), 200


RECIPES = {
    "sigmoid 2-2-1, tutorial init, SGD lr 0.5, 500 epochs": tutorial_recipe,
    "tanh 2-2-1, symmetric init, Adam lr 0.05, 200 epochs": tanh_adam,
    "tanh 2-4-1, symmetric init, Adam lr 0.05, 200 epochs": lambda seed: tanh_adam(seed, 4),
}


def train(model: MLP, optimizer, epochs: int) -> tuple[list[float], float]:
    """Online training; the final outputs for the four rows and their sum of squared errors."""
    nn.train(model, ROWS, TARGETS, loss=half_squared_error, optimizer=optimizer, epochs=epochs)
    outputs = [model(row).item() for row in ROWS]
    return outputs, sum((t - o) ** 2 for t, o in zip(TARGETS, outputs))


def learned(outputs: list[float]) -> bool:
    """Every output within 0.25 of its target."""
    return all(abs(t - o) < 0.25 for t, o in zip(TARGETS, outputs))


results = {name: [train(*recipe(seed)) for seed in SEEDS] for name, recipe in RECIPES.items()}

print("XOR: rows [0, 0] [0, 1] [1, 0] [1, 1], targets 0 1 1 0")
print("loss: the tutorial's sum_error, sum over the rows of (target - output)^2")
print("learned: every output within 0.25 of its target")
for name, runs in results.items():
    outputs, loss = runs[SEEDS.index(SHOWN_SEED)]
    print()
    print(f"{name}, seed {SHOWN_SEED}:")
    for row, target, output in zip(ROWS, TARGETS, outputs):
        print(f"  {row}  target {target:.0f}  output {output:.4f}")
    print(f"  loss {loss:.4f}, {'learned' if learned(outputs) else 'not learned'}")

print()
print(f"The loss of every seed, {SEEDS[0]} to {SEEDS[-1]} (* learned):")
print(f"  {'seed':<8}" + "".join(f"{name.split(',')[0]:>18}" for name in RECIPES))
for k, seed in enumerate(SEEDS):
    cells = [f"{loss:.4f}{'*' if learned(outputs) else ' '}"
             for outputs, loss in (runs[k] for runs in results.values())]
    print(f"  {seed:<8}" + "".join(f"{cell:>18}" for cell in cells))
counts = [f"{sum(learned(outputs) for outputs, _ in runs)} of {len(SEEDS)}"
          for runs in results.values()]
print(f"  {'learned':<8}" + "".join(f"{count:>18}" for count in counts))
