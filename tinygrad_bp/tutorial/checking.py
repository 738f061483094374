"""A learner's own ``backward_propagate_error``, checked against autograd on random networks.

The tutorial's exercise is to write the backward pass by hand: for every neuron of a network in
the tutorial's format, store ``neuron['delta']``. ``check_backprop`` runs the learner's function
on many random networks of that format (1 to 3 hidden layers of 1 to 5 neurons, 1 to 5 inputs
and outputs, weights and inputs uniform in [-1, 1], targets one-hot or uniform in [0, 1], all
from ``random.Random(seed)``), each after a forward pass that stores every ``output`` as the
tutorial's does, and compares each delta with autograd's ``-dE/da`` for
``E = 1/2 * sum((expected - output)^2)`` through sigmoid neurons: the tutorial's delta.

Deltas are compared in the order the backward pass makes them, output layer first, so the first
mismatch reported is the one to fix first (a wrong output delta makes every hidden one wrong).
A delta matches when ``|handwritten - autograd| <= atol + rtol * |autograd|``; the defaults,
1e-12 and 1e-9, allow for any order of adding the same terms and catch any wrong rule.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from numbers import Real

from ..errors import TinygradBPError
from ..nn.losses import one_hot
from . import functions as ours

__all__ = ["ATOL", "BackpropCheck", "LearnerCodeError", "Mismatch", "RTOL", "check_backprop",
           "check_signature", "describe_exception", "describe_shape", "random_case"]

RTOL = 1e-9
ATOL = 1e-12


class LearnerCodeError(TinygradBPError):
    """The learner's function raised; the exception it raised is ``__cause__``."""

    def __init__(self, message: str, function: str, number: int | None = None):
        super().__init__(message)
        self.function = function
        self.number = number  # which random network (1 for the first), None outside a network


@dataclass
class Mismatch:
    """One delta that differs from autograd's, and the network it was computed on."""

    number: int                 # which random network: 1 for the first
    layer: int
    neuron: int
    handwritten: object         # what the learner stored (None when no delta was stored)
    autograd: float
    shape: tuple[int, ...]      # inputs, then the neurons of each layer
    layers: list = field(repr=False)    # the network as given to the learner: weights, outputs
    expected: list[float] = field(repr=False)

    @property
    def where(self) -> str:
        return f"network[{self.layer}][{self.neuron}]['delta']"


@dataclass
class BackpropCheck:
    """What ``check_backprop`` found; true when every delta matched (``assert report`` works)."""

    ok: bool
    networks: int
    deltas: int                 # deltas compared
    wrong: int                  # deltas that differ
    wrong_networks: int
    first: Mismatch | None
    hint: str
    seed: int
    rtol: float = RTOL
    atol: float = ATOL
    stopped: str = ""           # why the check ended before the networks asked for, if it did

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        tolerance = f"|handwritten - autograd| <= {self.atol:g} + {self.rtol:g} * |autograd|"
        if self.ok:
            return (f"all {self.deltas} deltas match autograd's -dE/da on {self.networks} random "
                    f"networks (seed {self.seed}; {tolerance})")
        m = self.first
        assert m is not None  # a failed check has a first mismatch
        handwritten, autograd = shown(m.handwritten, m.autograd)
        return "\n".join([
            f"{m.where} is wrong: handwritten {handwritten}, autograd {autograd}",
            f"  on random network {m.number} of {self.networks}, shape {describe_shape(m.shape)}",
            f"hint: {self.hint}",
            f"{self.wrong} of {self.deltas} deltas differ, on {self.wrong_networks} of "
            f"{self.networks} networks (seed {self.seed}; {tolerance})",
            *([f"stopped early: {self.stopped}"] if self.stopped else []),
        ])


def shown(a: object, b: float) -> tuple[str, str]:
    """``a`` and ``b`` to 6 significant digits, or as many more as it takes to tell them apart
    (so a report reads ``0.0208862`` and its last digits do not depend on the machine)."""
    if not isinstance(a, Real):
        return repr(a), repr(b)
    for digits in range(6, 18):
        pair = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if pair[0] != pair[1]:
            return pair
    return repr(a), repr(b)


def describe_shape(shape: tuple[int, ...]) -> str:
    """``2-3-1: 2 inputs, a hidden layer of 3 neurons, 1 output``."""
    def count(n: int, word: str) -> str:
        return f"{n} {word}" + ("s" if n != 1 else "")
    hidden = shape[1:-1]
    layers = (f"a hidden layer of {count(hidden[0], 'neuron')}" if len(hidden) == 1 else
              f"hidden layers of {', '.join(map(str, hidden[:-1]))} and {hidden[-1]} neurons")
    return (f"{'-'.join(map(str, shape))}: {count(shape[0], 'input')}, {layers}, "
            f"{count(shape[-1], 'output')}")


def random_case(rng: random.Random) -> tuple[list, list[float], list[float]]:
    """A network in the tutorial's format (weights only), an input row and a target."""
    n_inputs = rng.randint(1, 5)
    sizes = [rng.randint(1, 5) for _ in range(rng.randint(1, 3))] + [rng.randint(1, 5)]
    layers, fan_in = [], n_inputs
    for size in sizes:
        layers.append([{"weights": [rng.uniform(-1, 1) for _ in range(fan_in + 1)]}
                       for _ in range(size)])
        fan_in = size
    row = [rng.uniform(-1, 1) for _ in range(n_inputs)]
    if rng.random() < 0.5:
        expected = one_hot(rng.randrange(sizes[-1]), sizes[-1])
    else:
        expected = [rng.random() for _ in range(sizes[-1])]
    return layers, row, expected


@dataclass
class _Delta:
    """One neuron's comparison, with what the hints need."""

    number: int  # which random network
    layer: int
    neuron: int
    handwritten: object
    autograd: float
    output: float
    error: float | None  # expected - output, in the output layer
    ok: bool = False


def check_backprop(backward_propagate_error: Callable, transfer_derivative: Callable | None = None,
                   *, networks: int = 100, seed: int = 0, rtol: float = RTOL,
                   atol: float = ATOL) -> BackpropCheck:
    """Run a handwritten ``backward_propagate_error(network, expected)`` on ``networks`` random
    tutorial networks and compare every ``neuron['delta']`` it stores with autograd's.

    ``transfer_derivative``, when given (the learner's own, which their function calls), is
    checked too, so a wrong slope is named in the hint. Draws nothing from Python's global
    ``random``. If the learner's code raises, ``LearnerCodeError`` says on which network; but
    once a wrong delta has been found, a later raise ends the check with that wrong delta as
    its answer (the report counts only the networks checked before it).
    """
    check_signature(backward_propagate_error)
    if networks < 1:
        raise ValueError(f"check_backprop: networks must be at least 1, got {networks}")
    rng = random.Random(seed)
    deltas, wrong_networks, first, stopped = [], 0, None, ""
    slope_problem = None
    for number in range(1, networks + 1):
        layers, row, expected = random_case(rng)
        reference = copy.deepcopy(layers)
        ours.forward_propagate(reference, row)
        given = [[{"weights": list(d["weights"]), "output": d["output"]} for d in layer]
                 for layer in reference]
        shown = copy.deepcopy(given)
        ours.backward_propagate_error(reference, expected)
        shape = (len(row), *(len(layer) for layer in layers))
        where = (number, networks, shape)
        try:
            _call(backward_propagate_error, (given, list(expected)), where)
        except LearnerCodeError as error:
            if first is None:
                raise
            stopped = f"{error} (asked for {networks} networks)"
            networks = number - 1  # a wrong delta is already the answer
            break
        found = _compare(number, given, reference, expected, rtol, atol)
        deltas += found
        bad = [d for d in found if not d.ok]
        if bad:
            wrong_networks += 1
            if first is None:
                first = Mismatch(number, bad[0].layer, bad[0].neuron, bad[0].handwritten,
                                 bad[0].autograd, shape, shown, list(expected))
        if transfer_derivative is not None and slope_problem is None:
            slope_problem = _check_slope(transfer_derivative, reference, where, rtol, atol)
    wrong = sum(not d.ok for d in deltas)
    hint = _hint(deltas, slope_problem, rtol, atol) if wrong else ""
    return BackpropCheck(wrong == 0, networks, len(deltas), wrong, wrong_networks, first, hint,
                         seed, rtol, atol, stopped)


def check_signature(function: Callable) -> None:
    """A TypeError unless ``function`` can be called as ``function(network, expected)``."""
    if not callable(function):
        raise TypeError("check_backprop: backward_propagate_error must be a function, "
                        f"not {type(function).__name__}")
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # a builtin without a signature: just call it
        return
    try:
        signature.bind(None, None)
    except TypeError:
        raise TypeError(f"{function.__name__} must take (network, expected), like the "
                        f"tutorial's; yours takes {signature}") from None


def _call(function: Callable, args: tuple, where: tuple[int, int, tuple[int, ...]]):
    """``function(*args)``; what it raises becomes a LearnerCodeError saying on which network."""
    try:
        with _no_exit():
            return function(*args)
    except (Exception, SystemExit) as exc:  # sys.exit() in a learner's function is no pass
        name = getattr(function, "__name__", "the function")
        number, networks, shape = where
        raise LearnerCodeError(f"{name} raised {describe_exception(exc)} (on random network "
                               f"{number} of {networks}, shape {describe_shape(shape)})",
                               name, number) from exc


@contextlib.contextmanager
def _no_exit():
    """``os._exit`` raises SystemExit while a learner's function runs: ending the process
    with status 0 must not read as a passed check."""
    real = os._exit

    def refuse(status: int = 0) -> None:
        raise SystemExit(f"os._exit({status})")

    os._exit = refuse
    try:
        yield
    finally:
        os._exit = real


def describe_exception(exc: BaseException) -> str:
    """``KeyError: 'delta'``, or just ``ValueError`` for one raised without a message."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _close(handwritten: object, autograd: float, rtol: float, atol: float) -> bool:
    if not isinstance(handwritten, Real):
        return False
    return abs(float(handwritten) - autograd) <= atol + rtol * abs(autograd)


def _compare(number: int, given: list, reference: list, expected: list[float], rtol: float,
             atol: float) -> list[_Delta]:
    """Every neuron's delta beside autograd's, output layer first (the backward pass's order)."""
    found = []
    last = len(reference) - 1
    for i in reversed(range(len(reference))):
        for j, ref in enumerate(reference[i]):
            try:
                handwritten = given[i][j].get("delta")
            except (IndexError, KeyError, TypeError, AttributeError):
                handwritten = None  # the learner's function replaced the layer or the neuron
            error = expected[j] - ref["output"] if i == last else None
            found.append(_Delta(number, i, j, handwritten, ref["delta"], ref["output"], error,
                                _close(handwritten, ref["delta"], rtol, atol)))
    return found


def _check_slope(transfer_derivative: Callable, reference: list, where: tuple,
                 rtol: float, atol: float) -> str | None:
    """What is wrong with the learner's ``transfer_derivative`` at this network's outputs."""
    for layer in reference:
        for d in layer:
            yours = _call(transfer_derivative, (d["output"],), where)
            slope = ours.transfer_derivative(d["output"])
            if not _close(yours, slope, rtol, atol):
                yours_shown, slope_shown = shown(yours, slope)
                return (f"transfer_derivative({d['output']:.6g}) returned {yours_shown}, but "
                        f"the sigmoid's slope there is output * (1.0 - output) = {slope_shown}")
    return None


def _hint(deltas: list[_Delta], slope_problem: str | None, rtol: float, atol: float) -> str:
    """What the pattern of wrong deltas suggests.

    Only each network's first wrong layer (in the backward pass's order) is read: the layers
    after it are right, so its deltas are wrong by the learner's rule for that layer alone.
    """
    def close(a: object, b: float) -> bool:
        return _close(a, b, rtol, atol)

    if any(not isinstance(d.handwritten, Real) for d in deltas if not d.ok):
        return ("some neurons hold no number in 'delta': store each neuron's delta as "
                "neuron['delta'] = error * transfer_derivative(neuron['output'])")
    if slope_problem:
        return slope_problem
    if all(close(d.handwritten, -d.autograd) for d in deltas if abs(d.autograd) > atol):
        return ("every delta has the opposite sign to autograd's: the output error is "
                "expected[j] - neuron['output'] (in that order), not output - expected")
    first_wrong: dict[int, int] = {}  # network number -> its first wrong layer
    for d in deltas:
        if not d.ok:
            first_wrong.setdefault(d.number, d.layer)
    layer = [d for d in deltas if first_wrong.get(d.number) == d.layer]
    wrong = [d for d in layer if not d.ok]
    if any(d.error is not None for d in wrong):
        outputs = [d for d in layer if d.error is not None]
        wrong = [d for d in outputs if not d.ok]
        if all(d.error is not None and close(d.handwritten, d.error) for d in wrong):
            return ("the output deltas are just the errors: multiply each error by "
                    "transfer_derivative(neuron['output']), in every layer")
        if len(wrong) == len(outputs):
            return ("every delta is off, the output layer's too: check transfer_derivative, the "
                    "sigmoid's slope in terms of its output, output * (1.0 - output), and that "
                    "each error is multiplied by it")
        return ("some output deltas are right and some wrong: neuron j's error is expected[j] - "
                "neuron['output'] for that same j (an index off by one?)")
    if all(isinstance(d.handwritten, Real)
           and close(float(d.handwritten) * ours.transfer_derivative(d.output), d.autograd)
           for d in wrong):
        return ("the output layer's deltas are right, the hidden layers' lack the slope: "
                "multiply each hidden error by transfer_derivative(neuron['output']) too")
    return ("the output layer's deltas are right, the hidden layers' are not: check the error "
            "sum over the next layer, error = sum of neuron['weights'][j] * neuron['delta'] over "
            "the neurons of network[i + 1] (weight j: the one from neuron j)")
