"""Saving a trained MLP to a JSON file and loading it back (``nn.save`` / ``nn.load``).

The file is meant to be read by people as well as programs: the shape of the network, its
activations and granularity, then its weights in the tutorial's layout, one line per neuron with
the bias last. Numbers are written with ``repr``, which reads back as the same float, so a loaded
network computes the same outputs to the last bit::

    {
      "format": "tinygrad_bp.MLP",
      "version": 1,
      "n_inputs": 2,
      "sizes": [2, 2],
      "activations": ["sigmoid", "sigmoid"],
      "granularity": "neuron",
      "weights": [
        [[-1.4688375095432327, 1.850887325439514, 1.0858178629550297],
         [0.37711098142462157, -0.0625909894552989, 0.2765123702642716]],
        ...
      ]
    }
"""

from __future__ import annotations

import json
import math
import os
import random

import numpy as np

from .modules import MLP

FORMAT = "tinygrad_bp.MLP"
VERSION = 1


def save(model: MLP, path: str | os.PathLike) -> None:
    """Write ``model``'s shape, activations, granularity and weights to ``path`` as JSON."""
    if not isinstance(model, MLP):
        raise TypeError(f"save: expected an MLP, not {type(model).__name__}")
    weights = model.get_weights()
    for i, w in enumerate(weights):
        if not np.all(np.isfinite(w)):
            raise ValueError(f"save: layer {i} holds a weight that is nan or infinite; the "
                             "training diverged (try a smaller learning rate)")
    header = {
        "format": FORMAT,
        "version": VERSION,
        "n_inputs": int(model.n_inputs),
        "sizes": [layer.n_outputs for layer in model.layers],
        "activations": [layer.activation for layer in model.layers],
        "granularity": model.granularity,
    }
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}," for key, value in header.items()]
    layers = ",\n".join(
        "    [" + ",\n     ".join(json.dumps([float(x) for x in row]) for row in w) + "]"
        for w in weights)
    text = "{\n" + "\n".join(lines) + '\n  "weights": [\n' + layers + "\n  ]\n}\n"
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def load(path: str | os.PathLike) -> MLP:
    """The MLP saved in ``path``; a malformed file is a ``ValueError`` naming it and the problem.

    A UTF-8 byte-order mark at the start is accepted (editors on Windows add one when they save).
    Loading draws no random numbers: Python's global ``random`` is left where it was.
    """
    try:
        with open(path, encoding="utf-8-sig") as file:
            text = file.read()
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a tinygrad_bp network file (not UTF-8 text)") from None
    try:
        spec = json.loads(text, parse_constant=_refuse_constant)
    except _NotFinite as error:
        raise ValueError(f"{path}: holds {error}, which is no weight of a trained network "
                         "(and not JSON)") from None
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        raise ValueError(f"{path}: not a tinygrad_bp network file (not JSON: {error})") from None
    except RecursionError:  # json recurses once per level of nesting: '[' * 100000
        raise ValueError(f"{path}: not a tinygrad_bp network file (lists or objects nested "
                         "too deeply to read; a network file nests 4 levels)") from None
    n_inputs, sizes, activations, granularity, weights = _check(spec, path)
    try:
        # Throwaway draws from a private stream, overwritten at once by the saved weights.
        hidden = activations[0] if len(sizes) > 1 else "linear"  # unused with one layer
        model = MLP(n_inputs, sizes, hidden, activations[-1], granularity, rng=random.Random(0))
        model.set_weights(weights)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    return model


class _NotFinite(ValueError):
    """NaN or Infinity in the file: Python's json reads them, but no trained weight is one."""


def _refuse_constant(name: str):
    raise _NotFinite(name)


def _check(spec, path) -> tuple:
    """The file's fields, each checked; the first problem found is a ValueError."""
    def fail(message: str):
        raise ValueError(f"{path}: {message}")

    if not isinstance(spec, dict) or spec.get("format") != FORMAT:
        fail('not a tinygrad_bp network file (expected a JSON object with "format": '
             f'"{FORMAT}")')
    if spec.get("version") != VERSION:
        fail(f"file format version {spec.get('version')!r}; this tinygrad_bp reads "
             f"version {VERSION}")
    missing = [key for key in ("n_inputs", "sizes", "activations", "granularity", "weights")
               if key not in spec]
    if missing:
        fail(f"missing {', '.join(repr(key) for key in missing)}")
    n_inputs, sizes = spec["n_inputs"], spec["sizes"]
    if not _whole(n_inputs):
        fail(f"'n_inputs' must be a positive whole number, not {n_inputs!r}")
    if not isinstance(sizes, list) or not sizes or not all(_whole(n) for n in sizes):
        fail(f"'sizes' must be a list of positive whole numbers, not {sizes!r}")
    activations = spec["activations"]
    if not isinstance(activations, list) or len(activations) != len(sizes) \
            or not all(isinstance(a, str) for a in activations):
        fail(f"'activations' must list one name per layer ({len(sizes)}), not {activations!r}")
    if len(set(activations[:-1])) > 1:
        fail(f"'activations' of the hidden layers differ ({activations[:-1]}); an MLP uses one "
             "activation for every hidden layer")
    weights = spec["weights"]
    if not isinstance(weights, list) or len(weights) != len(sizes):
        fail(f"'weights' must hold one list per layer ({len(sizes)})")
    widths = [n_inputs, *sizes]
    arrays = []
    for i, layer in enumerate(weights):
        expected = (sizes[i], widths[i] + 1)
        if not (isinstance(layer, list) and len(layer) == expected[0] and all(
                isinstance(row, list) and len(row) == expected[1]
                and all(_number(x) for x in row) for row in layer)):
            rows = "1 row" if expected[0] == 1 else f"{expected[0]} rows"
            fail(f"layer {i}'s weights must be {rows} (one per neuron) of {expected[1]} "
                 f"numbers ({widths[i]} inputs, then the bias)")
        arrays.append(np.array(layer, dtype=np.float64))
    return n_inputs, sizes, activations, spec["granularity"], arrays


def _whole(n) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and n >= 1


def _number(x) -> bool:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    return abs(x) <= 1e308 if isinstance(x, int) else math.isfinite(x)
