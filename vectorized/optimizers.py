"""Optimizers (SGD with momentum and weight decay, Adam) and gradient clipping.

The numpy twin of pure/optimizers.py, with the same (PyTorch's) update rules:

    SGD:   g = grad + weight_decay * p;  v = momentum * v + g;  p = p - lr * v
    Adam:  m = beta1 m + (1 - beta1) g,   v = beta2 v + (1 - beta2) g²
           p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)

Like the pure twin, an update assigns a new array to `layer.params[name]`
instead of changing the old one in place: training relies on that to keep
the last good weights for free.
"""
from __future__ import annotations

import math

import numpy as np

from . import checks


class Optimizer:
    """Base class: the learning rate `lr` (fit may lower it) and the per-parameter state.

    SLOTS (tensors kept per parameter), COUNTERS (integers that change as it steps),
    NONNEGATIVE (slots never below 0) and hyperparameters() are what checkpoint.py saves."""

    SLOTS, COUNTERS, NONNEGATIVE = (), (), ()

    def __init__(self, lr):
        self.lr = checks.check_lr(type(self).__name__, lr)
        self.state = {}

    def step(self, layers):
        for key, layer, name, param, grad in _params_and_grads(layers):
            layer.params[name] = self._update(key, param, grad)

    def hyperparameters(self) -> dict:
        """The constructor arguments other than lr (a resumed run must use the same ones)."""
        return {}

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum and L2 weight decay."""

    def __init__(self, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(lr)
        checks.check_fraction("SGD", "momentum", momentum)
        checks.check_nonnegative("SGD", "weight_decay", weight_decay)
        self.momentum, self.weight_decay = float(momentum), float(weight_decay)

    SLOTS = ("velocity",)

    def hyperparameters(self):
        return {"momentum": self.momentum, "weight_decay": self.weight_decay}

    def _update(self, key, param, grad):
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        if wd:
            grad = grad + wd * param                                                       # g + wd * p
        if mu == 0.0:
            return descend(param, grad, lr)                                                # p - lr * g
        velocity = self.state.get(key)
        velocity = grad.copy() if velocity is None else mu * velocity + grad   # mu * v + g (own copy, never the grad)
        self.state[key] = velocity
        return descend(param, velocity, lr)                                                # p - lr * v


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias-corrected moments; L2 weight decay optional."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        super().__init__(lr)
        checks.check_fraction("Adam", "beta1", beta1)
        checks.check_fraction("Adam", "beta2", beta2)
        checks.check_positive("Adam", "eps", eps)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.weight_decay = float(weight_decay)
        self.t = 0

    SLOTS = ("m", "v")
    COUNTERS = ("t",)
    NONNEGATIVE = ("v",)

    def hyperparameters(self):
        return {"beta1": self.beta1, "beta2": self.beta2, "eps": self.eps, "weight_decay": self.weight_decay}

    def step(self, layers):
        self.t += 1
        super().step(layers)

    def _update(self, key, param, grad):
        b1, b2, eps, wd, lr = self.beta1, self.beta2, self.eps, self.weight_decay, self.lr
        c1 = 1.0 - b1 ** self.t
        c2 = 1.0 - b2 ** self.t
        if wd:
            grad = grad + wd * param
        m, v = self.state.get(key) or (np.zeros_like(param), np.zeros_like(param))
        m = b1 * m + (1.0 - b1) * grad
        v = b2 * v + (1.0 - b2) * grad * grad
        self.state[key] = (m, v)
        return param - lr * (m / c1) / (np.sqrt(v / c2) + eps)


def descend(param, step, lr):
    """param - lr * step: a step down the gradient (SGD's last line). A new array, the old one left as it was."""
    return param - lr * step


def _params_and_grads(layers):
    """Yield (key, layer, name, param, grad) for every parameter that has a gradient."""
    for i, layer in enumerate(layers):
        for name, param in layer.params.items():
            grad = layer.grads.get(name)
            if grad is None:
                continue
            yield (i, name), layer, name, param, grad


def clip_grads_by_value(layers, limit: float) -> None:
    """Clamp every gradient entry to [-limit, limit]."""
    checks.check_positive("clip_grads_by_value", "limit", limit)
    for _, layer, name, _, grad in list(_params_and_grads(layers)):
        layer.grads[name] = np.clip(grad, -limit, limit)


def clip_grads_by_norm(layers, max_norm: float) -> float:
    """Scale all gradients together so their global L2 norm is at most max_norm; returns the norm before."""
    checks.check_positive("clip_grads_by_norm", "max_norm", max_norm)
    entries = list(_params_and_grads(layers))
    total = math.sqrt(sum(float(np.sum(grad * grad)) for *_, grad in entries))
    if total > max_norm:
        scale = max_norm / (total + 1e-6)
        for _, layer, name, _, grad in entries:
            layer.grads[name] = grad * scale
    return total


def get(name, lr):
    """An optimizer by name ("sgd", "momentum", "adam") with learning rate lr."""
    key = str(name).lower()
    if key == "sgd":
        return SGD(lr)
    if key == "momentum":
        return SGD(lr, momentum=0.9)
    if key == "adam":
        return Adam(lr)
    raise ValueError(f"unknown optimizer {name!r}; known: adam, momentum, sgd")
