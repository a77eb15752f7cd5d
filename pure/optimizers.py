"""Optimizers (SGD with momentum and weight decay, Adam) and gradient clipping.

`optimizer.step(layers)` updates every layer's `params` from its `grads`.
The update rules are PyTorch's, so results can be compared with it:

    SGD:   g = grad + weight_decay * p
           v = momentum * v + g            (v starts at 0; skipped when momentum = 0)
           p = p - lr * v
    Adam:  g = grad + weight_decay * p
           m = beta1 m + (1 - beta1) g,   v = beta2 v + (1 - beta2) g²
           p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)

State (velocities, moments) is kept per (layer position, parameter name), so
always pass the same list of layers. Tensors may have any rank.
"""
from __future__ import annotations

import math

from .ops import copy, flatten


def _check_lr(name, lr):
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0 or not math.isfinite(lr):
        raise ValueError(f"{name}: learning rate must be a positive finite number, got {lr!r}")
    return float(lr)


def _params_and_grads(layers):
    """Yield (key, layer, name, param, grad) for every parameter that has a gradient."""
    for i, layer in enumerate(layers):
        for name, param in layer.params.items():
            grad = layer.grads.get(name)
            if grad is None:
                continue
            yield (i, name), layer, name, param, grad


class Optimizer:
    """Base class: holds the learning rate `lr` (fit may lower it) and per-parameter state."""

    def __init__(self, lr):
        self.lr = _check_lr(type(self).__name__, lr)
        self.state = {}

    def step(self, layers):
        for key, layer, name, param, grad in _params_and_grads(layers):
            layer.params[name] = self._update(key, param, grad)

    def _update(self, key, param, grad):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr})"

    # ---- checkpoints: the optimizer's memory as JSON-ready lists, and back

    SLOTS = ()        # the tensors kept per parameter (SGD with momentum: velocity; Adam: m, v)
    COUNTERS = ()     # integer attributes that change as it steps (Adam: t)
    NONNEGATIVE = ()  # slots that can never hold a negative number (Adam: v, a mean of squares)

    def hyperparameters(self) -> dict:
        """The constructor arguments other than lr (a resumed run must use the same ones)."""
        return {}

    def state_dict(self) -> dict:
        """Everything needed to continue exactly where this optimizer is: type, lr, counters and
        the per-parameter tensors, keyed by (layer position, parameter name)."""
        entries = []
        for (i, name), value in sorted(self.state.items()):
            tensors = value if len(self.SLOTS) > 1 else (value,)
            entry = {"layer": i, "param": name}
            entry.update({slot: copy(t) for slot, t in zip(self.SLOTS, tensors)})
            entries.append(entry)
        return {"type": type(self).__name__, "lr": self.lr, "hyperparameters": self.hyperparameters(),
                "counters": {c: getattr(self, c) for c in self.COUNTERS}, "state": entries}

    def load_state_dict(self, saved: dict, from_list=copy) -> None:
        """Take the state from state_dict() (ValueError if it is not this kind of optimizer,
        or was made with other hyperparameters). Tensor shapes are the caller's to check."""
        kind = type(self).__name__
        if not isinstance(saved, dict) or saved.get("type") != kind:
            found = saved.get("type") if isinstance(saved, dict) else saved
            raise ValueError(f"the saved optimizer state is for {found!r:.40}, not {kind}")
        if saved.get("hyperparameters") != self.hyperparameters():
            raise ValueError(f"the saved {kind} had hyperparameters {saved.get('hyperparameters')!r:.200}, "
                             f"this one has {self.hyperparameters()!r}")
        lr = _check_lr(kind, saved.get("lr"))
        counters = saved.get("counters")
        if not isinstance(counters, dict) or set(counters) != set(self.COUNTERS) or not all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in counters.values()):
            raise ValueError(f"the saved {kind} state has bad counters {counters!r:.100}")
        entries = saved.get("state")
        if not isinstance(entries, list):
            raise ValueError(f"the saved {kind} state has no list of per-parameter entries")
        state = {}
        for entry in entries:
            if (not isinstance(entry, dict) or set(entry) != {"layer", "param", *self.SLOTS}
                    or not isinstance(entry["layer"], int) or isinstance(entry["layer"], bool)
                    or not isinstance(entry["param"], str)):
                raise ValueError(f"the saved {kind} state has a bad entry {entry!r:.100}")
            for slot in self.NONNEGATIVE:
                if not _nonnegative(entry[slot]):
                    raise ValueError(f"the saved {kind} {slot!r} of layer {entry['layer']} {entry['param']!r} "
                                     f"holds negative numbers (it is a mean of squares)")
            tensors = tuple(from_list(entry[slot]) for slot in self.SLOTS)
            state[(entry["layer"], entry["param"])] = tensors if len(tensors) > 1 else tensors[0]
        self.lr, self.state = lr, state
        for name, value in counters.items():
            setattr(self, name, value)


def _walk(fn, *tensors):
    """Apply fn to matching leaf rows of tensors of any rank; fn returns a tuple of rows."""
    if tensors[0] and isinstance(tensors[0][0], list):
        results = [_walk(fn, *rows) for rows in zip(*tensors)]
        return tuple(list(part) for part in zip(*results))
    return fn(*tensors)


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum and L2 weight decay."""

    def __init__(self, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(lr)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum!r}")
        if not weight_decay >= 0.0:
            raise ValueError(f"SGD: weight_decay must be >= 0, got {weight_decay!r}")
        self.momentum, self.weight_decay = float(momentum), float(weight_decay)

    SLOTS = ("velocity",)

    def hyperparameters(self):
        return {"momentum": self.momentum, "weight_decay": self.weight_decay}

    def _update(self, key, param, grad):
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        if mu == 0.0:
            def rows(p, g):
                if wd:
                    return ([pi - lr * (gi + wd * pi) for pi, gi in zip(p, g)],)
                return ([pi - lr * gi for pi, gi in zip(p, g)],)
            return _walk(rows, param, grad)[0]
        velocity = self.state.get(key)
        if velocity is None:
            velocity = _zeros_like(param)

        def rows_momentum(p, g, v):
            g = [gi + wd * pi for pi, gi in zip(p, g)] if wd else g
            v = [mu * vi + gi for vi, gi in zip(v, g)]
            return [pi - lr * vi for pi, vi in zip(p, v)], v
        new_param, self.state[key] = _walk(rows_momentum, param, grad, velocity)
        return new_param


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias-corrected moments; L2 weight decay optional."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        super().__init__(lr)
        for name, value in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= value < 1.0:
                raise ValueError(f"Adam: {name} must be in [0, 1), got {value!r}")
        if not eps > 0:
            raise ValueError(f"Adam: eps must be > 0, got {eps!r}")
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
        c1 = 1.0 - b1 ** self.t           # bias corrections
        c2 = 1.0 - b2 ** self.t
        m, v = self.state.get(key) or (_zeros_like(param), _zeros_like(param))

        def rows(p, g, m, v):
            g = [gi + wd * pi for pi, gi in zip(p, g)] if wd else g
            m = [b1 * mi + (1.0 - b1) * gi for mi, gi in zip(m, g)]
            v = [b2 * vi + (1.0 - b2) * gi * gi for vi, gi in zip(v, g)]
            p = [pi - lr * (mi / c1) / (math.sqrt(vi / c2) + eps) for pi, mi, vi in zip(p, m, v)]
            return p, m, v
        new_param, m, v = _walk(rows, param, grad, m, v)
        self.state[key] = (m, v)
        return new_param


def _zeros_like(x):
    if x and isinstance(x[0], list):
        return [_zeros_like(row) for row in x]
    return [0.0] * len(x)


def _nonnegative(values) -> bool:
    """No negative number anywhere in nested lists (non-numbers are left for the shape check)."""
    if isinstance(values, list):
        return all(_nonnegative(v) for v in values)
    return not (isinstance(values, (int, float)) and values < 0)


def clip_grads_by_value(layers, limit: float) -> None:
    """Clamp every gradient entry to [-limit, limit] (in place of each layer's grads)."""
    if not limit > 0:
        raise ValueError(f"clip_grads_by_value: limit must be > 0, got {limit!r}")

    def rows(g):
        return ([min(max(gi, -limit), limit) for gi in g],)
    for _, layer, name, _, grad in list(_params_and_grads(layers)):
        layer.grads[name] = _walk(rows, grad)[0]


def clip_grads_by_norm(layers, max_norm: float) -> float:
    """Scale all gradients together so their global L2 norm is at most max_norm.

    Returns the norm before clipping (as torch.nn.utils.clip_grad_norm_ does).
    """
    if not max_norm > 0:
        raise ValueError(f"clip_grads_by_norm: max_norm must be > 0, got {max_norm!r}")
    entries = list(_params_and_grads(layers))
    total = math.sqrt(sum(sum([g * g for g in flatten(grad)]) for *_, grad in entries))
    if total > max_norm:
        scale = max_norm / (total + 1e-6)
        for _, layer, name, _, grad in entries:
            layer.grads[name] = _walk(lambda g: ([gi * scale for gi in g],), grad)[0]
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
