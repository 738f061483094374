"""The code of a compiled replay: a recorded step, run on symbolic numbers, as Python source.

``generate`` runs the recorded graph's forward rules, the engine's own backward walk and the
update ``p = p - lr * g`` on symbolic numbers (``symbolic``; on arrays, whose code promises
rounding only, ``p - (lr * delta) * input`` as the tutorial writes it); ``source`` wraps the
lines they write in a loop over the steps' rows, as plain Python or for numba; ``function``
turns the source into a function once per process (numba's machine code is also kept on
disk).
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import engine
from .ops import base
from .program import _TEMPORARY, Program, Unsupported, needed, writing
from .symbolic import Sym, flat, symbols
from .value import Value

_PYTHON_NAMES = {"_e": math.exp, "_exp": base.exp, "_div": base.div, "_pow": base.power,
                 "_log": base.log, "_tanh": math.tanh, "_inf": math.inf, "_nan": math.nan}
_NUMBA_PRELUDE = '''import math
from numba import njit

# numba's exp, log, division and power answer as numpy's do at the edges (inf, nan)
_exp, _log, _tanh, _inf, _nan = math.exp, math.log, math.tanh, math.inf, math.nan


'''
_EXACT_ARRAY_OPS = {"add", "sub", "mul", "div", "stack", "reshape", "transpose", "getitem",
                    "half_squared_error"}
_functions: dict[str, object] = {}  # generated source -> its function, made once a process


@dataclass
class Code:
    body: list[str]
    params: list[list[str]]  # each parameter's element names (before the update)
    updates: list[str]
    grads: list[list[str] | None]  # each parameter's gradient's element codes, None if none
    inputs: list[list[str]]
    loss: str
    records: list[str]
    exact: bool
    labels: list[str]  # what each parameter is called (its Value's label)


def python_source(trace) -> str:
    """The generated Python of ``trace``'s SGD steps, or why there is none."""
    try:
        return source(generate(trace, list(trace.outputs)), "python")
    except Unsupported as error:
        return f"# not compiled: {error}\n"


def generate(trace, record: list[Value], numba: bool = False) -> Code:
    """Run the recorded graph on symbolic numbers: the lines of one step and its update."""
    exact = all(_exact(node) for node in trace.order)
    nodes = trace.leaves + trace.order
    saved = [(n, n._data, n._grad) for n in nodes]
    program = Program(numba)
    try:
        with writing(program):
            params = [symbols(f"p{i}", _shape(p._data)) for i, p in enumerate(trace.params)]
            inputs = [symbols(f"x{i}", shape) for i, shape in enumerate(trace.shapes)]
            for leaf, sym in zip(trace.params + trace.inputs, params + inputs):
                leaf._data = sym
            _forward(trace.order)
            for p in trace.params:
                p._grad = None
            try:
                engine.backward(trace.loss, trace.order)
            except (Unsupported, TypeError, ValueError, AttributeError) as error:
                raise Unsupported(f"the backward walk: {error}") from None
            weights = {s.code for names in params for s in flat(names)}
            # a gradient that is a weight itself is read before any weight moves
            grads: list[list[str] | None] = [
                None if p._grad is None else  # no gradient reached it: SGD leaves it alone
                [program.emit(g.code, None, Sym).code if g.code in weights else g.code
                 for g in flat(p._grad)] for p in trace.params]
            scaled = (_scaled(program, [c for codes in grads if codes for c in codes], weights)
                      if not exact else {})
            updates = [f"{name.code} = {name.code} - {scaled.get(code) or f'lr * {code}'}"
                       for names, codes in zip(params, grads) if codes
                       for name, code in zip(flat(names), codes)]
            loss = flat(trace.loss._data)[0].code
            records = [s.code for v in record for s in flat(v._data)]
    finally:
        for node, data, grad in saved:
            node._data, node._grad = data, grad
    body = program.needed_by([*updates, *[c for codes in grads if codes for c in codes], loss,
                              *records])
    return Code(body, [[s.code for s in flat(p)] for p in params], updates, grads,
                 [[s.code for s in flat(x)] for x in inputs], loss, records, exact,
                 [p.label or f"parameter {i}" for i, p in enumerate(trace.params)])


def _scaled(program: Program, grads: list[str], weights: set[str]) -> dict[str, str]:
    """``lr`` times each gradient, for arrays as the tutorial writes it: a gradient ``delta *
    input`` as ``(lr * delta) * input``, with ``lr * delta`` named once for all of a neuron's
    weights and its bias (whose gradient is ``delta``): one multiplication a weight fewer, the
    same to rounding, which is all an array graph's compiled code promises.

    Of a product's two factors the one scaled is a gradient itself (a bias's), else the one
    more gradients share. Not a product that reads a weight: the updates before its own would
    have moved it."""
    products = {}
    for code in grads:
        factors = program.expression(code).split(" * ")
        if len(factors) == 2 and weights.isdisjoint(factors) and " " not in "".join(factors):
            products[code] = factors
    gradients, shared = set(grads), Counter(f for pair in products.values() for f in pair)
    scale = {code: max(pair, key=lambda f: (f in gradients, shared[f]))
             for code, pair in products.items()}

    def times_lr(code: str) -> str:
        return program.emit(f"lr * {code}", None, Sym).code

    def other(pair: list[str], scaled: str) -> str:
        return pair[1] if pair[0] == scaled else pair[0]

    return {code: times_lr(code) if code in scale.values() or code not in products
            else f"{times_lr(scale[code])} * {other(products[code], scale[code])}"
            for code in grads}


def _forward(order: list) -> None:
    """Each node's forward rule on its parents' symbolic data."""
    for k, node in enumerate(order):
        shape = _shape(node._data)
        try:
            data = node._op.forward(*[p._data for p in node._parents], *node._args)
        except (Unsupported, TypeError, ValueError, AttributeError) as error:
            raise Unsupported(f"op {node.op!r} (node {k + 1} of {len(order)}): {error}") from None
        if isinstance(data, np.ndarray) and data.ndim == 0:
            data = data[()]
        if np.shape(data) != shape:
            raise Unsupported(f"op {node.op!r} (node {k + 1} of {len(order)}) gives shape "
                              f"{np.shape(data)} on symbolic numbers, not {shape}")
        node._data = data


def _exact(node) -> bool:
    """Whether the engine's arithmetic at ``node`` is plain float operations in a known order.

    Python floats, and numpy's elementwise arithmetic, are; so are numpy's sums of fewer than
    8 numbers (added one after another; the sum of squares cannot start at -0.0, where numpy's
    sums start at +0.0). Matrix products (BLAS) and exp on arrays are not.
    """
    parents = [p._data for p in node._parents]
    if type(node._data) is float and all(type(d) is float for d in parents):
        return True
    return node._op.name in _EXACT_ARRAY_OPS and all(np.size(d) < 8 for d in parents)


def cost(order: list) -> int:
    """About how many scalar operations a step's forward and backward take."""
    cost = 0
    for node in order:
        size = 1 if type(node._data) is float else node._data.size
        if node._op.name == "matmul":
            size *= np.shape(node._parents[0]._data)[-1]
        cost += 3 * max(size, *[np.size(p._data) for p in node._parents])
    return cost


def source(code: Code, backend: str) -> str:
    """The function ``sgd_steps`` around ``code``'s lines, in plain Python or for numba.

    It runs ``epochs`` passes over ``rows`` (one row of every input's elements per step),
    collects each step's loss and recorded values, and the gradients of the steps in
    ``measure`` (zeros for a parameter no gradient reaches).
    """
    weights = [w for names in code.params for w in names]
    columns = [x for names in code.inputs for x in names]
    gradients = [g for names in code.grads if names for g in names]
    step = [*code.body]
    if backend == "python":
        every = [g for names, grads in zip(code.params, code.grads)
                 for g in (grads or ["0.0"] * len(names))]
        head = ["def sgd_steps(P, rows, lr, epochs, measure, with_loss=True):",
                '    """Generated by tinygrad_bp: one SGD step of the recorded graph per row.',
                "", *_names(code), '    """',
                *_met_first([*code.body, *code.updates]),
                *_listed("    (", weights, ",) = P"),
                "    losses, outputs, measured = [], [], []",
                "    add_loss, add_output = losses.append, outputs.extend",
                "    k, last = -1, epochs * len(rows) - 1",
                "    for epoch in range(epochs):",
                *_listed("        for (", columns, ",) in rows:")]
        step, named, fused = _gradients_apart(step, code)
        step, for_loss = _loss_apart(step, [*named, *code.updates, *fused, *code.records,
                                            *gradients])
        # the loss, unless the caller has no use for it (the sum of k networks' losses, say);
        # a step whose gradients are measured, and the last, whose names outlive the loop (its
        # gradients are read after it), names each gradient; any other step writes each one
        # into its update: the same operations in the same order, with fewer names to store
        # (an array graph's updates read lr * delta, not the gradients: one update for both)
        step += ["k += 1", "if with_loss:", *["    " + line for line in for_loss],
                 f"    add_loss({code.loss})",
                 *_listed("add_output((", code.records, ",))" if code.records else "))"),
                 "if k in measure or k == last:  # its gradients are read: each one named",
                 *["    " + line for line in named],
                 "    if k in measure:", *_listed("        measured.append((", every, ",))")]
        if fused == code.updates:
            step += code.updates
        else:
            step += [*["    " + line for line in code.updates],
                     "else:  # the same arithmetic, each gradient written into its update",
                     *["    " + line for line in fused]]
        tail = [*_listed("    return ([", weights, "],"), "            losses, outputs,",
                *_listed("            [", gradients, "], measured)")]
        lines = head + ["            " + line for line in step] + tail
        return "\n".join(lines) + "\n"
    # every name is assigned once per step (weights are read from P and written back to it):
    # numba's passes then take time in proportion to the code, not to its square
    head = ["@njit(error_model=\"numpy\", cache=True)",
            "def sgd_steps(P, rows, lr, epochs, losses, outputs, grads, slot, measured):",
            "    n = rows.shape[0]",
            "    for epoch in range(epochs):",
            "        for r in range(n):",
            *[f"            {x} = rows[r, {i}]" for i, x in enumerate(columns)],
            *[f"            {w} = P[{i}]" for i, w in enumerate(weights)]]
    step += ["k = epoch * n + r", f"losses[k] = {code.loss}"]
    step += [f"outputs[k, {i}] = {c}" for i, c in enumerate(code.records)]
    at, j, updates = 0, 0, []
    new = dict(update.split(" = ", 1) for update in code.updates)
    for names, grads in zip(code.params, code.grads):
        for i, name in enumerate(names):
            if grads:
                updates += [f"P[{at + i}] = {new[name]}", f"grads[{j}] = {grads[i]}"]
                j += 1
        at += len(names)
    # a measured step keeps a copy of grads (one statement, not one per gradient)
    updates += ["m = slot[k]", "if m >= 0:", "    measured[m, :] = grads"]
    lines = head + ["            " + line for line in step + updates]
    return _NUMBA_PRELUDE + "\n".join(lines) + "\n"


def _gradients_apart(body: list[str], code: Code) -> tuple[list[str], list[str], list[str]]:
    """``body`` less the lines that name a gradient only its update reads, or only the
    gradients' list (an array graph's update reads ``lr * delta`` instead: ``_scaled``);
    those lines; and the updates with each such gradient's expression written in, in
    brackets."""
    lines = [line.split(" = ", 1) for line in body]
    read_by = Counter(n for text in [*(expr for _, expr in lines), code.loss, *code.records]
                      for n in _TEMPORARY.findall(text))
    in_updates = Counter(n for line in code.updates for n in _TEMPORARY.findall(line))
    weights = {w for names in code.params for w in names}
    # not one an update reads and that reads a weight: the updates before would have moved it
    apart = {name: expr for name, expr in lines
             if not read_by[name] and (in_updates[name] == 0 or (
                 in_updates[name] == 1 and weights.isdisjoint(_NAME.findall(expr))))}
    fused = [_TEMPORARY.sub(lambda m: f"({apart[m.group()]})" if m.group() in apart
                            else m.group(), update) for update in code.updates]
    return ([f"{name} = {expr}" for name, expr in lines if name not in apart],
            [f"{name} = {expr}" for name, expr in lines if name in apart], fused)


def _met_first(lines: list[str]) -> list[str]:
    """For a function of more than 256 names: a first line that meets the most used ones.

    Python numbers a function's names in the order it first meets them, and reading or
    writing a name numbered past 255 takes an extra instruction (EXTENDED_ARG); the case
    study's five networks side by side use about 800 names."""
    counts = Counter(n for line in lines for n in _VARIABLE.findall(line))
    if len(counts) <= _SHORT_NAMES:
        return []
    most = [name for name, _ in counts.most_common(_SHORT_NAMES)]
    return ["    # the names used most, met first: each has a number below 256 (see codegen)",
            *_listed("    (", most, f",) = (0.0,) * {len(most)}")]


_VARIABLE = re.compile(r"\b(?:t\d+|p\d+(?:_\d+)?|x\d+_\d+)\b")
_SHORT_NAMES = 240  # of 256: the function's arguments and a few names of its own besides


def _loss_apart(body: list[str], others: list[str]) -> tuple[list[str], list[str]]:
    """``body`` less the lines that only the loss needs (none of ``others`` reads them, nor
    a line they need), and those lines."""
    kept = {name for name, _ in needed(body, others)}
    return ([line for line in body if line.split(" = ", 1)[0] in kept],
            [line for line in body if line.split(" = ", 1)[0] not in kept])


_NAME = re.compile(r"\b[A-Za-z_]\w*\b")


def _listed(head: str, names: list[str], tail: str, width: int = 100) -> list[str]:
    """``head name, name, ... tail`` in lines of at most ``width`` columns (where names are
    short enough), a line broken only between names and continued under the first."""
    lines, line = [], ""
    for name in names:
        if line and len(head) + len(line) + len(name) + len(tail) + 2 > width:
            lines.append(line + ",")
            line = name
        else:
            line = f"{line}, {name}" if line else name
    lines.append(line)
    indent = " " * len(head)
    return [(head if i == 0 else indent) + text + (tail if i == len(lines) - 1 else "")
            for i, text in enumerate(lines)]


def _names(code: Code) -> list[str]:
    """The docstring's key to the names: which Value each p is, which input each x reads."""
    def short(names: list[str]) -> str:
        return names[0] if len(names) == 1 else names[0].rsplit("_", 1)[0] + "_*"

    keys = [f"{short(names)} = {label}" for names, label in zip(code.params, code.labels)]
    keys += [f"{short(names)} = input {i}" for i, names in enumerate(code.inputs)]
    return _listed("    ", keys, "", 96)


def function(text: str, backend: str):
    """The function ``text`` defines, made once per process (and numba's cached on disk)."""
    made = _functions.get(text)
    if made is None:
        if backend == "python":
            namespace = dict(_PYTHON_NAMES)
            exec(compile(text, "<tinygrad_bp generated>", "exec"), namespace)
            made = namespace["sgd_steps"]
        else:
            made = _numba_module(text).sgd_steps
        _functions[text] = made
    return made


def _numba_module(source: str):
    """Import ``source`` from a file, so numba can keep its machine code between runs."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:24]
    name = f"tinygrad_bp_sgd_{digest}"
    for folder in _cache_folders():
        path = folder / f"{name}.py"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_text(encoding="utf-8") != source:
                path.write_text(source, encoding="utf-8")
        except OSError:
            continue
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    raise OSError("compile(backend='numba'): no writable folder for the generated code "
                  "(set TINYGRAD_BP_CACHE)")


def _cache_folders() -> list[Path]:
    given = os.environ.get("TINYGRAD_BP_CACHE")
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return ([Path(given)] if given else []) + [home / "tinygrad_bp",
                                                Path(tempfile.gettempdir()) / "tinygrad_bp"]


def _shape(data) -> tuple:
    return np.shape(data) if isinstance(data, np.ndarray) else ()
