"""Tensor helpers for the pure twin: nested lists of floats, and nothing more.

A "tensor" here is a float (rank 0), a list of floats (rank 1), a list of rows
(rank 2), and so on. This module holds the few operations every layer needs:
finding a shape, making zeros, the matrix product, the transpose, and applying
a function element by element. It is not a general array library; each helper
does one job and is written to be read.

The vectorized twin has a module of the same name whose functions do the same
with numpy, so the layers of both twins read alike.
"""
from __future__ import annotations

import math
from typing import Callable, List, Sequence

Matrix = List[List[float]]


def shape(x) -> tuple:
    """The shape of a nested list, read along its first elements: [[1, 2, 3]] -> (1, 3)."""
    dims = []
    while isinstance(x, (list, tuple)):
        dims.append(len(x))
        if not x:
            break
        x = x[0]
    return tuple(dims)


def zeros(*dims: int):
    """A tensor of zeros: zeros(2, 3) -> [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]."""
    if len(dims) == 1:
        return [0.0] * dims[0]
    return [zeros(*dims[1:]) for _ in range(dims[0])]


def copy(x):
    """A deep copy of a tensor (floats are immutable, so only the lists are copied)."""
    if isinstance(x, list):
        return [copy(v) for v in x]
    return x


def transpose(a: Matrix) -> Matrix:
    """Rows become columns: a[i][j] -> result[j][i]."""
    return [list(col) for col in zip(*a)]


def matmul(a: Matrix, b: Matrix) -> Matrix:
    """The matrix product c = a b, for a of shape (n, k) and b of shape (k, m).

    Row i of c is the sum over k of a[i][k] times row k of b: we walk the
    rows of b and accumulate them, scaled. A zero a[i][k] contributes
    nothing, so it is skipped; that makes a blank MNIST pixel (most of them)
    cost nothing at all.
    """
    m = len(b[0]) if b else 0
    if m <= 8:
        # A narrow b (a single output neuron, say): one dot product per column
        # costs less than accumulating hundreds of rows of length m.
        columns = transpose(b)
        return [[sum([p * q for p, q in zip(a_row, col)]) for col in columns] for a_row in a]
    out = []
    for a_row in a:
        c_row = [0.0] * m
        for a_ik, b_row in zip(a_row, b):
            if a_ik:
                c_row = [c + a_ik * v for c, v in zip(c_row, b_row)]
        out.append(c_row)
    return out


def matmul_tn(a: Matrix, b: Matrix) -> Matrix:
    """aᵀ b without building aᵀ: for a (n, k) and b (n, m), the (k, m) result.

    This is the weight gradient xᵀ·grad_out: each example n adds the outer
    product of its input row and its gradient row. Zero inputs are skipped.
    """
    k = len(a[0]) if a else 0
    m = len(b[0]) if b else 0
    out = [[0.0] * m for _ in range(k)]
    for a_row, b_row in zip(a, b):
        for i, a_ni in enumerate(a_row):
            if a_ni:
                out[i] = [c + a_ni * v for c, v in zip(out[i], b_row)]
    return out


def matmul_nt(a: Matrix, b: Matrix) -> Matrix:
    """a bᵀ without building bᵀ: for a (n, m) and b (k, m), the (n, k) result.

    Entry (i, j) is the dot product of row i of a with row j of b; this is the
    input gradient grad_out·Wᵀ.
    """
    return [[sum([p * q for p, q in zip(a_row, b_row)]) for b_row in b] for a_row in a]


def column_sums(a: Matrix) -> List[float]:
    """Sum over the rows (the batch axis): the bias gradient."""
    return [sum(col) for col in zip(*a)]


def add_row(a: Matrix, row: Sequence[float]) -> Matrix:
    """Add the same row (a bias) to every row of a."""
    return [[v + r for v, r in zip(a_row, row)] for a_row in a]


def elementwise(f: Callable[[float], float], x):
    """Apply f to every number of a tensor of any rank, keeping its shape."""
    if x and isinstance(x[0], list):
        return [elementwise(f, row) for row in x]
    return [f(v) for v in x]


def elementwise2(f: Callable[[float, float], float], x, y):
    """Apply f to matching numbers of two tensors of the same shape."""
    if x and isinstance(x[0], list):
        return [elementwise2(f, rx, ry) for rx, ry in zip(x, y)]
    return [f(a, b) for a, b in zip(x, y)]


def flatten(x) -> List[float]:
    """All numbers of a tensor in row-major order, as one flat list."""
    if x and isinstance(x[0], list):
        return [v for row in x for v in flatten(row)]
    return list(x)


def reshape(flat: Sequence[float], dims: Sequence[int]):
    """Put a flat list back into nested lists of the given shape (row-major)."""
    if len(dims) == 1:
        return list(flat[:dims[0]])
    step = 1
    for d in dims[1:]:
        step *= d
    return [reshape(flat[i * step:(i + 1) * step], dims[1:]) for i in range(dims[0])]


def all_finite(x) -> bool:
    """True when no number of the tensor is NaN or infinite."""
    if isinstance(x, list):
        return all(all_finite(v) for v in x) if x and isinstance(x[0], list) else \
            all(math.isfinite(v) for v in x)
    return math.isfinite(x)


def argmax(row: Sequence[float]) -> int:
    """Index of the largest value (the first one, on ties)."""
    best = 0
    for i, v in enumerate(row):
        if v > row[best]:
            best = i
    return best
