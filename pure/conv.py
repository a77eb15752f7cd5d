"""Convolutional layers: Conv2D (cross-correlation), MaxPool2D and AvgPool2D.

Images travel in batches of shape (N, C, H, W): N examples of C channels of
H rows of W pixels, as nested lists. A convolution slides a small kernel over
each image; at every position (i, j) it takes the patch of pixels under the
kernel, every channel, and gives one dot product per filter. `conv_forward`
(which `Conv2D.forward` calls) is that sentence as loops. A kernel kh x kw, stride s and padding p (zeros
around the image) give H' = (H + 2p - kh) // s + 1 rows (and the same for W').
Pooling gives each window of one channel one number: its max, or its mean.

The vectorized twin gathers every patch into one matrix (im2col) and
multiplies it by the filters. Not here: dilated, grouped or transposed
convolutions; pooling has no padding and drops windows that do not fit.
The loops here are the plain ones; pure/fast.py swaps in faster loops for
conv_forward, conv_backward, pool_forward and pool_backward that give the
same numbers bit for bit (`pure.fast.enable()`, on by default).
"""
from __future__ import annotations

import random
from typing import Optional

from . import init as initializers
from .checks import (check_grad_shape, check_images, check_param_budget, check_sizes, conv_output_shape,  # noqa: F401
                     output_size, pair, pool_output_shape, require_forward)
from .base import Layer
from .ops import zeros
from .portable import product


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

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 init="xavier", bias_init="zeros", seed: Optional[int] = None,
                 rng: Optional[random.Random] = None, bias: bool = True):
        check_sizes("Conv2D", in_channels=in_channels, out_channels=out_channels)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = pair(kernel_size, "kernel_size", "Conv2D")
        check_param_budget(f"Conv2D({in_channels}, {out_channels}, {kernel_size!r})",
                           (out_channels, in_channels) + self.kernel_size, (out_channels,))
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
        ph, pw = self.padding
        self.in_dims = (N, C, height, width)
        self.x_padded = [pad(image, ph, pw) for image in x]            # x̃: x with its zero padding
        return conv_forward(self.x_padded, self.params["W"], self.params["b"] if self.bias else None,
                            self.stride, out_h, out_w)

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.x_padded)
        N, C, height, width = self.in_dims
        check_grad_shape(self.label, grad_out, (N,) + self.output_shape((C, height, width)))
        ph, pw = self.padding
        dW, db, dx_pad = conv_backward(self.x_padded, self.params["W"], grad_out, self.stride, need_input_grad)
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


def conv_forward(x_pad, W, b, stride, out_h: int, out_w: int):
    """Conv2D's forward loop: y[n][o][i][j] = b[o] + Σ_c Σ_p Σ_q W[o][c][p][q] · x̃[n][c][i·sh + p][j·sw + q].

    x_pad is x̃ (N, C, H + 2 ph, W + 2 pw); b is None without a bias (then the b[o] + is left out).

    >>> conv_forward([[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]], [[[[1.0, 0.0], [0.0, -1.0]]]], None, (1, 1), 1, 2)
    [[[[-4.0, -4.0]]]]
    """
    N, n_out, C, kh, kw = len(x_pad), len(W), len(W[0]), len(W[0][0]), len(W[0][0][0])
    sh, sw = stride
    y = zeros(N, n_out, out_h, out_w)
    for n, o, i, j in product(range(N), range(n_out), range(out_h), range(out_w)):
        s = sum(W[o][c][p][q] * x_pad[n][c][i * sh + p][j * sw + q]
                for c, p, q in product(range(C), range(kh), range(kw)))
        y[n][o][i][j] = s if b is None else b[o] + s
    return y


def conv_backward(x_pad, W, g, stride, need_input_grad: bool):
    """Conv2D's backward loops: (dL/dW, dL/db, dL/dx̃, or None when need_input_grad is False).

        dL/db[o]          = Σ_n Σ_i Σ_j g[n][o][i][j]
        dL/dW[o][c][p][q] = Σ_n Σ_i Σ_j g[n][o][i][j] · x̃[n][c][i·sh + p][j·sw + q]
        dL/dx̃[n][c][i·sh + p][j·sw + q] += g[n][o][i][j] · W[o][c][p][q]   for every o, i, j
    """
    N, n_out, C, kh, kw = len(x_pad), len(W), len(W[0]), len(W[0][0]), len(W[0][0][0])
    out_h, out_w, (sh, sw) = len(g[0][0]), len(g[0][0][0]), stride
    positions = list(product(range(N), range(out_h), range(out_w)))           # every (n, i, j)
    db = [sum(g[n][o][i][j] for n, i, j in positions) for o in range(n_out)]
    dW = zeros(n_out, C, kh, kw)
    for o, c, p, q in product(range(n_out), range(C), range(kh), range(kw)):
        dW[o][c][p][q] = sum(g[n][o][i][j] * x_pad[n][c][i * sh + p][j * sw + q] for n, i, j in positions)
    if not need_input_grad:
        return dW, db, None
    dx_pad = [zeros(C, len(image[0]), len(image[0][0])) for image in x_pad]
    for n, o, i, j in product(range(N), range(n_out), range(out_h), range(out_w)):
        for c, p, q in product(range(C), range(kh), range(kw)):
            dx_pad[n][c][i * sh + p][j * sw + q] += g[n][o][i][j] * W[o][c][p][q]
    return dW, db, dx_pad


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
    The memos are kept as a tensor memo[n][c][i][j], one per window.
    """

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
        self.in_dims = (N, C, height, width)
        y, self.memory = pool_forward(x, self.size, self.stride, out_h, out_w, self._pool)
        return y

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.in_dims)
        N, C, height, width = self.in_dims
        check_grad_shape(self.label, grad_out, (N,) + self.output_shape((C, height, width)))
        return pool_backward(grad_out, self.memory, self.size, self.stride, self.in_dims, self._unpool)

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


def pool_forward(x, size, stride, out_h: int, out_w: int, pool_one):
    """Pool2D's forward loop: (y, memo), y[n][c][i][j], memo[n][c][i][j] = pool_one(window at (i, j)).

    A window is the list of its kh·kw values, row-major (offset k = p·kw + q).
    """
    (kh, kw), (sh, sw) = size, stride
    N, C = len(x), len(x[0])
    y, memo = zeros(N, C, out_h, out_w), zeros(N, C, out_h, out_w)
    for n, c, i, j in product(range(N), range(C), range(out_h), range(out_w)):
        window = [x[n][c][i * sh + p][j * sw + q] for p, q in product(range(kh), range(kw))]
        y[n][c][i][j], memo[n][c][i][j] = pool_one(window)
    return y, memo


def pool_backward(grad_out, memo, size, stride, in_dims, unpool_one):
    """Pool2D's backward loop: each window's gradient g, spread by unpool_one(g, memo) over its values."""
    (kh, kw), (sh, sw) = size, stride
    N, C, height, width = in_dims
    out_h, out_w = len(grad_out[0][0]), len(grad_out[0][0][0])
    grad_in = zeros(N, C, height, width)
    for n, c, i, j in product(range(N), range(C), range(out_h), range(out_w)):
        d_window = unpool_one(grad_out[n][c][i][j], memo[n][c][i][j])
        for (p, q), d in zip(product(range(kh), range(kw)), d_window):
            grad_in[n][c][i * sh + p][j * sw + q] += d      # windows may overlap: add
    return grad_in
