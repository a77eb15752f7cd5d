"""Check backpropagation against central finite differences.

For a scalar loss L and a parameter entry p, the central difference

    dL/dp ≈ (L(p + eps) - L(p - eps)) / (2 eps)

has an error of order eps² (plus rounding of order 1e-16 / eps), so with
eps = 1e-6 it agrees with a correct analytic gradient to about 1e-8 relative
or better. `gradcheck` compares the two for a layer or a whole model, on a
seeded sample of entries of every parameter and of the input.

    >>> from pure import Dense, gradcheck
    >>> report = gradcheck(Dense(3, 2, seed=0), x=[[1.0, 2.0, 3.0]])
    >>> report.ok()         # print(report): one line per tensor, its worst relative error
    True

Without a loss, L = Σ out ⊙ R for a fixed random R, so every output matters.
Dropout is switched off (eval mode) while checking, since a random mask
would change between the two evaluations. ReLU-like kinks can make a check
fail at points within eps of 0; that is the finite difference's fault.
"""
from __future__ import annotations

import math
from typing import Dict, Optional

from .ops import flatten, reshape, shape
from .portable import Random


def gradcheck(model, x, y=None, loss=None, eps: float = 1e-6, seed: int = 0,
              max_checks: int = 20, check_input: bool = True,
              params: Optional[list] = None) -> GradcheckReport:
    """Compare backward() with central differences for a Layer or a Sequential.

    model        a layer or a Sequential
    x            an input batch (floats; integer token ids cannot be perturbed: check_input=False)
    y, loss      a target and loss object; without them L = Σ out ⊙ R, R random but fixed
    max_checks   entries sampled per tensor (all entries when the tensor is smaller)
    """
    _check_arguments(model, x, eps, check_input)
    layers = model.layers if hasattr(model, "layers") else [model]
    modes = [layer.training for layer in layers]
    for layer in layers:
        layer.eval()
    rng = Random(seed)
    try:
        out = model.forward(x)
        if loss is None:
            weights = [rng.uniform(-1.0, 1.0) for _ in flatten(out)]

            def scalar(o):
                return sum([a * b for a, b in zip(flatten(o), weights)])
            grad_out = reshape(weights, shape(out))
        else:
            def scalar(o):
                return loss.forward(o, y)
            loss.forward(out, y)
            grad_out = loss.backward()

        grad_in = model.backward(grad_out)
        report = GradcheckReport()

        def numeric(tensor, index):
            holder, last = _get(tensor, index)
            original = holder[last]
            holder[last] = original + eps
            plus = scalar(model.forward(x))
            holder[last] = original - eps
            minus = scalar(model.forward(x))
            holder[last] = original
            return (plus - minus) / (2 * eps)

        for layer in layers:
            for name in layer.params:
                if params is not None and name not in params:
                    continue
                analytic = layer.grads[name]
                tensor = layer.params[name]
                label = f"{layer.label} {name}" if len(layers) > 1 else f"{type(layer).__name__} {name}"
                for index in _sample_indices(shape(tensor), max_checks, rng):
                    a_holder, a_last = _get(analytic, index)
                    report.add(label, a_holder[a_last], numeric(tensor, index))
        if check_input and grad_in is not None:
            for index in _sample_indices(shape(x), max_checks, rng):
                a_holder, a_last = _get(grad_in, index)
                report.add("input", a_holder[a_last], numeric(x, index))
        return report
    finally:
        for layer, mode in zip(layers, modes):
            layer.training = mode


class GradcheckReport:
    """Worst relative and absolute error per checked tensor; `ok(tol)` says whether all pass."""

    def __init__(self):
        self.relative: Dict[str, float] = {}
        self.absolute: Dict[str, float] = {}
        self.checked: Dict[str, int] = {}

    def add(self, name, analytic, numeric):
        err = abs(analytic - numeric)
        rel = err / max(abs(analytic) + abs(numeric), 1e-12) if err > 1e-12 else 0.0
        if not math.isfinite(err):          # a NaN or infinity is never "ok"
            err = rel = math.inf
        self.relative[name] = max(self.relative.get(name, 0.0), rel)
        self.absolute[name] = max(self.absolute.get(name, 0.0), err)
        self.checked[name] = self.checked.get(name, 0) + 1

    def worst(self) -> float:
        return max(self.relative.values(), default=0.0)

    def ok(self, tol: float = 1e-6) -> bool:
        return self.worst() <= tol

    def __str__(self):
        lines = [f"{'tensor':40s} {'entries':>7s} {'max rel err':>12s} {'max abs err':>12s}"]
        for name in self.relative:
            lines.append(f"{name:40s} {self.checked[name]:7d} {self.relative[name]:12.3e} "
                         f"{self.absolute[name]:12.3e}")
        return "\n".join(lines)


def _get(tensor, index):
    for i in index[:-1]:
        tensor = tensor[i]
    return tensor, index[-1]


def _sample_indices(dims, count, rng):
    """Up to `count` distinct multi-indices into a tensor of shape dims, chosen by rng."""
    size = 1
    for d in dims:
        size *= d
    flat = range(size) if size <= count else sorted(rng.sample(range(size), count))
    out = []
    for f in flat:
        index = []
        for d in reversed(dims):
            index.append(f % d)
            f //= d
        out.append(tuple(reversed(index)))
    return out


def _all_finite(x) -> bool:
    if isinstance(x, (list, tuple)):
        return all(_all_finite(v) for v in x)
    return isinstance(x, (int, float)) and math.isfinite(x)


def _check_arguments(model, x, eps, check_input) -> None:
    """model a layer or a Sequential; eps a positive finite number; x (when perturbed) finite numbers:
    else a check would report nonsense."""
    if isinstance(model, type) or not all(callable(getattr(model, name, None)) for name in ("forward", "backward")):
        raise TypeError(f"gradcheck: model must be a layer or a Sequential (an object with forward and backward), "
                        f"got {model!r:.60}")
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not (0 < eps < float("inf")):
        raise ValueError(f"gradcheck: eps must be a positive finite number, got {eps!r}")
    if check_input and not _all_finite(x):
        raise ValueError("gradcheck: x holds NaN or infinity (or something that is not a number); "
                         "finite differences need finite inputs")
