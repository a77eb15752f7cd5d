"""Convolutional layers: Conv2D (cross-correlation), MaxPool2D and AvgPool2D.

The numpy twin of pure/conv.py: the same classes, arguments and results.
Where the pure twin loops over the output positions, takes the patch under
the kernel and dots it with every filter, this twin gathers every patch of
the whole batch into one matrix (`im2col`) and multiplies it by the filters
in one matrix product. Backward is two more products, and `col2im`, which
adds each patch's gradient back where the patch was read.

    H' = (H + 2p - kh) // s + 1          (and the same for W')

Speed: im2col and col2im copy one strided slice per kernel offset (p, q),
kh·kw copies in all, never a Python loop over pixels or examples. To make
each copy move long contiguous runs of memory, the layers work on the batch
with the example axis LAST, (C, H, W, N) (`batch_last`, a transposed view,
free when the previous layer already left its output that way), and hand
back their outputs as (N, C, H, W) views of such memory. Shapes and values
are exactly as the contract says; only the memory order differs, which
`array.tolist()`, numpy and every other layer ignore.

The argument checks and the shape arithmetic are the pure twin's own
(pure/checks.py, through checks.py), so both refuse the same inputs with the
same message. The layers keep the dtype they are given (float64, or float32 after
Sequential.astype).
"""
from __future__ import annotations

import random
from typing import Optional

import numpy as np

from . import init as initializers
from .checks import (check_grad_shape, check_images, check_param_budget, check_sizes, conv_output_shape,  # noqa: F401
                     output_size, pair, pool_output_shape, require_forward)
from .base import Layer
from .ops import DTYPE

# ----------------------------------------------------------------------------- shapes


def batch_last(x):
    """(N, C, H, W) -> contiguous (C, H, W, N): no copy when x is a view of such memory already."""
    return np.ascontiguousarray(x.transpose(1, 2, 3, 0))


def batch_first(x):
    """(C, H, W, N) -> the (N, C, H, W) view of the same memory."""
    return x.transpose(3, 0, 1, 2)


def pad(x, ph: int, pw: int):
    """A batch-last batch (C, H, W, N) with ph rows of zeros above and below and pw columns either side."""
    if not ph and not pw:
        return x
    c, h, w, n = x.shape
    out = np.zeros((c, h + 2 * ph, w + 2 * pw, n), dtype=x.dtype)
    out[:, ph:ph + h, pw:pw + w, :] = x
    return out


def crop(x, ph: int, pw: int, h: int, w: int):
    """The inverse of pad: the h x w pixels of each plane that were not padding."""
    if not ph and not pw:
        return x
    return x[:, ph:ph + h, pw:pw + w, :]


def offsets(kernel, stride, out_h: int, out_w: int):
    """For each kernel offset (p, q), row-major: the slices of rows and columns it meets at every (i, j)."""
    (kh, kw), (sh, sw) = kernel, stride
    return [(p, q, slice(p, p + sh * (out_h - 1) + 1, sh), slice(q, q + sw * (out_w - 1) + 1, sw))
            for p in range(kh) for q in range(kw)]


def im2col(x, kernel, stride, out_h: int, out_w: int):
    """Every patch of a batch-last batch (C, H, W, N) as one column: (C·kh·kw, H'·W'·N).

    Row (c, p, q), column (i, j, n) holds x[c, i·sh + p, j·sw + q, n]: pixel (p, q) of
    channel c of the patch under the kernel at (i, j) of example n (the pure twin's im2col,
    with the example axis last).
    """
    c, _, _, n = x.shape
    kh, kw = kernel
    cols = np.empty((c, kh, kw, out_h, out_w, n), dtype=x.dtype)
    for p, q, rows, columns in offsets(kernel, stride, out_h, out_w):
        cols[:, p, q] = x[:, rows, columns, :]
    return cols.reshape(c * kh * kw, out_h * out_w * n)


def col2im(cols, padded_shape, kernel, stride, out_h: int, out_w: int):
    """The adjoint of im2col: add each patch's gradient (a column) back where the patch was read."""
    c, _, _, n = padded_shape
    kh, kw = kernel
    patches = cols.reshape(c, kh, kw, out_h, out_w, n)
    out = np.zeros(padded_shape, dtype=cols.dtype)
    for p, q, rows, columns in offsets(kernel, stride, out_h, out_w):
        out[:, rows, columns, :] += patches[:, p, q]          # patches overlap: add, do not assign
    return out


# ----------------------------------------------------------------------------- Conv2D


class Conv2D(Layer):
    """2-D convolution: cross-correlation with `out_channels` kernels, plus a bias (as in PyTorch).

    Shapes: x (N, C, H, W), W (O, C, kh, kw), b (O,), y (N, O, H', W').

        y[n][o][i][j] = b[o] + Σ_c Σ_p Σ_q W[o][c][p][q] · x̃[n][c][i·sh + p][j·sw + q]

    As matrices, with X = im2col(x̃) (C·kh·kw, H'·W'·N: one column per patch),
    K = the filters as rows (O, C·kh·kw) and G = grad_out as (O, H'·W'·N):

        Y = K X + b,   dL/dK = G Xᵀ,   dL/db = Σ_columns G,   dL/dx̃ = col2im(Kᵀ G)
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
        self.params["W"] = np.asarray(initializers.get(init)((out_channels, in_channels, kh, kw),
                                                             fan_in, fan_out, rng), dtype=DTYPE)
        if self.bias:
            self.params["b"] = np.asarray(initializers.get(bias_init)((out_channels,), fan_in, fan_out, rng),
                                          dtype=DTYPE)
        self.grads = {name: None for name in self.params}
        self.cols, self.in_dims = None, None

    def output_shape(self, input_shape):
        return conv_output_shape(self.label, input_shape, self.in_channels, self.out_channels,
                                 self.kernel_size, self.stride, self.padding)

    def _filters(self):
        """W (O, C, kh, kw) as rows (O, C·kh·kw), in the (c, p, q) order of im2col's rows (as in the pure twin)."""
        return self.params["W"].reshape(self.out_channels, -1)

    def forward(self, x):
        x = check_images(x, self.label)
        _, out_h, out_w = self.output_shape(x.shape[1:])      # checks channels and sizes first
        x_padded = pad(batch_last(x), *self.padding)           # (C, H + 2ph, W + 2pw, N)
        self.in_dims, self.padded_shape = x.shape, x_padded.shape
        self.cols = im2col(x_padded, self.kernel_size, self.stride, out_h, out_w)   # (kh·kw·C, H'·W'·N)
        y = self._filters() @ self.cols                                              # (O, H'·W'·N)
        if self.bias:
            y += self.params["b"][:, None]
        return batch_first(y.reshape(self.out_channels, out_h, out_w, len(x)))

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.cols)
        n, _, h, w = self.in_dims
        expected = (n,) + self.output_shape(self.in_dims[1:])
        grad_out = check_grad_shape(self.label, grad_out, expected)
        _, out_h, out_w = expected[1:]
        g = batch_last(grad_out).reshape(self.out_channels, -1)                  # (O, H'·W'·N)
        d_filters = g @ self.cols.T                                              # G Xᵀ, rows in (c, p, q) order
        self.grads["W"] = d_filters.reshape(self.params["W"].shape)
        if self.bias:
            self.grads["b"] = g.sum(axis=1)
        if not need_input_grad:
            return None
        d_cols = self._filters().T @ g                                           # Kᵀ G: each patch's gradient
        d_padded = col2im(d_cols, self.padded_shape, self.kernel_size, self.stride, out_h, out_w)
        return batch_first(crop(d_padded, *self.padding, h, w))

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


def _compact(hw):
    """A size for config(): a square one as one number, (3, 5) as a list (JSON has no tuples).

    >>> _compact((3, 3)), _compact((3, 5))
    (3, [3, 5])
    """
    return hw[0] if hw[0] == hw[1] else list(hw)


# ----------------------------------------------------------------------------- pooling


class Pool2D(Layer):
    """Base of the pooling layers: a size x size window moved `stride` apart (default: stride = size).

    Each channel is pooled on its own; no parameters. The hooks are the pure
    twin's: a window is the list of its kh·kw values in row-major order (offset
    k = p·kw + q), here each value an array holding it for every window of the
    batch at once, (C, H', W', N); `_pool(window) -> (y, memo)` and
    `_unpool(g, memo) -> kh·kw arrays`, what each position gets back of g.
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
        x = check_images(x, self.label)
        _, out_h, out_w = self.output_shape(x.shape[1:])
        self.in_dims = x.shape
        self.offsets = offsets(self.size, self.stride, out_h, out_w)
        x = batch_last(x)
        window = [x[:, rows, columns, :] for _, _, rows, columns in self.offsets]   # value k of every window
        y, self.memory = self._pool(window)
        return batch_first(y)                                # (C, H', W', N) -> (N, C, H', W')

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.in_dims)
        grad_out = check_grad_shape(self.label, grad_out, (self.in_dims[0],) + self.output_shape(self.in_dims[1:]))
        n, c, h, w = self.in_dims
        grad_in = np.zeros((c, h, w, n), dtype=grad_out.dtype)
        d_window = self._unpool(batch_last(grad_out), self.memory)
        overlap = self.stride[0] < self.size[0] or self.stride[1] < self.size[1]
        for (_, _, rows, columns), d in zip(self.offsets, d_window):
            if overlap:
                grad_in[:, rows, columns, :] += d             # windows share positions: add what they send
            else:
                grad_in[:, rows, columns, :] = d              # each position in one window: 0 + d is d
        return batch_first(grad_in)

    def config(self):
        config = {"size": _compact(self.size)}
        if self.stride != self.size:
            config["stride"] = _compact(self.stride)
        return config

    def __repr__(self):
        stride = f", stride={_compact(self.stride)!r}" if self.stride != self.size else ""
        return f"{type(self).__name__}({_compact(self.size)!r}{stride})"


class MaxPool2D(Pool2D):
    """Max pooling: y = the largest value of each window; its gradient goes to that one position.

    Ties: the gradient goes to the FIRST maximum in row-major order (smallest
    p, then smallest q), as in the pure twin: a later offset replaces the best
    so far only when strictly larger. A NaN makes the window's maximum NaN
    (np.maximum), and then nothing is larger: the gradient goes where the pure
    twin sends it. Where windows overlap, the gradients add up.
    """

    def _pool(self, window):
        best = window[0].copy()
        where = np.zeros(best.shape, dtype=np.uint8 if len(window) < 256 else np.intp)
        for k, v in enumerate(window[1:], 1):
            np.copyto(where, k, where=v > best)       # strictly larger: a tie keeps the earlier position
            np.maximum(best, v, out=best)             # NaN stays NaN
        return best, where

    def _unpool(self, g, where):
        if np.isfinite(g).all():       # speed (4x): g · [k is the maximum] routes a finite g exactly
            return [g * (where == k) for k in range(self.size[0] * self.size[1])]
        return [np.where(where == k, g, 0.0) for k in range(self.size[0] * self.size[1])]   # 0 · inf would be NaN


class AvgPool2D(Pool2D):
    """Average pooling: y = the mean of each window; each position gets g / (kh·kw) from each window."""

    def _pool(self, window):
        total = window[0].copy()
        for v in window[1:]:                          # summed in row-major order
            total += v
        return total / len(window), None

    def _unpool(self, g, _):
        k = self.size[0] * self.size[1]
        return [g / k] * k
