"""Record a training step's graph once, then replay it on new data: ``trace`` and ``Trace``.

A training loop builds the same graph every step: the model, the loss, on new rows. Building
it costs more than the arithmetic on small networks (a node per operation, a walk to sort them).
``trace`` records the graph of one step; ``Trace.step(*data)`` puts new data into its input
leaves and runs the same nodes forward (``engine.recompute``) and backward (``engine.backward``
with the recorded order). Nothing is built again, and every node still holds its data and
gradient for anyone who looks: the model's layers show the last step's outputs and deltas.

``Trace.compile(lr)`` goes one step further for small networks: the ops' own rules, run on
symbolic numbers (``symbolic``), write the step and its SGD update as straight-line Python
(``Trace.source``), so a whole epoch runs as one generated function (see ``compiled``).

    x, e = tg.Value(rows[0], requires_grad=False), tg.Value(targets[0], requires_grad=False)
    loss = half_squared_error(model(x), e)
    step = tg.trace(loss, inputs=[x, e])      # parameters: every leaf that needs a gradient
    for row, target in zip(rows, targets):
        step.step(row, target)                # forward and backward: each .grad is this row's
        optimizer.step()

Inputs must be leaves of the graph. An op whose inputs all need no gradient makes a constant
that forgets them, so pass a function when the inputs would not reach the loss otherwise:
``tg.trace(lambda x, e: half_squared_error(model(x), e), inputs=[row, target])`` builds the
graph with every input linked, and builds it again when data of another shape comes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from . import engine
from .grad_mode import linked
from .value import Value


def trace(loss, inputs: Sequence = (), params: Sequence[Value] | None = None) -> Trace:
    """Record one training step's graph for ``Trace.step`` to replay (see the module docstring).

    - ``loss``: the step's loss, a Value holding one number whose graph reads ``inputs``; or a
      function ``loss(*input_values)`` returning it (or a tuple ``(loss, *outputs)``, whose
      other Values ``Trace.outputs`` keeps, refreshed by every step).
    - ``inputs``: the leaves that take each step's data: Values of ``loss``'s graph, or the
      first step's data (numbers, arrays, Values) when ``loss`` is a function.
    - ``params``: the leaves whose gradients each step fills afresh; every leaf that requires a
      gradient (and is not an input) by default, in the order of the backward walk's
      topological order.
    """
    if isinstance(loss, Value):
        return Trace(None, loss, list(inputs), (), params)
    if not callable(loss):
        raise TypeError(f"trace: loss must be a Value or a function building one, "
                        f"not {type(loss).__name__}")
    return Trace(loss, *_build(loss, inputs), params)


def _build(fn: Callable, data: Sequence) -> tuple[Value, list[Value], tuple]:
    """Call ``fn`` on fresh input leaves, every op linked to them (``grad_mode.linked``)."""
    if not engine.is_grad_enabled():
        raise RuntimeError("trace: inside no_grad() no graph is recorded")
    leaves = [Value(d.data if isinstance(d, Value) else d, requires_grad=False) for d in data]
    with linked():
        result = fn(*leaves)
    root, *outputs = result if isinstance(result, tuple) else (result,)
    if not isinstance(root, Value) or not all(isinstance(v, Value) for v in outputs):
        raise TypeError("trace: the function must return the loss Value, or a tuple of "
                        f"Values starting with the loss, not {_kind(result)}")
    return root, leaves, tuple(outputs)


def _kind(x) -> str:
    return f"a tuple of {[type(v).__name__ for v in x]}" if isinstance(x, tuple) else \
        type(x).__name__


def _shape(data) -> tuple:
    return () if type(data) is float else data.shape


def _as_data(x, shape: tuple, where: str):
    """``x`` as a leaf's data: a float, or a float64 array (the caller's own when it is one)."""
    if type(x) is float or (type(x) is np.ndarray and x.dtype == np.float64):
        data = x
    else:
        data = np.asarray(x.data if isinstance(x, Value) else x, dtype=np.float64)
    if type(data) is np.ndarray and data.ndim == 0:
        data = float(data)
    if _shape(data) != shape:
        raise _ShapeChange(f"{where} has shape {_shape(data)}, but the graph was recorded "
                           f"for shape {shape}")
    return data


class _ShapeChange(ValueError):
    pass


class Trace:
    """A recorded step (made by ``tg.trace``): ``step(*data)`` replays it forward and backward,
    ``compile(lr)`` writes it as code. Attributes: ``loss`` (the root), ``inputs``, ``params``,
    ``outputs``, ``order`` (the op nodes, inputs first) and ``shapes`` (the input shapes it was
    recorded for)."""

    loss: Value
    inputs: list[Value]
    params: list[Value]
    outputs: tuple
    leaves: list[Value]
    order: list[Value]
    shapes: list[tuple]

    def __init__(self, build: Callable | None, loss: Value, inputs: list[Value],
                 outputs: tuple, params: Sequence[Value] | None) -> None:
        self._build, self._params_given = build, None if params is None else list(params)
        self._source: str | None = None
        self._record(loss, inputs, outputs)

    def _record(self, loss: Value, inputs: list[Value], outputs: tuple) -> None:
        if not isinstance(loss, Value) or loss.size != 1 or loss._op is None:
            what = (f"shape {loss.shape}" if loss.size != 1 else "a leaf (no graph)") \
                if isinstance(loss, Value) else type(loss).__name__
            raise ValueError(f"trace: the loss must be a Value holding one number computed by "
                             f"ops, not {what}")
        leaves = [n for n in engine.topological_order(loss) if n._op is None]
        ids = {id(n) for n in leaves}
        for i, leaf in enumerate(inputs):
            if not isinstance(leaf, Value):
                raise TypeError(f"trace: input {i} is {type(leaf).__name__}, not a Value of "
                                "the loss's graph (or pass a function as the loss)")
            if leaf._op is not None or id(leaf) not in ids:
                raise ValueError(
                    f"trace: input {i} (shape {leaf.shape}) is not a leaf of the loss's graph; "
                    "an op whose inputs all need no gradient makes a constant that forgets "
                    "them, so pass a function instead: trace(lambda *inputs: ..., inputs=data)")
        inputs_ids = {id(v) for v in inputs}
        if self._params_given is None:
            params = [n for n in leaves if n.requires_grad and id(n) not in inputs_ids]
        else:
            params = self._params_given
            for i, p in enumerate(params):
                if not isinstance(p, Value) or id(p) not in ids or id(p) in inputs_ids:
                    raise ValueError(f"trace: params[{i}] is not a leaf of the loss's graph "
                                     "other than an input")
        self.loss, self.inputs, self.params, self.outputs = loss, list(inputs), params, outputs
        self.leaves = leaves
        self.order = engine.topological_order(loss, leaves=False)
        self.shapes = [_shape(v._data) for v in inputs]

    def step(self, *data, keep_grads: bool = True) -> float:
        """Forward and backward on new input data; returns the loss.

        Each parameter's gradient is this step's alone (reset first, then filled). Data of
        another shape than recorded is built afresh when ``trace`` was given a function, and a
        ``ValueError`` naming the input otherwise. With ``keep_grads=False`` the interior
        nodes' gradients are dropped as soon as they are used (``engine.backward``): a
        training loop's steps before its last need only the parameters'.
        """
        inputs = self.inputs
        if len(data) != len(inputs):
            raise TypeError(f"Trace.step takes {len(inputs)} inputs' data, got {len(data)}")
        try:
            values = [_as_data(d, shape, f"Trace.step: input {i}")
                      for i, (d, shape) in enumerate(zip(data, self.shapes))]
        except _ShapeChange as error:
            if self._build is None:
                raise ValueError(f"{error}; a graph of another shape must be recorded again "
                                 "(pass trace a function, and it records it for you)") from None
            self._record(*_build(self._build, data))
            self._source = None
            return self._backward(keep_grads)  # built on these very data: nothing to recompute
        for leaf, value in zip(self.inputs, values):
            leaf._data = value
        engine.recompute(self.order)
        return self._backward(keep_grads)

    def _backward(self, keep_grads: bool) -> float:
        """The step's backward on the data its nodes hold (``step`` after recompute, or a
        graph just recorded on the step's own data); returns the loss."""
        for p in self.params:
            p._grad = None
        engine.backward(self.loss, self.order, keep_grads=keep_grads)
        value = self.loss._data
        return value if type(value) is float else float(value.reshape(()))

    def compile(self, lr: float, backend: str = "python", record: Sequence[Value] | None = None,
                max_ops: int = 20_000):
        """The SGD training of this graph, ``p -= lr * dloss/dp`` after every step, as one
        function over many steps' data: a ``Compiled``, called on the steps' rows.

        ``backend``: "python" (generated Python, no dependency) or "numba" (the same code as
        machine code; ``pip install 'tinygrad_bp[fast]'``). ``record``: the nodes whose data
        every step reports in ``Steps.outputs`` (``outputs`` by default). A graph of more than
        about ``max_ops`` scalar operations a step, or with an op that has no symbolic form,
        gives a ``Compiled`` that replays instead, whose ``reason`` says why."""
        from .compiled import compile_sgd  # here: compiling is the rarer use

        return compile_sgd(self, lr, backend, self.outputs if record is None else record,
                           max_ops)

    @property
    def source(self) -> str:
        """The generated Python of the SGD steps: straight-line backprop to read.

        The reason, instead, when this graph cannot be compiled (``lr`` is an argument of the
        generated function, so the source does not depend on it)."""
        if self._source is None:
            from .codegen import python_source

            self._source = python_source(self)
        return self._source

    def __repr__(self) -> str:
        return (f"Trace({len(self.order)} op nodes, inputs {self.shapes}, "
                f"{len(self.params)} parameters)")
