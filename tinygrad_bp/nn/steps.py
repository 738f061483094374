"""How ``nn.train`` runs a step: built afresh, replayed, or as part of a compiled epoch.

A step is what a PyTorch user writes by hand: the model's forward pass on the step's rows, the
loss, ``zero_grad()``, ``backward()``, ``optimizer.step()``. When no other graph could come
(a known model whose graph depends on shapes only, under a loss of ``nn.losses``), the first
step's graph is recorded (``tg.trace``) and replayed on the next rows: no node is built again.
Under plain SGD a whole epoch of such steps runs as one generated function
(``Trace.compile``) when the graph is small enough to unroll; its first step and, at the end,
its last go through the engine, so the model's nodes show what an uncompiled loop leaves.
"""

from __future__ import annotations

import numpy as np

from ..compiled import Compiled
from ..replay import Trace, trace
from ..value import Value
from . import arguments, losses
from .batching import Examples, takes_indices
from .layers import ArrayLayer
from .neurons import NeuronLayer
from .modules import MLP
from .optim import SGD, Optimizer
from .records import Epoch

class Step:
    """One step of training (``step(x, t, record)``), or an epoch of them (``epoch``)."""

    def __init__(self, model, loss, optimizer: Optimizer, params: list[Value], compile,
                 groups: list[list[Value]]):
        self.model, self.loss, self.optimizer, self.params = model, loss, optimizer, params
        self.replay = replayable(model, loss)
        # a loss taking class indices replays on one-hot rows (the same numbers): indices
        # would be constants of the recorded graph
        self.one_hot = self.replay and takes_indices(loss)
        self.backend = backend(compile, optimizer, self.replay, params)
        self.trace: Trace | None = None
        self.fresh = False  # whether the trace was just recorded on the next step's rows
        self.compiled: Compiled | None = None
        self.reached = False  # whether a gradient has reached a parameter yet
        self.how = "replayed" if self.replay else "built every step"
        self.groups = groups
        self._steps: tuple | None = None  # every step's rows, stacked once (in order)

    def __call__(self, x: np.ndarray, t, record: Epoch, keep_grads: bool = True) -> None:
        """One step, its output and loss added to ``record`` before the update. Unless
        ``keep_grads``, the step's gradients are dropped once used: a replayed step's interior
        ones in backward, the parameters' in the update (an epoch's last step keeps them, so
        the nodes show what the loop leaves)."""
        if self.replay:
            for p in self.params:  # the optimiser's too, even those the graph does not reach
                p._grad = None
            fresh, self.fresh = self.fresh, False
            if self.trace is None:
                self.trace, fresh = trace(self._graph, inputs=[x, t]), True
            if fresh:  # recorded on this step's rows: its nodes hold this step's numbers
                value = self.trace._backward(keep_grads)
            else:
                value = self.trace.step(x, t, keep_grads=keep_grads)  # a new shape: recorded anew
            out = self.trace.outputs[0]
        else:
            x_leaf = Value(x, requires_grad=False)
            t_leaf = t if takes_indices(self.loss) else Value(t, requires_grad=False)
            out = self.model(x_leaf)
            loss = self.loss(out, t_leaf)
            arguments.check_loss(loss)
            for p in self.params:  # zero_grad, without a call: this loop runs every step
                p._grad = None
            loss.backward()
            data = loss.data
            value = data if type(data) is float else loss.item()
        if not self.reached:  # once: a loss that no parameter takes part in trains nothing
            self.reached = any(p._grad is not None for p in self.params)
            if not self.reached:
                raise ValueError("nn.train: the loss does not depend on the model's "
                                 "parameters (no gradient reached them), so there is nothing "
                                 "to train")
        record.add(out, value)
        if keep_grads:
            self.optimizer.step()
        else:
            self.optimizer._step_dropping_grads()

    def _graph(self, x: Value, t: Value) -> tuple[Value, Value]:
        out = self.model(x)
        loss = self.loss(out, t)
        arguments.check_loss(loss)
        return loss, out

    def epoch(self, data: Examples, order, size: int, last: bool, record: Epoch) -> bool:
        """Run an epoch's steps through the compiled function into ``record``; False, having
        run nothing, where it cannot. The very first step of a training goes through the
        engine (it checks the loss reaches the parameters); with ``last`` the epoch's last
        step does too, so every node holds its numbers afterwards."""
        if not self.backend:
            return False
        if data.rows % size:  # a shorter last step would be a second graph to compile
            self.how = (f"replayed (not compiled: {data.rows} rows do not split into steps of "
                        f"{size})")
            return False
        if self._steps is None or order is not None:
            self._steps = stacked_steps(data, order, size, self.one_hot)
        x, t = self._steps
        recorded = False
        if self.trace is None or self.trace.shapes[0] != x.shape[1:]:
            self.trace, recorded = trace(self._graph, inputs=[x[0], t[0]]), True
        if self.compiled is None or self.compiled.trace is not self.trace:
            self._compile()
        assert self.compiled is not None
        if self.compiled.reason:  # the epoch goes step by step, its first on the rows just
            self.fresh = recorded  # recorded: that step's forward is done
            return False
        first = 0
        if not self.reached:
            self(x[0], t[0], record)
            first = 1
        if first < len(x):
            measure = [k - first for k in record.sampled() if k >= first]
            if first:
                x, t = x[first:], t[first:]
            # the same arrays every epoch, unless shuffled: the caller's data, or its float64 copy
            # k networks' losses come from their outputs (the step's loss is their sum)
            steps = self.compiled(x, t, sync=last, measure=measure, same=order is None,
                                  losses=record.models is None)
            record.add_steps(steps.outputs[0], steps.losses, steps.gradients, self.trace.params)
        return True

    def _compile(self) -> None:
        assert self.trace is not None
        lr = self.optimizer.lr if isinstance(self.optimizer, SGD) else 0.0  # SGD: see backend
        self.compiled = self.trace.compile(lr, self.backend, record=self.trace.outputs)
        if self.compiled.reason:
            self.how = f"replayed (not compiled: {self.compiled.reason})"
        else:
            exact = "bit for bit" if self.compiled.exact else "to rounding"
            self.how = f"compiled ({self.compiled.backend}, {exact})"


def replayable(model, loss) -> bool:
    """Whether every step's graph is the first one's on new rows: a known model whose graph
    depends on shapes only (not softmax: it subtracts the data's max), under a loss of
    ``nn.losses`` (one taking class indices gets one-hot rows: indices would be constants)."""
    if type(model) is MLP:
        layers = model.layers
    elif type(model) in (ArrayLayer, NeuronLayer):
        layers = [model]
    else:
        return False
    return (all(type(layer) in (ArrayLayer, NeuronLayer) and layer.activation != "softmax"
                for layer in layers)
            and getattr(loss, "__module__", None) == losses.__name__)


def backend(compile, optimizer: Optimizer, replay: bool, params: list[Value]) -> str:
    """The compiled backend to use, "" for none: plain SGD over every parameter compiles."""
    if not (compile is True or compile is False or compile in ("auto", "python", "numba")):
        raise ValueError(f"nn.train: compile must be 'auto', 'python', 'numba' or False, "
                         f"not {compile!r}")
    if (not compile or not replay or type(optimizer) is not SGD or optimizer.momentum
            or len(optimizer.params) != len(params)):
        return ""
    return "numba" if compile == "numba" else "python"


def stacked_steps(data: Examples, order, size: int,
                  one_hot: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Every step's model input and target, step first: what ``data.step`` gives, stacked
    (one-hot rows instead of class indices with ``one_hot``)."""
    x, t = data.inputs, data.expected if one_hot else data.targets
    if order is not None:
        x, t = np.take(x, order, axis=-2), np.take(t, order, axis=-2)
    n = data.rows // size
    if data.models is None:
        return (x, t) if size == 1 else (x.reshape(n, size, -1), t.reshape(n, size, -1))
    k = data.models  # columns: step s gives (k, width, size)
    return (x.reshape(k, n, size, -1).transpose(1, 0, 3, 2),
            t.reshape(k, n, size, -1).transpose(1, 0, 3, 2))
