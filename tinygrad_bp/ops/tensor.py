"""Operations on whole arrays: products, reductions and changes of shape."""

from __future__ import annotations

import numpy as np

from .base import Op, swap_last_axes


class MatMul(Op):
    """y = a @ b;  da = g @ b.T,  db = a.T @ g"""

    name, symbol = "matmul", "@"

    @staticmethod
    def forward(a, b):
        return a @ b

    @staticmethod
    def backward(g, y, a, b):
        # A 1-d operand is a row (on the left) or a column (on the right) whose new axis
        # numpy drops from y; put it back, use the 2-d rule, then drop it again.
        if a.ndim == 1 and b.ndim == 1:
            return g * b, g * a
        if a.ndim == 1:
            return (b @ g[..., None])[..., 0], a[:, None] * g[..., None, :]
        if b.ndim == 1:
            return g[..., None] * b, (swap_last_axes(a) @ g[..., None])[..., 0]
        return g @ swap_last_axes(b), swap_last_axes(a) @ g


class Sum(Op):
    """y = sum(a, axis);  da = g copied back along the summed axes"""

    name, symbol = "sum", "sum"

    @staticmethod
    def forward(a, axis, keepdims):
        if type(a) is np.ndarray:  # the method skips np.sum's dispatch: it matters in hot loops
            return a.sum(axis=axis, keepdims=keepdims)
        return np.sum(a, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(g, y, a, axis, keepdims):
        if axis is not None and not keepdims:
            g = np.expand_dims(g, axis)
        shape = a.shape if type(a) is np.ndarray else ()
        return (np.zeros(shape) + g,)  # faster than np.broadcast_to for small arrays


class Reshape(Op):
    """y = reshape(a, shape);  da = reshape(g, a.shape)"""

    name, symbol = "reshape", "reshape"

    @staticmethod
    def forward(a, shape):
        return np.reshape(a, shape)

    @staticmethod
    def backward(g, y, a, shape):
        return (np.reshape(g, np.shape(a)),)


class Transpose(Op):
    """y = transpose(a, axes);  da = transpose(g, inverse of axes)"""

    name, symbol = "transpose", "T"

    @staticmethod
    def forward(a, axes):
        return np.transpose(a, axes)

    @staticmethod
    def backward(g, y, a, axes):
        # argsort inverts a permutation written with axes >= 0; numpy also takes -1 for the last
        return (np.transpose(g, np.argsort([axis % np.ndim(a) for axis in axes])),)


class GetItem(Op):
    """y = a[index];  da = zeros like a, with g added at [index]"""

    name, symbol = "getitem", "[]"

    @staticmethod
    def forward(a, index):
        return a[index]

    @staticmethod
    def backward(g, y, a, index):
        da = np.zeros(np.shape(a))
        np.add.at(da, index, g)  # add.at, not +=, so a repeated index collects every g
        return (da,)


class Stack(Op):
    """y = stack(a_0, ..., a_n);  da_i = g[i]"""

    name, symbol = "stack", "stack"

    @staticmethod
    def forward(*inputs):
        return np.stack(inputs)

    @staticmethod
    def backward(g, y, *inputs):
        return tuple(g)
