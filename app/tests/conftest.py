"""The application's tests run once per twin, as the library's do: `nn` is `pure`, then `vectorized`
(TWINS=pure runs only the first; tox's numpy-free environment does). The fixture and the helpers are
the library's own (tests/conftest.py)."""
from tests.conftest import ROOT, nn, to_list  # noqa: F401
