"""Check backpropagation against central finite differences.

For a scalar loss L and a parameter entry p, the central difference

    dL/dp ≈ (L(p + eps) - L(p - eps)) / (2 eps)

has an error of order eps² (plus rounding of order 1e-16 / eps), so with
eps = 1e-6 it agrees with a correct analytic gradient to about 1e-8 relative
or better. `gradcheck` compares the two for a layer or a whole model, on a
seeded sample of entries of every parameter and of the input.

    >>> from vectorized import Dense, gradcheck
    >>> report = gradcheck(Dense(3, 2, seed=0), x=[[1.0, 2.0, 3.0]])
    >>> report.ok()         # print(report): one line per tensor, its worst relative error
    True

The numpy twin of pure/gradcheck.py: same sampling (the same entries are
checked for the same seed), same report; arrays are perturbed in place.

Without a loss, L = Σ out ⊙ R for a fixed random R, so every output matters.
Dropout is switched off (eval mode) while checking, since a random mask
would change between the two evaluations. ReLU-like kinks can make a check
fail at points within eps of 0; that is the finite difference's fault.
"""
from __future__ import annotations

import random
from typing import Optional

import numpy as np

from pure.gradcheck import GradcheckReport, _sample_indices   # numbers only: the report and the sampling are shared

from .ops import as_array, flatten, reshape, shape


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
    rng = random.Random(seed)
    x = as_array(x).copy() if check_input else x
    try:
        out = model.forward(x)
        if loss is None:
            weights = [rng.uniform(-1.0, 1.0) for _ in flatten(out)]

            weights = np.asarray(weights)

            def scalar(o):
                return float(np.dot(flatten(o), weights))
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
            original = float(holder[last])
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
                    report.add(label, float(a_holder[a_last]), numeric(tensor, index))
        if check_input and grad_in is not None:
            for index in _sample_indices(shape(x), max_checks, rng):
                a_holder, a_last = _get(grad_in, index)
                report.add("input", float(a_holder[a_last]), numeric(x, index))
        return report
    finally:
        for layer, mode in zip(layers, modes):
            layer.training = mode


def _get(tensor, index):
    """(holder, key) such that holder[key] is the entry at index: the array and the tuple."""
    return tensor, tuple(index)


def _all_finite(x) -> bool:
    if isinstance(x, (list, tuple)):        # sequences of different lengths stay lists
        return all(_all_finite(v) for v in x)
    try:
        return bool(np.all(np.isfinite(np.asarray(x, dtype=np.float64))))
    except (TypeError, ValueError):
        return False


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
