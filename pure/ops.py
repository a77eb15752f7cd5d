"""Tensor helpers for the pure twin: nested lists of floats, and nothing more.

A "tensor" here is a float (rank 0), a list of floats (rank 1), a list of rows
(rank 2), and so on. This module holds the few operations every layer needs:
the matrix products of a dense layer, one way to walk nested lists
(`map_rows`), and small helpers built on it. It is not a general array
library; each helper does one job and is written to be read: the matrix
products are the three nested loops of their formula. pure/fast.py holds
faster loops that give the same numbers bit for bit, and swaps them in for
these (`pure.fast.enable()`, on by default); call them as `ops.matmul(...)`
so that the swap reaches you.

Arithmetic is IEEE arithmetic, as in numpy: 0 * inf and 0 * NaN are NaN, so
a NaN or an infinity anywhere in a product shows up in its result. The
vectorized twin has a module of the same name whose functions do the same
with numpy, so the layers of both twins read alike.
"""
from __future__ import annotations

import math
from typing import Callable, List, Sequence

Matrix = List[List[float]]


def matmul(a: Matrix, b: Matrix) -> Matrix:
    """The matrix product c = a b, for a of shape (n, k) and b of shape (k, m):

        c[i][j] = Σ_k a[i][k] b[k][j]

    (pure.fast swaps in a faster loop with the same numbers, bit for bit.)

    >>> matmul([[1.0, 2.0]], [[3.0, 4.0], [5.0, 6.0]])
    [[13.0, 16.0]]
    """
    n, k, m = len(a), len(b), len(b[0]) if b else 0
    c = [[0.0] * m for _ in range(n)]
    for i in range(n):
        for j in range(m):
            for p in range(k):
                c[i][j] += a[i][p] * b[p][j]
    return c


def matmul_tn(a: Matrix, b: Matrix) -> Matrix:
    """aᵀ b without building aᵀ: for a (n, k) and b (n, m), the (k, m) result

        c[i][j] = Σ_n a[n][i] b[n][j]

    This is the weight gradient xᵀ·grad_out: each example adds the outer
    product of its input row and its gradient row.

    >>> matmul_tn([[1.0, 2.0]], [[3.0, 4.0]])
    [[3.0, 4.0], [6.0, 8.0]]
    """
    n, k, m = len(a), len(a[0]) if a else 0, len(b[0]) if b else 0
    c = [[0.0] * m for _ in range(k)]
    for i in range(k):
        for j in range(m):
            for p in range(n):
                c[i][j] += a[p][i] * b[p][j]
    return c


def matmul_nt(a: Matrix, b: Matrix) -> Matrix:
    """a bᵀ without building bᵀ: for a (n, m) and b (k, m), the (n, k) result

        c[i][j] = Σ_m a[i][m] b[j][m]

    Entry (i, j) is the dot product of row i of a with row j of b, added up by
    sum(); this is the input gradient grad_out·Wᵀ.

    >>> matmul_nt([[1.0, 2.0]], [[3.0, 4.0], [5.0, 6.0]])
    [[11.0, 17.0]]
    """
    n, k, m = len(a), len(b), len(a[0]) if a else 0
    c = [[0.0] * k for _ in range(n)]
    for i in range(n):
        for j in range(k):
            c[i][j] = sum((a[i][p] * b[j][p] for p in range(m)), 0.0)
    return c


def column_sums(a: Matrix) -> List[float]:
    """Sum over the rows (the batch axis): the bias gradient.

    >>> column_sums([[1.0, 2.0], [3.0, 4.0]])
    [4.0, 6.0]
    """
    return [sum(col) for col in zip(*a)]


def add_row(a: Matrix, row: Sequence[float]) -> Matrix:
    """Add the same row (a bias) to every row of a.

    >>> add_row([[1.0, 2.0], [3.0, 4.0]], [10.0, 20.0])
    [[11.0, 22.0], [13.0, 24.0]]
    """
    return [[v + r for v, r in zip(a_row, row)] for a_row in a]


def transpose(a: Matrix) -> Matrix:
    """Rows become columns: a[i][j] -> result[j][i].

    >>> transpose([[1.0, 2.0, 3.0]])
    [[1.0], [2.0], [3.0]]
    """
    return [list(col) for col in zip(*a)]


# ---------------------------------------------------------------- walking nested lists


def map_rows(f: Callable, *tensors):
    """Apply f to the innermost rows of tensors of one shape; the results nest like the tensors.

    This is the one function that walks nested lists of any depth: a batch of
    vectors is a list of rows, a batch of images a list of lists of rows...
    f receives one row of each tensor (lists of numbers) and returns a row.

    >>> map_rows(lambda r: [2 * v for v in r], [[[1.0, 2.0]], [[3.0, 4.0]]])
    [[[2.0, 4.0]], [[6.0, 8.0]]]
    >>> map_rows(lambda p, g: [a - b for a, b in zip(p, g)], [1.0, 2.0], [0.5, 0.5])
    [0.5, 1.5]
    """
    first = tensors[0]
    if not first or not isinstance(first[0], (list, tuple)):
        return f(*tensors)                                   # a row
    if first[0] and isinstance(first[0][0], (list, tuple)):
        return [map_rows(f, *parts) for parts in zip(*tensors)]
    return [f(*parts) for parts in zip(*tensors)]            # a matrix (the usual case): a list of rows


def rows(x) -> list:
    """The innermost rows of a tensor, in row-major order (as map_rows visits them).

    >>> rows([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]])
    [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]
    """
    found = []
    map_rows(found.append, x)
    return found


def elementwise2(f: Callable[[float, float], float], x, y):
    """Apply f to matching numbers of two tensors of the same shape.

    >>> elementwise2(lambda p, t: p - t, [[1.0, 2.0]], [[0.5, 0.5]])
    [[0.5, 1.5]]
    """
    return map_rows(lambda rx, ry: list(map(f, rx, ry)), x, y)


def copy(x):
    """A deep copy of a tensor (floats are immutable, so only the lists are copied)."""
    return map_rows(list, x) if isinstance(x, list) else x


def flatten(x) -> List[float]:
    """All numbers of a tensor in row-major order, as one flat list.

    >>> flatten([[1.0, 2.0], [3.0, 4.0]])
    [1.0, 2.0, 3.0, 4.0]
    """
    return [v for row in rows(x) for v in row]


def all_finite(x) -> bool:
    """True when no number of the tensor (nested lists of any depth, or a number) is NaN or infinite.

    >>> all_finite([[1.0, 2.0], [3.0, float("nan")]])
    False
    """
    if not isinstance(x, (list, tuple)):
        return x is None or math.isfinite(x)
    return all(all(map(math.isfinite, row)) for row in rows(x))


# ---------------------------------------------------------------- shapes


def shape(x) -> tuple:
    """The shape of a nested list, read along its first elements.

    >>> shape([[1.0, 2.0, 3.0]])
    (1, 3)
    """
    dims = []
    while isinstance(x, (list, tuple)):
        dims.append(len(x))
        if not x:
            break
        x = x[0]
    return tuple(dims)


def zeros(*dims: int):
    """A tensor of zeros.

    >>> zeros(2, 3)
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    if len(dims) == 1:
        return [0.0] * dims[0]
    return [zeros(*dims[1:]) for _ in range(dims[0])]


def zeros_like(x):
    """Zeros in the shape of x.

    >>> zeros_like([[1.0, 2.0]])
    [[0.0, 0.0]]
    """
    return map_rows(lambda row: [0.0] * len(row), x)


def reshape(flat: Sequence[float], dims: Sequence[int]):
    """Put a flat list back into nested lists of the given shape (row-major).

    >>> reshape([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], (2, 3))
    [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    """
    if len(dims) == 1:
        return list(flat[:dims[0]])
    step = 1
    for d in dims[1:]:
        step *= d
    return [reshape(flat[i * step:(i + 1) * step], dims[1:]) for i in range(dims[0])]


def argmax(row: Sequence[float]) -> int:
    """Index of the largest value (the first one, on ties).

    >>> argmax([0.1, 0.7, 0.2, 0.7])
    1
    """
    best = 0
    for i, v in enumerate(row):
        if v > row[best]:
            best = i
    return best
