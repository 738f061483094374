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
from .operands import first_non_finite
from .program import Unsupported
from .value import Value


@dataclass
class Steps:
    """What a run of compiled steps gave (``Compiled.__call__``'s result).

    - ``losses``: each step's loss, an array of one number a step (None when called with
      ``losses=False``);
    - ``outputs``: for each recorded node (``record``, the trace's ``outputs`` by default) an
      array of its data at every step, step first: shape ``(steps, *node.shape)``;
    - ``gradients``: one row per step asked for with ``measure``, every parameter's gradient
      at that step, the parameters' elements one after another in ``Trace.params``' order.
    """

    losses: np.ndarray | None
    outputs: list[np.ndarray]
    gradients: np.ndarray


class Compiled:
    """SGD on a recorded graph over many steps (made by ``Trace.compile``).

    ``steps = compiled(*rows, epochs=1, sync=True, measure=(), same=False, losses=True)``
    trains on ``rows``, one array per input of the trace, steps first (shape
    ``(steps, *input.shape)``; ``rows[None]`` for a single step): one SGD step per row, in
    order, ``epochs`` passes over them, and returns a ``Steps``. Afterwards the parameters hold
    the trained weights (arrays updated in place) and the last step's gradients.

    - ``sync``: the last step runs through the engine, so every node of the graph holds its
      data and gradient, as after an uncompiled loop; with False the other nodes keep what
      they held.
    - ``measure``: steps (counted from 0 over all epochs) whose gradients ``Steps.gradients``
      reports.
    - ``same=True`` promises the very arrays of the last call, unchanged since: they are not
      read and checked again (an epoch after an epoch).
    - ``losses=False``: no step's loss is computed (``Steps.losses`` is None), for a caller
      that finds the losses from the outputs.

    Rows that are empty, of another shape than recorded, or not finite are a ValueError
    naming the input. Attributes: ``backend`` ("python", "numba", or "replay": no code,
    ``Trace.step`` per row, because of ``reason``); ``exact`` (the weights are the uncompiled
    engine's to the last bit); ``source`` (the generated code); ``lr``; ``trace``.
    """

    def __init__(self, trace, lr: float, backend: str, record: list[Value], code: Code | None,
                 reason: str = "") -> None:
        self.trace, self.lr, self.backend, self.record, self.reason = (trace, float(lr),
                                                                       backend, record, reason)
        self.exact = code is None or (code.exact and backend in ("python", "numba"))
        self.source = "" if code is None else source(code, backend)
        self._widths = [v.size for v in record]
        self._columns = np.cumsum([0] + self._widths).tolist()
        self._has_grad = [] if code is None else [g is not None for g in code.grads]
        self._n_grads = 0 if code is None else sum(len(g) for g in code.grads if g)
        self._n_weights = sum(int(np.size(p._data)) for p in trace.params)
        self._with_grad = np.concatenate(  # the weights that have a gradient, in P's order
            [np.full(int(np.size(p._data)), has) for p, has in zip(trace.params, self._has_grad)]
            or [np.zeros(0, dtype=bool)])
        self._last: tuple | None = None
        self._function: Callable | None = None if code is None else function(self.source,
                                                                              backend)

    def __call__(self, *rows, epochs: int = 1, sync: bool = True,
                 measure: Sequence[int] = (), same: bool = False, losses: bool = True) -> Steps:
        """Train on ``rows``, ``epochs`` passes of one SGD step per row: see ``Compiled``."""
        last = self._last
        if same and last is not None and last[0] == [id(r) for r in rows]:
            arrays = list(rows)  # checked by the last call, and unchanged since
        else:
            arrays = _check_rows(self.trace, rows)
            self._last = None
        n = len(arrays[0])
        wanted = sorted(set(measure))
        if wanted and not 0 <= wanted[0] <= wanted[-1] < n * epochs:
            raise ValueError(f"measure: steps are 0 to {n * epochs - 1}, not {wanted}")
        if self._function is None or n * epochs <= 1:
            return _without_losses(self._replay(arrays, epochs, wanted), losses)
        table = self._table(arrays, same)
        weights = _weights(self.trace.params, self.backend == "numba")
        runs = [(table, epochs)] if not sync else [(table, epochs - 1), (table[:-1], 1)]
        done, start = [], 0
        for part, times in runs:
            steps = len(part) * times
            if steps:
                here = [k - start for k in wanted if start <= k < start + steps]
                weights, values, outputs, grads, measured = self._run(weights, part, times,
                                                                      here, losses)
                done.append(self._outputs(values, outputs, measured))
            start += steps
        _load(self.trace.params, weights)
        if sync:
            done.append(self._replay([r[-1:] for r in arrays], 1,
                                     [0] if n * epochs - 1 in wanted else []))
        else:
            _load_gradients(self.trace.params, self._has_grad, grads)
        if len(done) == 1:
            return _without_losses(done[0], losses)
        return Steps(np.concatenate([d.losses for d in done]) if losses else None,
                     [np.concatenate(parts) for parts in zip(*[d.outputs for d in done])],
                     np.concatenate([d.gradients for d in done]))

    def _table(self, arrays: list[np.ndarray], same: bool):
        """Every step's inputs as one row, as the generated function reads them (the last
        call's, when promised the very same arrays)."""
        key = [id(a) for a in arrays]
        if same and self._last is not None and self._last[0] == key:
            return self._last[1]
        n = len(arrays[0])
        table = np.concatenate([r.reshape(n, -1) for r in arrays], axis=1)
        rows = np.ascontiguousarray(table) if self.backend == "numba" else table.tolist()
        self._last = (key, rows, arrays)  # the arrays too: their ids stay theirs
        return rows

    def _run(self, weights: list, rows, epochs: int, measure: list[int],
             with_loss: bool) -> tuple:
        """The generated function on ``rows``, ``epochs`` times over (numba's always computes
        the losses: in machine code they cost next to nothing)."""
        steps, run = len(rows) * epochs, self._function
        assert run is not None  # a replaying Compiled never gets here
        if self.backend == "numba":
            vector, grads = weights, np.empty(self._n_grads)
            losses, outputs = np.empty(steps), np.empty((steps, sum(self._widths)))
            slot = np.full(steps, -1, dtype=np.int64)
            slot[measure] = np.arange(len(measure))
            measured = np.empty((len(measure), self._n_grads))
            run(vector, rows, self.lr, epochs, losses, outputs, grads, slot, measured)
            laid = np.zeros((len(measure), self._n_weights))  # zeros where no gradient reaches
            laid[:, self._with_grad] = measured
            return vector, losses, outputs, grads, laid
        weights, listed, records, gradients, measured = run(weights, rows, self.lr, epochs,
                                                            set(measure), with_loss)
        # the dtype given: numpy then need not look at every number to find one (twice as quick)
        return (weights, np.array(listed, dtype=np.float64) if with_loss else None,
                np.array(records, dtype=np.float64).reshape(steps, -1), gradients,
                np.array(measured, dtype=np.float64).reshape(len(measure), self._n_weights))

    def _outputs(self, losses: np.ndarray | None, table: np.ndarray,
                 measured: np.ndarray) -> Steps:
        columns = self._columns
        return Steps(losses, [table[:, a:b].reshape((len(table),) + _shape(v._data))
                              for v, a, b in zip(self.record, columns, columns[1:])], measured)

    def _replay(self, rows: list[np.ndarray], epochs: int, measure: list[int]) -> Steps:
        """The steps through the engine: ``Trace.step``, then SGD's update."""
        trace, lr = self.trace, self.lr
        losses, outputs, measured = [], [], []
        for _ in range(epochs):
            for t in range(len(rows[0])):
                losses.append(trace.step(*[r[t] for r in rows]))
                outputs.append([np.array(v._data, dtype=np.float64) for v in self.record])
                if len(losses) - 1 in measure:
                    measured.append(np.concatenate([np.ravel(p.grad) for p in trace.params]))
                for p in trace.params:
                    g = p._grad
                    if g is None:
                        continue
                    if type(p._data) is float:
                        p._data = p._data - lr * g
                    else:
                        p._data -= lr * g
        return Steps(np.array(losses), [np.array([o[i] for o in outputs]).reshape(
            (len(losses),) + _shape(v._data)) for i, v in enumerate(self.record)],
            np.array(measured).reshape(len(measured), self._n_weights))

    def __repr__(self) -> str:
        why = f", reason={self.reason!r}" if self.reason else ""
        return f"Compiled(backend={self.backend!r}, exact={self.exact}{why})"


def compile_sgd(trace, lr: float, backend: str = "python", record: Sequence[Value] = (),
                max_ops: int = 20_000) -> Compiled:
    """``trace``'s SGD training as one function: ``Trace.compile``'s work (see there for the
    arguments)."""
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
        return Compiled(trace, lr, backend, record, code)
    except Unsupported as error:
        return Compiled(trace, lr, "replay", record, None, str(error))
    except (SyntaxError, RecursionError, MemoryError) as error:  # Python's own limits
        return Compiled(trace, lr, "replay", record, None,
                        f"Python cannot compile the code: {type(error).__name__}: {error}")


def _without_losses(steps: Steps, losses: bool) -> Steps:
    return steps if losses else Steps(None, steps.outputs, steps.gradients)


def _check_rows(trace, rows) -> list[np.ndarray]:
    """The rows as float64 arrays, steps first, or an error naming the input at fault."""
    if len(rows) != len(trace.inputs):
        raise TypeError(f"the compiled steps take {len(trace.inputs)} inputs' rows, "
                        f"got {len(rows)}")
    arrays = [np.asarray(r, dtype=np.float64) for r in rows]
    for i, (r, shape) in enumerate(zip(arrays, trace.shapes)):
        steps = f"({', '.join(['steps', *map(str, shape)])})"
        if r.shape == shape:
            raise ValueError(f"the compiled steps: input {i} has shape {r.shape}, one step's "
                             f"data; they take rows {steps}, steps first (for one step, "
                             "pass rows[None])")
        if r.shape[1:] != shape:
            raise ValueError(f"the compiled steps: input {i}'s rows have shape {r.shape}; "
                             f"expected {steps} (steps first, then the shape the graph was "
                             "recorded for)")
        if len(r) != len(arrays[0]):
            raise ValueError(f"the compiled steps: input {i} has rows for {len(r)} steps, "
                             f"input 0 for {len(arrays[0])}: give each input one row a step")
        if not len(r):
            raise ValueError(f"the compiled steps: no rows (input {i} has shape {r.shape}); "
                             "give at least one step's")
        bad = first_non_finite(r)
        if bad is not None:
            raise ValueError(f"the compiled steps: input {i}{bad[0]} is {bad[1]}, not a finite "
                             "number")
    return arrays


def _weights(params: list[Value], vector: bool):
    """Every parameter's numbers in a row: a list of floats, or one array (for numba)."""
    if vector:
        return np.concatenate([np.ravel(p._data) for p in params])
    return [w for p in params for w in ([p._data] if type(p._data) is float
                                         else p._data.reshape(-1).tolist())]


def _load(params: list[Value], weights) -> None:
    """The trained weights back into the parameters (arrays in place: views stay views)."""
    values = np.asarray(weights)
    at = 0
    for p in params:
        data = p._data
        if type(data) is float:
            p._data = float(values[at])
            at += 1
        else:
            data[...] = values[at:at + data.size].reshape(data.shape)
            at += data.size


def _load_gradients(params: list[Value], has_grad: list[bool], grads) -> None:
    """The last step's gradients into the parameters' ``.grad`` (None where none reached)."""
    values = np.asarray(grads, dtype=np.float64)
    at = 0
    for p, has in zip(params, has_grad):
        data = p._data
        if not has:
            p._grad = None
        elif type(data) is float:
            p._grad = float(values[at])
            at += 1
        else:  # a slice of this call's own array: nothing else holds it
            p._grad = values[at:at + data.size].reshape(data.shape)
            at += data.size


def _shape(data) -> tuple:
    return np.shape(data) if isinstance(data, np.ndarray) else ()
