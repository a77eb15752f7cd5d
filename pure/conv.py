"""Convolutional layers: Conv2D (cross-correlation), MaxPool2D and AvgPool2D.

Images travel in batches of shape (N, C, H, W): N examples, C channels, H rows
of W pixels, as nested lists. `Flatten` (in layers.py) turns the last image
into rows for the Dense layers that follow.

A convolution slides a small kernel over the image. At every position it
takes the patch of pixels under the kernel (every channel) and computes one
dot product per filter: that is the whole layer, and `Conv2D.forward` below is
that sentence written as loops. A kernel of kh x kw with stride s and padding
p (zeros added around the image) gives outputs of size

    H' = (H + 2p - kh) // s + 1          (and the same for W')

The vectorized twin does the same thing at once: it gathers every patch of
the batch into one matrix ("im2col") and multiplies it by the kernels.

What this is not: a dilated, grouped or transposed convolution. Pooling has
no padding, and windows that do not fit at the right or bottom edge are
dropped (floor), as in PyTorch.

The argument checks and the shape arithmetic (`pair`, `output_size`,
`conv_output_shape`, `pool_output_shape`) are shared with the vectorized
twin, so both refuse the same inputs with the same message.
"""
from __future__ import annotations

import math
import operator
import random
from typing import Optional, Tuple

from . import init as initializers
from .layers import Layer
from .ops import flatten, reshape, shape

# ----------------------------------------------------------------------------- shapes (shared with the vectorized twin)


def pair(value, name: str, owner: str, minimum: int = 1) -> Tuple[int, int]:
    """A size given as one int or as (height, width), as a pair: 3 -> (3, 3), (3, 5) -> (3, 5)."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) and v >= minimum
                                   for v in values):
        raise ValueError(f"{owner}: {name} must be an integer >= {minimum} or a pair (height, width) "
                         f"of them, got {value!r}")
    return values


def output_size(size: int, kernel: int, stride: int, padding: int = 0) -> int:
    """How many positions a window of `kernel` takes along `size` (+ padding both sides), `stride` apart."""
    return (size + 2 * padding - kernel) // stride + 1


def _per_example(label: str, input_shape, what: str) -> Tuple[int, int, int]:
    dims = tuple(input_shape)
    if len(dims) != 3:
        raise ValueError(f"{label}: expects images, shape (C, H, W) per example (batches (N, C, H, W)); "
                         f"{what} shape {dims} per example")
    return dims


def conv_output_shape(label: str, input_shape, in_channels: int, out_channels: int,
                      kernel: Tuple[int, int], stride: Tuple[int, int], padding: Tuple[int, int]):
    """Per-example output shape (out_channels, H', W') of a convolution, or ValueError naming the layer."""
    if input_shape is None:
        return (out_channels, None, None)          # image size unknown until the first batch
    c, h, w = _per_example(label, input_shape, "the previous layer gives")
    if c != in_channels:
        raise ValueError(f"{label}: expects {in_channels} input channel(s), but the input has {c} "
                         f"(shape {(c, h, w)} per example)")
    if h is None or w is None:
        return (out_channels, None, None)
    (kh, kw), (ph, pw) = kernel, padding
    if kh > h + 2 * ph or kw > w + 2 * pw:
        raise ValueError(f"{label}: kernel {kh}x{kw} is larger than the padded image "
                         f"{h + 2 * ph}x{w + 2 * pw} (image {h}x{w}, padding {ph}, {pw})")
    return (out_channels, output_size(h, kh, stride[0], ph), output_size(w, kw, stride[1], pw))


def pool_output_shape(label: str, input_shape, size: Tuple[int, int], stride: Tuple[int, int]):
    """Per-example output shape (C, H', W') of a pooling layer, or ValueError naming the layer."""
    if input_shape is None:
        return None
    c, h, w = _per_example(label, input_shape, "the previous layer gives")
    if h is None or w is None:
        return (c, None, None)
    if size[0] > h or size[1] > w:
        raise ValueError(f"{label}: window {size[0]}x{size[1]} is larger than the image {h}x{w}")
    return (c, output_size(h, size[0], stride[0]), output_size(w, size[1], stride[1]))


def image_dims(x, label: str) -> Tuple[int, int, int, int]:
    """(N, C, H, W) of a batch of images, after checking it is one (rank 4, no ragged rows)."""
    dims = shape(x)
    if len(dims) != 4 or 0 in dims:
        raise ValueError(f"{label}: expected a batch of images of shape (N, C, H, W), got shape {dims}")
    n, c, h, w = dims
    for example in x:
        if (not isinstance(example, (list, tuple)) or len(example) != c
                or any(not isinstance(plane, (list, tuple)) or len(plane) != h
                       or any(not isinstance(row, (list, tuple)) or len(row) != w for row in plane)
                       for plane in example)):
            raise ValueError(f"{label}: ragged batch: every example must be {c} x {h} x {w} "
                             f"(channels x rows x columns), like the first")
    return dims


def pad(image, ph: int, pw: int):
    """One example (C, H, W) with ph rows of zeros above and below and pw columns either side."""
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
    """The inverse of pad: the h x w pixels of each plane that were not padding."""
    if not ph and not pw:
        return image
    return [[row[pw:pw + w] for row in plane[ph:ph + h]] for plane in image]


# ----------------------------------------------------------------------------- Conv2D


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
    dL/dW is itself a cross-correlation of x̃ with g; dL/dx a "full"
    convolution of g with the kernels.

    bias=False leaves out b. Initial weights are drawn like Dense's: `init`
    with fan_in = C·kh·kw and fan_out = O·kh·kw, W row-major, then b.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 init="xavier", bias_init="zeros", seed: Optional[int] = None,
                 rng: Optional[random.Random] = None, bias: bool = True):
        name = "Conv2D"
        for arg, value in (("in_channels", in_channels), ("out_channels", out_channels)):
            if not (isinstance(value, int) and not isinstance(value, bool) and value > 0):
                raise ValueError(f"{name}: {arg} must be a positive integer, got {value!r}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = pair(kernel_size, "kernel_size", name)
        self.stride = pair(stride, "stride", name)
        self.padding = pair(padding, "padding", name, minimum=0)
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
        dims = image_dims(x, self.label)
        _, out_h, out_w = self.output_shape(dims[1:])        # checks channels and sizes first
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        filters = [flatten(w_o) for w_o in self.params["W"]]  # filter o as one row, in (c, p, q) order
        biases = self.params["b"] if self.bias else [0.0] * self.out_channels
        self.in_dims = dims
        self.x_padded = [pad(image, ph, pw) for image in x]
        y = []
        for image in self.x_padded:
            planes = [[] for _ in filters]                    # y[n][o], filled one row i at a time
            for i in range(out_h):
                rows = [plane[i * sh + p] for plane in image for p in range(kh)]   # the rows under the kernel
                patches = [[v for row in rows for v in row[left:left + kw]]       # x̃[c][i·sh+p][j·sw+q] for
                           for left in range(0, out_w * sw, sw)]                  # (c, p, q); one patch per j
                for plane, w_o, b_o in zip(planes, filters, biases):
                    plane.append([b_o + sum(map(operator.mul, w_o, patch)) for patch in patches])
            y.append(planes)
        return y

    def backward(self, grad_out, need_input_grad=True):
        if self.x_padded is None:
            raise RuntimeError(f"{self.label}: backward() called before forward()")
        n, _, h, w = self.in_dims
        expected = (n,) + self.output_shape(self.in_dims[1:])
        if shape(grad_out) != expected:
            raise ValueError(f"{self.label}: expected grad_out of shape {expected}, got {shape(grad_out)}")
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        _, out_h, out_w = expected[1:]
        filters = [flatten(w_o) for w_o in self.params["W"]]
        d_filters = [[0.0] * len(f) for f in filters]        # dL/dW[o], flat in (c, p, q) order
        d_bias = [0.0] * self.out_channels
        grad_in = []
        for image, g_image in zip(self.x_padded, grad_out):
            d_image = [[[0.0] * len(row) for row in plane] for plane in image] if need_input_grad else None
            for i in range(out_h):
                rows = [plane[i * sh + p] for plane in image for p in range(kh)]
                d_rows = [plane[i * sh + p] for plane in d_image for p in range(kh)] if need_input_grad else ()
                g_rows = [g_plane[i] for g_plane in g_image]     # g[n][o][i], for every o
                for j in range(out_w):
                    left = j * sw
                    patch = None
                    d_patch = None
                    for o, g_row in enumerate(g_rows):
                        g = g_row[j]
                        if g == 0.0:                  # no gradient here (behind a max-pool, 3 in 4)
                            continue
                        if patch is None:
                            patch = [v for row in rows for v in row[left:left + kw]]
                        d_bias[o] += g
                        d_filters[o] = [d + g * v for d, v in zip(d_filters[o], patch)]      # += g · patch
                        if need_input_grad:                                                   # += g · W[o]
                            d_patch = ([g * f for f in filters[o]] if d_patch is None
                                       else [d + g * f for d, f in zip(d_patch, filters[o])])
                    if d_patch is not None:           # add the patch's gradient where the patch was read
                        for r, d_row in enumerate(d_rows):
                            part = d_patch[r * kw:(r + 1) * kw]
                            d_row[left:left + kw] = [a + b for a, b in zip(d_row[left:left + kw], part)]
            if need_input_grad:
                grad_in.append(crop(d_image, ph, pw, h, w))
        self.grads["W"] = [reshape(d, (self.in_channels, kh, kw)) for d in d_filters]
        if self.bias:
            self.grads["b"] = d_bias
        return grad_in if need_input_grad else None

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
    """(3, 3) -> 3 (a square size is written as one number); (3, 5) -> [3, 5] (JSON has no tuples)."""
    return hw[0] if hw[0] == hw[1] else list(hw)


# ----------------------------------------------------------------------------- pooling


class Pool2D(Layer):
    """Base of the pooling layers: a size x size window moved `stride` apart (default: stride = size).

    Each channel is pooled on its own; no parameters. size and stride are one
    int or a pair (height, width). Subclasses say what a window gives
    (`_pool`) and where its gradient goes (`_unpool`).
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
        dims = image_dims(x, self.label)
        _, out_h, out_w = self.output_shape(dims[1:])
        (kh, kw), (sh, sw) = self.size, self.stride
        self.in_dims = dims
        self.memory = []                       # what backward needs: per (n, c) plane, per window
        y = []
        for image in x:
            planes = []
            for plane in image:
                out_plane, memo = [], []
                for i in range(out_h):
                    rows = plane[i * sh:i * sh + kh]
                    windows = [[v for row in rows for v in row[left:left + kw]]     # row-major; one per j
                               for left in range(0, out_w * sw, sw)]
                    out_plane.append([self._pool(window, memo) for window in windows])
                planes.append(out_plane)
                self.memory.append(memo)
            y.append(planes)
        return y

    def backward(self, grad_out, need_input_grad=True):
        if self.in_dims is None:
            raise RuntimeError(f"{self.label}: backward() called before forward()")
        n, c, h, w = self.in_dims
        expected = (n,) + self.output_shape(self.in_dims[1:])
        if shape(grad_out) != expected:
            raise ValueError(f"{self.label}: expected grad_out of shape {expected}, got {shape(grad_out)}")
        sh, sw = self.stride
        grad_in = [[[[0.0] * w for _ in range(h)] for _ in range(c)] for _ in range(n)]
        memos = iter(self.memory)
        for g_image, d_image in zip(grad_out, grad_in):
            for g_plane, d_plane in zip(g_image, d_image):
                memo = iter(next(memos))
                for i, g_row in enumerate(g_plane):
                    for j, g in enumerate(g_row):
                        self._unpool(g, next(memo), d_plane, i * sh, j * sw)
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
    A window holding a NaN gives NaN (as in the vectorized twin and PyTorch: a
    diverged value is never hidden); where its gradient goes is then unspecified.
    """

    def _pool(self, window, memo):
        best = max(window)
        memo.append(window.index(best))       # the first maximum, in row-major order
        total = sum(window)                   # NaN when the window holds one, which max() may skip
        if total != total and best == best and any(v != v for v in window):
            return math.nan
        return best

    def _unpool(self, g, k, d_plane, top, left):
        kw = self.size[1]
        d_plane[top + k // kw][left + k % kw] += g


class AvgPool2D(Pool2D):
    """Average pooling: y = the mean of each window.

        y[n][c][i][j] = (1 / (kh·kw)) Σ_p Σ_q x[n][c][i·sh + p][j·sw + q]
        dL/dx[n][c][i·sh + p][j·sw + q] += g[n][c][i][j] / (kh·kw)   for every p, q
    """

    def _pool(self, window, memo):
        memo.append(None)
        return sum(window) / len(window)

    def _unpool(self, g, _, d_plane, top, left):
        kh, kw = self.size
        share = g / (kh * kw)
        for d_row in d_plane[top:top + kh]:
            d_row[left:left + kw] = [d + share for d in d_row[left:left + kw]]
