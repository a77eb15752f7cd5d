"""Every activation layer: both twins agree on output and input gradient, for every fixture.

Fixtures (conformance/fixtures.py): random batches, a batch of 1, a (N, T, F)
sequence batch, zeros, extreme values +-1000 and 745, and kink-free inputs.
"""
import pytest

from conformance import fixtures
from conformance.components import ACTIVATIONS
from conformance.twins import assert_agree, compare_layer

CASES = fixtures.elementwise_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("name, make", ACTIVATIONS, ids=[name for name, _ in ACTIVATIONS])
def test_activation_output_and_gradient_agree(name, make, case):
    comparisons = compare_layer(make, case.x, case.grad_out)
    assert set(comparisons) == {"forward", "input grad"}
    assert_agree(comparisons, f"{name}, {case.name}")
