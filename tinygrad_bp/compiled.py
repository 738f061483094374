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

import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .codegen import Code, cost, function, generate, source
from .symbolic import Unsupported
from .value import Value


@dataclass
class Steps:
    """What a run of steps gave: each step's loss and each recorded node's data, step first."""

    losses: np.ndarray
    outputs: list[np.ndarray]


class Compiled:
    """SGD on a recorded graph over many steps: ``compiled(*rows)``; see ``compile_sgd``.

    ``backend`` is "python", "numba", or "replay" (no code: ``Trace.step`` per row, because of
    ``reason``). ``exact``: the weights are the uncompiled engine's to the last bit. ``source``:
    the generated code.
    """

    def __init__(self, trace, lr: float, backend: str, record: list[Value], code: Code | None,
                 reason: str = "") -> None:
        self.trace, self.lr, self.backend, self.record, self.reason = (trace, float(lr),
                                                                       backend, record, reason)
        self.exact = code is None or (code.exact and backend in ("python", "numba"))
        self.source = "" if code is None else source(code, backend)
        self._widths = [v.size for v in record]
        self._has_grad = [] if code is None else [g is not None for g in code.grads]
        self._n_grads = 0 if code is None else sum(len(g) for g in code.grads if g)
        self._function: Callable | None = None if code is None else function(self.source,
                                                                              backend)

    def __call__(self, *rows, epochs: int = 1, sync: bool = True) -> Steps:
        """Train on ``rows`` (one array per input, step first), ``epochs`` passes over them:
        one SGD step per row, in order.

        Afterwards the parameters hold the trained weights (arrays updated in place) and the
        last step's gradients. With ``sync`` (the default) that last step runs through the
        engine, so every node of the graph holds its data and gradient too, as after an
        uncompiled loop; without, the other nodes keep what they held.
        """
        arrays = _check_rows(self.trace, rows)
        n = len(arrays[0])
        if self._function is None or n * epochs <= 1:
            return self._replay(arrays, epochs)
        table = np.concatenate([r.reshape(n, -1) for r in arrays], axis=1)
        weights = [w for p in self.trace.params for w in _elements(p.data)]
        runs = [(table, epochs)] if not sync else [(table, epochs - 1), (table[:-1], 1)]
        done = []
        for part, times in runs:
            if times and len(part):
                weights, losses, outputs, grads = self._run(weights, part, times)
                done.append(self._outputs(losses, outputs))
        _load(self.trace.params, weights)
        if sync:
            done.append(self._replay([r[-1:] for r in arrays], 1))
        else:
            _load_gradients(self.trace.params, self._has_grad, grads)
        return Steps(np.concatenate([d.losses for d in done]),
                     [np.concatenate(parts) for parts in zip(*[d.outputs for d in done])])

    def _run(self, weights: list, table: np.ndarray, epochs: int) -> tuple:
        """The generated function on ``table``'s rows, ``epochs`` times over."""
        steps, run = len(table) * epochs, self._function
        assert run is not None  # a replaying Compiled never gets here
        if self.backend == "numba":
            vector, grads = np.array(weights), np.empty(self._n_grads)
            losses, outputs = np.empty(steps), np.empty((steps, sum(self._widths)))
            run(vector, np.ascontiguousarray(table), self.lr, epochs, losses, outputs, grads)
            return vector.tolist(), losses, outputs, grads.tolist()
        weights, listed, rows, gradients = run(weights, table.tolist(), self.lr, epochs)
        return weights, np.array(listed), np.array(rows).reshape(steps, -1), gradients

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
    ops = cost(trace.order)
    if ops > max_ops:
        reason = (f"about {ops} scalar operations per step, more than max_ops={max_ops}: "
                  "unrolled code is for small networks, so this graph is replayed")
        return Compiled(trace, lr, "replay", record, None, reason)
    try:
        code = generate(trace, record, backend == "numba")
    except Unsupported as error:
        return Compiled(trace, lr, "replay", record, None, str(error))
    return Compiled(trace, lr, backend, record, code)


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
            p.grad = None
        elif type(p.data) is float:
            p.grad = float(grads[at])
            at += 1
        else:
            p.grad = np.reshape(grads[at:at + p.data.size], p.data.shape)
            at += p.data.size


def _shape(data) -> tuple:
    return np.shape(data) if isinstance(data, np.ndarray) else ()
