"""Activation functions as layers: element-wise f(x), and Softmax on the last axis.

Each activation says what it does to one row of numbers (`_forward_row`) and
how a gradient flows back through that row (`_backward_row`); the base class
walks tensors of any rank (batches of vectors, sequences, images) down to
their rows. The derivative sits beside the function it differentiates.

Stability: sigmoid, softplus and softmax never call exp() on a large positive
number, so inputs of +-1000 give finite values and finite gradients.
"""
from __future__ import annotations

import math

from . import checks
from .base import Layer
from .ops import map_rows
from .portable import log1p


def sigmoid(v: float) -> float:
    """1 / (1 + e^-v), computed without overflow for any v.

    >>> sigmoid(0.0), sigmoid(-1000.0), sigmoid(1000.0)
    (0.5, 0.0, 1.0)
    """
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)           # v < 0, so e is in (0, 1): no overflow
    return e / (1.0 + e)


def softplus(v: float) -> float:
    """log(1 + e^v) = max(v, 0) + log(1 + e^-|v|), finite for any v."""
    return max(v, 0.0) + log1p(math.exp(-abs(v)))


class Activation(Layer):
    """Base class of the element-wise activations (no parameters)."""

    x = y = None            # the last forward's input and output (backward needs them)

    def _forward_row(self, row):
        raise NotImplementedError

    def _backward_row(self, x_row, y_row, g_row):
        raise NotImplementedError

    def forward(self, x):
        checks.check_nonempty_batch(x, self.label)
        self.x = x
        self.y = map_rows(self._forward_row, x)
        return self.y

    def backward(self, grad_out, need_input_grad=True):
        checks.check_same_shape_as_output(grad_out, self.y, self.label)
        return map_rows(self._backward_row, self.x, self.y, grad_out)


class Sigmoid(Activation):
    """y = 1 / (1 + e^-x);  dy/dx = y (1 - y)."""

    def _forward_row(self, row):
        return [sigmoid(v) for v in row]

    def _backward_row(self, x_row, y_row, g_row):
        return [g * y * (1.0 - y) for y, g in zip(y_row, g_row)]


class Tanh(Activation):
    """y = tanh(x);  dy/dx = 1 - y²."""

    def _forward_row(self, row):
        return [math.tanh(v) for v in row]

    def _backward_row(self, x_row, y_row, g_row):
        return [g * (1.0 - y * y) for y, g in zip(y_row, g_row)]


class ReLU(Activation):
    """y = max(0, x);  dy/dx = 1 for x > 0, else 0 (0 at x = 0, as PyTorch)."""

    def _forward_row(self, row):
        return [0.0 if v < 0.0 else v for v in row]           # (NaN stays NaN, as in numpy)

    def _backward_row(self, x_row, y_row, g_row):
        return [g if v > 0.0 else 0.0 for v, g in zip(x_row, g_row)]


class LeakyReLU(Activation):
    """y = x for x > 0, else alpha x;  dy/dx = 1 for x > 0, else alpha (alpha at x = 0, as PyTorch)."""

    def __init__(self, alpha: float = 0.01):
        self.alpha = checks.check_alpha("LeakyReLU", alpha)
        super().__init__()

    def _forward_row(self, row):
        a = self.alpha
        return [v if v > 0.0 else a * v for v in row]

    def _backward_row(self, x_row, y_row, g_row):
        a = self.alpha
        return [g if v > 0.0 else a * g for v, g in zip(x_row, g_row)]

    def config(self):
        return {"alpha": self.alpha}


class ELU(Activation):
    """y = x for x > 0, else alpha (e^x - 1);  dy/dx = 1 for x > 0, else alpha e^x (alpha at 0, as PyTorch)."""

    def __init__(self, alpha: float = 1.0):
        self.alpha = checks.check_alpha("ELU", alpha)
        super().__init__()

    def _forward_row(self, row):
        a = self.alpha
        return [v if v > 0.0 else a * math.expm1(v) for v in row]

    def _backward_row(self, x_row, y_row, g_row):
        a = self.alpha
        return [g if v > 0.0 else g * a * math.exp(v) for v, g in zip(x_row, g_row)]

    def config(self):
        return {"alpha": self.alpha}


class Softplus(Activation):
    """y = log(1 + e^x);  dy/dx = sigmoid(x)."""

    def _forward_row(self, row):
        return [softplus(v) for v in row]

    def _backward_row(self, x_row, y_row, g_row):
        return [g * sigmoid(v) for v, g in zip(x_row, g_row)]


class ArcTan(Activation):
    """y = arctan(x);  dy/dx = 1 / (1 + x²)."""

    def _forward_row(self, row):
        return [math.atan(v) for v in row]

    def _backward_row(self, x_row, y_row, g_row):
        return [g / (1.0 + v * v) for v, g in zip(x_row, g_row)]


class Identity(Activation):
    """y = x;  dy/dx = 1 (a linear output, for regression)."""

    def _forward_row(self, row):
        return list(row)

    def _backward_row(self, x_row, y_row, g_row):
        return list(g_row)


class Softmax(Activation):
    """y_i = e^(x_i - m) / sum_j e^(x_j - m) over the last axis, m = max_j x_j.

    Subtracting the row's maximum changes nothing mathematically and keeps
    every exponent <= 0, so no overflow.
    Backward (Jacobian dy_i/dx_j = y_i (δ_ij - y_j)):  grad_in_i = y_i (g_i - Σ_j g_j y_j).
    For classification, prefer CrossEntropy on the logits: it fuses softmax
    and the log and is exact where softmax rounds to 0.
    """

    def _forward_row(self, row):
        m = max(row)
        exps = [math.exp(v - m) for v in row]
        total = sum(exps)
        return [e / total for e in exps]

    def _backward_row(self, x_row, y_row, g_row):
        dot = sum([g * y for g, y in zip(g_row, y_row)])
        return [y * (g - dot) for y, g in zip(y_row, g_row)]


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
