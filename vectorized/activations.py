"""Activation functions as layers: element-wise f(x), and Softmax on the last axis.

The numpy twin of pure/activations.py. Each activation says what it does to
an array (`_forward_row`) and how a gradient flows back (`_backward_row`);
numpy applies them to every element at once, whatever the rank.

Stability: sigmoid, softplus and softmax never call exp() on a large positive
number, so inputs of +-1000 give finite values and finite gradients.
"""
from __future__ import annotations

import numpy as np

from . import checks
from .base import Layer
from .ops import as_array


def sigmoid(v):
    """1 / (1 + e^-v) without overflow: e^-|v| is always <= 1.

    >>> sigmoid(np.array([0.0, -1000.0, 1000.0])).tolist()
    [0.5, 0.0, 1.0]
    """
    e = np.exp(-np.abs(v))
    return np.where(v >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(v):
    """log(1 + e^v) = max(v, 0) + log(1 + e^-|v|), finite for any v."""
    return np.maximum(v, 0.0) + np.log1p(np.exp(-np.abs(v)))


class Activation(Layer):
    """Base class of the element-wise activations (no parameters)."""

    x = y = None            # the last forward's input and output (backward needs them)

    def _forward_row(self, x):
        raise NotImplementedError

    def _backward_row(self, x, y, g):
        raise NotImplementedError

    def forward(self, x):
        x = as_array(x)
        checks.check_nonempty_batch(x, self.label)
        self.x = x
        self.y = self._forward_row(x)
        return self.y

    def backward(self, grad_out, need_input_grad=True):
        grad_out = as_array(grad_out)
        checks.check_same_shape_as_output(grad_out, self.y, self.label)
        return self._backward_row(self.x, self.y, grad_out)


class Sigmoid(Activation):
    """y = 1 / (1 + e^-x);  dy/dx = y (1 - y)."""

    def _forward_row(self, x):
        return sigmoid(x)

    def _backward_row(self, x, y, g):
        return g * y * (1.0 - y)


class Tanh(Activation):
    """y = tanh(x);  dy/dx = 1 - y²."""

    def _forward_row(self, x):
        return np.tanh(x)

    def _backward_row(self, x, y, g):
        return g * (1.0 - y * y)


class ReLU(Activation):
    """y = max(0, x);  dy/dx = 1 for x > 0, else 0 (0 at x = 0, as PyTorch)."""

    def _forward_row(self, x):
        return np.maximum(x, 0.0)

    def _backward_row(self, x, y, g):
        return np.where(x > 0.0, g, 0.0)


class LeakyReLU(Activation):
    """y = x for x > 0, else alpha x;  dy/dx = 1 for x > 0, else alpha (alpha at x = 0, as PyTorch)."""

    def __init__(self, alpha: float = 0.01):
        self.alpha = checks.check_alpha("LeakyReLU", alpha)
        super().__init__()

    def _forward_row(self, x):
        return np.where(x > 0.0, x, self.alpha * x)

    def _backward_row(self, x, y, g):
        return np.where(x > 0.0, g, self.alpha * g)

    def config(self):
        return {"alpha": self.alpha}


class ELU(Activation):
    """y = x for x > 0, else alpha (e^x - 1);  dy/dx = 1 for x > 0, else alpha e^x (alpha at 0, as PyTorch)."""

    def __init__(self, alpha: float = 1.0):
        self.alpha = checks.check_alpha("ELU", alpha)
        super().__init__()

    def _forward_row(self, x):
        return np.where(x > 0.0, x, self.alpha * np.expm1(np.minimum(x, 0.0)))

    def _backward_row(self, x, y, g):
        return np.where(x > 0.0, g, g * self.alpha * np.exp(np.minimum(x, 0.0)))

    def config(self):
        return {"alpha": self.alpha}


class Softplus(Activation):
    """y = log(1 + e^x);  dy/dx = sigmoid(x)."""

    def _forward_row(self, x):
        return softplus(x)

    def _backward_row(self, x, y, g):
        return g * sigmoid(x)


class ArcTan(Activation):
    """y = arctan(x);  dy/dx = 1 / (1 + x²)."""

    def _forward_row(self, x):
        return np.arctan(x)

    def _backward_row(self, x, y, g):
        return g / (1.0 + x * x)


class Identity(Activation):
    """y = x;  dy/dx = 1 (a linear output, for regression)."""

    def _forward_row(self, x):
        return x.copy()

    def _backward_row(self, x, y, g):
        return g.copy()


class Softmax(Activation):
    """y_i = e^(x_i - m) / Σ_j e^(x_j - m) over the last axis, m = max_j x_j.

    Backward: grad_in_i = y_i (g_i - Σ_j g_j y_j). For classification prefer
    CrossEntropy on the logits.
    """

    def _forward_row(self, x):
        exps = np.exp(x - x.max(axis=-1, keepdims=True))
        return exps / exps.sum(axis=-1, keepdims=True)

    def _backward_row(self, x, y, g):
        dot = (g * y).sum(axis=-1, keepdims=True)
        return y * (g - dot)


def get(name: str) -> Activation:
    """An activation layer by name: "relu", "leaky_relu", "tanh", ... (case-insensitive)."""
    names = {
        "sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leaky_relu": LeakyReLU,
        "leakyrelu": LeakyReLU, "elu": ELU, "softplus": Softplus, "arctan": ArcTan,
        "identity": Identity, "linear": Identity, "softmax": Softmax,
    }
    key = str(name).lower()
    if key not in names:
        raise ValueError(f"unknown activation {name!r}; known: {', '.join(sorted(names))}")
    return names[key]()
