"""Layers with parameters or structure: the Layer base class, Dense, Dropout, Flatten.

Every layer follows one contract (shared with the vectorized twin):

    params    dict name -> tensor, the single source of truth for the weights
    grads     dict with the same keys, overwritten by each backward()
    forward(x)          -> output, remembering what backward needs
    backward(grad_out)  -> grad_in = dL/dx, and fills grads with dL/dparam
    train() / eval()    -> switch the `training` flag (Dropout uses it)

Tensors are nested lists, batch first: a batch of vectors is N rows.
Activation functions live in activations.py; they are layers too.
"""
from __future__ import annotations

import random
from typing import Dict, Optional

from . import checks
from . import init as initializers
from .ops import add_row, column_sums, flatten, matmul, matmul_nt, matmul_tn, reshape, shape


class Layer:
    """Base class. Subclasses set `params` and `grads` and write forward/backward.

    `backward(grad_out, need_input_grad=True)`: the model passes
    need_input_grad=False to its first layer, whose dL/dx nobody uses, so
    layers whose input gradient is expensive (Dense) may skip it and return None.
    """

    training = True

    def __init__(self):
        self.params: Dict[str, list] = {}
        self.grads: Dict[str, list] = {}
        self.label = repr(self)  # Sequential renames it "layer 2: Dense(784, 128)"

    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad_out, need_input_grad: bool = True):
        raise NotImplementedError

    def __call__(self, x):
        return self.forward(x)

    def train(self):
        self.training = True
        return self

    def eval(self):
        self.training = False
        return self

    def output_shape(self, input_shape):
        """Shape of one example's output for one example's input shape (None: unknown).

        Sequential calls this when it is built to catch neighbours that do not fit.
        """
        return input_shape

    def config(self) -> dict:
        """The constructor arguments that rebuild this layer (saved by io.save)."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


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
        self.params["W"] = initializers.get(init)((n_in, n_out), n_in, n_out, rng)
        if self.bias:
            self.params["b"] = initializers.get(bias_init)((n_out,), n_in, n_out, rng)
        self.grads = {name: None for name in self.params}
        self.x = None

    def forward(self, x):
        x = checks.check_batch(x, self.label, self.n_in)
        self.x = x
        y = matmul(x, self.params["W"])
        return add_row(y, self.params["b"]) if self.bias else y

    def backward(self, grad_out, need_input_grad=True):
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
        if x and isinstance(x[0], list):
            return [self._draw_mask(row) for row in x]
        keep = 1.0 / (1.0 - self.p)
        return [keep if self.rng.random() >= self.p else 0.0 for _ in x]

    def forward(self, x):
        self.seen = True
        if not self.training or self.p == 0.0:
            self.mask = None
            return x
        self.mask = self._draw_mask(x)
        return _multiply(x, self.mask)

    def backward(self, grad_out, need_input_grad=True):
        checks.require_forward(self.label, self.seen)
        if self.mask is None:
            return grad_out
        return _multiply(grad_out, self.mask)

    def config(self):
        return {"p": self.p}


def _multiply(x, mask):
    if x and isinstance(x[0], list):
        return [_multiply(a, m) for a, m in zip(x, mask)]
    return [a * m for a, m in zip(x, mask)]


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
