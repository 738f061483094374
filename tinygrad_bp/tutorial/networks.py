"""The tutorial's own network format, and the conversions between it and an ``MLP``.

The tutorial's network is plain data: a list of layers, each a list of neuron dicts holding
``weights`` (one per input, the bias last) and, during training, ``output`` and ``delta``.
``from_network`` builds an ``MLP`` holding those numbers (at neuron granularity, every weight its
own Value) and ``to_network`` goes back; ``store`` writes an MLP's outputs, deltas or weights
into dicts the caller gave, so the tutorial's functions can update a learner's own network in
place, as the tutorial's code does.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..nn.modules import MLP
from .rows import check_number

__all__ = ["as_mlp", "check_network", "from_network", "is_network_of_dicts", "store",
           "to_network"]


class _NoDraws:
    """A random source for weights that are overwritten at once: draws nothing from ``random``."""

    @staticmethod
    def random() -> float:
        return 0.0


def is_network_of_dicts(network) -> bool:
    """True when ``network`` is the tutorial's format rather than an ``MLP``."""
    return not isinstance(network, MLP)


def to_network(network: MLP) -> list[list[dict]]:
    """The tutorial's format: a list of layers, each a list of neuron dicts with ``weights``
    (bias last) and, once computed, ``output`` and ``delta``."""
    layers = []
    for layer in network.layers:
        neurons = []
        for n in layer.neurons:
            d = {"weights": [*n.weights, n.bias]}
            if n.output is not None:
                d["output"] = n.output
            if n.delta is not None:
                d["delta"] = n.delta
            neurons.append(d)
        layers.append(neurons)
    return layers


def from_network(layers: Sequence[Sequence[dict]]) -> MLP:
    """An MLP holding the weights of a network in the tutorial's format (sigmoid everywhere).

    Stored ``output`` values are kept, as the tutorial's backward pass reads them: when every
    neuron has one, the network gets a graph whose nodes hold those outputs. Draws nothing from
    Python's ``random``: every weight comes from the dicts.
    """
    return as_mlp(layers, "from_network", with_outputs=True)


def as_mlp(layers: Sequence[Sequence[dict]], who: str, with_outputs: bool = False,
           needs: tuple[str, ...] = ()) -> MLP:
    """``from_network`` for the tutorial's functions: ``who`` names the caller in errors,
    ``needs`` the keys every neuron must hold (see ``check_network``), and the stored outputs
    are put in a graph only when ``with_outputs`` asks for them."""
    check_network(layers, who, needs)
    sizes = [len(layer) for layer in layers]
    n_inputs = len(layers[0][0]["weights"]) - 1
    network = MLP(n_inputs, sizes, granularity="neuron", rng=_NoDraws())
    network.set_weights([[n["weights"] for n in layer] for layer in layers])
    if with_outputs and all("output" in n for layer in layers for n in layer):
        network([0.0] * n_inputs)  # builds the graph; its outputs are replaced just below
        for layer, dicts in zip(network.layers, layers):
            for neuron, d in zip(layer.neurons, dicts):
                neuron.out.data = float(d["output"])
    return network


def store(network: MLP, layers: Sequence[Sequence[dict]], key: str) -> None:
    """Write each neuron's ``output``, ``delta`` or ``weights`` (bias last) into ``layers``."""
    for layer, dicts in zip(network.layers, layers):
        for neuron, d in zip(layer.neurons, dicts):
            d[key] = [*neuron.weights, neuron.bias] if key == "weights" else getattr(neuron, key)


def check_network(layers: Sequence[Sequence[dict]], who: str,
                  needs: tuple[str, ...] = ()) -> None:
    """A clear ValueError for a network that cannot be an MLP (not an IndexError later).

    ``needs`` names keys every neuron must hold besides ``weights`` (``"output"`` for a
    backward pass, ``"delta"`` too for an update), each a finite number.
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(f"{who}: the network must be an MLP or the tutorial's list of layers "
                        f"of neuron dicts, not {type(layers).__name__}")
    if not layers:
        raise ValueError(f"{who}: the network has no layers")
    n_weights = None  # per neuron: one per input, then the bias; the first neuron sets it
    for i, layer in enumerate(layers):
        if not layer:
            raise ValueError(f"{who}: layer {i} has no neurons")
        for j, neuron in enumerate(layer):
            if not isinstance(neuron, dict) or "weights" not in neuron:
                raise ValueError(f"{who}: layer {i}, neuron {j} has no 'weights'")
            count = len(neuron["weights"])
            if n_weights is None:
                if count < 2:
                    raise ValueError(f"{who}: layer {i}, neuron {j} has {count} weights; "
                                     "expected at least 2 (one per input, then the bias)")
                n_weights = count
            elif count != n_weights:
                raise ValueError(f"{who}: layer {i}, neuron {j} has {count} weights; "
                                 f"expected {n_weights} ({n_weights - 1} inputs, then the bias)")
            for k, w in enumerate(neuron["weights"]):
                check_number(w, f"{who}: network[{i}][{j}]['weights'][{k}]")
            for key in needs:
                if key not in neuron:
                    raise ValueError(f"{who}: network[{i}][{j}] has no {key!r}; run "
                                     f"{_MAKES[key]} first")
                check_number(neuron[key], f"{who}: network[{i}][{j}][{key!r}]")
        n_weights = len(layer) + 1


_MAKES = {"output": "forward_propagate", "delta": "backward_propagate_error"}
