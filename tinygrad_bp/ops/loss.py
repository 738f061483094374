"""Losses as primitive ops: one node each, whose rule is the gradient people write by hand.

In every op here ``a`` is what the model computed and ``b`` the target. The squared error's
target may be a Value with a gradient of its own; the cross-entropies' targets are data (their
loss functions in ``nn.losses`` refuse a target that wants a gradient), so their backward
returns ``None`` for ``b``. ``n`` is what a loss averages over: the rows (cross-entropy) or the
elements (binary cross-entropy).

The engine runs these ops' array forwards and every rule with numpy's warnings off
(``grad_mode.silence``), since inf and nan are answers, so a rule needs no ``np.errstate`` of
its own (which per call costs as much as a small batch's arithmetic). A forward on two Python
floats runs as plain arithmetic, without that: the binary cross-entropies, whose numbers may
be scalar Values, keep their own.
"""

from __future__ import annotations

import numpy as np

from .base import Op, div, exp, greater, largest, log, positive, total, where
from .elementwise import Sigmoid

BCE_LOG_FLOOR = -100.0
"""torch.nn.functional.binary_cross_entropy clamps each log at -100, so p = 0 or 1 costs 100."""
BCE_SLOPE_FLOOR = float(np.float32(1e-12))
"""torch's floor under p * (1 - p) in the gradient: 1e-12 as a float32, 9.99999996e-13."""


class HalfSquaredError(Op):
    """y = sum((b - a) ** 2) / 2;  da = g * (a - b),  db = g * (b - a)"""

    # a is the output, b the expected value. One node instead of four (subtract, square, sum,
    # halve): a drawing shows the error term on the output's edge, and a training step does
    # less bookkeeping. da = -(b - a) exactly, so -dE/da through a sigmoid is the tutorial's
    # delta to the last bit.
    name, symbol = "half_squared_error", "½Σ(b−a)²"
    formula, derivatives = "y = sum((b - a) ** 2) / 2", ("da = g * (a - b)", "db = g * (b - a)")

    @staticmethod
    def forward(a, b):
        d = b - a
        squares = d * d
        return (squares.sum() if type(squares) is np.ndarray else squares) * 0.5

    @staticmethod
    def da(g, y, a, b):
        return g * (a - b)

    @staticmethod
    def db(g, y, a, b):
        return g * (b - a)


class LogSoftmax(Op):
    """y = a - log(sum(exp(a), axis));  da = g - exp(y) * sum(g, axis)"""

    # exp(y) is softmax(a): the rule reuses the output instead of computing softmax again.
    # Subtracting the largest entry first keeps exp from overflowing (finite at a = ±1000) and
    # the sum at least 1, so log never sees 0.
    name, symbol = "log_softmax", "log softmax"
    formula, derivatives = "y = a - log(sum(exp(a), axis))", ("da = g - exp(y) * sum(g, axis)",)

    @staticmethod
    def forward(a, axis):
        # the ufuncs' own reductions: the array methods' Python wrappers cost as much again
        shifted = a - largest(a, axis)  # inf - inf: nan, as torch
        return shifted - np.log(np.add.reduce(np.exp(shifted), axis=axis, keepdims=True))

    @staticmethod
    def backward(g, y, a, axis):
        return (g - exp(y) * g.sum(axis=axis, keepdims=True),)


def _one_where_no_weight(a, b):
    """``a`` with 1 added wherever ``b`` is 0, so that ``b * log(a)`` there is 0, not nan.

    A class the target gives no weight costs nothing whatever its probability, 0 included:
    0 * log 0 counts as its limit, 0 (where b > 0 nothing changes, to the bit).
    """
    return a + (1.0 - positive(b))


class CrossEntropy(Op):
    """y = -sum(b * log(a)) / n;  da = -g * b / a / n"""

    # a holds probabilities (a row of shape (C,) or n rows of shape (n, C)), b the target rows
    # (one-hot, or class probabilities). Written in the order the composition
    # -(b * log(a)).sum(-1).mean() computes it, so its numbers are that composition's.
    name, symbol = "cross_entropy", "−Σb·log a"
    formula, derivatives = "y = -sum(b * log(a)) / n", ("da = -g * b / a / n",)

    @staticmethod
    def forward(a, b):
        n = 1.0 if a.ndim == 1 else float(a.shape[0])
        rows = -(b * log(_one_where_no_weight(a, b))).sum(axis=-1)
        return rows.sum() / n

    @staticmethod
    def backward(g, y, a, b):
        n = 1.0 if a.ndim == 1 else float(a.shape[0])
        return div(-(g / n) * b, _one_where_no_weight(a, b)), None


class CrossEntropyWithLogits(Op):
    """y = -sum(b * log_softmax(a)) / n;  da = g * (softmax(a) * sum(b) - b) / n"""

    # a holds scores (logits), b the target rows as for CrossEntropy; sum(b) is each row's
    # total, 1 for one-hot rows, which makes da the familiar (softmax(a) - b) / n. One node for
    # log-softmax and cross-entropy together: a training step walks one node, not a dozen.
    name, symbol = "cross_entropy_with_logits", "CE(softmax a, b)"
    formula = "y = -sum(b * log_softmax(a)) / n"
    derivatives = ("da = g * (softmax(a) * sum(b) - b) / n",)

    @staticmethod
    def forward(a, b):
        n = 1.0 if a.ndim == 1 else float(a.shape[0])
        terms = b * LogSoftmax.forward(a, -1)
        loss = _minus_mean_of_rows(terms, n)
        # nan: maybe from 0 * log 0 (b = 0 where a is -inf), which counts as 0
        if type(loss) is float:
            return _minus_mean_of_rows(np.where(b > 0.0, terms, 0.0), n) if loss != loss else loss
        # symbolic numbers (codegen's): the generated code decides, as this line does
        return where(loss != loss, _minus_mean_of_rows(where(greater(b, 0.0), terms, 0.0), n),
                     loss)

    @staticmethod
    def backward(g, y, a, b):
        n = 1.0 if a.ndim == 1 else float(a.shape[0])
        e = exp(a - largest(a, -1))  # softmax(a) times each row's sum(e)
        # the row factors g * sum(b) / (n * sum(e)) first: two passes over the batch, not five
        per_row = (g / n) * total(b, -1) / total(e, -1)
        return e * per_row - b * (g / n), None


def _minus_mean_of_rows(terms: np.ndarray, n: float) -> float:
    """``-sum(terms) / n``, each row's terms added first, then the rows."""
    rows = np.add.reduce(terms, axis=-1)
    total = np.add.reduce(rows, axis=None) if np.ndim(rows) else rows  # one row: its sum
    return -(float(total) if isinstance(total, np.floating) else total) / n


class BinaryCrossEntropy(Op):
    """y = -mean(b * log(a) + (1 - b) * log(1 - a));  da = g * (a - b) / (a * (1 - a)) / n"""

    # As torch computes it: each log is clamped at -100 (BCE_LOG_FLOOR), so a = 0 or 1 gives a
    # finite loss, and a * (1 - a) in da is floored at torch's 1e-12 (BCE_SLOPE_FLOOR), so
    # da is finite too (about ±1e12 at a wrong 0 or 1, 0 at a right one). That da is torch's,
    # not the slope of the clamped loss (which is 0 where the clamp bites).
    name, symbol = "binary_cross_entropy", "BCE"
    formula = "y = -mean(b * log(a) + (1 - b) * log(1 - a))"
    derivatives = ("da = g * (a - b) / (a * (1 - a)) / n",)

    @staticmethod
    def forward(a, b):
        with np.errstate(divide="ignore"):  # log 0 = -inf, clamped
            log_a = np.maximum(np.log(a), BCE_LOG_FLOOR)
            log_not_a = np.maximum(np.log1p(-a), BCE_LOG_FLOOR)
        terms = (b - 1.0) * log_not_a - b * log_a
        return terms.sum() / float(np.size(a))

    @staticmethod
    def backward(g, y, a, b):
        n = float(np.size(a))
        spread = (1.0 - a) * a
        above = positive(spread - BCE_SLOPE_FLOOR)  # 1 where spread exceeds the floor
        return div(g * (a - b), spread * above + BCE_SLOPE_FLOOR * (1.0 - above)) / n, None


class BinaryCrossEntropyWithLogits(Op):
    """y = mean((1 - b) * a - log(sigmoid(a)));  da = g * (sigmoid(a) - b) / n"""

    # log(sigmoid(a)) = min(a, 0) - log(1 + exp(-|a|)): exp never overflows, so the loss is
    # finite at a = ±1000. The same as max(a, 0) - a * b + log(1 + exp(-|a|)), arranged as
    # torch arranges it so that infinite scores give torch's answers (nan where it has nan).
    name, symbol = "binary_cross_entropy_with_logits", "BCE(σ a, b)"
    formula = "y = mean((1 - b) * a - log(sigmoid(a)))"
    derivatives = ("da = g * (sigmoid(a) - b) / n",)

    @staticmethod
    def forward(a, b):
        log_sigmoid = np.minimum(a, 0.0) - np.log1p(exp(-np.abs(a)))
        with np.errstate(invalid="ignore"):  # inf - inf at an infinite score: nan, as torch
            terms = (1.0 - b) * a - log_sigmoid
        return terms.sum() / float(np.size(a))

    @staticmethod
    def backward(g, y, a, b):
        return g * (Sigmoid.forward(a) - b) / float(np.size(a)), None
