"""Run both twins on the same fixture and compare what they give: the shared comparison code.

The pytest suite and `python -m conformance` both go through these functions,
so "the twins agree" means the same thing in both places.

The pattern is always the same:

    run_X(nn, ...)      runs one twin (`nn` is the module `pure` or `vectorized`)
                        and returns a dict  label -> value
    compare_X(...)      runs both twins and returns a dict  label -> Comparison

A component is described by a factory that takes the twin module, e.g.
`lambda nn: nn.Dense(3, 4, seed=0)`, so one line of test code builds the
same object in both twins.

Finite differences come in two kinds: each twin's own `gradcheck` (the
user-facing checker), and `central_differences` (conformance/differences.py),
written independently of both twins so that a bug in `gradcheck` itself cannot
hide a bug in a gradient.
"""
from __future__ import annotations

import copy
import math
import os
import tempfile
from typing import Callable, Dict, List, Optional

import numpy as np

import pure
import vectorized

from .differences import central_differences
from .differences import flatten as _flatten
from .tolerances import GRADCHECK_EPS, GRADCHECK_FLOOR, Comparison, compare, compare_exact, compare_training
from .tolerances import relative_error  # noqa: F401 - read from here by the suite

TWINS = (pure, vectorized)


# ----------------------------------------------------------------------------- values in, values out


def for_twin(nn, value):
    """A fixture as twin `nn` takes it: a deep copy of the lists for pure, np.array for vectorized.

    A ragged batch (sequences of different lengths) goes to vectorized as a
    list of N arrays, one per sequence, the form that twin documents.
    """
    if nn is vectorized:
        try:
            return np.array(value)
        except ValueError:
            return [np.array(part) for part in value]
    return copy.deepcopy(value)


def as_lists(value):
    """A twin's value as plain Python (nested lists, floats), whichever twin produced it."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [as_lists(v) for v in value]
    return value


def compare_results(pure_results: dict, vec_results: dict, compare_fn=compare) -> Dict[str, Comparison]:
    """Compare two dicts label -> value entry by entry (a label only one twin has fails)."""
    out = {}
    for label in list(pure_results) + [k for k in vec_results if k not in pure_results]:
        if label not in vec_results or label not in pure_results:
            side = "vectorized" if label not in vec_results else "pure"
            out[label] = Comparison(math.inf, math.inf, False, problem=f"{side} gives no {label!r}")
        elif pure_results[label] is None or vec_results[label] is None:
            same = pure_results[label] is None and vec_results[label] is None
            out[label] = Comparison(0.0 if same else math.inf, 0.0 if same else math.inf, same,
                                    problem="" if same else f"one twin gives None for {label!r}")
        else:
            out[label] = compare_fn(pure_results[label], vec_results[label])
    return out


def disagreements(comparisons: Dict[str, Comparison], context: str = "") -> str:
    """A readable list of the failing comparisons ('' when all pass): pure vs vectorized, where."""
    lines = [f"  {label}: {c}" for label, c in comparisons.items() if not c.ok]
    if not lines:
        return ""
    head = f"pure and vectorized disagree{' on ' + context if context else ''}:"
    return "\n".join([head] + lines)


def assert_agree(comparisons: Dict[str, Comparison], context: str = "") -> None:
    """Fail a test, printing pure-vs-vectorized for every label that disagrees."""
    message = disagreements(comparisons, context)
    assert not message, message
    assert comparisons, f"nothing was compared{' for ' + context if context else ''}"


# ----------------------------------------------------------------------------- layers


def set_params(nn, layer, params: Optional[dict]) -> None:
    for name, value in (params or {}).items():
        layer.params[name] = for_twin(nn, value)


def run_layer(nn, make_layer: Callable, x, grad_out, params: Optional[dict] = None,
              training: bool = True) -> dict:
    """Forward then backward through one fresh layer of twin nn: output, input grad, param grads."""
    layer = make_layer(nn)
    set_params(nn, layer, params)
    layer.train() if training else layer.eval()
    results = {"forward": layer.forward(for_twin(nn, x))}
    results["input grad"] = layer.backward(for_twin(nn, grad_out))
    for name in layer.params:
        results[f"grad {name}"] = layer.grads[name]
    return results


def compare_layer(make_layer: Callable, x, grad_out, params: Optional[dict] = None,
                  training: bool = True) -> Dict[str, Comparison]:
    return compare_results(run_layer(pure, make_layer, x, grad_out, params, training),
                           run_layer(vectorized, make_layer, x, grad_out, params, training))


# ----------------------------------------------------------------------------- losses


def run_loss(nn, make_loss: Callable, pred, target) -> dict:
    loss = make_loss(nn)
    value = loss.forward(for_twin(nn, pred), for_twin(nn, target))
    return {"value": value, "gradient": loss.backward()}


def compare_loss(make_loss: Callable, pred, target) -> Dict[str, Comparison]:
    return compare_results(run_loss(pure, make_loss, pred, target),
                           run_loss(vectorized, make_loss, pred, target))


# ----------------------------------------------------------------------------- optimizers and clipping


def parameter_layers(nn, params: List[dict]) -> list:
    """Dense layers holding the given parameters (an optimizer only reads params and grads)."""
    layers = []
    for p in params:
        n_in, n_out = len(p["W"]), len(p["b"])
        layer = nn.Dense(n_in, n_out, init="zeros")
        set_params(nn, layer, p)
        layers.append(layer)
    return layers


def run_optimizer(nn, make_optimizer: Optional[Callable], params: List[dict], grads_per_step: List[list],
                  clip: Optional[Callable] = None) -> dict:
    """Feed the same gradients step by step; record clipped gradients and parameters after each step.

    make_optimizer(nn) builds the optimizer (None: only clip); clip(nn, layers),
    if given, runs after the gradients are set and before the step, and what
    it returns (the norm, for clip_grads_by_norm) is recorded too.
    """
    layers = parameter_layers(nn, params)
    optimizer = make_optimizer(nn) if make_optimizer is not None else None
    results = {}
    for t, grads in enumerate(grads_per_step, start=1):
        for layer, g in zip(layers, grads):
            for name, value in g.items():
                layer.grads[name] = for_twin(nn, value)
        if clip is not None:
            returned = clip(nn, layers)
            if returned is not None:
                results[f"step {t} clip returned"] = returned
            for i, layer in enumerate(layers):
                for name in layer.grads:
                    results[f"step {t} layer {i} clipped grad {name}"] = layer.grads[name]
        if optimizer is not None:
            optimizer.step(layers)
            for i, layer in enumerate(layers):
                for name in layer.params:
                    results[f"step {t} layer {i} {name}"] = layer.params[name]
    return results


def compare_optimizer(make_optimizer: Optional[Callable], params, grads_per_step,
                      clip: Optional[Callable] = None) -> Dict[str, Comparison]:
    return compare_results(run_optimizer(pure, make_optimizer, params, grads_per_step, clip),
                           run_optimizer(vectorized, make_optimizer, params, grads_per_step, clip))


# ----------------------------------------------------------------------------- whole training runs


def run_fit(nn, build_model: Callable, data, make_loss: Callable, make_optimizer: Callable,
            **fit_options) -> dict:
    """Train a fresh model of twin nn; return final weights, history, step count (and, with
    validation data, evaluate() and predict() on it afterwards).

    `data` is a fixtures.TrainingData; validation_data=True in fit_options
    means "use data.x_val, data.y_val".
    """
    model = build_model(nn)
    optimizer = make_optimizer(nn)
    if fit_options.get("validation_data") is True:
        fit_options["validation_data"] = (for_twin(nn, data.x_val), for_twin(nn, data.y_val))
    steps = [0]
    inner_step = optimizer.step

    def counting_step(layers):
        steps[0] += 1
        inner_step(layers)
    optimizer.step = counting_step
    history = model.fit(for_twin(nn, data.x), for_twin(nn, data.y), loss=make_loss(nn),
                        optimizer=optimizer, progress=False, **fit_options)
    results = {}
    for i, layer in enumerate(model.layers):
        for name, value in layer.params.items():
            results[f"layer {i} {name}"] = value
    for key, values in history.items():
        results[f"history {key}"] = [float(v) for v in values]
    if fit_options.get("validation_data") is not None:
        x_val, y_val = fit_options["validation_data"]
        for key, value in model.evaluate(x_val, y_val).items():
            results[f"evaluate {key}"] = value
        results["predict"] = model.predict(x_val)
    results["optimizer steps"] = float(steps[0])
    return results


def compare_fit(build_model, data, make_loss, make_optimizer, **fit_options) -> Dict[str, Comparison]:
    """Both twins train from the same seed; every weight and history entry within TRAINING_ATOL."""
    return compare_results(run_fit(pure, build_model, data, make_loss, make_optimizer, **dict(fit_options)),
                           run_fit(vectorized, build_model, data, make_loss, make_optimizer, **dict(fit_options)),
                           compare_fn=compare_training)


def resume_across(build_model, data, make_loss, make_optimizer, stop_after: int, folder: Optional[str] = None,
                  **fit_options) -> Dict[str, Comparison]:
    """A run checkpointed after `stop_after` epochs in one twin, resumed to the end in the other.

    Compared with the uninterrupted run of the twin it started in (weights and
    history within TRAINING_ATOL): "pure -> vectorized layer 0 W" is the
    weight of a run begun in pure and finished in vectorized, against pure's
    uninterrupted run.
    """
    out = {}
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        for first, second in ((pure, vectorized), (vectorized, pure)):
            path = os.path.join(tmp, f"started-in-{first.TWIN}.ckpt.json")
            interrupted = dict(fit_options, checkpoint=path, epochs=stop_after)   # as if killed after that epoch
            first_part = run_fit(first, build_model, data, make_loss, make_optimizer, **interrupted)
            resumed = run_fit(second, build_model, data, make_loss, make_optimizer,
                              **dict(fit_options, checkpoint=path, resume=True))
            whole = run_fit(first, build_model, data, make_loss, make_optimizer, **dict(fit_options))
            direction = f"{first.TWIN} -> {second.TWIN}"
            # A resume that silently started afresh would end with the same weights; the step count tells.
            steps = [results.pop("optimizer steps") for results in (first_part, resumed, whole)]
            out[f"{direction} steps after resuming"] = compare_exact(steps[1], steps[2] - steps[0])
            pair = (whole, resumed) if first is pure else (resumed, whole)
            comparisons = compare_results(*pair, compare_fn=compare_training)
            out.update({f"{direction} {label}": c for label, c in comparisons.items()})
    return out


# ----------------------------------------------------------------------------- saving in one twin, loading in the other


def save_and_load_across(build_model: Callable, x, folder: Optional[str] = None) -> Dict[str, Comparison]:
    """Each twin saves its model; the other twin loads it. Compare weights and predictions.

    Returns comparisons labelled e.g. "pure -> vectorized layer 0 W" (the
    loaded weights against the saved ones: exact, as the file holds every
    double exactly) and "pure -> vectorized predict" (the loaded model against
    the original, within the policy).
    """
    out = {}
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        for saver, loader in ((pure, vectorized), (vectorized, pure)):
            original = build_model(saver)
            path = os.path.join(tmp, f"saved-by-{saver.TWIN}.json")
            saver.save(original, path)
            loaded = loader.load(path)
            direction = f"{saver.TWIN} -> {loader.TWIN}"
            exact = compare_results(weights_by_label(original), weights_by_label(loaded), compare_fn=compare_exact)
            for label, comparison in exact.items():
                out[f"{direction} {label}"] = comparison
            try:
                p_orig = original.predict(for_twin(saver, x))
                p_loaded = loaded.predict(for_twin(loader, x))
            except Exception as e:  # noqa: BLE001 - one twin failing to predict is a disagreement to report
                out[f"{direction} predict"] = Comparison(math.inf, math.inf, False,
                                                         problem=f"predict raised {type(e).__name__}: {e}")
                continue
            pure_pred, vec_pred = (p_orig, p_loaded) if saver is pure else (p_loaded, p_orig)
            out[f"{direction} predict"] = compare(pure_pred, vec_pred)
    return out


def weights_by_label(model) -> dict:
    """A model's parameters as a dict "layer i name" -> nested lists."""
    return {f"layer {i} {name}": as_lists(value)
            for i, layer in enumerate(model.get_weights()) for name, value in layer.items()}


# ----------------------------------------------------------------------------- finite differences


def gradcheck_worst(report) -> float:
    """A twin's GradcheckReport read with the suite's error measure (see tolerances.py).

    The report gives, per tensor, the worst plain relative error and the worst
    absolute error (perhaps of different entries). Every entry's
    |a - n| / max(|a| + |n|, F) is at most both the first and the second / F,
    so the smaller of the two is a safe upper bound.
    """
    return max((min(report.relative[name], report.absolute[name] / GRADCHECK_FLOOR)
                for name in report.relative), default=0.0)


def worst_relative_error(analytic, numeric) -> float:
    return max((relative_error(a, n) for a, n in zip(_flatten(as_lists(analytic)), _flatten(numeric))),
               default=0.0)


def layer_fd_worst(nn, make_layer: Callable, x, grad_out, params: Optional[dict] = None,
                   training: bool = True, check_input: bool = True) -> float:
    """The suite's own finite-difference check of a layer in twin nn (input and every parameter).

    L = Σ grad_out ⊙ layer(x), so dL/d(output) = grad_out. A fresh layer is
    built for every evaluation, so a Dropout layer draws the same mask each
    time (same seed) and can be checked in training mode, unlike gradcheck.
    """
    analytic = run_layer(nn, make_layer, x, grad_out, params, training)
    weights = _flatten(grad_out)

    def loss_at(x_value, params_value):
        layer = make_layer(nn)
        set_params(nn, layer, params_value)
        layer.train() if training else layer.eval()
        out = _flatten(as_lists(layer.forward(for_twin(nn, x_value))))
        return math.fsum(a * b for a, b in zip(out, weights))

    worst = 0.0
    if check_input:
        numeric = central_differences(lambda v: loss_at(v, params), x, GRADCHECK_EPS)
        worst = worst_relative_error(analytic["input grad"], numeric)
    for name, value in (params or {}).items():
        def at(v, name=name):
            return loss_at(x, dict(params, **{name: v}))
        numeric = central_differences(at, value, GRADCHECK_EPS)
        worst = max(worst, worst_relative_error(analytic[f"grad {name}"], numeric))
    return worst


def gradcheck_layer(nn, make_layer: Callable, x, params: Optional[dict] = None, seed: int = 0):
    """Twin nn's own gradcheck on a fresh layer (L = Σ out ⊙ R); returns its GradcheckReport."""
    layer = make_layer(nn)
    set_params(nn, layer, params)
    return nn.gradcheck(layer, for_twin(nn, x), eps=GRADCHECK_EPS, seed=seed, max_checks=50)


def gradcheck_loss(nn, make_loss: Callable, pred, target, seed: int = 0):
    """Twin nn's own gradcheck of a loss's gradient, through an Identity layer."""
    return nn.gradcheck(nn.Identity(), for_twin(nn, pred), y=for_twin(nn, target), loss=make_loss(nn),
                        eps=GRADCHECK_EPS, seed=seed, max_checks=50)


def loss_fd_worst(nn, make_loss: Callable, pred, target) -> float:
    """The suite's own finite-difference check of a loss's gradient in twin nn."""
    analytic = run_loss(nn, make_loss, pred, target)["gradient"]

    def value(p):
        return make_loss(nn).forward(for_twin(nn, p), for_twin(nn, target))
    return worst_relative_error(analytic, central_differences(value, pred, GRADCHECK_EPS))
