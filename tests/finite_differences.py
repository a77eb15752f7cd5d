"""Every backward of a layer or loss against central finite differences, independently of the twins' gradcheck.

`nn.gradcheck` is part of each twin; a gradcheck that checked nothing, or that shared a
mistake with backward, would pass every test that uses it. These few lines use only a
layer's public forward/backward and params, and the suite's own central differences
(conformance/differences.py, standard library only), so a wrong backward fails them
whatever gradcheck does. For a layer, the scalar is L = Σ_k y_k r_k with fixed random r,
whose gradient is backward(r); each input and parameter number is moved by ±eps, one at a time.
"""
import random

from conftest import tensor

from conformance.differences import central_differences, flatten


def nested(t):
    """Nested Python lists of floats from a twin's tensor (an array, or lists that may hold arrays)."""
    if hasattr(t, "tolist"):
        t = t.tolist()
    if isinstance(t, (list, tuple)):
        return [nested(v) for v in t]
    return float(t)


def flat(t):
    return flatten(nested(t))


def random_like(rng, t):
    t = nested(t)
    if isinstance(t, list):
        return [random_like(rng, v) for v in t]
    return rng.uniform(-1.0, 1.0)


def _close(analytic, numeric, tol):
    return abs(analytic - numeric) <= tol * max(1.0, abs(analytic) + abs(numeric))


def _disagreements(what, analytic, f, value, eps, tol):
    """'what number k: ...' for every number of value where analytic differs from central differences of f."""
    numeric = flatten(central_differences(f, value, eps))
    if len(analytic) != len(numeric):
        return [f"{what}: backward gives {len(analytic)} numbers, finite differences {len(numeric)}"]
    return [f"{what} number {k}: backward gives {a!r}, finite differences {n!r}"
            for k, (a, n) in enumerate(zip(analytic, numeric)) if not _close(a, n, tol)]


def layer_problems(nn, layer, x, eps=1e-5, tol=1e-6, seed=0, check_input=True):
    """Every way the layer's backward disagrees with central differences (empty: it agrees).

    x is given as nested lists; the layer sees it as the twin's tensor."""
    rng = random.Random(seed)
    x = nested(x)
    r = random_like(rng, layer.forward(tensor(nn, x)))
    r_flat = flat(r)

    def L(x_value):
        return sum(y * w for y, w in zip(flat(layer.forward(tensor(nn, x_value))), r_flat))

    layer.forward(tensor(nn, x))
    grad_in = layer.backward(tensor(nn, r))
    analytic = {name: flat(g) for name, g in layer.grads.items()}
    problems = []
    if check_input:
        problems += _disagreements("input", flat(grad_in), L, x, eps, tol)
    for name in list(layer.params):
        original = layer.params[name]

        def L_at(value, name=name, original=original):
            layer.params[name] = tensor(nn, value)
            try:
                return L(x)
            finally:
                layer.params[name] = original
        problems += _disagreements(name, analytic[name], L_at, nested(original), eps, tol)
    return problems


def loss_problems(nn, loss, pred, target, eps=1e-6, tol=1e-6):
    """The same for a loss: its backward() against central differences of forward()."""
    pred = nested(pred)
    loss.forward(tensor(nn, pred), target)
    analytic = flat(loss.backward())
    return _disagreements("prediction", analytic, lambda p: loss.forward(tensor(nn, p), target), pred, eps, tol)
