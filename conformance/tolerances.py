"""The numeric policy: how closely the two twins must agree, written down once.

Both twins compute in IEEE double precision. They add numbers in different
orders (a Python loop against a BLAS kernel) and call different `exp`
implementations (libm against numpy's), so they agree to a tolerance, not bit
for bit. The tolerances below are the project's promise (README.md,
"Numeric policy"); every conformance test and `python -m conformance` read
them from here.

One step (a layer's forward or backward, a loss and its gradient, one
optimizer step), element by element, pure value p against vectorized value v:

    |p - v| <= ATOL + RTOL * |v|          ATOL = 1e-12, RTOL = 1e-10

  RTOL = 1e-10 is about a million units in the last place of a double
  (2.2e-16): room for different summation orders over a few thousand terms,
  and nowhere near room for a real mistake, which shows at 1e-3 or worse.
  ATOL = 1e-12 covers values that should be 0 but come out as rounding dust
  (1e-17) on one side, e.g. a softmax gradient y (g - Σ g y) that cancels.

A whole training run (same seed, 100 steps or more), every final weight:

    |p - v| <= TRAINING_ATOL = 1e-8

  Rounding differences of 1e-16 per step are fed back into the next step, so
  they grow; over a few hundred steps of a small, well-conditioned network
  they stay many orders of magnitude below 1e-8.

Gradients against central finite differences, each twin on its own:

    dL/dp ~ (L(p + eps) - L(p - eps)) / (2 eps),   eps = GRADCHECK_EPS = 1e-6
    |a - n| / max(|a| + |n|, GRADCHECK_FLOOR) <= GRADCHECK_RTOL = 1e-6

  (a the analytic entry, n the numeric one, GRADCHECK_FLOOR = 1e-3: entries
  smaller than that are held to an absolute error of 1e-9 instead.)

  How 1e-6 was chosen: the central difference errs by the truncation term
  eps² f'''/6 (about 1e-12 here) plus rounding, about 1e-16 |L| / eps = 1e-10
  in absolute terms. The finite-difference fixtures keep inputs of moderate
  size and 0.1 or more away from the kinks of ReLU-like functions, so a
  correct gradient shows an error of about 1e-7 or less (measured: 1e-10 to
  3e-7, see `python -m conformance`), while a real bug (a wrong factor, a
  missing term, a transposed matrix) shows 1e-3 or more: a weight gradient
  just 0.1% too large gives 5e-4 (test_gradients.py checks that both
  checkers catch it). 1e-6 sits between the two.

  Why the floor: an entry that is small by cancellation (an LSTM's Wh
  gradient summed over steps can be 1e-5) meets the same 1e-10 rounding, a
  plain relative error of 1e-5 that says nothing about the gradient. So
  entries below 1e-3 are judged on |a - n| <= 1e-9, ten times the rounding.

`compare(pure_value, vec_value)` applies the first rule (or any other, through
`atol` and `rtol`) and reports the worst element, so a failing test can say
"pure gave this, vectorized gave that, here".
"""
from __future__ import annotations

import math
from typing import NamedTuple, Optional, Tuple

try:
    import numpy as np
except ModuleNotFoundError:     # the constants are read by grade, which runs without numpy (nested.py)
    np = None

ATOL = 1e-12            # one step: absolute part of the per-element tolerance
RTOL = 1e-10            # one step: relative part (times |vectorized value|)
TRAINING_ATOL = 1e-8    # whole training runs: absolute, per final weight
TRAINING_RTOL = 0.0     # (no relative part: 1e-8 is absolute)
GRADCHECK_EPS = 1e-6    # step of the central finite differences
GRADCHECK_RTOL = 1e-6   # worst |a - n| / max(|a| + |n|, GRADCHECK_FLOOR) against finite differences
GRADCHECK_FLOOR = 1e-3  # entries below this are held to |a - n| <= GRADCHECK_RTOL * GRADCHECK_FLOOR = 1e-9

# A model run in float32 elsewhere (ONNX, onnxruntime) against this project's float64, per output:
#   |other - v| <= FLOAT32_ATOL + FLOAT32_RTOL * |v|
# float32 rounds at 6e-8 relative, and an output's error follows the size of the terms summed into
# it, not its own size: logits of 10-20 carry errors of a few 1e-6 even where the logit itself is
# near 0. Measured on the main command's MLP (784-256-128-10) and CNN over the 10,000 test images:
# at most 6.6e-6 absolute (tests/test_interop.py), so 1e-4 leaves a margin of 15, while a wrong
# weight layout or gate order shows at 1e-1.
FLOAT32_ATOL = 1e-4
FLOAT32_RTOL = 1e-4

STEP_POLICY = f"{ATOL:g} + {RTOL:g}|v|"
FLOAT32_POLICY = f"{FLOAT32_ATOL:g} + {FLOAT32_RTOL:g}|v|"
TRAINING_POLICY = f"{TRAINING_ATOL:g} abs"
EXACT_POLICY = "exact (==)"


class Comparison(NamedTuple):
    """The outcome of comparing a pure value with a vectorized value, element by element.

    max_abs      largest |p - v|
    max_rel      largest |p - v| / |v| over the elements where v != 0
                 (where v == 0 only the absolute part of the tolerance matters)
    ok           every element within atol + rtol * |v| (and the shapes match)
    index        where the worst element is (the one furthest over, or nearest, its allowance)
    pure, vec    the two values at that index
    problem      why it failed when it is not a matter of size ("shapes differ ...")
    """
    max_abs: float
    max_rel: float
    ok: bool
    index: Optional[Tuple[int, ...]] = None
    pure: Optional[float] = None
    vec: Optional[float] = None
    atol: float = ATOL
    rtol: float = RTOL
    problem: str = ""

    def __str__(self) -> str:
        verdict = "PASS" if self.ok else "FAIL"
        if self.problem:
            return f"{verdict}: {self.problem}"
        where = "" if self.index is None else f" at {self.index}: pure {self.pure!r} vs vectorized {self.vec!r}"
        return (f"{verdict}: max |p - v| = {self.max_abs:.3e}, max rel = {self.max_rel:.3e} "
                f"(allowed {self.atol:g} + {self.rtol:g}|v|){where}")


def relative_error(analytic: float, numeric: float) -> float:
    """|a - n| / max(|a| + |n|, GRADCHECK_FLOOR): relative, with tiny entries judged absolutely."""
    return abs(analytic - numeric) / max(abs(analytic) + abs(numeric), GRADCHECK_FLOOR)


def _as_float_array(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def compare(pure_value, vec_value, atol: float = ATOL, rtol: float = RTOL) -> Comparison:
    """Compare a pure value (float or nested lists) with a vectorized one (float or array).

    Passes when the shapes match and every element satisfies
    |p - v| <= atol + rtol * |v|. Equal infinities count as equal; a NaN on
    either side always fails (the twins promise finite numbers). Ragged
    values (sequences of different lengths: a list of lists in pure, a list
    of arrays in vectorized) are compared sequence by sequence.
    """
    try:
        p = _as_float_array(pure_value)
        v = _as_float_array(vec_value)
    except (TypeError, ValueError):
        return _compare_parts(pure_value, vec_value, atol, rtol)
    if p.shape != v.shape:
        return Comparison(math.inf, math.inf, False, atol=atol, rtol=rtol,
                          problem=f"shapes differ: pure {p.shape}, vectorized {v.shape}")
    if p.size == 0:
        return Comparison(0.0, 0.0, True, atol=atol, rtol=rtol)
    same = p == v                                   # also true for equal infinities
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        diff = np.where(same, 0.0, np.abs(p - v))
        diff = np.where(np.isnan(p) | np.isnan(v), math.inf, diff)
        scale = np.abs(v)
        rel = np.where(scale > 0, diff / np.where(scale > 0, scale, 1.0), 0.0)
        rel = np.where(np.isinf(diff), math.inf, rel)
        allowance = atol + rtol * np.where(np.isinf(scale), 0.0, scale)
        ratio = np.where(diff == 0, 0.0, diff / allowance)
    flat = int(np.argmax(ratio))
    index = tuple(int(i) for i in np.unravel_index(flat, p.shape)) if p.ndim else ()
    return Comparison(max_abs=float(diff.max()), max_rel=float(rel.max()), ok=bool(np.all(ratio <= 1.0)),
                      index=index, pure=float(p[index]) if p.ndim else float(p),
                      vec=float(v[index]) if v.ndim else float(v), atol=atol, rtol=rtol)


def compare_training(pure_value, vec_value) -> Comparison:
    """compare() with the whole-training-run tolerance (TRAINING_ATOL, absolute)."""
    return compare(pure_value, vec_value, atol=TRAINING_ATOL, rtol=TRAINING_RTOL)


def compare_exact(pure_value, vec_value) -> Comparison:
    """compare() that allows no difference at all (bit-identical values)."""
    return compare(pure_value, vec_value, atol=0.0, rtol=0.0)


def _compare_parts(pure_value, vec_value, atol: float, rtol: float) -> Comparison:
    """compare() for ragged values: part by part along the first axis, the worst part reported."""
    if not (hasattr(pure_value, "__len__") and hasattr(vec_value, "__len__")) or isinstance(pure_value, str):
        return Comparison(math.inf, math.inf, False, atol=atol, rtol=rtol,
                          problem=f"not tensors of numbers: pure {pure_value!r:.60}, vectorized {vec_value!r:.60}")
    if len(pure_value) != len(vec_value):
        return Comparison(math.inf, math.inf, False, atol=atol, rtol=rtol,
                          problem=f"lengths differ: pure {len(pure_value)}, vectorized {len(vec_value)}")
    parts = [compare(p, v, atol, rtol) for p, v in zip(pure_value, vec_value)]
    if not parts:
        return Comparison(0.0, 0.0, True, atol=atol, rtol=rtol)
    worst_i = max(range(len(parts)), key=lambda i: (not parts[i].ok, parts[i].max_abs))
    worst = parts[worst_i]
    return worst._replace(max_abs=max(c.max_abs for c in parts), max_rel=max(c.max_rel for c in parts),
                          ok=all(c.ok for c in parts),
                          index=None if worst.index is None else (worst_i,) + tuple(worst.index),
                          problem=worst.problem and f"sequence {worst_i}: {worst.problem}")

