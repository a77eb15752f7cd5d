"""Weight initializers, named after their math, drawn from a seeded random.Random.

An initializer fills a tensor of a given shape with random numbers whose
spread depends on the layer's fan-in (inputs per unit) and fan-out:

    he      normal, mean 0, std sqrt(2 / fan_in)              (ReLU networks)
    xavier  uniform on [-a, a], a = sqrt(6 / (fan_in + fan_out)); "glorot" is the same
    lecun   normal, mean 0, std sqrt(1 / fan_in)              (tanh, SELU)
    normal  normal, mean 0, std `std` (a standard deviation, not a variance)
    uniform uniform on [a, b]
    zeros   all zeros

The numbers are drawn one at a time in row-major order (the last index moves
fastest) from the `random.Random` handed in. The vectorized twin calls these
very functions and turns the result into an array, so both twins start from
identical weights for the same seed. The tests check each initializer's mean
and variance against the formula above.
"""
from __future__ import annotations

import math
import random
import re
from typing import Sequence, Union

from .checks import check_nonnegative, check_uniform_bounds
from .portable import Random


class Initializer:
    """Base class: `init(dims, fan_in, fan_out, rng)` returns a nested list of shape `dims`."""

    def draw(self, fan_in: int, fan_out: int, rng: random.Random) -> float:
        raise NotImplementedError

    def __call__(self, dims: Sequence[int], fan_in: int, fan_out: int, rng: random.Random):
        """A tensor of shape dims, drawn number by number in row-major order (the last index fastest)."""
        if len(dims) == 1:
            return [self.draw(fan_in, fan_out, rng) for _ in range(dims[0])]
        return [self(dims[1:], fan_in, fan_out, rng) for _ in range(dims[0])]

    def __repr__(self) -> str:
        return type(self).__name__ + "()"


class He(Initializer):
    """Normal(0, std = sqrt(2 / fan_in)): keeps the variance of ReLU activations steady."""

    def draw(self, fan_in, fan_out, rng):
        return rng.gauss(0.0, math.sqrt(2.0 / fan_in))


class Xavier(Initializer):
    """Uniform(-a, a) with a = sqrt(6 / (fan_in + fan_out)), so variance = 2 / (fan_in + fan_out)."""

    def draw(self, fan_in, fan_out, rng):
        a = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-a, a)


class LeCun(Initializer):
    """Normal(0, std = sqrt(1 / fan_in))."""

    def draw(self, fan_in, fan_out, rng):
        return rng.gauss(0.0, math.sqrt(1.0 / fan_in))


class Normal(Initializer):
    """Normal(mean, std). `std` is a standard deviation (its square is the variance)."""

    def __init__(self, std: float = 0.01, mean: float = 0.0):
        check_nonnegative("Normal initializer", "std", std)
        self.std = std
        self.mean = mean

    def draw(self, fan_in, fan_out, rng):
        return rng.gauss(self.mean, self.std)

    def __repr__(self):
        return f"Normal(std={self.std}, mean={self.mean})"


class Uniform(Initializer):
    """Uniform on [a, b]."""

    def __init__(self, a: float = -0.05, b: float = 0.05):
        check_uniform_bounds(a, b)
        self.a = a
        self.b = b

    def draw(self, fan_in, fan_out, rng):
        return rng.uniform(self.a, self.b)

    def __repr__(self):
        return f"Uniform(a={self.a}, b={self.b})"


class Zeros(Initializer):
    """All zeros (draws nothing from the generator)."""

    def draw(self, fan_in, fan_out, rng):
        return 0.0


NAMES = {
    "he": He,
    "xavier": Xavier,
    "glorot": Xavier,
    "lecun": LeCun,
    "normal": Normal,
    "uniform": Uniform,
    "zeros": Zeros,
}


def get(spec: Union[str, Initializer]) -> Initializer:
    """Turn a name such as "he", "normal(0.1)" or "uniform(-1, 1)" into an Initializer.

    An Initializer object is returned as it is.

    >>> get("normal(0.1)")
    Normal(std=0.1, mean=0.0)
    >>> get("he")((2, 3), 2, 3, random.Random(0))[0]      # a (2, 3) tensor, drawn row by row
    [0.9417154046806644, -1.3965781047011498, -0.6797144480784211]
    """
    if isinstance(spec, Initializer):
        return spec
    if isinstance(spec, str) and spec in NAMES:      # a plain name: "he", "xavier", ...
        return NAMES[spec]()
    if not isinstance(spec, str):
        raise ValueError(f"initializer must be a name or an Initializer, got {spec!r}")
    match = re.match(r"\s*([a-z_]+)\s*(?:\((.*)\))?\s*$", spec.lower())      # (MicroPython's re has no fullmatch)
    if not match or match.group(1) not in NAMES:
        raise ValueError(f"unknown initializer {spec!r}; known: {', '.join(sorted(NAMES))} "
                         f"(normal and uniform take arguments: 'normal(0.1)', 'uniform(-1, 1)')")
    name, args = match.group(1), match.group(2)
    numbers = []
    if args and args.strip():
        try:
            numbers = [float(a) for a in args.split(",")]
        except ValueError:
            raise ValueError(f"initializer {spec!r}: arguments must be numbers") from None
    try:
        return NAMES[name](*numbers)
    except TypeError:
        raise ValueError(f"initializer {spec!r}: wrong number of arguments") from None


def make_rng(seed=None, rng=None) -> random.Random:
    """The generator a layer draws from: `rng` if given, else a new one seeded with `seed`."""
    if rng is not None:
        return rng
    return Random(seed)
