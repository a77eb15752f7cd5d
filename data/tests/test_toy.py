"""Toy datasets: deterministic per seed, right sizes, right labels."""

import math

import pytest

from data import toy


@pytest.mark.parametrize(
    "make",
    [
        lambda seed: toy.xor(50, 0.1, seed),
        lambda seed: toy.moons(50, 0.1, seed),
        lambda seed: toy.spirals(20, 3, 0.2, seed),
        lambda seed: toy.circles(50, 0.1, 0.5, seed),
        lambda seed: toy.quadrants(50, seed),
    ],
)
def test_deterministic_per_seed(make):
    assert make(0) == make(0)
    assert make(1) == make(1)
    assert make(0)[0] != make(1)[0]


@pytest.mark.parametrize(
    "X, y, n",
    [
        (*toy.xor(), 200),
        (*toy.moons(), 200),
        (*toy.spirals(), 300),
        (*toy.circles(), 200),
        (*toy.quadrants(), 1000),
        (*toy.people(), 4),
        (*toy.incomes(), 5),
    ],
)
def test_plain_lists_of_float_pairs(X, y, n):
    assert type(X) is list and type(y) is list
    assert len(X) == len(y) == n
    assert all(type(row) is list and len(row) == 2 for row in X)
    assert all(type(value) is float for row in X for value in row)


def test_xor_labels_follow_the_corner():
    X, y = toy.xor(400, noise=0.05, seed=3)
    assert y == [round(x1) ^ round(x2) for x1, x2 in X]
    assert sum(y) == 200


def test_xor_without_noise_and_the_table():
    assert toy.xor(4, noise=0.0) == toy.xor_table()
    assert toy.xor_table() == ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])


def test_moons_lie_on_their_half_circles():
    X, y = toy.moons(101, noise=0.0, seed=0)
    assert y.count(0) == 50 and y.count(1) == 51
    for (x1, x2), label in zip(X, y):
        if label == 0:
            assert math.isclose(math.hypot(x1, x2), 1.0) and x2 >= -1e-12
        else:
            assert math.isclose(math.hypot(x1 - 1.0, x2 - 0.5), 1.0) and x2 <= 0.5 + 1e-12
    assert y != sorted(y)  # shuffled


def test_spirals_follow_their_arm():
    X, y = toy.spirals(n_per_class=40, classes=4, noise=0.0, seed=0)
    assert [y.count(k) for k in range(4)] == [40] * 4
    for (x1, x2), label in zip(X, y):
        radius = math.hypot(x1, x2)
        angle = 4.0 * label + 4.0 * radius
        assert math.isclose(x1, radius * math.sin(angle), abs_tol=1e-9)
        assert math.isclose(x2, radius * math.cos(angle), abs_tol=1e-9)


def test_circles_lie_on_their_circles():
    X, y = toy.circles(101, noise=0.0, factor=0.3, seed=0)
    assert y.count(0) == 50 and y.count(1) == 51
    for (x1, x2), label in zip(X, y):
        assert math.isclose(math.hypot(x1, x2), 1.0 if label == 0 else 0.3)
    assert len({(round(x1, 9), round(x2, 9)) for x1, x2 in X}) == 101   # no point twice
    assert y != sorted(y)  # shuffled
    noisy, _ = toy.circles(101, noise=0.1, factor=0.3, seed=0)
    assert noisy != X


@pytest.mark.parametrize("factor", [0, 1, 1.5, -0.5])
def test_circles_refuse_an_inner_radius_outside_0_1(factor):
    with pytest.raises(ValueError, match="factor"):
        toy.circles(10, factor=factor)


def test_quadrants():
    X, y = toy.quadrants(500, seed=2)
    assert all(-2.0 <= v <= 2.0 for row in X for v in row)
    assert y == [1 if x1 * x2 > 0 else 0 for x1, x2 in X]
    assert 200 < sum(y) < 300


def test_people_table():
    X, y = toy.people()
    assert X == [[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]]
    assert y == [1, 0, 0, 1]
    assert [name for name, *_ in toy.PEOPLE] == ["Alice", "Bob", "Charlie", "Diana"]


def test_incomes_follow_the_formula_exactly():
    X, y = toy.incomes()
    assert len(X) == 5
    assert y == [0.58 * salary + 0.67 * heritage for salary, heritage in X]
    assert len({tuple(row) for row in X}) == 5


def test_every_name_the_package_exports_exists():
    """`from data import *` works: every name in data.__all__ (circles included) is there."""
    import data
    assert [name for name in data.__all__ if not hasattr(data, name)] == []
    assert data.circles is toy.circles
