"""Tensor helpers for the pure twin: nested lists of floats, and nothing more.

A "tensor" here is a float (rank 0), a list of floats (rank 1), a list of rows
(rank 2), and so on. This module holds the few operations every layer needs:
the matrix products of a dense layer, one way to walk nested lists
(`map_rows`), and small helpers built on it. It is not a general array
library; each helper does one job and is written to be read.

Arithmetic is IEEE arithmetic, as in numpy: 0 * inf and 0 * NaN are NaN, so
a NaN or an infinity anywhere in a product shows up in its result. The
vectorized twin has a module of the same name whose functions do the same
with numpy, so the layers of both twins read alike.
"""
from __future__ import annotations

import math
from functools import reduce
from operator import add, mul
from typing import Callable, List, Sequence

Matrix = List[List[float]]


def matmul(a: Matrix, b: Matrix) -> Matrix:
    """The matrix product c = a b, for a of shape (n, k) and b of shape (k, m):

        c[i][j] = Σ_k a[i][k] b[k][j]

    Row i of c is the sum over k of a[i][k] times row k of b: we walk the
    rows of b and accumulate them, scaled.

    >>> matmul([[1.0, 2.0]], [[3.0, 4.0], [5.0, 6.0]])
    [[13.0, 16.0]]
    """
    if mostly_nonzero(a):
        return matmul_by_columns(a, b)          # speed: the same numbers, see there
    m = len(b[0]) if b else 0
    finite = finite_rows(b)
    out = []
    for a_row in a:
        c_row = [0.0] * m
        for k, a_ik in enumerate(a_row):
            if a_ik or not finite[k]:          # speed: see finite_rows
                c_row = [c + a_ik * v for c, v in zip(c_row, b[k])]
        out.append(c_row)
    return out


def matmul_tn(a: Matrix, b: Matrix) -> Matrix:
    """aᵀ b without building aᵀ: for a (n, k) and b (n, m), the (k, m) result

        c[i][j] = Σ_n a[n][i] b[n][j]

    This is the weight gradient xᵀ·grad_out: each example n adds the outer
    product of its input row and its gradient row. A row i that no example
    touched (x[n][i] = 0 everywhere, as for a blank pixel) is zeros: one
    shared, read-only ZeroRow.

    >>> matmul_tn([[1.0, 2.0]], [[3.0, 4.0]])
    [[3.0, 4.0], [6.0, 8.0]]
    """
    k = len(a[0]) if a else 0
    m = len(b[0]) if b else 0
    out = [None] * k                           # None: a row of zeros so far (speed: see add_scaled)
    for a_row, b_row, b_finite in zip(a, b, finite_rows(b)):
        for i, a_ni in enumerate(a_row):
            if a_ni or not b_finite:           # speed: see finite_rows
                out[i] = add_scaled(out[i], a_ni, b_row)      # out[i] + a_ni * b_row
    zero = ZeroRow(m)                          # the rows no example touched (speed: see ZeroRow)
    return [zero if row is None else row for row in out]


def matmul_nt(a: Matrix, b: Matrix) -> Matrix:
    """a bᵀ without building bᵀ: for a (n, m) and b (k, m), the (n, k) result

        c[i][j] = Σ_m a[i][m] b[j][m]

    Entry (i, j) is the dot product of row i of a with row j of b; this is the
    input gradient grad_out·Wᵀ.

    >>> matmul_nt([[1.0, 2.0]], [[3.0, 4.0], [5.0, 6.0]])
    [[11.0, 17.0]]
    """
    return [[dot(a_row, b_row) for b_row in b] for a_row in a]


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


# ---------------------------------------------------------------- speed


def finite_rows(b: Matrix) -> list:
    """For each row of b: True when every number in it is finite (False may also mean "unsure").

    What it buys: matmul and matmul_tn skip a zero multiplier a[i][k] when row
    k of b is finite, since 0 * v then adds exactly nothing (c + 0.0 == c, and
    c, which starts at +0.0, is never -0.0). A blank MNIST pixel (81% of them)
    then costs nothing: on a batch of 32 digits matmul (x W) runs 2.5x and
    matmul_tn (xᵀ g) 4.4x faster (measured). A row holding NaN or inf is never skipped, so
    0 * inf = NaN shows up as IEEE arithmetic (and numpy) say: the results are
    exactly those of the plain loop without the `if`.

    One sum per matrix decides in the common case: a sum is finite only if
    every term is (a NaN or an infinity makes it NaN or infinite). If the sum
    is not finite (or overflows), each row is judged by its own sum.

    >>> finite_rows([[1.0, 2.0], [float("inf"), 0.0]])
    [True, False]
    """
    if math.isfinite(sum(map(sum, b))):
        return [True] * len(b)
    return [math.isfinite(sum(row)) for row in b]


def dot(a_row: Sequence[float], b_row: Sequence[float]) -> float:
    """Σ_m a[m] b[m]: the plain loop is sum([p * q for p, q in zip(a_row, b_row)]).

    What it buys: map(mul, ...) multiplies in C instead of a Python loop, so
    matmul_nt (grad_out · Wᵀ) runs about 1.5-1.8x faster on rows of 10-32
    numbers (measured, CPython 3.11). The products are the same IEEE products
    in the same order and the built-in sum adds them exactly as it adds the
    list (on Python 3.12+ that is a compensated sum, the same in both), so the
    result is the plain loop's bit for bit, NaN and inf included.

    >>> dot([1.0, 2.0], [3.0, 4.0])
    11.0
    """
    return sum(map(mul, a_row, b_row))


def mostly_nonzero(a: Matrix) -> bool:
    """True when fewer than a quarter of the numbers in a are zeros: then matmul_by_columns is faster.

    >>> mostly_nonzero([[1.0, 2.0, 3.0, 0.0, 5.0]]), mostly_nonzero([[0.0, 2.0]])
    (True, False)
    """
    size = sum(map(len, a))
    return size > 0 and 4 * sum(row.count(0.0) for row in a) < size


def matmul_by_columns(a: Matrix, b: Matrix) -> Matrix:
    """matmul(a, b) computed as dot products with the columns of b: c[i][j] = Σ_k a[i][k] b[k][j].

    What it buys: when a has few zeros (nothing for finite_rows to skip),
    reduce(add, map(mul, ...)) runs the sum over k in C instead of a Python
    loop: series A's Dense 1352 -> 10 forward for one example takes 0.63 ms
    instead of 1.07 ms, a batch of 32 through Dense 128 -> 10 1.6 ms instead of
    2.9 (measured, CPython 3.11). matmul keeps its rows for sparse inputs such
    as MNIST pixels, where skipping zeros wins.
    Exact: each c[i][j] is 0.0 + a[i][0] b[0][j] + a[i][1] b[1][j] + ...,
    added one product at a time in the order of k, exactly as matmul's row
    loop adds them (its skipped terms add exactly nothing, see finite_rows),
    so the results are the same bit for bit, NaN and inf included.

    >>> matmul_by_columns([[1.0, 2.0]], [[3.0, 4.0], [5.0, 6.0]])
    [[13.0, 16.0]]
    """
    columns = list(zip(*b))
    return [[reduce(add, map(mul, a_row, column), 0.0) for column in columns] for a_row in a]


def add_scaled(c_row, a: float, b_row: Sequence[float]) -> List[float]:
    """c_row + a * b_row, number by number, where c_row None stands for a row of zeros.

    The plain loop is [c + a * v for c, v in zip(c_row, b_row)] with c_row
    starting as [0.0] * len(b_row). What it buys: a first product onto zeros
    needs no row of zeros to zip with, which makes it about 1.4x (rows of 10)
    and 1.3x (rows of 32) faster; a per-example weight gradient (matmul_tn of
    one example) is nothing but first products (measured, CPython 3.11).
    Exact: 0.0 + a * v is computed just as with the zero row (the 0.0 + turns
    a -0.0 into +0.0, as the plain loop does), NaN and inf included.

    >>> add_scaled(None, 2.0, [1.0, -0.0]), add_scaled([1.0, 1.0], 2.0, [1.0, 3.0])
    ([2.0, 0.0], [3.0, 7.0])
    """
    if c_row is None:
        return [0.0 + a * v for v in b_row]
    return [c + a * v for c, v in zip(c_row, b_row)]


class ZeroRow(list):
    """A read-only row of +0.0: in a weight gradient, the rows that no example touched.

    What it buys: in per-example training on MNIST, about 630 of the 784 rows
    of the first layer's weight gradient are zeros (blank pixels), and a zero
    row leaves its weights as they are. matmul_tn gives all of them as one
    shared ZeroRow, and the optimizer recognises it by its type, without
    reading it: SGD keeps those weight rows as they are (see
    optimizers._minus_scaled). Per-example SGD on 784-32-10 trains about 1.6x
    faster (measured with benchmarks/speed.py, whose batch-1 row this is).
    Exact: it holds only +0.0, and p - lr * (+0.0) is p for every p, -0.0,
    NaN and infinities included (for a finite lr).
    Read-only, because one list stands for many rows: changing it in place
    raises TypeError (assign a new list instead); list(row) or row[:] is an
    ordinary list. It prints, compares and serialises as a list of zeros.

    >>> row = ZeroRow(3)
    >>> row, row == [0.0, 0.0, 0.0], isinstance(row, list)
    ([0.0, 0.0, 0.0], True, True)
    """

    def __init__(self, length: int):
        list.__init__(self, [0.0] * length)

    def _read_only(self, *args, **kwargs):
        raise TypeError("this row of zeros of a gradient is shared and read-only: "
                        "assign a new list (e.g. grads['W'][i] = [...]) instead of changing it in place")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only
    append = extend = insert = pop = remove = clear = sort = reverse = _read_only

    def __reduce__(self):              # a copy (copy.copy, deepcopy, pickle) is an ordinary list
        return list, (list(self),)
