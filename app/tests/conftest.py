"""The application's tests run once per twin, as the library's do: `nn` is `pure`, then `vectorized`
(TWINS=pure runs only the first; tox's numpy-free environment does)."""
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


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
