"""Every activation layer: both twins agree on output and input gradient, for every fixture.

Fixtures (conformance/fixtures.py): random batches, a batch of 1, a (N, T, F)
sequence batch, zeros, extreme values +-1000 and 745, and kink-free inputs.
"""
import pytest

import pure
from conformance import fixtures
from conformance.components import ACTIVATIONS, NAN_BUGS, NAN_INPUT, nan_positions
from conformance.twins import TWINS, assert_agree, compare_layer

CASES = fixtures.elementwise_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("name, make", ACTIVATIONS, ids=[name for name, _ in ACTIVATIONS])
def test_activation_output_and_gradient_agree(name, make, case):
    comparisons = compare_layer(make, case.x, case.grad_out)
    assert set(comparisons) == {"forward", "input grad"}
    assert_agree(comparisons, f"{name}, {case.name}")


NAN_CASES = [pytest.param(nn, name, make, id=f"{nn.TWIN}-{name}",
                          marks=[pytest.mark.xfail(strict=True, reason=f"BUG: {NAN_BUGS[name]}")]
                          if nn is pure and name in NAN_BUGS else [])
             for nn in TWINS for name, make in ACTIVATIONS]


@pytest.mark.parametrize("nn, name, make", NAN_CASES)
def test_a_nan_input_stays_nan(nn, name, make):
    """Where the input is NaN the output is NaN (Softmax: the whole row); nothing turns it into a number."""
    positions = nan_positions(nn, make)
    expected_nan = [[1.0 if v != v else 0.0 for v in row] for row in NAN_INPUT]
    lost = [(i, j) for i, row in enumerate(expected_nan) for j, v in enumerate(row) if v and not positions[i][j]]
    assert not lost, f"{nn.TWIN} {name}: NaN became a number at {lost}; output NaN map {positions}"
