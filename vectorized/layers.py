"""Layers with parameters or structure: Dense, Dropout, Flatten (the contract: base.py).

The numpy twin of pure/layers.py: the same classes, arguments and results,
with each loop of the pure twin replaced by one array expression.
"""
from __future__ import annotations

import random
from typing import Optional

import numpy as np

from . import checks
from . import init as initializers
from .base import Layer
from .ops import DTYPE, add_row, as_array, column_sums, matmul, matmul_nt, matmul_tn


class Dense(Layer):
    """Fully connected layer: y = x W + b (or y = x W with bias=False: no parameter b).

    Shapes: x (N, n_in), W (n_in, n_out), b (n_out,), y (N, n_out).
        dL/dW = xᵀ · grad_out,  dL/db = Σ_N grad_out,  dL/dx = grad_out · Wᵀ
    """

    def __init__(self, n_in: int, n_out: int, init="xavier", bias_init="zeros",
                 seed: Optional[int] = None, rng: Optional[random.Random] = None, bias: bool = True):
        checks.check_dense_sizes(n_in, n_out)
        self.n_in, self.n_out, self.bias = n_in, n_out, bool(bias)
        super().__init__()
        rng = initializers.make_rng(seed, rng)
        draw = initializers.get(init).draw       # e.g. "xavier": uniform on ±sqrt(6 / (n_in + n_out))
        self.params["W"] = np.array([[draw(n_in, n_out, rng) for _ in range(n_out)] for _ in range(n_in)],
                                    dtype=DTYPE)
        if self.bias:
            draw = initializers.get(bias_init).draw
            self.params["b"] = np.array([draw(n_in, n_out, rng) for _ in range(n_out)], dtype=DTYPE)
        self.grads = {name: None for name in self.params}
        self.x = None

    def forward(self, x):
        x = checks.check_batch(x, self.label, self.n_in, self.params, self.n_out)
        self.x = x
        y = matmul(x, self.params["W"])
        return add_row(y, self.params["b"]) if self.bias else y

    def backward(self, grad_out, need_input_grad=True):
        grad_out = as_array(grad_out)
        checks.check_backward(grad_out, self.label, self.x, self.n_out)
        self.grads["W"] = matmul_tn(self.x, grad_out)   # xᵀ · grad_out
        if self.bias:
            self.grads["b"] = column_sums(grad_out)      # sum over the batch
        if not need_input_grad:
            return None
        return matmul_nt(grad_out, self.params["W"])     # grad_out · Wᵀ

    def output_shape(self, input_shape):
        checks.check_features(input_shape, self.label, self.n_in)
        return (self.n_out,)

    def config(self):
        config = {"n_in": self.n_in, "n_out": self.n_out}
        if not self.bias:
            config["bias"] = False
        return config

    def __repr__(self):
        return f"Dense({self.n_in}, {self.n_out}{'' if self.bias else ', bias=False'})"


class Dropout(Layer):
    """Inverted dropout: zero each value with probability p in training, scale the rest by 1/(1-p).

    The mask is drawn value by value (row-major) from the layer's own
    random.Random, `rng.random() >= p` meaning "keep", exactly as in the pure
    twin, so both drop the same values for the same seed.
    """

    def __init__(self, p: float = 0.5, seed: Optional[int] = None, rng: Optional[random.Random] = None):
        checks.check_dropout_rate(p)
        self.p = float(p)
        super().__init__()
        self.rng = initializers.make_rng(seed, rng)
        self.mask, self.seen = None, False

    def _draw_mask(self, x):
        draws = np.fromiter((self.rng.random() for _ in range(x.size)), dtype=DTYPE, count=x.size)
        return np.where(draws >= self.p, 1.0 / (1.0 - self.p), 0.0).reshape(x.shape)

    def forward(self, x):
        x = as_array(x)
        self.seen = True
        if not self.training or self.p == 0.0:
            self.mask = None
            return x
        self.mask = self._draw_mask(x)
        return x * self.mask

    def backward(self, grad_out, need_input_grad=True):
        checks.require_forward(self.label, self.seen)
        if self.mask is None:
            return grad_out
        return grad_out * self.mask

    def config(self):
        return {"p": self.p}


class Flatten(Layer):
    """(N, d1, d2, ...) -> (N, d1*d2*...), row-major; backward restores the shape."""

    def __init__(self):
        super().__init__()
        self.in_dims = None

    def forward(self, x):
        x = as_array(x)
        checks.check_flatten_input(x.shape, self.label)
        self.in_dims = x.shape
        return x.reshape(len(x), -1)

    def backward(self, grad_out, need_input_grad=True):
        checks.require_forward(self.label, self.in_dims)
        return np.reshape(grad_out, self.in_dims)

    def output_shape(self, input_shape):
        if input_shape is None or None in input_shape:     # unknown until the first batch
            return None
        size = 1
        for d in input_shape:
            size *= d
        return (size,)
