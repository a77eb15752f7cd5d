"""Central finite differences, written again for the tests, independently of the twins' gradcheck.

`nn.gradcheck` is part of each twin; a gradcheck that checked nothing, or that shared a
mistake with backward, would pass every test that uses it. These few lines use only a
layer's public forward/backward and params, so a wrong backward fails them whatever
gradcheck does. For a layer, the scalar is L = Σ_k y_k r_k with fixed random r, whose
gradient is backward(r); each input and parameter number is moved by ±eps, one at a time.
"""
import random

from conftest import tensor


def nested(t):
    """Nested Python lists of floats from a twin's tensor (an array, or lists that may hold arrays)."""
    if hasattr(t, "tolist"):
        t = t.tolist()
    if isinstance(t, (list, tuple)):
        return [nested(v) for v in t]
    return float(t)


def flat(t):
    t = nested(t)
    if isinstance(t, list):
        return [v for part in t for v in flat(part)]
    return [t]


def count(t):
    return len(flat(t))


def moved(t, index, delta):
    """A copy of nested lists with the index-th number (row-major order) moved by delta."""
    position = [0]

    def walk(v):
        if isinstance(v, list):
            return [walk(part) for part in v]
        k = position[0]
        position[0] += 1
        return v + delta if k == index else v
    return walk(nested(t))


def random_like(rng, t):
    t = nested(t)
    if isinstance(t, list):
        return [random_like(rng, v) for v in t]
    return rng.uniform(-1.0, 1.0)


def _close(analytic, numeric, tol):
    return abs(analytic - numeric) <= tol * max(1.0, abs(analytic) + abs(numeric))


def central(f, value, k, eps):
    """(f(value with number k moved by +eps) - f(... by -eps)) / 2eps."""
    return (f(moved(value, k, eps)) - f(moved(value, k, -eps))) / (2 * eps)


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
        a_in = flat(grad_in)
        for k in range(count(x)):
            n = central(L, x, k, eps)
            if not _close(a_in[k], n, tol):
                problems.append(f"input number {k}: backward gives {a_in[k]!r}, finite differences {n!r}")
    for name in list(layer.params):
        original = layer.params[name]

        def L_at(value, name=name, original=original):
            layer.params[name] = tensor(nn, value)
            try:
                return L(x)
            finally:
                layer.params[name] = original
        for k in range(count(original)):
            n = central(L_at, original, k, eps)
            if not _close(analytic[name][k], n, tol):
                problems.append(f"{name} number {k}: backward gives {analytic[name][k]!r}, "
                                f"finite differences {n!r}")
    return problems


def loss_problems(nn, loss, pred, target, eps=1e-6, tol=1e-6):
    """The same for a loss: its backward() against central differences of forward()."""
    pred = nested(pred)
    loss.forward(tensor(nn, pred), target)
    analytic = flat(loss.backward())
    problems = []
    for k in range(count(pred)):
        n = central(lambda p: loss.forward(tensor(nn, p), target), pred, k, eps)
        if not _close(analytic[k], n, tol):
            problems.append(f"prediction number {k}: backward gives {analytic[k]!r}, finite differences {n!r}")
    return problems
