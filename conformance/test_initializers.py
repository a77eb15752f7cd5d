"""Initializers: identical draws in both twins for the same seed, and statistics that match the formula.

The twins SHARE this code: vectorized.init re-exports pure.init (the surest way to keep the
randomness protocol), so comparing `nn.init.get(...)` across twins compares a function with
itself and could never fail. It is tested here on its own instead: each initializer's draws
against random.Random called by hand with the formula's arguments, in row-major order, and
its statistics against the formula. What the twins do NOT share, the layers turning those
draws into weights, is compared across twins and against the same hand draws.

The statistical tests use 20,000 to 40,000 draws and fan-ins where a standard
deviation and a variance differ by 10x or more (fan_in = 400: std sqrt(2/400)
= 0.071, variance 0.005), so an initializer that mixes them up fails; the
bounds are explained in components.statistics_problems.
"""
import math
import random

import pytest

import pure
import vectorized
from conformance import fixtures
from conformance.components import (dense_initial_weights, initializer_draws, initializer_draws_by_hand, statistics,
                                    statistics_problems)
from conformance.tolerances import compare_exact
from conformance.twins import TWINS, as_lists

CASES = fixtures.initializer_cases()
IDS = [c.spec for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_dense_starts_from_identical_weights_in_both_twins(case):
    p, v = dense_initial_weights(pure, case, seed=3), dense_initial_weights(vectorized, case, seed=3)
    for name in ("W", "b"):
        c = compare_exact(p[name], v[name])
        assert c.ok, f"Dense({case.fan_in}, {case.fan_out}, init={case.spec!r}, seed=3) {name}: {c}"


def test_the_twins_share_one_initializer_module():
    """Why no test compares nn.init across the twins: it is one and the same code."""
    assert vectorized.init.get is pure.init.get and vectorized.init.He is pure.init.He


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_init_get_draws_what_random_random_gives_by_hand(case):
    """Row-major order: W[0][0], W[0][1], ..., the last index moving fastest."""
    assert initializer_draws(pure, case, seed=5) == initializer_draws_by_hand(case, seed=5)


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_dense_draws_W_then_b_from_its_seed(nn):
    """Dense(4, 3, init="he", bias_init="uniform(-1, 1)", seed=7): the 12 weights first, row by row,
    then the 3 biases, all from random.Random(7)."""
    rng = random.Random(7)
    W = [[rng.gauss(0.0, math.sqrt(2.0 / 4)) for _ in range(3)] for _ in range(4)]
    b = [rng.uniform(-1.0, 1.0) for _ in range(3)]
    layer = nn.Dense(4, 3, init="he", bias_init="uniform(-1, 1)", seed=7)
    assert as_lists(layer.params["W"]) == W and as_lists(layer.params["b"]) == b


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_dense_defaults_to_xavier_weights_and_zero_biases(nn):
    """Dense(5, 3, seed=2): uniform on [-a, a], a = sqrt(6 / (5 + 3)) = sqrt(0.75); biases 0 (no draws)."""
    rng = random.Random(2)
    a = math.sqrt(6.0 / (5 + 3))
    W = [[rng.uniform(-a, a) for _ in range(3)] for _ in range(5)]
    layer = nn.Dense(5, 3, seed=2)
    assert as_lists(layer.params["W"]) == W and as_lists(layer.params["b"]) == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_conv2d_defaults_to_xavier_with_fan_out_o_kh_kw(nn):
    """Conv2D(2, 3, (2, 3), seed=4): fan_in = 2·2·3 = 12, fan_out = 3·2·3 = 18, a = sqrt(6 / 30)."""
    rng = random.Random(4)
    a = math.sqrt(6.0 / (12 + 18))
    W = [[[[rng.uniform(-a, a) for _ in range(3)] for _ in range(2)] for _ in range(2)] for _ in range(3)]
    layer = nn.Conv2D(2, 3, (2, 3), seed=4)
    assert as_lists(layer.params["W"]) == W and as_lists(layer.params["b"]) == [0.0] * 3


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_conv2d_draws_its_kernels_with_fan_in_c_kh_kw(nn):
    """Conv2D(2, 3, (2, 3), init="he", seed=1): W has shape (3, 2, 2, 3) drawn in row-major order with
    fan_in = 2*2*3 = 12, so std sqrt(2/12)."""
    rng = random.Random(1)
    W = [[[[rng.gauss(0.0, math.sqrt(2.0 / 12)) for _ in range(3)] for _ in range(2)] for _ in range(2)]
         for _ in range(3)]
    layer = nn.Conv2D(2, 3, (2, 3), init="he", bias=False, seed=1)
    assert as_lists(layer.params["W"]) == W


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_dense_weights_have_the_mean_and_variance_of_the_formula(nn, case):
    stats = statistics(dense_initial_weights(nn, case)["W"])
    problems = statistics_problems(stats, case)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_init_get_has_the_mean_and_variance_of_the_formula(case):
    problems = statistics_problems(statistics(initializer_draws(pure, case)), case)
    assert not problems, "\n".join(problems)


def test_a_different_seed_gives_different_weights():
    a = dense_initial_weights(pure, CASES[0], seed=1)["W"]
    b = dense_initial_weights(pure, CASES[0], seed=2)["W"]
    assert a != b


def test_glorot_is_another_name_for_xavier():
    xavier = pure.Dense(30, 20, init="xavier", seed=9).params["W"]
    glorot = pure.Dense(30, 20, init="glorot", seed=9).params["W"]
    assert xavier == glorot


# The statistics check itself must be able to fail: feed it the classic mistakes.

def _gauss_sample(std, n_in=400, n_out=100, seed=0):
    rng = random.Random(seed)
    return [[rng.gauss(0.0, std) for _ in range(n_out)] for _ in range(n_in)]


def test_statistics_check_catches_he_with_the_variance_used_as_std():
    he = next(c for c in CASES if c.spec == "he")
    assert statistics_problems(statistics(_gauss_sample(std=2.0 / he.fan_in)), he)
    assert not statistics_problems(statistics(_gauss_sample(std=math.sqrt(2.0 / he.fan_in))), he)


def test_statistics_check_catches_normal_std_taken_as_a_variance():
    normal = next(c for c in CASES if c.spec.startswith("normal"))
    assert statistics_problems(statistics(_gauss_sample(std=math.sqrt(0.1), n_in=200, n_out=200)), normal)


def test_statistics_check_catches_he_scaled_by_fan_out_instead_of_fan_in():
    he = next(c for c in CASES if c.spec == "he")
    assert statistics_problems(statistics(_gauss_sample(std=math.sqrt(2.0 / he.fan_out))), he)


def test_statistics_check_catches_xavier_with_the_wrong_bound():
    xavier = next(c for c in CASES if c.spec == "xavier")
    rng = random.Random(0)
    a = math.sqrt(2.0 / (xavier.fan_in + xavier.fan_out))     # the variance formula used as the bound
    sample = [[rng.uniform(-a, a) for _ in range(xavier.fan_out)] for _ in range(xavier.fan_in)]
    assert statistics_problems(statistics(sample), xavier)
