"""Central finite differences, written with nothing from either twin and nothing outside the standard library.

The one finite-difference routine of the checks that stand outside the twins:
conformance/twins.py measures every gradient of both twins with it, and the
spec tests (tests/finite_differences.py) use it too, in the environment that
has no numpy. A bug in a twin's own `gradcheck` cannot hide a bug in a
gradient from it.
"""
from typing import Callable


def central_differences(f: Callable, x, eps: float):
    """Numeric gradient of the scalar function f at x (nested lists): (f(x+eps) - f(x-eps)) / 2eps.

    f receives a fresh nested list of x's structure (ragged sequences too) each
    time, with one entry moved by +-eps.
    """
    flat = flatten(x)
    grad = []
    for i in range(len(flat)):
        moved = list(flat)
        moved[i] = flat[i] + eps
        plus = f(rebuild(x, iter(moved)))
        moved[i] = flat[i] - eps
        minus = f(rebuild(x, iter(moved)))
        grad.append((plus - minus) / (2.0 * eps))
    return rebuild(x, iter(grad))


def flatten(x) -> list:
    """The numbers of nested lists, in row-major order, as floats."""
    if isinstance(x, list):
        return [v for item in x for v in flatten(item)]
    return [float(x)]


def rebuild(template, numbers):
    """Nested lists of template's structure (ragged or not), filled from the iterator `numbers`."""
    if isinstance(template, list):
        return [rebuild(item, numbers) for item in template]
    return next(numbers)
