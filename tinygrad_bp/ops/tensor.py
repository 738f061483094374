"""Operations on whole arrays: products, reductions, changes of shape, indexing and its adjoint."""

from __future__ import annotations

import numpy as np

from .base import (Op, broadcast_to, kept_shape, reshape, scatter_add, shape_of, swap_last_axes,
                   transpose)


class MatMul(Op):
    """y = a @ b;  da = g @ b.T,  db = a.T @ g"""

    name, symbol = "matmul", "@"
    formula, derivatives = "y = a @ b", ("da = g @ b.T", "db = a.T @ g")
    gives = "new"

    @staticmethod
    def forward(a, b):
        return a @ b

    # A 1-d operand is a row (on the left) or a column (on the right) whose new axis numpy
    # drops from y; put it back, use the 2-d rule, then drop it again.
    @staticmethod
    def da(g, y, a, b):
        if a.ndim == 1 and b.ndim == 1:
            return g * b
        if a.ndim == 1:
            return (b @ g[..., None])[..., 0]
        if b.ndim == 1:
            return g[..., None] * b
        return g @ swap_last_axes(b)

    @staticmethod
    def db(g, y, a, b):
        if a.ndim == 1 and b.ndim == 1:
            return g * a
        if a.ndim == 1:
            return a[:, None] * g[..., None, :]
        if b.ndim == 1:
            return (swap_last_axes(a) @ g[..., None])[..., 0]
        if type(b) is np.ndarray and b.ndim == 2 and a.ndim == 2 and b.flags.f_contiguous \
                and not b.flags.c_contiguous:
            # b is a transposed view (a layer's W.T): the same numbers, computed straight into
            # W's own order, so W's gradient and its update run over contiguous memory
            return swap_last_axes(swap_last_axes(g) @ a)
        return swap_last_axes(a) @ g


class Sum(Op):
    """y = sum(a, axis);  da = g copied back along the summed axes"""

    name, symbol = "sum", "sum"
    formula, derivatives = "y = sum(a, axis)", ("da = g copied back along the summed axes",)

    @staticmethod
    def forward(a, axis, keepdims):
        if type(a) is np.ndarray:  # the method skips np.sum's dispatch: it matters in hot loops
            return a.sum(axis=axis, keepdims=keepdims)
        return np.sum(a, axis=axis, keepdims=keepdims)

    @staticmethod
    def da(g, y, a, axis, keepdims):
        shape = shape_of(a)
        if axis is not None and not keepdims:
            g = reshape(g, kept_shape(shape, axis))
        return broadcast_to(g, shape)


class Reshape(Op):
    """y = reshape(a, shape);  da = reshape(g, a.shape)"""

    name, symbol = "reshape", "reshape"
    formula, derivatives = "y = reshape(a, shape)", ("da = reshape(g, a.shape)",)
    gives = "view of g"

    @staticmethod
    def forward(a, shape):
        return np.reshape(a, shape)

    @staticmethod
    def da(g, y, a, shape):
        return reshape(g, shape_of(a))


class Transpose(Op):
    """y = transpose(a, axes);  da = transpose(g, inverse of axes)"""

    name, symbol = "transpose", "T"
    formula, derivatives = "y = transpose(a, axes)", ("da = transpose(g, inverse of axes)",)
    gives = "view of g"

    @staticmethod
    def forward(a, axes):
        return transpose(a, axes)

    @staticmethod
    def da(g, y, a, axes):
        return transpose(g, inverse_permutation(axes))


def inverse_permutation(axes: tuple) -> tuple:
    """The axes that undo ``transpose(., axes)``; numpy also takes -1 for the last axis."""
    ndim = len(axes)
    inverse = [0] * ndim
    for i, axis in enumerate(axes):
        inverse[axis % ndim] = i
    return tuple(inverse)


class GetItem(Op):
    """y = a[index];  da = zeros like a, with g added at [index]"""

    name, symbol = "getitem", "[]"
    formula, derivatives = "y = a[index]", ("da = zeros like a, with g added at [index]",)

    @staticmethod
    def forward(a, index):
        return a[index]

    @staticmethod
    def da(g, y, a, index):
        return scatter_add(g, shape_of(a), index)


class ScatterAdd(Op):
    """y = zeros(shape), with a added at [index];  da = g[index]"""

    # The adjoint of indexing, as a primitive so that an indexing's gradient has a gradient.
    name, symbol = "scatter_add", "[]+="
    formula, derivatives = "y = zeros(shape), with a added at [index]", ("da = g[index]",)

    @staticmethod
    def forward(a, shape, index):
        return scatter_add(a, shape, index)

    @staticmethod
    def da(g, y, a, shape, index):
        return g[index]


class Stack(Op):
    """y = stack(a_0, ..., a_n);  da_i = g[i]"""

    name, symbol = "stack", "stack"
    formula, derivatives = "y = stack(a_0, ..., a_n)", ("da_i = g[i]",)

    @staticmethod
    def forward(*inputs):
        return np.stack(inputs)

    @staticmethod
    def backward(g, y, *inputs):
        return tuple(g)
