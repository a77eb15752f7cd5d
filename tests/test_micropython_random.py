"""pure.portable's stand-ins give CPython's very results: MicroPython lacks random.Random (and
itertools.product, operator.add/mul, math.log1p), and the pure twin's weights, batches and
dropout masks must be the same numbers there for the same seed.

On CPython pure.portable hands out the standard library's own names; these tests call the
stand-ins (MersenneTwister, plain_*) directly and compare them with the standard library.
"""
import itertools
import math
import operator
import random

import pytest

from pure import portable

SEEDS = list(range(40)) + [2**31 - 1, 2**32 - 1, 2**32, 2**32 + 1, 2**63, 2**64 + 12345, 10**30 + 7, -1, -2**40]


def test_on_cpython_pure_uses_the_standard_library_itself():
    assert portable.Random is random.Random
    assert portable.product is itertools.product
    assert (portable.add, portable.mul) == (operator.add, operator.mul)
    assert portable.log1p is math.log1p


@pytest.mark.parametrize("seed", SEEDS)
def test_the_same_seed_gives_the_same_draws(seed):
    ours, theirs = portable.MersenneTwister(seed), random.Random(seed)
    assert ours.getstate() == theirs.getstate()
    assert [ours.random() for _ in range(700)] == [theirs.random() for _ in range(700)]   # past one twist
    assert [ours.gauss(0.5, 2.0) for _ in range(101)] == [theirs.gauss(0.5, 2.0) for _ in range(101)]
    assert [ours.uniform(-3.0, 1.5) for _ in range(50)] == [theirs.uniform(-3.0, 1.5) for _ in range(50)]
    a, b = list(range(257)), list(range(257))
    ours.shuffle(a)
    theirs.shuffle(b)
    assert a == b
    assert [ours.randrange(n) for n in range(1, 300)] == [theirs.randrange(n) for n in range(1, 300)]
    for population, k in [(range(10), 10), (range(100), 7), (range(10_000), 60), (list("abcdefgh"), 3)]:
        assert ours.sample(population, k) == theirs.sample(population, k)
    bits = [0, 1, 7, 31, 32, 33, 63, 64, 65, 100, 200]
    assert [ours.getrandbits(k) for k in bits] == [theirs.getrandbits(k) for k in bits]
    assert ours.getstate() == theirs.getstate()


def test_state_round_trips_both_ways_mid_gauss_pair():
    theirs = random.Random(7)
    theirs.gauss(0.0, 1.0)                          # leaves gauss_next set
    ours = portable.MersenneTwister(0)
    ours.setstate(theirs.getstate())
    assert [ours.gauss(0.0, 1.0) for _ in range(5)] == [theirs.gauss(0.0, 1.0) for _ in range(5)]
    again = random.Random()
    again.setstate(ours.getstate())
    assert again.random() == ours.random()


def test_the_layers_draw_the_same_weights_from_either_generator():
    import pure as nn
    for make in (lambda rng: nn.Dense(13, 7, rng=rng), lambda rng: nn.Dense(13, 7, init="he", rng=rng),
                 lambda rng: nn.Conv2D(2, 3, 3, rng=rng), lambda rng: nn.RNN(4, 5, rng=rng)):
        ours, theirs = make(portable.MersenneTwister(3)), make(random.Random(3))
        assert ours.params == theirs.params


def test_a_seed_that_is_not_an_integer_is_refused():
    with pytest.raises(TypeError):
        portable.MersenneTwister("text")
    with pytest.raises(TypeError):
        portable.MersenneTwister(1.5)


def test_plain_product_add_mul():
    for iterables in [(), (range(3),), (range(2), "abc", (None, 1.5)), (range(0), range(3))]:
        assert list(portable.plain_product(*iterables)) == list(itertools.product(*iterables))
    assert portable.plain_add(0.1, 0.2) == operator.add(0.1, 0.2)
    assert portable.plain_mul(0.1, 3.0) == operator.mul(0.1, 3.0)


def test_plain_log1p_is_within_a_few_ulps_of_math_log1p():
    rng = random.Random(0)
    xs = [0.0, -0.0, 1e-300, -1e-17, 1e-16, 0.5, -0.5, 1.0, 1e300, math.inf, -1.0 + 2**-52]
    xs += [math.exp(rng.uniform(-700.0, 700.0)) for _ in range(20_000)]
    xs += [-rng.random() for _ in range(20_000)]
    for x in xs:
        ours, theirs = portable.plain_log1p(x), math.log1p(x)
        assert ours == theirs or abs(ours - theirs) <= 4e-16 * abs(theirs), x
    assert math.isnan(portable.plain_log1p(math.nan))
