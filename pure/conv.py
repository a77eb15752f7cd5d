"""Convolutional layers: Conv2D (cross-correlation), MaxPool2D and AvgPool2D.

Images travel in batches of shape (N, C, H, W): N examples of C channels of
H rows of W pixels, as nested lists. A convolution slides a small kernel over
each image; at every position (i, j) it takes the patch of pixels under the
kernel, every channel, and gives one dot product per filter. `Conv2D.forward`
is that sentence as loops. A kernel kh x kw, stride s and padding p (zeros
around the image) give H' = (H + 2p - kh) // s + 1 rows (and the same for W').
Pooling gives each window of one channel one number: its max, or its mean.

The vectorized twin gathers every patch into one matrix (im2col) and
multiplies it by the filters. Not here: dilated, grouped or transposed
convolutions; pooling has no padding and drops windows that do not fit.
"""
from __future__ import annotations

import random
import sys
from itertools import chain, cycle, product
from math import isfinite
from operator import add, mul
from typing import Optional

from . import init as initializers
from .checks import (check_grad_shape, check_images, check_sizes, conv_output_shape, output_size, pair,  # noqa: F401
                     pool_output_shape, require_forward)
from .layers import Layer
from .ops import reshape, zeros


class Conv2D(Layer):
    """2-D convolution: cross-correlation with `out_channels` kernels, plus a bias (as in PyTorch).

    Shapes: x (N, C, H, W), W (O, C, kh, kw), b (O,), y (N, O, H', W'), with
    H' = (H + 2 ph - kh) // sh + 1 and W' = (W + 2 pw - kw) // sw + 1.
    kernel_size, stride and padding are one int or a pair (height, width).

    Forward, x̃ being x with the zero padding (ph rows above and below, pw columns either side):

        y[n][o][i][j] = b[o] + Σ_c Σ_p Σ_q W[o][c][p][q] · x̃[n][c][i·sh + p][j·sw + q]

    i.e. the dot product of filter o with the patch of x̃ under the kernel at (i, j).

    Gradients, for grad_out g = dL/dy of shape (N, O, H', W'):

        dL/db[o]          = Σ_n Σ_i Σ_j g[n][o][i][j]
        dL/dW[o][c][p][q] = Σ_n Σ_i Σ_j g[n][o][i][j] · x̃[n][c][i·sh + p][j·sw + q]
        dL/dx̃[n][c][i·sh + p][j·sw + q]  += Σ_o g[n][o][i][j] · W[o][c][p][q]   for every i, j, p, q
        dL/dx = dL/dx̃ with the padding cut off

    Patch by patch: filter o's gradient gains g·patch, and the patch's pixels
    get back g·(filter o), added where the patch was read (patches overlap).

    bias=False leaves out b. Initial weights are drawn like Dense's: `init`
    with fan_in = C·kh·kw and fan_out = O·kh·kw, W row-major, then b.

    >>> layer = Conv2D(1, 1, 2, seed=0)
    >>> layer.params["W"] = [[[[1.0, 0.0], [0.0, -1.0]]]]          # pixel (i, j) minus pixel (i+1, j+1)
    >>> layer.forward([[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]])
    [[[[-4.0, -4.0]]]]
    """

    fast = True     # forward/backward through the fast helpers at the end of this file (bit for bit the same)

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 init="xavier", bias_init="zeros", seed: Optional[int] = None,
                 rng: Optional[random.Random] = None, bias: bool = True):
        check_sizes("Conv2D", in_channels=in_channels, out_channels=out_channels)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = pair(kernel_size, "kernel_size", "Conv2D")
        self.stride = pair(stride, "stride", "Conv2D")
        self.padding = pair(padding, "padding", "Conv2D", minimum=0)
        self.bias = bool(bias)
        super().__init__()
        kh, kw = self.kernel_size
        fan_in, fan_out = in_channels * kh * kw, out_channels * kh * kw
        rng = initializers.make_rng(seed, rng)
        self.params["W"] = initializers.get(init)((out_channels, in_channels, kh, kw), fan_in, fan_out, rng)
        if self.bias:
            self.params["b"] = initializers.get(bias_init)((out_channels,), fan_in, fan_out, rng)
        self.grads = {name: None for name in self.params}
        self.x_padded, self.in_dims = None, None

    def output_shape(self, input_shape):
        return conv_output_shape(self.label, input_shape, self.in_channels, self.out_channels,
                                 self.kernel_size, self.stride, self.padding)

    def forward(self, x):
        N, C, height, width = check_images(x, self.label)
        n_out, out_h, out_w = self.output_shape((C, height, width))          # checks channels and sizes first
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        W, b = self.params["W"], self.params["b"] if self.bias else [0.0] * n_out
        self.in_dims = (N, C, height, width)
        self.x_padded = x_pad = [pad(image, ph, pw) for image in x]   # x̃: x with its zero padding
        if self.fast:
            return fast_conv_forward(x_pad, W, b if self.bias else None, self.kernel_size, self.stride,
                                     out_h, out_w)
        y = zeros(N, n_out, out_h, out_w)
        for n, o, i, j in product(range(N), range(n_out), range(out_h), range(out_w)):
            y[n][o][i][j] = b[o] + sum(W[o][c][p][q] * x_pad[n][c][i * sh + p][j * sw + q]
                                       for c, p, q in product(range(C), range(kh), range(kw)))
        return y

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.x_padded)
        N, C, height, width = self.in_dims
        n_out, out_h, out_w = self.output_shape((C, height, width))
        check_grad_shape(self.label, grad_out, (N, n_out, out_h, out_w))
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        W, x_pad, g = self.params["W"], self.x_padded, grad_out
        if self.fast:
            dW, db, dx_pad = fast_conv_backward(x_pad, W, g, self.kernel_size, self.stride, need_input_grad)
        else:
            positions = list(product(range(N), range(out_h), range(out_w)))           # every (n, i, j)
            db = [sum(g[n][o][i][j] for n, i, j in positions) for o in range(n_out)]
            dW = zeros(n_out, C, kh, kw)
            for o, c, p, q in product(range(n_out), range(C), range(kh), range(kw)):
                dW[o][c][p][q] = sum(g[n][o][i][j] * x_pad[n][c][i * sh + p][j * sw + q] for n, i, j in positions)
            if need_input_grad:
                dx_pad = [zeros(C, len(image[0]), len(image[0][0])) for image in x_pad]    # dL/dx̃
                for n, o, i, j in product(range(N), range(n_out), range(out_h), range(out_w)):
                    for c, p, q in product(range(C), range(kh), range(kw)):
                        dx_pad[n][c][i * sh + p][j * sw + q] += g[n][o][i][j] * W[o][c][p][q]
        self.grads["W"] = dW
        if self.bias:
            self.grads["b"] = db
        return [crop(image, ph, pw, height, width) for image in dx_pad] if need_input_grad else None

    def config(self):
        config = {"in_channels": self.in_channels, "out_channels": self.out_channels,
                  "kernel_size": _compact(self.kernel_size)}
        if self.stride != (1, 1):
            config["stride"] = _compact(self.stride)
        if self.padding != (0, 0):
            config["padding"] = _compact(self.padding)
        if not self.bias:
            config["bias"] = False
        return config

    def __repr__(self):
        extra = "".join(f", {k}={v!r}" for k, v in self.config().items()
                        if k not in ("in_channels", "out_channels", "kernel_size"))
        return f"Conv2D({self.in_channels}, {self.out_channels}, {_compact(self.kernel_size)!r}{extra})"


def pad(image, ph: int, pw: int):
    """One example (C, H, W) with ph rows of zeros above and below and pw columns either side.

    >>> pad([[[1.0, 2.0]]], 1, 1)
    [[[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]
    """
    if not ph and not pw:
        return image
    out = []
    for plane in image:
        width = len(plane[0]) + 2 * pw
        blank = [[0.0] * width for _ in range(ph)]
        side = [0.0] * pw
        out.append(blank + [side + list(row) + side for row in plane] + [list(r) for r in blank])
    return out


def crop(image, ph: int, pw: int, h: int, w: int):
    """The inverse of pad: the h x w pixels of each plane that were not padding.

    >>> crop([[[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0]]], 1, 1, 1, 2)
    [[[1.0, 2.0]]]
    """
    if not ph and not pw:
        return image
    return [[row[pw:pw + w] for row in plane[ph:ph + h]] for plane in image]


def _compact(hw):
    """A size for config(): a square one as one number, (3, 5) as a list (JSON has no tuples).

    >>> _compact((3, 3)), _compact((3, 5))
    (3, [3, 5])
    """
    return hw[0] if hw[0] == hw[1] else list(hw)


# ----------------------------------------------------------------------------- pooling


class Pool2D(Layer):
    """Base of the pooling layers: a size x size window moved `stride` apart (default: stride = size).

    Each channel is pooled on its own; no parameters. size and stride are one
    int or a pair (height, width). A window is the list of its kh·kw values in
    row-major order (offset k = p·kw + q); subclasses say what a window gives,
    `_pool(window) -> (y, memo)`, and, from the memo, what each of its values
    gets back of the window's gradient g, `_unpool(g, memo) -> kh·kw numbers`.
    """

    fast = True     # forward/backward through fast_pool_forward/backward below (bit for bit the same)

    def __init__(self, size=2, stride=None):
        name = type(self).__name__
        self.size = pair(size, "size", name)
        self.stride = self.size if stride is None else pair(stride, "stride", name)
        super().__init__()
        self.in_dims, self.memory = None, None

    def output_shape(self, input_shape):
        return pool_output_shape(self.label, input_shape, self.size, self.stride)

    def forward(self, x):
        N, C, height, width = check_images(x, self.label)
        _, out_h, out_w = self.output_shape((C, height, width))
        (kh, kw), (sh, sw) = self.size, self.stride
        self.in_dims = (N, C, height, width)
        if self.fast:
            y, self.memory = fast_pool_forward(x, self.size, self.stride, out_h, out_w, self._pool,
                                               isinstance(self, MaxPool2D))
            return y
        y, self.memory = zeros(N, C, out_h, out_w), {}        # memory: each window's memo, for backward
        for n, c, i, j in product(range(N), range(C), range(out_h), range(out_w)):
            window = [x[n][c][i * sh + p][j * sw + q] for p, q in product(range(kh), range(kw))]
            y[n][c][i][j], self.memory[n, c, i, j] = self._pool(window)
        return y

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.in_dims)
        N, C, height, width = self.in_dims
        check_grad_shape(self.label, grad_out, (N,) + self.output_shape((C, height, width)))
        if self.fast:
            return fast_pool_backward(grad_out, self.memory, self.size, self.stride, self.in_dims, self._unpool,
                                      isinstance(self, MaxPool2D))
        (kh, kw), (sh, sw) = self.size, self.stride
        _, out_h, out_w = self.output_shape((C, height, width))
        grad_in = zeros(N, C, height, width)
        for n, c, i, j in product(range(N), range(C), range(out_h), range(out_w)):
            d_window = self._unpool(grad_out[n][c][i][j], self.memory[n, c, i, j])
            for (p, q), d in zip(product(range(kh), range(kw)), d_window):
                grad_in[n][c][i * sh + p][j * sw + q] += d      # windows may overlap: add
        return grad_in

    def config(self):
        config = {"size": _compact(self.size)}
        if self.stride != self.size:
            config["stride"] = _compact(self.stride)
        return config

    def __repr__(self):
        stride = f", stride={_compact(self.stride)!r}" if self.stride != self.size else ""
        return f"{type(self).__name__}({_compact(self.size)!r}{stride})"


class MaxPool2D(Pool2D):
    """Max pooling: y = the largest value of each window.

        y[n][c][i][j] = max over p < kh, q < kw of x[n][c][i·sh + p][j·sw + q]
        dL/dx: g[n][c][i][j] goes to the one position of the window that held the maximum
               (0 elsewhere; where windows overlap, the gradients they send are added)

    Ties: the gradient goes to the FIRST maximum in row-major order (smallest
    p, then smallest q), as numpy's argmax picks it, in both twins.
    A window holding a NaN gives NaN (as np.maximum and PyTorch do: a diverged
    value is never hidden); its gradient then goes to the maximum of the
    values before the first NaN (to the NaN itself when it comes first).

    >>> MaxPool2D(2)._pool([1.0, 3.0, 3.0, 2.0])          # (the maximum, its offset k = p·kw + q)
    (3.0, 1)
    """

    def _pool(self, window):
        best, where = window[0], 0
        for k, v in enumerate(window):
            if v > best:
                best, where = v, k
            elif v != v:                          # NaN: the maximum is NaN from here on (nothing is > NaN)
                best = v
        return best, where

    def _unpool(self, g, where):
        return [g if k == where else 0.0 for k in range(self.size[0] * self.size[1])]


class AvgPool2D(Pool2D):
    """Average pooling: y = the mean of each window.

        y[n][c][i][j] = (1 / (kh·kw)) Σ_p Σ_q x[n][c][i·sh + p][j·sw + q]
        dL/dx[n][c][i·sh + p][j·sw + q] += g[n][c][i][j] / (kh·kw)   for every p, q

    >>> AvgPool2D(2)._pool([1.0, 3.0, 3.0, 2.0]), AvgPool2D(2)._unpool(1.0, None)
    ((2.25, None), [0.25, 0.25, 0.25, 0.25])
    """

    def _pool(self, window):
        return sum(window) / len(window), None

    def _unpool(self, g, _):
        k = self.size[0] * self.size[1]
        return [g / k] * k


# ----------------------------------------------------------------------------- speed: the same loops, reordered
# Each helper below gives exactly the numbers of the plain loop it replaces (the same products,
# added in the same order, NaN and inf included: tests/test_conv.py checks it bit for bit), and
# its docstring says what it buys. The layers use them while their class attribute `fast` is True.

ON_PYPY = sys.implementation.name == "pypy"     # a JIT: comprehensions beat C iterators there


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


def fast_conv_forward(x_pad, W, b, kernel, stride, out_h: int, out_w: int):
    """Conv2D's forward loop with every dot product computed by C iterators, and computed once per
    distinct patch: 9-10x faster than the loop on CPython for an MNIST digit (5-6x for random pixels).

    The loop computes b[o] + sum(W[o][c][p][q] · x̃[...] for (c, p, q)) at every (n, o, i, j).
    Here each image's patches are cut once (a row i at a time: one strided slice per (c, p, q),
    zipped into one tuple per j, (c, p, q) inside). Equal patches have equal outputs, and a digit
    is mostly background: about 2 patches in 3 repeat one seen before, so distinct_patches keeps
    each once and says where each patch's equal is. Filter o multiplies all the distinct patches
    in one map() (the filter repeated by cycle()); zip(*[products] * k) hands each patch's k
    products, in order, to sum(): the same products to the same sum() in the same order as the
    loop. b is None without a bias: the loop's 0.0 + s is s (sum() never gives -0.0). What is
    left is the k multiplications and the sum() of each output (about 340 ns for a 3x3 kernel).
    PyPy's JIT runs these iterators 5x slower than comprehensions; there, conv_forward_by_rows
    runs instead.
    """
    if ON_PYPY:
        return conv_forward_by_rows(x_pad, W, b, kernel, stride, out_h, out_w)
    (kh, kw), (sh, sw) = kernel, stride
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
    signs, inf and NaN (and it was checked bit for bit, NaN payloads included, on 3.9 to 3.13).

    >>> distinct_patches([(1.0, 2.0), (3.0, 4.0), (1.0, 2.0), (-0.0, 0.0), (0.0, 0.0)])
    ([(1.0, 2.0), (3.0, 4.0), (-0.0, 0.0)], [0, 1, 0, 2, 2])
    """
    first = {}
    where = [first.setdefault(patch, len(first)) for patch in patches]
    return list(first), where


def conv_forward_by_rows(x_pad, W, b, kernel, stride, out_h: int, out_w: int):
    """fast_conv_forward for PyPy: the patches cut by slicing, a row of outputs at a time.

    9x faster than the plain loop on PyPy (4.4x on CPython). For each output row i, the kh rows
    of every channel under the kernel are sliced into one patch per j, in the (c, p, q) order,
    and each output is b[o] + sum(map(mul, filter, patch)): the loop's sum, as above.
    """
    (kh, kw), (sh, sw) = kernel, stride
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


def fast_conv_backward(x_pad, W, g, kernel, stride, need_input_grad: bool):
    """Conv2D's backward loops a row at a time, zero gradients left out when they may be: 4-7x faster.

    db[o] and dW[o][c][p][q] are sums over (n, i, j) in the loop's order: sum(g row o) and
    sum(map(mul, g row o, im2col row (c, p, q))), the same terms to the same sum(). When every
    pixel of x̃ is finite, the terms with g = 0 are ±0.0, and a sum (which starts at +0.0, so is
    never -0.0) is unchanged by adding ±0.0: they are left out. Behind a 2x2 max-pool that is 3
    terms in 4. With a NaN or an infinity in x̃, every term is added, as 0·inf = NaN requires.
    The input gradient adds g·W[o][c][p][q] to a strided slice of a row of dx̃ at a time, q from
    the last to the first, so that each pixel receives its terms in the loop's (o, i, j) order.
    Measured (benchmarks/conv_speed.py --pure, series A's conv behind a max-pool): the filter
    gradient 6x faster on CPython, 7.5x on PyPy; with the input gradient 3.7x and 8x.
    """
    (kh, kw), (sh, sw) = kernel, stride
    N, n_out, out_h, out_w, C = len(g), len(W), len(g[0][0]), len(g[0][0][0]), len(x_pad[0])
    cols = im2col(x_pad, kernel, stride, out_h, out_w)
    g_rows = [[v for n in range(N) for row in g[n][o] for v in row] for o in range(n_out)]   # g[n][o][i][j], (n, i, j)
    db = [sum(g_o) for g_o in g_rows]
    finite = isfinite(sum(sum(map(sum, plane)) for image in x_pad for plane in image))
    dW = []
    for g_o in g_rows:
        if finite:                                      # leave out the terms with g = 0: see above
            kept = [k for k, v in enumerate(g_o) if v != 0.0]       # a NaN is kept: NaN != 0.0
            g_kept = [g_o[k] for k in kept]
            dW_o = [sum(map(mul, g_kept, [col[k] for k in kept])) if kept else 0.0 for col in cols]
        else:
            dW_o = [sum(map(mul, g_o, col)) for col in cols]
        dW.append(reshape(dW_o, (C, kh, kw)))
    if not need_input_grad:
        return dW, db, None
    dx_pad = [zeros(C, len(image[0]), len(image[0][0])) for image in x_pad]
    last = sw * (out_w - 1) + 1
    for n, o, c, i, p in product(range(N), range(n_out), range(C), range(out_h), range(kh)):
        g_row, d_row = g[n][o][i], dx_pad[n][c][i * sh + p]
        for q in reversed(range(kw)):
            w = W[o][c][p][q]
            d_row[q:q + last:sw] = [d + gv * w for d, gv in zip(d_row[q:q + last:sw], g_row)]
    return dW, db, dx_pad


def fast_pool_forward(x, size, stride, out_h: int, out_w: int, pool_one, is_max: bool):
    """Pool2D's forward loop with the windows cut by slicing, and for MaxPool2D max() and list.index().

    Buys 3.4x on CPython, 2.5x on PyPy (a 2x2 max-pool of 8x26x26). The windows of a plane come
    from zip(*rows), one row per offset (p, q): the loop's windows, in the same order. Without a
    NaN, max(window) compares as the loop does (`v > best`: the first maximum is kept) and
    window.index(best) is the loop's offset; a plane whose sum is NaN (it holds a NaN, or both
    infinities) goes through `pool_one`, the loop.
    Memory: per plane (n, c), the list of the windows' memos, (i, j) row-major.
    """
    (kh, kw), (sh, sw) = size, stride
    last = sw * (out_w - 1) + 1
    y, memory = [], {}
    for n, image in enumerate(x):
        y.append([])
        for c, plane in enumerate(image):
            rows = [[v for i in range(out_h) for v in plane[i * sh + p][q:q + last:sw]]
                    for p, q in product(range(kh), range(kw))]
            windows = list(zip(*rows))                          # one per (i, j), values row-major
            total = sum(map(sum, plane)) if is_max else None
            if is_max and total == total:
                pooled = list(map(max, windows))
                memory[n, c] = list(map(tuple.index, windows, pooled))
            else:
                pooled, memory[n, c] = zip(*map(pool_one, windows))
            y[n].append([list(pooled[i * out_w:(i + 1) * out_w]) for i in range(out_h)])
    return y, memory


def fast_pool_backward(grad_out, memory, size, stride, in_dims, unpool_one, is_max: bool):
    """Pool2D's backward loop, for MaxPool2D without adding the 0.0 each other window position gets.

    Buys 12x on CPython, 8-12x on PyPy for MaxPool2D (2x2 windows). Leaving out `d += 0.0` changes
    nothing: d starts at +0.0 and a sum is -0.0 only when both terms are, so d is never -0.0, and
    d + 0.0 == d for every other d, NaN and infinities included. For MaxPool2D each plane is
    one flat list while the gradients are added (the index of pixel (r, s) is r·width + s), in
    the loop's (i, j) order, then cut into rows.
    """
    N, C, height, width = in_dims
    (kh, kw), (sh, sw) = size, stride
    if is_max:
        out_h, out_w = len(grad_out[0][0]), len(grad_out[0][0][0])
        corners = [i * sh * width + j * sw for i in range(out_h) for j in range(out_w)]   # window (i, j)'s (0, 0)
        offsets = [p * width + q for p, q in product(range(kh), range(kw))]             # memo p·kw + q
        grad_in = []
        for n in range(N):
            grad_in.append([])
            for c in range(C):
                d_flat = [0.0] * (height * width)
                for at, g in zip(map(add, corners, map(offsets.__getitem__, memory[n, c])),
                                 chain.from_iterable(grad_out[n][c])):
                    d_flat[at] += g
                grad_in[n].append([d_flat[r * width:(r + 1) * width] for r in range(height)])
        return grad_in
    grad_in = zeros(N, C, height, width)
    offsets = list(product(range(kh), range(kw)))
    for n, c in product(range(N), range(C)):
        d_plane, memos, g_plane = grad_in[n][c], iter(memory[n, c]), grad_out[n][c]
        for i, j in product(range(len(g_plane)), range(len(g_plane[0]))):
            for (p, q), d in zip(offsets, unpool_one(g_plane[i][j], next(memos))):
                d_plane[i * sh + p][j * sw + q] += d
    return grad_in
