"""Faster loops for the pure twin: the same numbers as the plain loops, bit for bit, behind one switch.

The functions a reader reads (ops.matmul, conv.conv_forward, optimizers.descend, ...)
are the plainest loops that state their math. This module holds, for a few of
them, a variant that runs the same arithmetic faster, and swaps it in:

    import pure
    pure.fast.enabled()     # True: the default
    pure.fast.disable()     # the plain loops everywhere (PURE_FAST=0 in the environment does this at import)
    pure.fast.enable()      # the variants below again

SWAPS, at the end of this file, is the whole table: which plain function each
variant replaces (module attribute by module attribute, nothing else changes).
The layers and the optimizer call those functions through their module
(`ops.matmul(...)`, not a name imported before the swap), so the swap reaches
them. What a user holds is alike with the switch on or off: plain lists
(`type(row) is list`) that can be changed in place, no row shared within a
tensor or between tensors a layer holds (the one difference: after an SGD step
the new weights may share with the old ones the rows the step left unchanged).

What it buys, altogether (benchmarks/README.md, "The plain loops and
pure.fast", CPython 3.11, 2026-12-07): training runs 4.1x faster than on the
plain loops for an MLP 784-32-10 at batch 32, 4.3x one example at a time, 3.8x
for series A's CNN. Variant by variant (measured on CPython 3.11 at the time
each was written; the conv and pool ones again on 2026-12-07):

    matmul       rows of b added, scaled, skipping the zeros of a (a blank pixel is
                 81% of MNIST), or, for inputs with few zeros, dot products with
                 the columns of b in C
    matmul_tn    the same for xᵀ·grad_out; a row no example touched is a fresh [0.0] * m
    matmul_nt    dot products with the products made in C (sum(map(mul, ...)))
    descend      SGD's p - lr * step: a weight row whose step is all zeros is kept, not computed
    conv_forward, conv_backward, pool_forward, pool_backward: patches and windows
                 cut by slicing, sums in C; each says its speed-up below

Why each is exact (NaN, inf and -0.0 included; tests/test_fast.py checks every
one bit for bit against the plain loop, on inputs full of ±0.0, NaN and inf):

- A plain loop's sum c starts at +0.0 and adds its terms in order. A sum is -0.0
  only when both terms are, so c is never -0.0, and adding ±0.0 leaves it as it
  is. So a term that is certainly ±0.0 may be left out: a * v with a = ±0.0 and v
  finite. When v may be NaN or inf (0 * inf = NaN), the term is never left out:
  a row of b is skipped only when it is known to be finite (finite_rows).
- The variants add the same products in the same order, with the same operation:
  `+` one at a time (reduce(add, ...)) where the plain loop writes `+=`, the
  built-in sum() where it writes sum() (on Python 3.12+ sum() is a compensated
  sum; the variants never swap one for the other).
- descend keeps a weight row p when its step row s is all ±0.0 (`not any(s)`:
  NaN counts as true), lr is finite and p holds no zero of either sign: then
  lr * s[i] is ±0.0, and p[i] - (±0.0) is p[i] for every p[i] that is not a
  zero, inf and NaN included. A zero weight (-0.0 - lr * (-0.0) is +0.0), an lr
  of inf or NaN (inf * 0.0 is NaN) or any nonzero step takes the loop. The new
  weights then share the rows the step left unchanged with the old ones (the
  plain step makes new rows); a step never changes a row in place.
"""
from __future__ import annotations

import math
import os
import sys
from functools import reduce
from itertools import chain, cycle

from . import conv, ops, optimizers
from .portable import add, mul, product

ON_PYPY = sys.implementation.name == "pypy"     # a JIT: comprehensions beat C iterators there
ON_MICROPYTHON = sys.implementation.name == "micropython"


# ----------------------------------------------------------------------------- ops: the matrix products


def finite_rows(b) -> list:
    """For each row of b: True when every number in it is finite (False may also mean "unsure").

    One sum per matrix decides in the common case: a sum is finite only if every
    term is (a NaN or an infinity makes it NaN or infinite). If the sum is not
    finite (or overflows), each row is judged by its own sum.

    >>> finite_rows([[1.0, 2.0], [float("inf"), 0.0]])
    [True, False]
    """
    if math.isfinite(sum(map(sum, b))):
        return [True] * len(b)
    return [math.isfinite(sum(row)) for row in b]


def mostly_nonzero(a) -> bool:
    """True when fewer than a quarter of the numbers in a are zeros: then matmul_by_columns is faster.

    >>> mostly_nonzero([[1.0, 2.0, 3.0, 0.0, 5.0]]), mostly_nonzero([[0.0, 2.0]])
    (True, False)
    """
    size = sum(map(len, a))
    return size > 0 and 4 * sum(row.count(0.0) for row in a) < size


def matmul(a, b):
    """ops.matmul: row i of c is the sum over k of a[i][k] times row k of b, skipping the terms
    a[i][k] = ±0.0 whose row k of b is finite (they add exactly nothing, see the module's docstring).

    Buys 2.5x on a batch of 32 digits (x W, 81% blank pixels). Inputs with few zeros go to
    matmul_by_columns instead.

    >>> matmul([[1.0, 0.0, 2.0]], [[3.0, 4.0], [float("inf"), 1.0], [5.0, 6.0]])    # 0 · inf is NaN
    [[nan, 16.0]]
    """
    if mostly_nonzero(a):
        return matmul_by_columns(a, b)
    m = len(b[0]) if b else 0
    finite = finite_rows(b)
    out = []
    for a_row in a:
        c_row = [0.0] * m
        for k, a_ik in enumerate(a_row):
            if a_ik or not finite[k]:
                c_row = [c + a_ik * v for c, v in zip(c_row, b[k])]
        out.append(c_row)
    return out


def matmul_by_columns(a, b):
    """ops.matmul as dot products with the columns of b, the sum over k in C: each c[i][j] is
    0.0 + a[i][0] b[0][j] + a[i][1] b[1][j] + ..., in the plain loop's order.

    Buys 1.7x for series A's Dense 1352 -> 10 forward of one example (few zeros to skip).

    >>> matmul_by_columns([[1.0, 2.0]], [[3.0, 4.0], [5.0, 6.0]])
    [[13.0, 16.0]]
    """
    columns = list(zip(*b))
    return [[reduce(add, map(mul, a_row, column), 0.0) for column in columns] for a_row in a]


def add_scaled(c_row, a: float, b_row):
    """c_row + a * b_row, number by number, where c_row None stands for a row of zeros.

    A first product onto zeros needs no row of zeros to zip with: 1.3-1.4x on rows
    of 10-32. 0.0 + a * v is computed just as the plain loop does (the 0.0 + turns
    a -0.0 into +0.0).

    >>> add_scaled(None, 2.0, [1.0, -0.0]), add_scaled([1.0, 1.0], 2.0, [1.0, 3.0])
    ([2.0, 0.0], [3.0, 7.0])
    """
    if c_row is None:
        return [0.0 + a * v for v in b_row]
    return [c + a * v for c, v in zip(c_row, b_row)]


def matmul_tn(a, b):
    """ops.matmul_tn (the weight gradient xᵀ·grad_out): each example adds a[n][i] times its row of b to
    row i of c, skipping a[n][i] = ±0.0 when that row of b is finite. A row no example touched is a
    fresh [0.0] * m, what the plain loop gives (its terms are all ±0.0, added to +0.0).

    Buys 4.4x on a batch of 32 digits; per example, most of the 784 rows are untouched.

    >>> matmul_tn([[1.0, 0.0]], [[3.0, 4.0]])
    [[3.0, 4.0], [0.0, 0.0]]
    """
    k = len(a[0]) if a else 0
    m = len(b[0]) if b else 0
    if len(a) == 1 and finite_rows(b)[0]:               # one example (per-example training): one pass
        b_row = b[0]
        return [[0.0 + a_i * v for v in b_row] if a_i else [0.0] * m for a_i in a[0]]
    out = [None] * k                                    # None: a row of zeros so far
    for a_row, b_row, b_finite in zip(a, b, finite_rows(b)):
        for i, a_ni in enumerate(a_row):
            if a_ni or not b_finite:
                out[i] = add_scaled(out[i], a_ni, b_row)
    return [[0.0] * m if row is None else row for row in out]


def matmul_nt(a, b):
    """ops.matmul_nt (the input gradient grad_out·Wᵀ): each entry a dot product whose products
    map(mul, ...) makes in C, given to sum() in the plain loop's order. Buys 1.5-1.8x on rows of 10-32.

    >>> matmul_nt([[1.0, 2.0]], [[3.0, 4.0], [5.0, 6.0]])
    [[11.0, 17.0]]
    """
    return [[sum(map(mul, a_row, b_row), 0.0) for b_row in b] for a_row in a]


# ----------------------------------------------------------------------------- optimizers: SGD's step


def descend(param, step, lr):
    """optimizers.descend (param - lr * step), a weight row kept as it is when its step row is all
    zeros, the row holds no zero weight and lr is finite (why this is exact: the module's docstring).

    Buys: per-example SGD on MNIST, where about 630 of the first layer's 784 gradient rows are
    zeros (blank pixels). The check (any(), then `in`) costs about 0.37 µs a row of 32, against
    1.1 µs for the loop and its new list.

    >>> descend([[2.0, 3.0], [1.0, -0.0]], [[0.0, -0.0], [0.0, -0.0]], 0.5)    # the second row: the loop
    [[2.0, 3.0], [1.0, 0.0]]
    """
    if not math.isfinite(lr):
        return plain_descend(param, step, lr)
    if not (param and isinstance(param[0], list)) or (param[0] and isinstance(param[0][0], list)):  # not a matrix:
        return ops.map_rows(lambda p, s: descend([p], [s], lr)[0], param, step)    # each row as a matrix of one
    return [p if not any(s) and 0.0 not in p else [pi - lr * si for pi, si in zip(p, s)]   # every p[i] - lr * (±0.0)
            for p, s in zip(param, step)]                                                # is p[i]: p is kept


# ----------------------------------------------------------------------------- conv: the same loops, reordered


def im2col(x_pad, kernel, stride, out_h: int, out_w: int):
    """Every patch of a padded batch, by kernel position: row (c, p, q) holds x̃[n][c][i·sh + p][j·sw + q]
    for every (n, i, j), in that order (the vectorized twin's im2col, with the example axis first).

    >>> im2col([[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]], (2, 2), (1, 1), 1, 2)
    [[1.0, 2.0], [2.0, 3.0], [4.0, 5.0], [5.0, 6.0]]
    """
    (kh, kw), (sh, sw) = kernel, stride
    last = sw * (out_w - 1) + 1
    return [[v for image in x_pad for i in range(out_h) for v in image[c][i * sh + p][q:q + last:sw]]
            for c, p, q in product(range(len(x_pad[0])), range(kh), range(kw))]


def conv_forward(x_pad, W, b, stride, out_h: int, out_w: int):
    """conv.conv_forward with every dot product computed by C iterators, and computed once per
    distinct patch: 9-10x faster than the loop on CPython for an MNIST digit (5-6x for random pixels).

    The loop computes b[o] + sum(W[o][c][p][q] · x̃[...] for (c, p, q)) at every (n, o, i, j).
    Here each image's patches are cut once (a row i at a time: one strided slice per (c, p, q),
    zipped into one tuple per j, (c, p, q) inside). Equal patches have equal outputs, and a digit
    is mostly background: about 2 patches in 3 repeat one seen before, so distinct_patches keeps
    each once and says where each patch's equal is. Filter o multiplies all the distinct patches
    in one map() (the filter repeated by cycle()); zip(*[products] * k) hands each patch's k
    products, in order, to sum(): the same products to the same sum() in the same order as the
    loop. PyPy's JIT runs these iterators 5x slower than comprehensions; there,
    conv_forward_by_rows runs instead.
    """
    if ON_PYPY:
        return conv_forward_by_rows(x_pad, W, b, stride, out_h, out_w)
    (kh, kw), (sh, sw) = (len(W[0][0]), len(W[0][0][0])), stride
    last = sw * (out_w - 1) + 1
    filters = [[v for plane in w_o for row in plane for v in row] for w_o in W]    # W[o] flat, (c, p, q) order
    k = len(filters[0])
    y = []
    for image in x_pad:
        patches = []                                            # one tuple per (i, j), (c, p, q) inside
        for i in range(out_h):
            under = [plane[i * sh + p][q:q + last:sw] for plane in image for p in range(kh) for q in range(kw)]
            patches += zip(*under)                # under[(c, p, q)][j] is x̃[n][c][i·sh + p][j·sw + q]
        distinct, where = distinct_patches(patches)
        values = list(chain.from_iterable(distinct))            # the distinct patches, one after the other
        planes = []
        for o, f in enumerate(filters):
            sums = list(map(sum, zip(*[map(mul, cycle(f), values)] * k)))     # one per distinct patch
            if len(distinct) < len(patches):
                sums = list(map(sums.__getitem__, where))                      # one per (i, j), row-major
            if b is not None:
                sums = [b[o] + s for s in sums]
            planes.append([sums[i * out_w:(i + 1) * out_w] for i in range(out_h)])
        y.append(planes)
    return y


def distinct_patches(patches):
    """(the distinct patches, in order of first appearance; for each patch, the position of its equal
    among them). One dict lookup a patch: 0.1 ms for a 28x28 digit's 676 patches.

    Exact for the convolution: tuples are equal when their numbers are (a NaN only equals the same
    NaN object), so equal patches hold the same numbers bit for bit except, perhaps, the sign of a
    zero; and the sign of a zero changes no sum of products: its products are ±0.0 (or the same
    NaN), and adding ±0.0 leaves every partial sum of sum() as it is (sum() starts at +0.0, and a
    sum is -0.0 only when both terms are, so it never holds -0.0), and the compensation term of
    Python 3.12's sum() too. tests/test_conv.py checks it on images of repeating zeros of both
    signs, inf and NaN.

    >>> distinct_patches([(1.0, 2.0), (3.0, 4.0), (1.0, 2.0), (-0.0, 0.0), (0.0, 0.0)])
    ([(1.0, 2.0), (3.0, 4.0), (-0.0, 0.0)], [0, 1, 0, 2, 2])
    """
    first = {}
    where = [first.setdefault(patch, len(first)) for patch in patches]
    return list(first), where


def conv_forward_by_rows(x_pad, W, b, stride, out_h: int, out_w: int):
    """conv_forward for PyPy: the patches cut by slicing, a row of outputs at a time.

    9x faster than the plain loop on PyPy (4.4x on CPython). For each output row i, the kh rows
    of every channel under the kernel are sliced into one patch per j, in the (c, p, q) order,
    and each output is b[o] + sum(map(mul, filter, patch)): the loop's sum, as above.
    """
    (kh, kw), (sh, sw) = (len(W[0][0]), len(W[0][0][0])), stride
    filters = [[v for plane in w_o for row in plane for v in row] for w_o in W]    # W[o] flat, (c, p, q) order
    y = []
    for image in x_pad:
        planes = [[] for _ in filters]                                         # y[n][o], one row i at a time
        for i in range(out_h):
            rows = [plane[i * sh + p] for plane in image for p in range(kh)]   # the rows under the kernel
            patches = [[v for row in rows for v in row[left:left + kw]] for left in range(0, out_w * sw, sw)]
            for o, (plane, f) in enumerate(zip(planes, filters)):
                sums = [sum(map(mul, f, patch)) for patch in patches]
                plane.append(sums if b is None else [b[o] + s for s in sums])
        y.append(planes)
    return y


def conv_backward(x_pad, W, g, stride, need_input_grad: bool):
    """conv.conv_backward a row at a time, zero gradients left out when they may be: 4-7x faster.

    db[o] and dW[o][c][p][q] are sums over (n, i, j) in the loop's order: sum(g row o) and
    sum(map(mul, g row o, im2col row (c, p, q))), the same terms to the same sum(). When every
    pixel of x̃ is finite, the terms with g = 0 are ±0.0, and a sum (which starts at +0.0, so is
    never -0.0) is unchanged by adding ±0.0: they are left out. Behind a 2x2 max-pool that is 3
    terms in 4. With a NaN or an infinity in x̃, every term is added, as 0·inf = NaN requires.
    The input gradient adds g·W[o][c][p][q] to a strided slice of a row of dx̃ at a time, q from
    the last to the first, so that each pixel receives its terms in the loop's (o, i, j) order.
    Measured (series A's conv behind a max-pool): the filter gradient 5.6x faster on CPython,
    7.5x on PyPy; with the input gradient 3.6x and 8x.
    """
    kernel = (len(W[0][0]), len(W[0][0][0]))
    (kh, kw), (sh, sw) = kernel, stride
    N, n_out, out_h, out_w, C = len(g), len(W), len(g[0][0]), len(g[0][0][0]), len(x_pad[0])
    cols = im2col(x_pad, kernel, stride, out_h, out_w)
    g_rows = [[v for n in range(N) for row in g[n][o] for v in row] for o in range(n_out)]   # g[n][o][i][j], (n, i, j)
    db = [sum(g_o) for g_o in g_rows]
    finite = math.isfinite(sum(sum(map(sum, plane)) for image in x_pad for plane in image))
    dW = []
    for g_o in g_rows:
        if finite:                                      # leave out the terms with g = 0: see above
            kept = [k for k, v in enumerate(g_o) if v != 0.0]       # a NaN is kept: NaN != 0.0
            g_kept = [g_o[k] for k in kept]
            dW_o = [sum(map(mul, g_kept, [col[k] for k in kept])) if kept else 0.0 for col in cols]
        else:
            dW_o = [sum(map(mul, g_o, col)) for col in cols]
        dW.append(ops.reshape(dW_o, (C, kh, kw)))
    if not need_input_grad:
        return dW, db, None
    dx_pad = [ops.zeros(C, len(image[0]), len(image[0][0])) for image in x_pad]
    last = sw * (out_w - 1) + 1
    for n, o, c, i, p in product(range(N), range(n_out), range(C), range(out_h), range(kh)):
        g_row, d_row = g[n][o][i], dx_pad[n][c][i * sh + p]
        for q in reversed(range(kw)):
            w = W[o][c][p][q]
            d_row[q:q + last:sw] = [d + gv * w for d, gv in zip(d_row[q:q + last:sw], g_row)]
    return dW, db, dx_pad


def pool_forward(x, size, stride, out_h: int, out_w: int, pool_one):
    """conv.pool_forward with the windows cut by slicing, and for MaxPool2D max() and tuple.index().

    Buys 3.3x on CPython, 2.5x on PyPy (a 2x2 max-pool of 8x26x26). The windows of a plane come
    from zip(*rows), one row per offset (p, q): the loop's windows, in the same order. For
    MaxPool2D's own _pool, without a NaN, max(window) compares as the loop does (`v > best`: the
    first maximum is kept) and window.index(best) is the loop's offset; a plane whose sum is NaN
    (it holds a NaN, or both infinities), or any other pooling, goes through `pool_one`, the loop's.
    """
    (kh, kw), (sh, sw) = size, stride
    last = sw * (out_w - 1) + 1
    is_max = getattr(pool_one, "__func__", None) is conv.MaxPool2D._pool
    y, memo = [], []
    for image in x:
        y.append([])
        memo.append([])
        for plane in image:
            rows = [[v for i in range(out_h) for v in plane[i * sh + p][q:q + last:sw]]
                    for p, q in product(range(kh), range(kw))]
            windows = list(zip(*rows))                          # one per (i, j), values row-major
            total = sum(map(sum, plane)) if is_max else None
            if is_max and total == total:                      # no NaN in the plane (NaN != NaN)
                pooled = list(map(max, windows))
                memos = list(map(tuple.index, windows, pooled))
            else:
                pooled, memos = zip(*map(pool_one, map(list, windows)))
            y[-1].append([list(pooled[i * out_w:(i + 1) * out_w]) for i in range(out_h)])
            memo[-1].append([list(memos[i * out_w:(i + 1) * out_w]) for i in range(out_h)])
    return y, memo


def pool_backward(grad_out, memo, size, stride, in_dims, unpool_one):
    """conv.pool_backward, for MaxPool2D without adding the 0.0 each other window position gets.

    Buys 11x on CPython, 8-12x on PyPy for MaxPool2D (2x2 windows). Leaving out `d += 0.0` changes
    nothing: d starts at +0.0 and a sum is -0.0 only when both terms are, so d is never -0.0, and
    d + 0.0 == d for every other d, NaN and infinities included. Each plane is one flat list
    while the gradients are added (the index of pixel (r, s) is r·width + s), in the loop's
    (i, j) order, then cut into rows. Any other pooling takes the loop.
    """
    if getattr(unpool_one, "__func__", None) is not conv.MaxPool2D._unpool:
        return plain_pool_backward(grad_out, memo, size, stride, in_dims, unpool_one)
    N, C, height, width = in_dims
    (kh, kw), (sh, sw) = size, stride
    out_h, out_w = len(grad_out[0][0]), len(grad_out[0][0][0])
    corners = [i * sh * width + j * sw for i in range(out_h) for j in range(out_w)]   # window (i, j)'s (0, 0)
    offsets = [p * width + q for p, q in product(range(kh), range(kw))]             # memo p·kw + q
    grad_in = []
    for n in range(N):
        grad_in.append([])
        for c in range(C):
            d_flat = [0.0] * (height * width)
            wheres = map(offsets.__getitem__, chain.from_iterable(memo[n][c]))
            for at, g in zip(map(add, corners, wheres), chain.from_iterable(grad_out[n][c])):
                d_flat[at] += g
            grad_in[n].append([d_flat[r * width:(r + 1) * width] for r in range(height)])
    return grad_in


# ----------------------------------------------------------------------------- the switch

# (module, name, fast variant): the whole table of what enable() swaps in
SWAPS = [
    (ops, "matmul", matmul),
    (ops, "matmul_tn", matmul_tn),
    (ops, "matmul_nt", matmul_nt),
    (optimizers, "descend", descend),
    (conv, "conv_forward", conv_forward),
    (conv, "conv_backward", conv_backward),
    (conv, "pool_forward", pool_forward),
    (conv, "pool_backward", pool_backward),
]

# the plain functions, as their modules define them (taken before any swap)
PLAIN = {(module.__name__, name): getattr(module, name) for module, name, _ in SWAPS}
plain_descend = PLAIN["pure.optimizers", "descend"]
plain_pool_backward = PLAIN["pure.conv", "pool_backward"]


def enable() -> None:
    """Swap the fast variants in for the plain functions they replace (see SWAPS)."""
    for module, name, fast in SWAPS:
        setattr(module, name, fast)


def disable() -> None:
    """Put the plain functions back: every layer and optimizer runs the loops it is read as."""
    for module, name, _ in SWAPS:
        setattr(module, name, PLAIN[module.__name__, name])


def enabled() -> bool:
    """True when the fast variants are in (all of them: enable() and disable() swap the whole table)."""
    return all(getattr(module, name) is fast for module, name, fast in SWAPS)


# MicroPython keeps the plain loops: the variants need C iterators it lacks (chain.from_iterable,
# a list's bound __getitem__), and its os has no environ.
if ON_MICROPYTHON:
    pass
elif os.environ.get("PURE_FAST", "1").strip().lower() not in ("0", "off", "false", "no"):
    enable()
