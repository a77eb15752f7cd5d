"""Layers with parameters or structure: Dense, Dropout, Flatten (the contract: base.py).

A layer turns a batch x into a batch y in forward() and, in backward(), turns
dL/dy into dL/dx and fills `grads` with dL/dparam (the chain rule, one layer
at a time). Tensors are nested lists, batch first: a batch of vectors is N rows.
"""
from __future__ import annotations

import random
from typing import Optional

from . import checks, ops
from . import init as initializers
from .base import Layer
from .ops import add_row, column_sums, elementwise2, flatten, map_rows, reshape, shape
from .portable import mul


class Dense(Layer):
    """Fully connected layer: y = x W + b (or y = x W with bias=False: no parameter b).

    Shapes: x (N, n_in), W (n_in, n_out), b (n_out,), y (N, n_out).

    Gradients, for grad_out = dL/dy of shape (N, n_out):
        dL/dW = xᵀ · grad_out          (n_in, n_out)
        dL/db = sum over N of grad_out (n_out,)
        dL/dx = grad_out · Wᵀ          (N, n_in)
    """

    def __init__(self, n_in: int, n_out: int, init="xavier", bias_init="zeros",
                 seed: Optional[int] = None, rng: Optional[random.Random] = None, bias: bool = True):
        checks.check_dense_sizes(n_in, n_out)
        self.n_in, self.n_out, self.bias = n_in, n_out, bool(bias)
        super().__init__()
        rng = initializers.make_rng(seed, rng)
        draw = initializers.get(init).draw       # e.g. "xavier": uniform on ±sqrt(6 / (n_in + n_out))
        self.params["W"] = [[draw(n_in, n_out, rng) for _ in range(n_out)] for _ in range(n_in)]
        if self.bias:
            draw = initializers.get(bias_init).draw
            self.params["b"] = [draw(n_in, n_out, rng) for _ in range(n_out)]
        self.grads = {name: None for name in self.params}
        self.x = None

    def forward(self, x):
        x = checks.check_batch(x, self.label, self.n_in, self.params, self.n_out)
        self.x = x
        y = ops.matmul(x, self.params["W"])                # through ops, so pure.fast can swap it
        return add_row(y, self.params["b"]) if self.bias else y

    def backward(self, grad_out, need_input_grad=True):
        checks.check_backward(grad_out, self.label, self.x, self.n_out)
        self.grads["W"] = ops.matmul_tn(self.x, grad_out)   # xᵀ · grad_out
        if self.bias:
            self.grads["b"] = column_sums(grad_out)          # sum over the batch
        if not need_input_grad:
            return None
        return ops.matmul_nt(grad_out, self.params["W"])     # grad_out · Wᵀ

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
    """Inverted dropout: in training, zero each value with probability p and scale
    the survivors by 1 / (1 - p), so evaluation needs no rescaling at all.

    The mask is drawn value by value (row-major) from the layer's own
    random.Random, `rng.random() >= p` meaning "keep", so both twins drop the
    same values for the same seed. In eval mode the layer is the identity.
    """

    def __init__(self, p: float = 0.5, seed: Optional[int] = None, rng: Optional[random.Random] = None):
        checks.check_dropout_rate(p)
        self.p = float(p)
        super().__init__()
        self.rng = initializers.make_rng(seed, rng)
        self.mask, self.seen = None, False

    def _draw_mask(self, x):
        keep, p, draw = 1.0 / (1.0 - self.p), self.p, self.rng.random
        return map_rows(lambda row: [keep if draw() >= p else 0.0 for _ in row], x)

    def forward(self, x):
        self.seen = True
        if not self.training or self.p == 0.0:
            self.mask = None
            return x
        self.mask = self._draw_mask(x)
        return elementwise2(mul, x, self.mask)

    def backward(self, grad_out, need_input_grad=True):
        checks.require_forward(self.label, self.seen)
        if self.mask is None:
            return grad_out
        return elementwise2(mul, grad_out, self.mask)

    def config(self):
        return {"p": self.p}


class Flatten(Layer):
    """(N, d1, d2, ...) -> (N, d1*d2*...), row-major; backward restores the shape."""

    def __init__(self):
        super().__init__()
        self.in_dims = None

    def forward(self, x):
        dims = shape(x)
        checks.check_flatten_input(dims, self.label)
        self.in_dims = dims
        if len(dims) == 2:
            return x
        return [flatten(example) for example in x]

    def backward(self, grad_out, need_input_grad=True):
        checks.require_forward(self.label, self.in_dims)
        if len(self.in_dims) == 2:
            return grad_out
        return [reshape(row, self.in_dims[1:]) for row in grad_out]

    def output_shape(self, input_shape):
        if input_shape is None or None in input_shape:     # unknown until the first batch
            return None
        size = 1
        for d in input_shape:
            size *= d
        return (size,)
