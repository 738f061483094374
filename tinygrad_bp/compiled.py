"""The compiled replay: a recorded graph's SGD training written as one straight-line function.

``compile_sgd(trace, lr)`` runs the recorded graph's forward rules, the engine's backward walk
and the update ``p = p - lr * g`` on symbolic numbers (``symbolic``); what they write is the
body of a loop over the steps' data, one line per scalar operation. Run as plain Python it
skips everything a step costs besides the arithmetic (no nodes, no numpy call per op); run
under numba (``backend="numba"``, the optional ``fast`` extra) it is machine code.

Which bits come out: on a graph of scalars (every weight its own Value, the tutorial's
neuron-granularity networks) the generated code does the engine's float operations in the
engine's order, so the weights are the engine's to the last bit (``Compiled.exact``). On
arrays, numpy's matrix products and ``exp`` compute in their own order and precision, which
straight-line code cannot copy; the results agree to rounding (about 1e-15 relative).
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import engine
from .ops import base
from .symbolic import Program, Unsupported, flat, symbols, writing
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
class Steps:
    """What a run of steps gave: each step's loss and each recorded node's data, step first."""

    losses: np.ndarray
    outputs: list[np.ndarray]


@dataclass
class _Code:
    body: list[str]
    params: list[list[str]]  # each parameter's element names (before the update)
    updates: list[str]
    grads: list[list[str] | None]  # each parameter's gradient's element codes, None if none
    inputs: list[list[str]]
    loss: str
    records: list[str]
    exact: bool


class Compiled:
    """SGD on a recorded graph over many steps: ``compiled(*rows)``; see ``compile_sgd``.

    ``backend`` is "python", "numba", or "replay" (no code: ``Trace.step`` per row, because of
    ``reason``). ``exact``: the weights are the uncompiled engine's to the last bit. ``source``:
    the generated code.
    """

    def __init__(self, trace, lr: float, backend: str, record: list[Value], code: _Code | None,
                 reason: str = "") -> None:
        self.trace, self.lr, self.backend, self.record, self.reason = (trace, float(lr),
                                                                       backend, record, reason)
        self.exact = code is None or (code.exact and backend in ("python", "numba"))
        self.source = "" if code is None else _source(code, backend)
        self._widths = [v.size for v in record]
        self._has_grad = [] if code is None else [g is not None for g in code.grads]
        self._n_grads = 0 if code is None else sum(len(g) for g in code.grads if g)
        self._function = None if code is None else _function(self.source, backend)

    def __call__(self, *rows, epochs: int = 1, sync: bool = True) -> Steps:
        """Train on ``rows`` (one array per input, step first), ``epochs`` passes over them:
        one SGD step per row, in order.

        Afterwards the parameters hold the trained weights (arrays updated in place) and the
        last step's gradients. With ``sync`` (the default) that last step runs through the
        engine, so every node of the graph holds its data and gradient too, as after an
        uncompiled loop; without, the other nodes keep what they held.
        """
        rows = _check_rows(self.trace, rows)
        n = len(rows[0])
        if self._function is None or n * epochs <= 1:
            return self._replay(rows, epochs)
        table = np.concatenate([r.reshape(n, -1) for r in rows], axis=1)
        weights = [w for p in self.trace.params for w in _elements(p.data)]
        runs = [(table, epochs)] if not sync else [(table, epochs - 1), (table[:-1], 1)]
        done = []
        for part, times in runs:
            if times and len(part):
                weights, losses, outputs, grads = self._run(weights, part, times)
                done.append(self._outputs(losses, outputs))
        _load(self.trace.params, weights)
        if sync:
            done.append(self._replay([r[-1:] for r in rows], 1))
        else:
            _load_gradients(self.trace.params, self._has_grad, grads)
        return Steps(np.concatenate([d.losses for d in done]),
                     [np.concatenate(parts) for parts in zip(*[d.outputs for d in done])])

    def _run(self, weights: list, table: np.ndarray, epochs: int) -> tuple:
        """The generated function on ``table``'s rows, ``epochs`` times over."""
        steps = len(table) * epochs
        if self.backend == "numba":
            weights, grads = np.array(weights), np.empty(self._n_grads)
            losses, outputs = np.empty(steps), np.empty((steps, sum(self._widths)))
            self._function(weights, np.ascontiguousarray(table), self.lr, epochs, losses,
                           outputs, grads)
            return weights.tolist(), losses, outputs, grads.tolist()
        weights, losses, outputs, grads = self._function(weights, table.tolist(), self.lr,
                                                         epochs)
        return weights, np.array(losses), np.array(outputs).reshape(steps, -1), grads

    def _outputs(self, losses: np.ndarray, table: np.ndarray) -> Steps:
        columns = np.cumsum([0] + self._widths)
        return Steps(losses, [table[:, a:b].reshape((len(table),) + _shape(v.data))
                              for v, a, b in zip(self.record, columns, columns[1:])])

    def _replay(self, rows: list[np.ndarray], epochs: int) -> Steps:
        """The steps through the engine: ``Trace.step``, then SGD's update."""
        trace, lr = self.trace, self.lr
        losses, outputs = [], []
        for _ in range(epochs):
            for t in range(len(rows[0])):
                losses.append(trace.step(*[r[t] for r in rows]))
                outputs.append([np.array(v.data, dtype=np.float64) for v in self.record])
                for p in trace.params:
                    g = p._grad
                    if g is None:
                        continue
                    if type(p.data) is float:
                        p.data = p.data - lr * g
                    else:
                        p.data -= lr * g
        return Steps(np.array(losses), [np.array([o[i] for o in outputs]).reshape(
            (len(losses),) + _shape(v.data)) for i, v in enumerate(self.record)])

    def __repr__(self) -> str:
        why = f", reason={self.reason!r}" if self.reason else ""
        return f"Compiled(backend={self.backend!r}, exact={self.exact}{why})"


def compile_sgd(trace, lr: float, backend: str = "python", record: Sequence[Value] = (),
                max_ops: int = 20_000) -> Compiled:
    """``trace``'s SGD training as one function (``Trace.compile``'s work).

    ``backend``: "python" (generated Python, no dependency) or "numba" (the same code as
    machine code; ``pip install 'tinygrad_bp[fast]'``). ``record``: nodes whose data each step
    reports in ``Steps.outputs``. A graph of more than about ``max_ops`` scalar operations per
    step, or with an op that has no symbolic form, gives a ``Compiled`` that replays instead,
    its ``reason`` saying why.
    """
    if backend not in ("python", "numba"):
        raise ValueError(f"compile: backend must be 'python' or 'numba', not {backend!r}")
    if not isinstance(lr, (int, float)) or not lr > 0:
        raise ValueError(f"compile: lr must be a positive number, not {lr!r}")
    if backend == "numba" and importlib.util.find_spec("numba") is None:
        raise ImportError("compile(backend='numba') needs numba: pip install 'tinygrad_bp[fast]'")
    record = list(record)
    known = {id(n) for n in trace.leaves} | {id(n) for n in trace.order}
    for i, v in enumerate(record):
        if not isinstance(v, Value) or id(v) not in known:
            raise ValueError(f"compile: record[{i}] is not a node of the recorded graph")
    cost = _cost(trace.order)
    if cost > max_ops:
        reason = (f"about {cost} scalar operations per step, more than max_ops={max_ops}: "
                  "unrolled code is for small networks, so this graph is replayed")
        return Compiled(trace, lr, "replay", record, None, reason)
    try:
        code = generate(trace, record, backend == "numba")
    except Unsupported as error:
        return Compiled(trace, lr, "replay", record, None, str(error))
    return Compiled(trace, lr, backend, record, code)


def python_source(trace) -> str:
    """The generated Python of ``trace``'s SGD steps, or why there is none."""
    try:
        return _source(generate(trace, list(trace.outputs)), "python")
    except Unsupported as error:
        return f"# not compiled: {error}\n"


def generate(trace, record: list[Value], numba: bool = False) -> _Code:
    """Run the recorded graph on symbolic numbers: the lines of one step and its update."""
    exact = all(_exact(node) for node in trace.order)
    nodes = trace.leaves + trace.order
    saved = [(n, n.data, n._grad) for n in nodes]
    program = Program(numba)
    try:
        with writing(program):
            params = [symbols(f"p{i}", _shape(p.data)) for i, p in enumerate(trace.params)]
            inputs = [symbols(f"x{i}", shape) for i, shape in enumerate(trace.shapes)]
            for leaf, sym in zip(trace.params + trace.inputs, params + inputs):
                leaf.data = sym
            _forward(trace.order)
            for p in trace.params:
                p._grad = None
            try:
                engine.backward(trace.loss, trace.order)
            except (Unsupported, TypeError, ValueError, AttributeError) as error:
                raise Unsupported(f"the backward walk: {error}") from None
            updates, grads = [], []
            weights = {s.code for names in params for s in flat(names)}
            for p, names in zip(trace.params, params):
                if p._grad is None:  # no gradient reached it: SGD leaves it alone
                    grads.append(None)
                    continue
                grads.append([])
                for name, g in zip(flat(names), flat(p._grad)):
                    # a gradient that is a weight itself is read before any weight moves
                    code = program.emit(g.code).code if g.code in weights else g.code
                    grads[-1].append(code)
                    updates.append(f"{name.code} = {name.code} - lr * {code}")
            loss = flat(trace.loss.data)[0].code
            records = [s.code for v in record for s in flat(v.data)]
    finally:
        for node, data, grad in saved:
            node.data, node._grad = data, grad
    body = program.needed_by([*updates, loss, *records])
    return _Code(body, [[s.code for s in flat(p)] for p in params], updates, grads,
                 [[s.code for s in flat(x)] for x in inputs], loss, records, exact)


def _forward(order: list) -> None:
    """Each node's forward rule on its parents' symbolic data."""
    for k, node in enumerate(order):
        shape = _shape(node.data)
        try:
            data = node._op.forward(*[p.data for p in node._parents], *node._args)
        except (Unsupported, TypeError, ValueError, AttributeError) as error:
            raise Unsupported(f"op {node.op!r} (node {k + 1} of {len(order)}): {error}") from None
        if isinstance(data, np.ndarray) and data.ndim == 0:
            data = data[()]
        if np.shape(data) != shape:
            raise Unsupported(f"op {node.op!r} (node {k + 1} of {len(order)}) gives shape "
                              f"{np.shape(data)} on symbolic numbers, not {shape}")
        node.data = data


def _exact(node) -> bool:
    """Whether the engine's arithmetic at ``node`` is plain float operations in a known order.

    Python floats, and numpy's elementwise arithmetic, are; so are numpy's sums of fewer than
    8 numbers (added one after another; the sum of squares cannot start at -0.0, where numpy's
    sums start at +0.0). Matrix products (BLAS) and exp on arrays are not.
    """
    parents = [p.data for p in node._parents]
    if type(node.data) is float and all(type(d) is float for d in parents):
        return True
    return node._op.name in _EXACT_ARRAY_OPS and all(np.size(d) < 8 for d in parents)


def _cost(order: list) -> int:
    """About how many scalar operations a step's forward and backward take."""
    cost = 0
    for node in order:
        size = 1 if type(node.data) is float else node.data.size
        if node._op.name == "matmul":
            size *= np.shape(node._parents[0].data)[-1]
        cost += 3 * max(size, *[np.size(p.data) for p in node._parents])
    return cost


def _source(code: _Code, backend: str) -> str:
    weights = [w for names in code.params for w in names]
    columns = [x for names in code.inputs for x in names]
    gradients = [g for names in code.grads if names for g in names]
    step = [*code.body]
    if backend == "python":
        head = ["def sgd_steps(P, rows, lr, epochs):",
                '    """Generated by tinygrad_bp: one SGD step of the recorded graph per row."""',
                f"    {', '.join(weights)}, = P",
                "    losses, outputs = [], []",
                "    add_loss, add_output = losses.append, outputs.append",
                "    for epoch in range(epochs):",
                f"        for {', '.join(columns)}, in rows:"]
        step += [f"add_loss({code.loss})", f"add_output(({', '.join(code.records)},))"
                 if code.records else "add_output(())"]
        # a step's names outlive the loop: the last step's gradients, read after it
        tail = [f"    return [{', '.join(weights)}], losses, outputs, [{', '.join(gradients)}]"]
    else:
        # every name is assigned once per step (weights are read from P and written back to
        # it): numba's passes then take time in proportion to the code, not its square
        head = ["@njit(error_model=\"numpy\", cache=True)",
                "def sgd_steps(P, rows, lr, epochs, losses, outputs, grads):",
                "    n = rows.shape[0]",
                "    for epoch in range(epochs):",
                "        for r in range(n):",
                *[f"            {x} = rows[r, {i}]" for i, x in enumerate(columns)],
                *[f"            {w} = P[{i}]" for i, w in enumerate(weights)]]
        step += ["k = epoch * n + r", f"losses[k] = {code.loss}"]
        step += [f"outputs[k, {i}] = {c}" for i, c in enumerate(code.records)]
        at, j, updates = 0, 0, []
        for names, grads in zip(code.params, code.grads):
            for i, name in enumerate(names):
                if grads:
                    updates += [f"P[{at + i}] = {name} - lr * {grads[i]}",
                                f"grads[{j}] = {grads[i]}"]
                    j += 1
            at += len(names)
        lines = head + ["            " + line for line in step + updates]
        return _NUMBA_PRELUDE + "\n".join(lines) + "\n"
    lines = head + ["            " + line for line in step + code.updates] + tail
    return "\n".join(lines) + "\n"


def _function(source: str, backend: str):
    """The function ``source`` defines, made once per process (and numba's cached on disk)."""
    function = _functions.get(source)
    if function is None:
        if backend == "python":
            namespace = dict(_PYTHON_NAMES)
            exec(compile(source, "<tinygrad_bp generated>", "exec"), namespace)
            function = namespace["sgd_steps"]
        else:
            function = _numba_module(source).sgd_steps
        _functions[source] = function
    return function


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


def _check_rows(trace, rows) -> list[np.ndarray]:
    if len(rows) != len(trace.inputs):
        raise TypeError(f"the compiled steps take {len(trace.inputs)} inputs' rows, "
                        f"got {len(rows)}")
    arrays = [np.asarray(r, dtype=np.float64) for r in rows]
    for i, (r, shape) in enumerate(zip(arrays, trace.shapes)):
        if r.shape[1:] != shape or len(r) != len(arrays[0]):
            raise ValueError(f"the compiled steps: input {i}'s rows have shape {r.shape}; "
                             f"expected ({len(arrays[0])}, {', '.join(map(str, shape))}) "
                             "(steps first, then the shape the graph was recorded for)")
    return arrays


def _elements(data) -> list[float]:
    return [data] if type(data) is float else data.reshape(-1).tolist()


def _load(params: list[Value], weights: list[float]) -> None:
    """The trained weights back into the parameters (arrays in place: views stay views)."""
    at = 0
    for p in params:
        if type(p.data) is float:
            p.data = float(weights[at])
            at += 1
        else:
            p.data[...] = np.reshape(weights[at:at + p.data.size], p.data.shape)
            at += p.data.size


def _load_gradients(params: list[Value], has_grad: list[bool], grads: list[float]) -> None:
    """The last step's gradients into the parameters' ``.grad`` (None where none reached)."""
    at = 0
    for p, has in zip(params, has_grad):
        if not has:
            p._grad = None
        elif type(p.data) is float:
            p._grad = float(grads[at])
            at += 1
        else:
            p._grad = np.reshape(np.array(grads[at:at + p.data.size]), p.data.shape)
            at += p.data.size


def _shape(data) -> tuple:
    return np.shape(data) if isinstance(data, np.ndarray) else ()
