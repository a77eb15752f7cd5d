"""The comparison every other test relies on: compare() must pass what the policy allows and nothing more."""
import math

import numpy as np

from conformance import tolerances
from conformance.tolerances import ATOL, RTOL, compare, compare_exact, compare_training


def test_the_policy_numbers_are_the_ones_in_the_design():
    assert (tolerances.ATOL, tolerances.RTOL) == (1e-12, 1e-10)
    assert tolerances.TRAINING_ATOL == 1e-8
    assert (tolerances.GRADCHECK_EPS, tolerances.GRADCHECK_RTOL) == (1e-6, 1e-6)


def test_identical_values_pass_with_zero_difference():
    c = compare([[1.0, -2.5], [0.0, 3.0]], np.array([[1.0, -2.5], [0.0, 3.0]]))
    assert c.ok and c.max_abs == 0.0 and c.max_rel == 0.0


def test_a_difference_inside_atol_plus_rtol_passes():
    v = 1000.0
    assert compare([v + 0.9 * (ATOL + RTOL * v)], np.array([v])).ok


def test_a_difference_just_outside_atol_plus_rtol_fails():
    v = 1000.0
    assert not compare([v + 1.1 * (ATOL + RTOL * v)], np.array([v])).ok


def test_near_zero_only_the_absolute_part_counts():
    assert compare([1e-17], np.array([0.0])).ok
    assert not compare([1e-11], np.array([0.0])).ok


def test_a_failure_names_the_worst_element_and_both_values():
    c = compare([[1.0, 2.0], [3.0, 4.5]], np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert not c.ok
    assert c.index == (1, 1) and (c.pure, c.vec) == (4.5, 4.0)
    assert "pure 4.5 vs vectorized 4.0" in str(c)


def test_relative_and_absolute_differences_are_reported():
    c = compare([2.0 + 2e-13], np.array([2.0]))
    assert math.isclose(c.max_abs, 2e-13, rel_tol=1e-2)
    assert math.isclose(c.max_rel, 1e-13, rel_tol=1e-2)


def test_different_shapes_fail():
    c = compare([[1.0, 2.0]], np.array([1.0, 2.0]))
    assert not c.ok and "shapes differ" in c.problem


def test_nan_always_fails_even_against_nan():
    assert not compare([math.nan], np.array([1.0])).ok
    assert not compare([math.nan], np.array([math.nan])).ok


def test_equal_infinities_are_equal_but_opposite_ones_are_not():
    assert compare([math.inf], np.array([math.inf])).ok
    assert not compare([math.inf], np.array([-math.inf])).ok


def test_scalars_compare_like_tensors():
    assert compare(0.5, np.float64(0.5)).ok
    assert not compare(0.5, 0.6).ok


def test_exact_comparison_allows_no_difference_at_all():
    assert compare_exact([0.1 + 0.2], np.array([0.30000000000000004])).ok
    assert not compare_exact([0.3], np.array([0.30000000000000004])).ok


def test_training_comparison_allows_1e_minus_8_absolute():
    assert compare_training([1.0 + 0.9e-8], np.array([1.0])).ok
    assert not compare_training([1.0 + 1.1e-8], np.array([1.0])).ok
