"""Small toy datasets for lessons and tests, made from a seeded generator.

Every function returns `(X, y)` as plain lists: `X` is a list of [x1, x2]
float rows, `y` a list of labels (ints; floats for the regression table
`incomes`). The random ones draw only from `random.Random(seed)`, so the same
seed gives the same data on every machine and interpreter (CPython, PyPy).

    xor(n, noise, seed)                  4 noisy corners, label = XOR of the corner bits
    xor_table()                          the 4 exact rows of the XOR truth table
    moons(n, noise, seed)                two interleaving half circles
    spirals(n_per_class, classes, noise, seed)
                                         arms of a spiral, one per class
    circles(n, noise, factor, seed)      a small circle inside a big one
    quadrants(n, seed)                   uniform in [-2, 2]^2, class 1 where x1*x2 > 0
    people()                             Victor Zhou's 4-person weight/height table
    incomes()                            5 rows, income = 0.58*salary + 0.67*heritage

What this is not: a benchmark suite. These sets are small on purpose, to be
printed, plotted and learnt in seconds.
"""

from __future__ import annotations

import math
import random

XOR_CORNERS = ((0, 0), (0, 1), (1, 0), (1, 1))

# Victor Zhou, "Machine Learning for Beginners: An Introduction to Neural
# Networks": weight minus 135 lb, height minus 66 in, label 1 = female.
PEOPLE = (
    ("Alice", -2.0, -1.0, 1),
    ("Bob", 25.0, 6.0, 0),
    ("Charlie", 17.0, 4.0, 0),
    ("Diana", -15.0, -6.0, 1),
)

# income = 0.58 * salary + 0.67 * heritage, all in thousands.
INCOME_WEIGHTS = (0.58, 0.67)
INCOME_ROWS = (
    (30.0, 10.0),
    (45.0, 0.0),
    (52.0, 20.0),
    (70.0, 35.0),
    (88.0, 5.0),
)


def xor(n=200, noise=0.1, seed=0):
    """Points around the corners of the unit square; label = XOR of the corner.

    Point i sits near corner (a, b) = XOR_CORNERS[i % 4], moved by Gaussian
    noise of standard deviation `noise` on each axis; its label is a ^ b. So
    the classes are balanced and any 4 consecutive rows cover all corners.
    With noise=0 and n=4 this is exactly the truth table.
    """
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        a, b = XOR_CORNERS[i % 4]
        X.append([a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)])
        y.append(a ^ b)
    return X, y


def xor_table():
    """The XOR truth table: X = the 4 corners as floats, y = [0, 1, 1, 0]."""
    X = [[float(a), float(b)] for a, b in XOR_CORNERS]
    y = [a ^ b for a, b in XOR_CORNERS]
    return X, y


def moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles, like scikit-learn's make_moons.

    Class 0 is the upper half circle of radius 1 around (0, 0); class 1 the
    lower one around (1, 0.5). n // 2 points go to class 0, the rest to
    class 1, evenly spaced along each arc; then Gaussian noise of standard
    deviation `noise` is added to each coordinate and the rows are shuffled.
    """
    rng = random.Random(seed)
    n_upper = n // 2
    n_lower = n - n_upper
    X, y = [], []
    for t in _linspace(0.0, math.pi, n_upper):
        X.append([math.cos(t), math.sin(t)])
        y.append(0)
    for t in _linspace(0.0, math.pi, n_lower):
        X.append([1.0 - math.cos(t), 0.5 - math.sin(t)])
        y.append(1)
    for row in X:
        row[0] += rng.gauss(0.0, noise)
        row[1] += rng.gauss(0.0, noise)
    return _shuffled(X, y, rng)


def spirals(n_per_class=100, classes=3, noise=0.2, seed=0):
    """Spiral arms, one per class (the CS231n toy problem), shuffled.

    For class k, point i has radius r = i / (n_per_class - 1) and angle
    t = 4k + 4r + noise * N(0, 1); it sits at (r sin t, r cos t). The arms
    wind around each other, so no straight line separates them.
    """
    rng = random.Random(seed)
    X, y = [], []
    for label in range(classes):
        for radius in _linspace(0.0, 1.0, n_per_class):
            angle = 4.0 * label + 4.0 * radius + rng.gauss(0.0, 1.0) * noise
            X.append([radius * math.sin(angle), radius * math.cos(angle)])
            y.append(label)
    return _shuffled(X, y, rng)


def circles(n=200, noise=0.1, factor=0.5, seed=0):
    """A circle of radius `factor` inside the unit circle, like scikit-learn's make_circles.

    Class 0 is the outer circle (radius 1), class 1 the inner one (radius
    `factor`, between 0 and 1). n // 2 points go to the outer circle, the rest
    to the inner one, evenly spaced in angle (the last angle stops short of
    2 pi, so no point is repeated); then Gaussian noise of standard deviation
    `noise` is added to each coordinate and the rows are shuffled. No straight
    line separates the classes; the distance from the centre does.
    """
    if not 0 < factor < 1:
        raise ValueError(f"circles: factor must be between 0 and 1 (the inner radius), got {factor!r}")
    rng = random.Random(seed)
    X, y = [], []
    for label, radius, count in ((0, 1.0, n // 2), (1, factor, n - n // 2)):
        for i in range(count):
            t = 2.0 * math.pi * i / count
            X.append([radius * math.cos(t), radius * math.sin(t)])
            y.append(label)
    for row in X:
        row[0] += rng.gauss(0.0, noise)
        row[1] += rng.gauss(0.0, noise)
    return _shuffled(X, y, rng)


def quadrants(n=1000, seed=0):
    """Points uniform in [-2, 2]^2; class 1 if x1 * x2 > 0 (quadrants I and III).

    A smooth, bigger cousin of XOR: a linear model cannot beat about 50%.
    """
    rng = random.Random(seed)
    X, y = [], []
    for _ in range(n):
        x1 = rng.uniform(-2.0, 2.0)
        x2 = rng.uniform(-2.0, 2.0)
        X.append([x1, x2])
        y.append(1 if x1 * x2 > 0 else 0)
    return X, y


def people():
    """Victor Zhou's table: X = [weight - 135 lb, height - 66 in], y = 1 if female.

    Alice (-2, -1) 1, Bob (25, 6) 0, Charlie (17, 4) 0, Diana (-15, -6) 1.
    The names are in `PEOPLE`.
    """
    X = [[weight, height] for _, weight, height, _ in PEOPLE]
    y = [label for _, _, _, label in PEOPLE]
    return X, y


def incomes():
    """Five rows X = [salary, heritage] (thousands), y = 0.58*salary + 0.67*heritage.

    A linear regression whose exact answer is known: a Dense(2, 1) layer
    trained with MSE should find W = [[0.58], [0.67]] and b = 0.
    """
    salary_weight, heritage_weight = INCOME_WEIGHTS
    X = [[salary, heritage] for salary, heritage in INCOME_ROWS]
    y = [salary_weight * salary + heritage_weight * heritage for salary, heritage in INCOME_ROWS]
    return X, y


def _linspace(start, stop, count):
    """`count` evenly spaced floats from start to stop, both included."""
    if count == 1:
        return [start]
    step = (stop - start) / (count - 1)
    return [start + i * step for i in range(count)]


def _shuffled(X, y, rng):
    """Shuffle rows of X and labels y together, using `rng`."""
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]
