"""Tensors as nested lists, standard library only: what `grade` needs to read and compare values.

`python -m conformance grade` runs where numpy is absent (the pure twin alone, or the browser
page under Pyodide), so it reads every value (yours, whether numpy arrays or nested lists, and
the reference's) through these helpers: its shape, its numbers in row-major order, and an
element-by-element comparison under the project's policy (conformance/tolerances.py), the same
rule as `tolerances.compare` (conformance/test_grade_pure.py checks the two agree).
"""
from __future__ import annotations

import itertools
import math
from typing import List, NamedTuple, Optional, Tuple

from .tolerances import ATOL, RTOL


def as_lists(value):
    """A value as plain Python (nested lists, floats): numpy arrays and scalars through .tolist()."""
    if isinstance(value, (list, tuple)):
        return [as_lists(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return value.tolist()
    return value


class Tensor(NamedTuple):
    """A rectangular tensor: its shape and its numbers (floats) in row-major order."""
    shape: Tuple[int, ...]
    flat: List[float]

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return len(self.flat)

    def offset(self, index: tuple) -> int:
        at = 0
        for i, d in zip(index, self.shape):
            at = at * d + i
        return at

    def index(self, offset: int) -> tuple:
        out = []
        for d in reversed(self.shape):
            offset, i = divmod(offset, d)
            out.append(i)
        return tuple(reversed(out))

    def at(self, index: tuple) -> float:
        return self.flat[self.offset(index)]


def shape(value) -> Optional[Tuple[int, ...]]:
    """The shape of nested lists of numbers, () for a number, None when ragged or not numbers."""
    value = as_lists(value)
    if isinstance(value, list):
        if not value:
            return (0,)
        inner = [shape(v) for v in value]
        if inner[0] is None or any(s != inner[0] for s in inner):
            return None
        return (len(value),) + inner[0]
    return () if _number(value) is not None else None


def _number(v) -> Optional[float]:
    if isinstance(v, (str, bytes)) or v is None:
        return None
    try:
        return float(v)
    except (TypeError, ValueError, OverflowError):
        return None


def numbers(value) -> Optional[Tensor]:
    """A value as a Tensor of floats, or None (None, ragged, not numbers)."""
    if value is None:
        return None
    if isinstance(value, Tensor):
        return value
    value = as_lists(value)
    dims = shape(value)
    if dims is None:
        return None
    flat = []

    def walk(v):
        if isinstance(v, list):
            for item in v:
                walk(item)
        else:
            flat.append(_number(v))
    walk(value)
    return Tensor(dims, flat)


def indices(dims) -> List[tuple]:
    """Every index of a tensor of shape dims, in row-major order ([()] for a number)."""
    return [tuple(i) for i in itertools.product(*(range(d) for d in dims))]


class Compared(NamedTuple):
    """yours against the reference, element by element: ok, the worst element and its relative error."""
    ok: bool
    max_rel: float
    index: tuple
    yours: float
    reference: float


def compare(yours: Tensor, reference: Tensor, atol: float = ATOL, rtol: float = RTOL) -> Compared:
    """|yours - reference| <= atol + rtol |reference| per element (tensors of the same shape).

    Equal infinities are equal; a NaN on either side fails. The element reported is the one
    furthest over (or nearest) its allowance, the first such in row-major order (the first NaN
    of the reference before any other, as numpy's argmax has it).
    """
    worst_ratio, worst_at, max_rel = -1.0, 0, 0.0
    for k, (y, r) in enumerate(zip(yours.flat, reference.flat)):
        if y == r:
            diff = 0.0
        elif math.isnan(y) or math.isnan(r):
            diff = math.inf
        else:
            diff = abs(y - r)
            if math.isnan(diff):        # inf - inf of the same sign cannot be: y == r caught it
                diff = math.inf
        scale = abs(r)
        if math.isinf(diff):
            rel = math.inf
        else:
            rel = diff / scale if scale > 0 else 0.0
        allowance = atol + rtol * (0.0 if math.isinf(scale) else scale)
        if diff == 0:
            ratio = 0.0
        elif math.isnan(r):
            ratio = math.nan            # no allowance at all: the first such element is the worst
        else:
            ratio = diff / allowance
        max_rel = max(max_rel, rel)
        if not math.isnan(worst_ratio) and (math.isnan(ratio) or ratio > worst_ratio):
            worst_ratio, worst_at = ratio, k
    if not yours.flat:
        return Compared(True, 0.0, (), math.nan, math.nan)
    return Compared(bool(worst_ratio <= 1.0), max_rel, yours.index(worst_at), yours.flat[worst_at],
                    reference.flat[worst_at])


def weighted_sum(value, weights: Tensor) -> float:
    """sum(value * weights) over every element, exactly rounded once (math.fsum); shapes must match."""
    t = numbers(value)
    if t is None:
        raise ValueError("your forward() did not return a rectangular tensor of numbers")
    if t.shape != weights.shape:
        raise ValueError(f"your forward() returned shape {t.shape}, not {weights.shape}")
    return math.fsum(a * b for a, b in zip(t.flat, weights.flat))
