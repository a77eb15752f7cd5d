"""Shared fixtures: every test that takes `nn` runs once per twin.

The twins promise the same behaviour, so the same test file specifies both:
`nn` is `pure` and then `vectorized`. Set TWINS=pure to test only the pure
twin (tox's numpy-free environment does, to prove the pure twin and data/
need nothing outside the standard library).
"""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def _twins():
    wanted = os.environ.get("TWINS", "pure,vectorized").split(",")
    return [t.strip() for t in wanted if t.strip()]


@pytest.fixture(params=_twins())
def nn(request):
    if request.param == "vectorized":
        pytest.importorskip("numpy")
    return __import__(request.param)


def to_list(x):
    """A twin's tensor as nested Python lists (numpy arrays have tolist())."""
    return x.tolist() if hasattr(x, "tolist") else x


def close(a, b, tol=1e-9):
    """Nested lists equal within an absolute tolerance."""
    a, b = to_list(a), to_list(b)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b))
    return abs(a - b) <= tol


def tensor(nn, value):
    """A value as the twin's own tensor type: nested lists for pure, a float64 array for vectorized."""
    if nn.TWIN == "pure":
        return value
    import numpy
    return numpy.array(value, dtype=numpy.float64)


def layer_with(nn, W, grad):
    """A Dense layer holding weights W (bias 0) and gradient grad (bias gradient 0): what an optimizer reads."""
    layer = nn.Dense(len(W), len(W[0]))
    layer.params["W"], layer.params["b"] = tensor(nn, W), tensor(nn, [0.0] * len(W[0]))
    layer.grads["W"], layer.grads["b"] = tensor(nn, grad), tensor(nn, [0.0] * len(W[0]))
    return layer
