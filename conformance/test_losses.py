"""MSE, BinaryCrossEntropy and CrossEntropy: both twins agree on the loss value and its gradient."""
import pytest

from conformance.components import LOSSES
from conformance.twins import assert_agree, compare_loss

CASES = [(name, make, case) for name, make, cases in LOSSES for case in cases()]


@pytest.mark.parametrize("name, make, case", CASES, ids=[f"{name}-{case.name}" for name, _, case in CASES])
def test_loss_value_and_gradient_agree(name, make, case):
    comparisons = compare_loss(make, case.pred, case.target)
    assert set(comparisons) == {"value", "gradient"}
    assert_agree(comparisons, f"{name}, {case.name}")
