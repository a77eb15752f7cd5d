"""Numerical stability: sigmoid, softplus, softmax and the losses at +-1000.

A naive exp(1000) overflows to inf and turns into NaN. Each twin must give
finite values and gradients there, equal to the mathematical limits
(components.STABILITY_CASES lists each input with its limit).
"""
import numpy as np
import pytest

from conformance.components import STABILITY_CASES, stability_problems
from conformance.twins import TWINS, as_lists, assert_agree, compare_results, for_twin

IDS = [c.name for c in STABILITY_CASES]


@pytest.mark.parametrize("case", STABILITY_CASES, ids=IDS)
@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_value_and_gradient_are_finite(nn, case):
    value, gradient = case.run(nn)
    assert np.all(np.isfinite(np.asarray(value, dtype=float))), f"{nn.TWIN} {case.name}: value {as_lists(value)}"
    assert np.all(np.isfinite(np.asarray(gradient, dtype=float))), \
        f"{nn.TWIN} {case.name}: gradient {as_lists(gradient)}"


@pytest.mark.parametrize("case", STABILITY_CASES, ids=IDS)
@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_value_and_gradient_reach_the_mathematical_limit(nn, case):
    problems = stability_problems(case, nn)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", STABILITY_CASES, ids=IDS)
def test_twins_agree_at_the_extremes(case):
    (p_value, p_grad), (v_value, v_grad) = [case.run(nn) for nn in TWINS]
    assert_agree(compare_results({"value": p_value, "gradient": p_grad}, {"value": v_value, "gradient": v_grad}),
                 case.name)


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_cross_entropy_is_exact_where_softmax_rounds_to_zero(nn):
    """softmax([800, 0])[1] = e^-800 rounds to 0, so log(softmax) would be -inf; the loss is exactly 800."""
    assert nn.CrossEntropy().forward(for_twin(nn, [[800.0, 0.0]]), for_twin(nn, [1])) == 800.0
