"""Grade your own layer (or loss) against the reference: `python -m conformance grade FILE.py:NAME --like Dense`.

You wrote a layer that follows the contract (`params`, `grads`, `forward(x)`,
`backward(grad_out)`; a loss: `forward(pred, target)` and `backward()`), in
numpy or in plain Python. This module runs it beside the pure twin's layer of
the same kind (the reference) on seeded inputs: a batch of one, odd sizes,
zeros, extreme values (+-1000), and inputs kept away from the kinks of ReLU so
that finite differences are accurate. It reports, for each quantity,

    forward          your output against the reference's
    dL/dx            what your backward(grad_out) returns, against the reference's
    dL/dW, dL/db...  what your backward leaves in grads[name], against the reference's

and also each gradient against central finite differences of YOUR OWN
forward, which tells a wrong forward from a wrong backward. For the first
quantity that disagrees it names the case, the element, both values and the
relative error.

How your layer gets the reference's weights: grade builds your layer with the
reference's constructor arguments (e.g. `MyDense(n_in=5, n_out=3)`; or
positionally, `MyDense(5, 3)`), or, if you hand it a layer object, uses a copy of
that object with sizes read from it; then it COPIES the reference's parameters
into `your_layer.params[name]` (arrays if your layer holds numpy arrays, nested
lists otherwise), so your parameters must have the reference's names and shapes
(Dense: W (n_in, n_out) and b (n_out,)). Your forward must read them from
`params` (the contract: params is the single source of truth).

    python -m conformance grade lessons/exercises/my_dense.py:MyDense --like Dense
    python -m conformance grade lessons/exercises/my_dense.py:BuggyDense --like Dense   # a bug, caught

    import conformance
    report = conformance.compare_layer(MyDense, like="Dense")
    print(report)            # the table and, on failure, the first disagreement in words
    assert report.ok

Exercises: lessons/exercises/my_*.py are skeletons, each with a GRADE marker naming its class and
reference, so `python -m conformance grade lessons/exercises/my_relu.py` needs no more;
exercises() lists them. Without numpy (the pure twin alone, Pyodide) plain-Python layers are
graded the same, word for word: every value is read as nested lists (nested.py).

The browser page grades typed code with no file and no subprocess:

    graded = grade_source(text, like="ReLU")     # Graded(status, text): 0 PASS, 1 FAIL, 2 not graded

The command runs your file in a child process (unless --in-process), each stage (import, build,
each case) under a time limit (TIME_LIMIT, --time-limit), so that an endless loop, sys.exit,
os._exit or Ctrl-C is said in one line, never a traceback and never a PASS.

Tolerances are the project's (conformance/tolerances.py): against the reference,
|yours - reference| <= 1e-12 + 1e-10 |reference| per element (a correct layer
differs only by rounding, ~1e-16); against finite differences, a relative error
of at most 1e-6.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import functools
import math
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
import traceback
import types
import warnings
from typing import Callable, Dict, List, NamedTuple, Optional, TextIO

import pure

from . import nested
from .fixtures import away_from_zero, distinct_image, like, tensor, zeros
from .nested import as_lists
from .tolerances import ATOL, GRADCHECK_EPS, GRADCHECK_RTOL, RTOL, relative_error

try:                        # only to hand numpy arrays to a layer written in numpy: grade itself reads
    import numpy as np      # every value as nested lists (nested.py), so it runs where numpy is absent
except ModuleNotFoundError:
    np = None

FD_SAMPLES = 24          # finite differences: at most this many entries of each tensor per case


class GradeError(Exception):
    """Your layer could not be graded at all (cannot be loaded, built or given the reference's weights)."""


# ----------------------------------------------------------------------------- what grade is doing, and its time limit

TIME_LIMIT = 10.0        # seconds: importing your file, building your layer, each case (an endless loop is said)


class TimeLimit(BaseException):
    """Your code ran past the time limit (a BaseException, so that `except Exception` in it cannot keep it)."""


class Stage:
    """What grade is doing now, named when your code stops it (a time limit, sys.exit, Ctrl-C).

    graded: True once the cases run (a stop then means graded and failed, exit status 1; before,
    while importing or building, it means not graded, 2). `on_change` is told every stage: the
    command's child process reports them to its parent, which names the stage if the child dies.
    """
    text = "starting"
    graded = False
    on_change = None


def _alarms() -> bool:
    """Can a timer interrupt your code here? Not under Pyodide (no signals), nor outside the main thread."""
    return (hasattr(signal, "setitimer") and sys.platform != "emscripten"
            and threading.current_thread() is threading.main_thread())


@contextlib.contextmanager
def watch(stage: str, seconds: Optional[float] = None, graded: bool = False):
    """Name what grade does (Stage) and give it `seconds` at most (TimeLimit; no limit where timers cannot ring)."""
    Stage.text, Stage.graded = stage, graded
    if Stage.on_change is not None:
        Stage.on_change(stage, graded)
    if not seconds or not _alarms():
        yield
        return

    def ring(signum, frame):
        raise TimeLimit(seconds)
    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ----------------------------------------------------------------------------- what each kind is run on


class Kind(NamedTuple):
    """A layer kind of the contract: how to build it, its configs, and what one example looks like."""
    name: str
    configs: List[dict]                      # used when your layer is a class: sizes to build it with
    config_keys: tuple                       # read from your layer object when you hand one over
    example: Callable                        # (config, rng, case) -> dims of one example (or None: ids)
    inputs: str = "floats"                   # floats | images | sequences | ids
    smooth: bool = True                      # False: no finite differences at kinks, no ties (pools)


def _activation(name, **config):
    return Kind(name, [dict(config)], tuple(config), lambda c, rng, case: (rng.randint(1, 6),))


def _images(c, rng, case):
    channels = c.get("in_channels", 2)
    kh, kw = _pair(c.get("kernel_size", c.get("size", 2)))
    return (channels, kh + rng.randint(2, 4), kw + rng.randint(2, 5))


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


LAYERS: Dict[str, Kind] = {k.name: k for k in [
    Kind("Dense", [{"n_in": 5, "n_out": 3}, {"n_in": 1, "n_out": 1}, {"n_in": 7, "n_out": 2}],
         ("n_in", "n_out"), lambda c, rng, case: (c["n_in"],)),
    _activation("Sigmoid"), _activation("Tanh"), _activation("ReLU"), _activation("LeakyReLU", alpha=0.01),
    _activation("ELU", alpha=1.0), _activation("Softplus"), _activation("ArcTan"), _activation("Identity"),
    _activation("Softmax"),
    Kind("Flatten", [{}], (), lambda c, rng, case: (2, rng.randint(1, 3), 3)),
    Kind("Dropout", [{"p": 0.5}, {"p": 0.2}], ("p",), lambda c, rng, case: (rng.randint(4, 9),)),
    Kind("Conv2D", [{"in_channels": 2, "out_channels": 3, "kernel_size": 3},
                    {"in_channels": 1, "out_channels": 2, "kernel_size": [3, 2], "stride": 2, "padding": 1}],
         ("in_channels", "out_channels", "kernel_size", "stride", "padding"), _images, "images"),
    Kind("MaxPool2D", [{"size": 2}, {"size": 3, "stride": 2}], ("size", "stride"), _images, "images",
         smooth=False),
    Kind("AvgPool2D", [{"size": 2}, {"size": 3, "stride": 2}], ("size", "stride"), _images, "images"),
    Kind("RNN", [{"n_in": 3, "n_hidden": 4}, {"n_in": 2, "n_hidden": 3, "return_sequences": True}],
         ("n_in", "n_hidden", "return_sequences"), lambda c, rng, case: (rng.randint(1, 4), c["n_in"]),
         "sequences"),
    Kind("LSTM", [{"n_in": 3, "n_hidden": 4}, {"n_in": 2, "n_hidden": 3, "return_sequences": True}],
         ("n_in", "n_hidden", "return_sequences"), lambda c, rng, case: (rng.randint(1, 4), c["n_in"]),
         "sequences"),
    Kind("Embedding", [{"vocab_size": 6, "dim": 3}], ("vocab_size", "dim"), lambda c, rng, case: None, "ids"),
]}

LOSSES = ("MSE", "BinaryCrossEntropy", "CrossEntropy")
OPTIMIZERS: Dict[str, List[dict]] = {"SGD": [{"lr": 0.1}, {"lr": 0.05, "momentum": 0.9}], "Adam": [{"lr": 0.01}]}
OPTIMIZER_STEPS = 3
KINDS = tuple(LAYERS) + LOSSES + tuple(OPTIMIZERS)


class Case(NamedTuple):
    name: str
    x: object                 # nested lists (ids: lists of ints)
    fd: bool                  # check gradients by finite differences on this case


def layer_cases(kind: Kind, config: dict, seed: int) -> List[Case]:
    """Seeded inputs for one config: random, a batch of one, an odd batch away from kinks, zeros, extremes."""
    rng = random.Random(seed)
    if kind.inputs == "ids":
        vocab = config["vocab_size"]
        return [Case("3 sequences of 4 token ids", [[rng.randrange(vocab) for _ in range(4)] for _ in range(3)], True),
                Case("batch of 1", [[rng.randrange(vocab) for _ in range(5)]], True),
                Case("the same token everywhere (its rows must add up)", [[1 % vocab] * 3] * 2, True)]

    def dims(n):
        return (n,) + tuple(kind.example(config, rng, None))
    cases = []
    if kind.smooth:
        cases.append(Case("random batch of 3", tensor(rng, dims(3), -2.0, 2.0), False))
        cases.append(Case("batch of 1", tensor(rng, dims(1), -2.0, 2.0), True))
        cases.append(Case("batch of 5 away from 0 (finite differences)", away_from_zero(rng, dims(5)), True))
        cases.append(Case("zeros", zeros(dims(2)), False))
    else:   # max-pooling: distinct values, so no two tie for a window's maximum (a tie is a convention)
        cases.append(Case("random batch of 3 (distinct values)", distinct_image(rng, dims(3), 0.05), True))
        cases.append(Case("batch of 1 (distinct values)", distinct_image(rng, dims(1), 0.05), True))
    extreme = (1000.0, -1000.0, 745.0, -745.0, 30.0, -30.0, 1e-3)
    values = tensor(rng, dims(2), 0.0, 1.0)
    cases.append(Case("extreme values (+-1000, +-745, +-30)", _fill(values, lambda _v: rng.choice(extreme)), False))
    if not kind.smooth:
        cases[-1] = Case("extreme values (distinct, +-1000)", _fill(distinct_image(rng, dims(2)),
                                                                  lambda v: v * 1000.0), False)
    return cases


def loss_cases(name: str, seed: int) -> List[Case]:
    """(pred, target) pairs for a loss, as Case.x."""
    rng = random.Random(seed)
    if name == "MSE":
        return [Case("random 3x4", (tensor(rng, (3, 4), -2, 2), tensor(rng, (3, 4), -2, 2)), True),
                Case("batch of 1", (tensor(rng, (1, 3), -2, 2), tensor(rng, (1, 3), -2, 2)), True),
                Case("odd 5x1", (tensor(rng, (5, 1), -2, 2), tensor(rng, (5, 1), -2, 2)), True),
                Case("large values (+-1000)", (tensor(rng, (2, 3), -1000, 1000), tensor(rng, (2, 3), -1000, 1000)),
                     False)]
    if name == "BinaryCrossEntropy":
        return [Case("random 3x2, 0/1 targets", (tensor(rng, (3, 2), 0.05, 0.95),
                                                 [[float(rng.randint(0, 1)) for _ in range(2)] for _ in range(3)]),
                     True),
                Case("batch of 1", ([[0.3]], [[1.0]]), True),
                Case("soft targets 5x3", (tensor(rng, (5, 3), 0.05, 0.95), tensor(rng, (5, 3), 0.0, 1.0)), True),
                Case("nearly saturated (p = 1e-6, 1 - 1e-6)", ([[1e-6, 1.0 - 1e-6]], [[1.0, 0.0]]), False)]
    n, classes = 5, 3
    return [Case("random 5x3 logits", (tensor(rng, (n, classes), -3, 3), [rng.randrange(classes) for _ in range(n)]),
                 True),
            Case("batch of 1", (tensor(rng, (1, 4), -3, 3), [2]), True),
            Case("zero logits", (zeros((2, 5)), [0, 4]), True),
            Case("extreme logits +-1000", ([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]], [0, 2]), False)]


def _fill(nested, f):
    if isinstance(nested, list):
        return [_fill(v, f) for v in nested]
    return f(nested)


# ----------------------------------------------------------------------------- the report


class Finding(NamedTuple):
    """One quantity on one case: agrees or not, and where it differs most."""
    case: str
    ok: bool
    index: Optional[tuple] = None
    yours: Optional[float] = None
    other: Optional[float] = None       # the reference's value, or the finite difference
    error: float = 0.0                   # relative error at that element
    problem: str = ""                    # a failure that is not about numbers, in words
    hint: str = ""


class Row(NamedTuple):
    quantity: str                        # "forward", "dL/dx", "dL/dW", "loss", "dL/dpred"
    meaning: str                         # what it is, in words
    reference: List[Finding]
    fd: List[Finding]                    # against finite differences of your forward (empty: not checked)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.reference) and all(f.ok for f in self.fd)


def _status(findings: List[Finding]) -> str:
    if not findings:
        return "-"
    bad = sum(not f.ok for f in findings)
    if bad:
        return f"DIFFERS ({bad} of {len(findings)} cases)"
    return f"agrees ({len(findings)} cases)"


class GradeReport:
    """What grade found: one Row per quantity; `ok` when every one agrees; str() is the whole report."""

    def __init__(self, title: str, rows: List[Row], notes: List[str]):
        self.title, self.rows, self.notes = title, rows, notes

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(row.ok for row in self.rows)

    def row(self, quantity: str) -> Row:
        for row in self.rows:
            if row.quantity == quantity:
                return row
        raise KeyError(quantity)

    def agrees(self, quantity: str) -> bool:
        return self.row(quantity).ok

    def first_failure(self):
        """(row, finding, against) of the first quantity that does not agree, or None."""
        for row in self.rows:
            for against, findings in (("reference", row.reference), ("finite differences", row.fd)):
                for finding in findings:
                    if not finding.ok:
                        return row, finding, against
        return None

    def __str__(self) -> str:
        lines = [self.title, ""]
        width = max(len(r.quantity) for r in self.rows) if self.rows else 8
        lines.append(f"  {'':{width}s}  {'against the reference':27s}  against finite differences of your forward")
        for row in self.rows:
            lines.append(f"  {row.quantity:{width}s}  {_status(row.reference):27s}  {_status(row.fd)}")
        lines.append("")
        failure = self.first_failure()
        if failure is None:
            lines.append("PASS: every quantity agrees with the reference and with finite differences.")
        else:
            lines += _explain(*failure)
            if not failure[1].hint.startswith(SKELETON[:30]):      # a skeleton: nothing to diagnose yet
                lines += _diagnose(self.rows, *failure)
            lines.append("")
            lines.append("FAIL")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def _fmt(v) -> str:
    return "None" if v is None else repr(float(v))


def _explain(row: Row, finding: Finding, against: str) -> List[str]:
    lines = [f"The first disagreement: {row.quantity} ({row.meaning}), case \"{finding.case}\"."]
    if finding.problem:
        lines.append(f"  {finding.problem}")
    else:
        where = "" if not finding.index else f" at index {list(finding.index)}"
        other = "the reference gives" if against == "reference" else "finite differences of your forward give"
        lines.append(f"  Yours gives {_fmt(finding.yours)}{where}; {other} {_fmt(finding.other)}.")
        if against == "reference":
            lines.append(f"  Relative error {finding.error:.1e}; allowed: {ATOL:g} + {RTOL:g} x |reference| "
                         f"(a correct layer differs only by rounding, about 1e-16).")
        else:
            lines.append(f"  Relative error {finding.error:.1e}; allowed {GRADCHECK_RTOL:g} "
                         f"(finite differences of a correct backward agree to about 1e-8).")
        lines.append(f"  This is the element that differs most in this case{_digits(finding.error)}.")
    if finding.hint:
        lines.append(f"  Hint: {finding.hint}")
    return lines


def _diagnose(rows: List[Row], row: Row, finding: Finding, against: str) -> List[str]:
    """Where the bug probably is, from which comparisons fail, and on which cases it still agrees."""
    lines = []
    agreeing = [f.case for f in row.reference if f.ok]
    if agreeing and against == "reference":
        shown = "; ".join(f'"{c}"' for c in agreeing[:3])
        lines.append(f"  It does agree on {len(agreeing)} of {len(row.reference)} cases, e.g. {shown}.")
    forward_ok = all(r.ok for r in rows if r.quantity.startswith("forward") or r.quantity == "loss")
    if row.quantity.startswith("dL/d"):
        fd_bad = any(not f.ok for f in row.fd)
        ref_bad = any(not f.ok for f in row.reference)
        if fd_bad and forward_ok:
            lines.append("  Your forward agrees with the reference, but this gradient is not the derivative of "
                         "your own forward (finite differences): the bug is in backward().")
        elif ref_bad and row.fd and not fd_bad and not forward_ok:
            lines.append("  This gradient is the derivative of your own forward (finite differences agree), but "
                         "your forward differs from the reference: fix forward() first.")
    elif not forward_ok:
        lines.append("  The bug is in forward() (or in how it reads params); gradients may be right for the "
                     "function your forward computes, which finite differences check.")
        unused = [r.quantity[len("dL/d"):] for r in rows if r.quantity.startswith("dL/d")
                  and any(f.hint.startswith("moving this tensor") for f in r.fd)]
        if unused:
            names = " and ".join(("x" if n == "x" else f"params[{n!r}]") for n in unused)
            lines.append(f"  Finite differences show that your forward() ignores {names}: moving it changes "
                         f"nothing.")
    return lines


def _digits(err: float) -> str:
    if not err or not math.isfinite(err) or err >= 1:
        return ""
    digit = int(math.floor(-math.log10(err)))
    if digit < 1:
        return ": not even the first significant digit agrees"
    return f": the two agree to about {digit} significant digit{'s' if digit > 1 else ''}"


# ----------------------------------------------------------------------------- comparing values


def _numbers(value) -> Optional[nested.Tensor]:
    """A value as a Tensor of floats (shape and flat values), or None (ragged, None, not numbers)."""
    return nested.numbers(value)


def _against_reference(case: str, yours, reference) -> Finding:
    if yours is None:
        return Finding(case, False, problem="yours gave None")
    y, r = _numbers(yours), _numbers(reference)
    if y is None:
        return Finding(case, False, problem=f"yours is not a rectangular tensor of numbers: {yours!r:.80}")
    if y.shape != r.shape:
        hint = ""
        if y.shape == r.shape[::-1] and y.ndim == 2:
            hint = ("your shape is the reference's transposed: the contract stores Dense's W as (n_in, n_out), "
                    "y = x W + b")
        return Finding(case, False, problem=f"yours has shape {y.shape}, the reference {r.shape}", hint=hint)
    c = nested.compare(y, r)
    if c.ok:
        return Finding(case, True, error=c.max_rel)
    index = c.index or ()
    yours_v, ref_v = c.yours, c.reference
    error = abs(yours_v - ref_v) / abs(ref_v) if ref_v and math.isfinite(ref_v) else math.inf
    if not math.isfinite(yours_v) and math.isfinite(ref_v):
        hint = "yours is not finite where the reference is: an overflow (exp of a large number?)"
    else:
        hint = _factor_hint(y, r)
    return Finding(case, False, index, yours_v, ref_v, error, hint=hint)


def _factor_hint(y: nested.Tensor, r: nested.Tensor) -> str:
    """'Yours is 2 times the reference everywhere' and the like, when it is so."""
    bad = [abs(a - b) > ATOL + RTOL * abs(b) for a, b in zip(y.flat, r.flat)]
    ratios = [a / b for a, b, wrong in zip(y.flat, r.flat, bad)
              if wrong and abs(b) > 1e-9 and math.isfinite(a) and math.isfinite(b)]
    if not ratios:
        return ""
    if all(k == ratios[0] or abs(k - ratios[0]) <= 1e-6 * abs(ratios[0]) for k in ratios):
        k = float(ratios[0])
        if abs(k + 1) < 1e-6:
            return "every wrong element has the opposite sign of the reference's: a sign flipped?"
        if sum(bad) == len(bad):
            return f"yours is {k:.6g} times the reference everywhere: a factor missing or too many?"
        return f"where yours differs it is {k:.6g} times the reference's value"
    if y.ndim >= 1 and len(bad) > 1 and sum(bad) < len(bad):
        return f"{sum(bad)} of {len(bad)} elements differ"
    return ""


def _against_fd(case: str, analytic, numeric: Dict[tuple, float]) -> Finding:
    a = _numbers(analytic)
    if a is None:
        return Finding(case, False, problem="your gradient is missing or not a tensor of numbers")
    worst = None
    for index, n in numeric.items():
        if index and len(index) != a.ndim or any(i >= d for i, d in zip(index, a.shape)):
            return Finding(case, False, problem=f"your gradient has shape {a.shape}, which does not match")
        if not index and a.size != 1:
            return Finding(case, False, problem=f"your gradient has shape {a.shape}, which does not match")
        value = a.at(index) if index else a.flat[0]
        err = relative_error(value, n)
        if not math.isfinite(err):
            err = math.inf
        if worst is None or err > worst[0]:
            worst = (err, index, value, n)
    if worst is None or worst[0] <= GRADCHECK_RTOL:
        return Finding(case, True, error=0.0 if worst is None else worst[0])
    hint = ""
    if all(abs(n) < 1e-12 for n in numeric.values()):
        hint = "moving this tensor does not change your forward's output at all: does forward() use it?"
    return Finding(case, False, worst[1], worst[2], worst[3], worst[0], hint=hint)


SKELETON = ("this is still the exercise's skeleton: write {} yourself (its docstring says what to compute, the "
            "shapes and the formula)")
USER_FILES = set()      # the files grade has loaded your code from: a traceback is told by their lines


def _where(error: BaseException) -> str:
    """' (mine.py, line 12)': the last line of your file in the traceback (else the last line of all)."""
    frames = traceback.extract_tb(error.__traceback__)
    yours = [f for f in frames if f.filename in USER_FILES]
    frame = (yours or frames or [None])[-1]
    return f" ({os.path.basename(frame.filename)}, line {frame.lineno})" if frame else ""


def _raised(error: BaseException) -> str:
    """'ValueError: message (mine.py, line 12)'."""
    return f"{type(error).__name__}: {error}{_where(error)}"


def _failure(case: str, what: str, error: BaseException) -> Finding:
    hint = ""
    if isinstance(error, NotImplementedError):
        hint = SKELETON.format(what.split("(")[0] + "()")
    return Finding(case, False, problem=f"your {what} raised {_raised(error)}", hint=hint)


# ----------------------------------------------------------------------------- building your layer


def _is_instance(mine) -> bool:
    return not isinstance(mine, type) and hasattr(mine, "forward")


def _build(mine, config: dict, what: str, thing: str = "layer"):
    """Your layer for this config: a copy of your object, or your class called with the reference's arguments."""
    if _is_instance(mine):
        try:
            return copy.deepcopy(mine)
        except Exception as e:  # noqa: BLE001 - said in one line, not raised
            raise GradeError(f"could not copy your {thing} {what}: {_raised(e)}") from None
    if not callable(mine):
        raise GradeError(f"{what} is neither a {thing} class nor a {thing} object: {mine!r:.80}")
    errors = []
    call = ", ".join(f"{k}={v!r}" for k, v in config.items())
    for args, kwargs in ((), config), (tuple(config.values()), {}):
        try:
            return mine(*args, **kwargs)
        except TypeError as e:
            errors.append(e)
        except Exception as e:  # noqa: BLE001 - your __init__ (or factory) raised: said in one line
            raise GradeError(f"could not build the {thing}: {getattr(mine, '__name__', what)}({call}) raised "
                             f"{_raised(e)}") from None
    raise GradeError(f"could not build the {thing}: {what} as {getattr(mine, '__name__', 'it')}({call}) "
                     f"(nor with those values positionally): {errors[0]}{_where(errors[0])}")


def _config_of(layer, kind: Kind) -> dict:
    """The reference's constructor arguments for your layer object: its attributes, or its params' shapes."""
    config = {}
    for key in kind.config_keys:
        if hasattr(layer, key):
            value = getattr(layer, key)
            config[key] = list(value) if isinstance(value, tuple) else value
    params = getattr(layer, "params", None)
    params = params if isinstance(params, dict) else {}
    shape = lambda name: nested.shape(params[name]) if name in params else None  # noqa: E731
    if kind.name == "Dense" and shape("W") and len(shape("W")) == 2:
        config.setdefault("n_in", shape("W")[0])
        config.setdefault("n_out", shape("W")[1])
    if kind.name == "Conv2D" and shape("W") and len(shape("W")) == 4:
        out, cin, kh, kw = shape("W")
        config.setdefault("in_channels", cin)
        config.setdefault("out_channels", out)
        config.setdefault("kernel_size", [kh, kw])
    if kind.name == "RNN" and shape("Wxh"):
        config.setdefault("n_in", shape("Wxh")[0])
        config.setdefault("n_hidden", shape("Wxh")[1])
    if kind.name == "LSTM" and shape("Wx"):
        config.setdefault("n_in", shape("Wx")[0])
        config.setdefault("n_hidden", shape("Wx")[1] // 4)
    if kind.name == "Embedding" and shape("W"):
        config.setdefault("vocab_size", shape("W")[0])
        config.setdefault("dim", shape("W")[1])
    for key in ("stride", "padding", "return_sequences"):     # None means "the default" in your layer
        if config.get(key) is None:
            config.pop(key, None)
    return config


def _uses_numpy(layer) -> bool:
    """Does your layer want numpy arrays? Yes if it holds arrays, or its module imported numpy."""
    if np is None:
        return False
    params = getattr(layer, "params", None)
    params = list(params.values()) if isinstance(params, dict) else []
    if any(isinstance(v, np.ndarray) for v in params):
        return True
    if any(isinstance(v, list) for v in params):
        return False
    module = sys.modules.get(type(layer).__module__)
    return module is not None and any(v is np for v in vars(module).values())


class _Feeder:
    """Hands values to your layer in the form it works in: numpy arrays or nested lists."""

    def __init__(self, arrays: bool):
        self.arrays = arrays

    def __call__(self, value, integers: bool = False):
        if self.arrays:
            return np.array(value, dtype=np.int64 if integers else np.float64)
        return copy.deepcopy(value)


def _reference_layer(kind: Kind, config: dict, seed: int):
    """The pure twin's layer with this config, its parameters set to seeded values on [-1, 1]."""
    try:
        layer = getattr(pure, kind.name)(**config)
    except (TypeError, ValueError) as e:
        raise GradeError(f"your layer's sizes {config} do not make a reference {kind.name}: {e}") from None
    rng = random.Random(seed + 1000)
    for name, value in layer.params.items():
        layer.params[name] = tensor(rng, nested.shape(value), -1.0, 1.0)
    return layer


def _give_params(layer, reference, feed: _Feeder, what: str) -> None:
    """Copy the reference's parameters into your layer (names and shapes must match the contract's)."""
    mine = getattr(layer, "params", None)
    if mine is not None and not isinstance(mine, dict):
        raise GradeError(f"{what}: params is a {type(mine).__name__}, not a dict; the contract's params is a dict "
                         f"name -> tensor, e.g. params = {{'W': ..., 'b': ...}}, so grade can give it the "
                         f"reference's weights by name")
    if not isinstance(mine, dict):
        raise GradeError(f"{what} has no `params` dict; the contract needs one, e.g. params = {{'W': ..., 'b': ...}}")
    wanted = {name: nested.shape(v) for name, v in reference.params.items()}
    missing = [name for name in wanted if name not in mine]
    if missing:
        described = ", ".join(f"{n} {wanted[n]}" for n in wanted) or "none"
        raise GradeError(f"{what} has params {sorted(mine)}, but the reference {type(reference).__name__} has "
                         f"{described}; name yours the same so grade can give both the same weights")
    for name, shape in wanted.items():
        have = nested.shape(mine[name]) if mine[name] is not None else None
        if have is not None and tuple(have) != tuple(shape):
            extra = (" (the contract stores W as (n_in, n_out): y = x W + b)"
                     if type(reference).__name__ == "Dense" and name == "W" else "")
            raise GradeError(f"{what}: params[{name!r}] has shape {tuple(have)}, the reference's {tuple(shape)}{extra}")
        mine[name] = feed(reference.params[name])


# ----------------------------------------------------------------------------- finite differences


def _entries(shape, rng: random.Random, limit: int = FD_SAMPLES) -> List[tuple]:
    every = nested.indices(shape or ())
    return every if len(every) <= limit else rng.sample(every, limit)


def _moved(value, index, delta, arrays: bool):
    """A copy of value with the entry at index moved by delta (arrays or nested lists)."""
    if arrays:
        out = np.array(value, dtype=np.float64)
        out[index] += delta
        return out
    out = copy.deepcopy(as_lists(value))
    if not index:
        return out + delta
    target = out
    for i in index[:-1]:
        target = target[i]
    target[index[-1]] += delta
    return out


def _central(loss_at: Callable, value, entries: List[tuple], arrays: bool) -> Dict[tuple, float]:
    numeric = {}
    for index in entries:
        plus = loss_at(_moved(value, index, GRADCHECK_EPS, arrays))
        minus = loss_at(_moved(value, index, -GRADCHECK_EPS, arrays))
        numeric[index] = (plus - minus) / (2.0 * GRADCHECK_EPS)
    return numeric


def _weighted_sum(out, weights: nested.Tensor) -> float:
    return nested.weighted_sum(out, weights)


# ----------------------------------------------------------------------------- grading a layer


def _quietly(f):
    """Run f with numpy's overflow warnings off: an overflow in your layer shows in the report instead."""
    @functools.wraps(f)
    def run(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if np is None:
                return f(*args, **kwargs)
            with np.errstate(all="ignore"):
                return f(*args, **kwargs)
    return run


@_quietly
def compare_layer(mine, like: str = "Dense", seed: int = 0, inputs: str = "auto", name: Optional[str] = None,
                  time_limit: Optional[float] = None):
    """Grade your layer (a class, a factory, or a layer object) against the reference layer `like`.

    like: a layer of the contract ("Dense", "ReLU", "Conv2D", "LSTM", ...) or a loss ("MSE",
    "BinaryCrossEntropy", "CrossEntropy"; then see compare_loss). inputs: "arrays" or "lists" to
    say what your layer takes; "auto" guesses (numpy arrays if your layer holds them or its module
    imports numpy). Returns a GradeReport (`.ok`, `.agrees("dL/dW")`, `str(report)`).
    Raises GradeError when your layer cannot be graded at all (say, its params have other names).
    time_limit: seconds your code may take to be built and on each case, else TimeLimit is raised
    (where signals can interrupt it: not under Pyodide). grade_source and grade_file catch
    TimeLimit, SystemExit and KeyboardInterrupt and say them in one line.
    """
    if like in LOSSES:
        return compare_loss(mine, like, seed=seed, inputs=inputs, name=name, time_limit=time_limit)
    if like in OPTIMIZERS:
        return compare_optimizer(mine, like, seed=seed, inputs=inputs, name=name, time_limit=time_limit)
    if like not in LAYERS:
        raise GradeError(f"--like {like!r}: not a layer or loss of the contract; choose one of {', '.join(KINDS)} "
                         f"(TimeDistributed wraps another layer: grade that layer)")
    kind = LAYERS[like]
    what = name or getattr(mine, "__name__", None) or type(mine).__name__
    configs = [_config_of(mine, kind)] if _is_instance(mine) else kind.configs
    rows: Dict[str, Row] = {}
    notes = []

    def row(quantity, meaning):
        if quantity not in rows:
            rows[quantity] = Row(quantity, meaning, [], [])
        return rows[quantity]

    row("forward", "what forward(x) returns")
    arrays_used = None
    for ci, config in enumerate(configs):
        with watch(f"building your layer {what}", time_limit):
            layer = _build(mine, config, what)
        arrays = _uses_numpy(layer) if inputs == "auto" else inputs == "arrays"
        arrays_used = arrays if arrays_used is None else arrays_used
        feed = _Feeder(arrays)
        counts = [0, 0]
        for case in layer_cases(kind, config, seed + 7 * ci):
            label = f"{kind.name}({', '.join(f'{k}={v!r}' for k, v in config.items())}), {case.name}"
            reference = _reference_layer(kind, config, seed + ci)
            with watch(f'case "{label}"', time_limit, graded=True):
                _give_params(layer, reference, feed, what)
                if like == "Dropout":
                    _grade_dropout_case(layer, reference, case, label, feed, row, seed, counts)
                    continue
                _grade_layer_case(kind, layer, reference, case, label, feed, row, seed)
        if like == "Dropout":
            row("drop rate", "the share of values dropped in training mode, about p").reference.append(
                _drop_rate_finding(config["p"] if "p" in config else 0.5, *counts)._replace(
                    case=f"Dropout(p={config.get('p')}), all cases"))
    if like == "Dropout":
        notes.append("Dropout draws its own random mask: in training mode grade checks that every output is 0 or "
                     "x / (1 - p), that backward uses the same mask, and that about p of the values are dropped; "
                     "in evaluation mode (eval()) the output must be x itself.")
    if kind.inputs == "ids":
        notes.append("Embedding takes integer ids: there is no dL/dx, only dL/dW.")
    how = "numpy arrays" if arrays_used else "nested lists"
    title = (f"Grading {what} against the reference {kind.name} (pure twin), seed {seed}; your layer was given "
             f"{how} and the reference's parameters (copied into its params).")
    return GradeReport(title, list(rows.values()), notes)


def _grade_layer_case(kind, layer, reference, case, label, feed, row, seed):
    ids = kind.inputs == "ids"
    reference.train()
    ref_out = reference.forward(copy.deepcopy(case.x))
    grad_out = like(as_lists(ref_out), seed + 99)
    ref_dx = reference.backward(copy.deepcopy(grad_out))
    forward_row = row("forward", "what forward(x) returns")
    dx_row = None if ids else row("dL/dx", "what backward(grad_out) returns")
    param_rows = {n: row(f"dL/d{n}", f"what backward leaves in grads[{n!r}]") for n in reference.params}
    try:
        _set_mode(layer, True)
    except Exception:  # noqa: BLE001 - a layer without a working train() is fine for every kind but Dropout
        pass
    try:
        out = layer.forward(feed(case.x, integers=ids))
    except Exception as e:  # noqa: BLE001 - your code's errors are reported, not raised
        forward_row.reference.append(_failure(label, "forward()", e))
        return
    forward_row.reference.append(_against_reference(label, out, ref_out))
    try:
        dx = layer.backward(feed(grad_out))
        grads = getattr(layer, "grads", None)
        grads = {} if grads is None else grads
    except Exception as e:  # noqa: BLE001
        finding = _failure(label, "backward()", e)
        for r in ([dx_row] if dx_row else []) + list(param_rows.values()):
            r.reference.append(finding)
        return
    if not isinstance(grads, dict):
        for r in param_rows.values():
            r.reference.append(Finding(label, False, problem=f"your grads is a {type(grads).__name__}, not a dict "
                                                             f"name -> gradient (e.g. grads['W'])"))
        grads = {}
    if dx_row is not None:
        dx_row.reference.append(_against_reference(label, dx, ref_dx))
    grads_copy = {}
    for n, r in param_rows.items():
        if grads.get(n) is None:
            r.reference.append(Finding(label, False, problem=f"your backward() left no grads[{n!r}]"))
        else:
            grads_copy[n] = as_lists(grads[n])
            r.reference.append(_against_reference(label, grads[n], reference.grads[n]))
    if not case.fd:
        return
    # Finite differences of YOUR forward: L = sum(grad_out * forward(x)), so dL/d(output) = grad_out.
    weights = _numbers(grad_out)
    params = {n: copy.deepcopy(layer.params[n]) for n in reference.params}
    sample = random.Random(seed + 5)

    def loss(x_value, **moved):
        for n, v in params.items():
            layer.params[n] = moved.get(n, copy.deepcopy(v))
        try:
            return _weighted_sum(layer.forward(x_value), weights)
        finally:
            for n, v in params.items():
                layer.params[n] = copy.deepcopy(v)
    try:
        if dx_row is not None:
            numeric = _central(lambda v: loss(v), feed(case.x), _entries(nested.shape(case.x), sample), feed.arrays)
            dx_row.fd.append(_against_fd(label, dx, numeric))
        for n, r in param_rows.items():
            if n in grads_copy:
                numeric = _central(lambda v, n=n: loss(feed(case.x, integers=ids), **{n: v}), params[n],
                                   _entries(nested.shape(params[n]), sample), feed.arrays)
                r.fd.append(_against_fd(label, grads_copy[n], numeric))
    except Exception as e:  # noqa: BLE001
        for r in ([dx_row] if dx_row else []) + list(param_rows.values()):
            r.fd.append(_failure(label, "forward() (during finite differences)", e))


def _set_mode(layer, training: bool) -> None:
    """train() / eval() if your layer has them, else its `training` flag (both are in the contract)."""
    method = getattr(layer, "train" if training else "eval", None)
    if callable(method):
        method()
    else:
        layer.training = training


def _grade_dropout_case(layer, reference, case, label, feed, row, seed, counts):
    """Dropout: evaluation mode must be the identity; training mode must drop consistently.

    counts[0] and counts[1] add up the values dropped and the (non-zero) values seen, over every case.
    """
    p = reference.p
    keep = 1.0 / (1.0 - p)
    grad_out = like(case.x, seed + 3)
    eval_row = row("forward (eval)", "what forward(x) returns in evaluation mode: x itself")
    train_row = row("forward", "what forward(x) returns in training mode: each value 0 or x / (1 - p)")
    dx_row = row("dL/dx", "what backward(grad_out) returns: grad_out times the same mask")
    try:
        _set_mode(layer, False)
        eval_row.reference.append(_against_reference(label, layer.forward(feed(case.x)), case.x))
        _set_mode(layer, True)
        out = _numbers(layer.forward(feed(case.x)))
    except Exception as e:  # noqa: BLE001
        eval_row.reference.append(_failure(label, "forward()/train()/eval()", e))
        return
    x = _numbers(case.x)
    if out is None or out.shape != x.shape:
        train_row.reference.append(Finding(label, False, problem=f"yours has shape {out.shape if out else ()}, "
                                                                 f"the input {x.shape}"))
        return
    # the nearer of 0 and 1/(1-p):
    mask = [0.0 if abs(o) <= abs(v * keep) / 2 else keep for o, v in zip(out.flat, x.flat)]
    train_row.reference.append(_against_reference(label, out, nested.Tensor(x.shape, [v * m for v, m in
                                                                                     zip(x.flat, mask)])))
    try:
        dx = layer.backward(feed(grad_out))
    except Exception as e:  # noqa: BLE001
        dx_row.reference.append(_failure(label, "backward()", e))
        return
    seen = [v != 0 for v in x.flat]                # where x is 0 the mask cannot be told
    dx_numbers = _numbers(dx)
    yours = (nested.Tensor(x.shape, [d if s else 0.0 for d, s in zip(dx_numbers.flat, seen)])
             if dx_numbers is not None and dx_numbers.shape == x.shape else dx)
    expected = [g * m * s for g, m, s in zip(_numbers(grad_out).flat, mask, seen)]
    dx_row.reference.append(_against_reference(label, yours, nested.Tensor(x.shape, expected)))
    counts[0] += sum(m == 0 and s for m, s in zip(mask, seen))
    counts[1] += sum(seen)


def _drop_rate_finding(p: float, dropped: int, seen: int) -> Finding:
    """About p of the values dropped: within 4 standard deviations of a fair draw, plus 2%."""
    if not seen:
        return Finding("all cases", False, problem="no values to count")
    rate = dropped / seen
    allowed = 4.0 * math.sqrt(p * (1.0 - p) / seen) + 0.02
    if abs(rate - p) <= allowed:
        return Finding("all cases", True)
    return Finding("all cases", False, problem=f"yours dropped {rate:.1%} of {seen} values, but p = {p} "
                                               f"(allowed {p - allowed:.1%} to {p + allowed:.1%})")


# ----------------------------------------------------------------------------- grading a loss


@_quietly
def compare_loss(mine, like: str = "MSE", seed: int = 0, inputs: str = "auto", name: Optional[str] = None,
                 time_limit: Optional[float] = None):
    """Grade your loss (class, factory or object with forward(pred, target) and backward()) against `like`."""
    if like not in LOSSES:
        raise GradeError(f"{like!r} is not a loss of the contract; choose one of {', '.join(LOSSES)}")
    what = name or getattr(mine, "__name__", None) or type(mine).__name__
    value_row = Row("loss", "the number forward(pred, target) returns", [], [])
    grad_row = Row("dL/dpred", "what backward() returns", [], [])
    with watch(f"building your loss {what}", time_limit):
        loss = _build(mine, {}, what, "loss")
    arrays = _uses_numpy(loss) if inputs == "auto" else inputs == "arrays"
    feed = _Feeder(arrays)
    for case in loss_cases(like, seed):
        with watch(f'case "{case.name}"', time_limit, graded=True):
            _grade_loss_case(mine, like, loss, case, feed, value_row, grad_row, what, seed)
    title = (f"Grading {what} against the reference {like} (pure twin), seed {seed}; your loss was given "
             f"{'numpy arrays' if feed.arrays else 'nested lists'}.")
    return GradeReport(title, [value_row, grad_row], [])


def _grade_loss_case(mine, like, loss, case, feed, value_row, grad_row, what, seed):
    pred, target = case.x
    reference = getattr(pure, like)()
    ref_value = reference.forward(copy.deepcopy(pred), copy.deepcopy(target))
    ref_grad = reference.backward()
    integers = like == "CrossEntropy"
    try:
        value = loss.forward(feed(pred), feed(target, integers=integers))
    except Exception as e:  # noqa: BLE001
        value_row.reference.append(_failure(case.name, "forward(pred, target)", e))
        return
    value_row.reference.append(_against_reference(case.name, value, ref_value))
    try:
        grad = loss.backward()
    except Exception as e:  # noqa: BLE001
        grad_row.reference.append(_failure(case.name, "backward()", e))
        return
    grad_row.reference.append(_against_reference(case.name, grad, ref_grad))
    if case.fd:
        grad_copy = as_lists(grad)
        fresh = _build(mine, {}, what, "loss")

        def at(p):
            return float(fresh.forward(p, feed(target, integers=integers)))
        try:
            numeric = _central(at, feed(pred), _entries(nested.shape(pred), random.Random(seed)), feed.arrays)
            grad_row.fd.append(_against_fd(case.name, grad_copy, numeric))
        except Exception as e:  # noqa: BLE001
            grad_row.fd.append(_failure(case.name, "forward() (during finite differences)", e))


# ----------------------------------------------------------------------------- grading an optimizer


class Holder:
    """A layer as an optimizer sees it: `params` and `grads`, dicts of the same names."""

    def __init__(self, params: dict, grads: dict):
        self.params, self.grads = params, grads


def optimizer_cases(seed: int) -> List[Case]:
    """Case.x: (shapes of each layer's params, gradients of every step: per step, per layer, name -> tensor)."""
    rng = random.Random(seed)

    def case(name, shapes, low=-1.0, high=1.0, zero=False):
        params = [{n: tensor(rng, dims, -1.0, 1.0) for n, dims in layer.items()} for layer in shapes]
        steps = [[{n: zeros(dims) if zero else tensor(rng, dims, low, high) for n, dims in layer.items()}
                  for layer in shapes] for _ in range(OPTIMIZER_STEPS)]
        return Case(name, (params, steps), False)
    return [case("two layers (W 3x2 and b; W 2x1)", [{"W": (3, 2), "b": (2,)}, {"W": (2, 1)}]),
            case("a 4-d kernel and its bias (Conv2D's)", [{"W": (2, 1, 2, 2), "b": (2,)}]),
            case("zero gradients", [{"W": (2, 2), "b": (2,)}], zero=True),
            case("large gradients (+-1000)", [{"W": (2, 3)}], -1000.0, 1000.0)]


@_quietly
def compare_optimizer(mine, like: str = "SGD", seed: int = 0, inputs: str = "auto", name: Optional[str] = None,
                      time_limit: Optional[float] = None):
    """Grade your optimizer (a class with step(layers)) against `like`: the params after each step."""
    if like not in OPTIMIZERS:
        raise GradeError(f"{like!r} is not an optimizer grade knows; choose one of {', '.join(OPTIMIZERS)}")
    what = name or getattr(mine, "__name__", None) or type(mine).__name__
    rows = [Row(f"step {k + 1}", f"the params step(layers) number {k + 1} leaves", [], [])
            for k in range(OPTIMIZER_STEPS)]
    arrays_used = False
    for config in OPTIMIZERS[like] if not _is_instance(mine) else [{"lr": getattr(mine, "lr", 0.1)}]:
        call = f"{like}({', '.join(f'{k}={v!r}' for k, v in config.items())})"
        for case in optimizer_cases(seed):
            with watch(f"building your optimizer {what}", time_limit):
                optimizer = _build(mine, config, what, "optimizer")
            feed = _Feeder(_uses_numpy(optimizer) if inputs == "auto" else inputs == "arrays")
            arrays_used = arrays_used or feed.arrays
            with watch(f'case "{call}, {case.name}"', time_limit, graded=True):
                _grade_optimizer_case(optimizer, getattr(pure, like)(**config), case, f"{call}, {case.name}",
                                      feed, rows)
    title = (f"Grading {what} against the reference {like} (pure twin), seed {seed}; your optimizer was given "
             f"layers holding {'numpy arrays' if arrays_used else 'nested lists'}.")
    notes = ["An optimizer is graded by the params it leaves after each step(layers); each layer handed to it "
             "has params and grads, dicts of the same names, as the contract's layers have."]
    return GradeReport(title, rows, notes)


def _grade_optimizer_case(optimizer, reference, case, label, feed, rows):
    params, steps = case.x
    theirs = [Holder(copy.deepcopy(p), {}) for p in params]
    yours = [Holder({n: feed(v) for n, v in p.items()}, {}) for p in params]
    for k, grads in enumerate(steps):
        for layer, g in zip(theirs, grads):
            layer.grads = copy.deepcopy(g)
        for layer, g in zip(yours, grads):
            layer.grads = {n: feed(v) for n, v in g.items()}
        reference.step(theirs)
        try:
            optimizer.step(yours)
        except Exception as e:  # noqa: BLE001
            rows[k].reference.append(_failure(label, "step(layers)", e))
            return
        findings = []
        for i, (mine, ref) in enumerate(zip(yours, theirs)):
            for n in ref.params:
                findings.append(_against_reference(f"{label}, layer {i} params[{n!r}]",
                                                   mine.params.get(n) if isinstance(mine.params, dict) else None,
                                                   ref.params[n]))
        bad = [f for f in findings if not f.ok]
        rows[k].reference.append(bad[0] if bad else Finding(label, True, error=max(f.error for f in findings)))


# ----------------------------------------------------------------------------- grading source text or a file


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXERCISES = os.path.join(ROOT, "lessons", "exercises")


class Graded(NamedTuple):
    """What grading a file or a source text gave: the command's exit status and what it prints.

    status  0 every quantity agrees, 1 graded and something differs (or your code stopped a case:
            a time limit, sys.exit), 2 could not be graded (a file that does not import, a layer
            that cannot be built, params of other names...), 130 interrupted (KeyboardInterrupt)
    text    the report, or the one line saying why there is none
    """
    status: int
    text: str

    @property
    def ok(self) -> bool:
        return self.status == 0


class Exercise(NamedTuple):
    """A skeleton in lessons/exercises: the class a learner writes and what grade compares it with."""
    path: str          # relative to the repository root, with forward slashes: lessons/exercises/my_relu.py
    name: str          # the class to write, e.g. "MyReLU"
    like: str          # the reference it is graded against, e.g. "ReLU"
    title: str         # the first line of the file's docstring

    def source(self) -> str:
        with open(os.path.join(ROOT, *self.path.split("/")), encoding="utf-8") as f:
            return f.read()


def read_marker(source: str) -> dict:
    """The file's GRADE = {"name": ..., "like": ...} (read, not run), or {} when it has none or cannot be parsed."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "GRADE"):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return {}
            return value if isinstance(value, dict) else {}
    return {}


def exercises(folder: Optional[str] = None) -> List[Exercise]:
    """Every exercise: the .py files of lessons/exercises holding a GRADE marker, in their "order"."""
    folder = folder or EXERCISES
    found = []
    for entry in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:   # (not in an installed wheel)
        if not entry.endswith(".py") or entry.startswith("_"):
            continue
        with open(os.path.join(folder, entry), encoding="utf-8") as f:
            source = f.read()
        marker = read_marker(source)
        if "name" in marker and "like" in marker:
            doc = ast.get_docstring(ast.parse(source)) or ""
            rel = os.path.relpath(os.path.join(folder, entry), ROOT).replace(os.sep, "/")
            found.append((marker.get("order", 99), Exercise(rel, marker["name"], marker["like"],
                                                            doc.split("\n")[0])))
    return [e for _, e in sorted(found, key=lambda pair: (pair[0], pair[1].path))]


def grade_source(source: str, like: Optional[str] = None, name: Optional[str] = None, seed: int = 0,
                 inputs: str = "auto", filename: str = "<your code>", time_limit: Optional[float] = TIME_LIMIT,
                 folder: Optional[str] = None) -> Graded:
    r"""Grade the layer, loss or optimizer a source text defines: what the browser page calls (no files needed).

    like and name default to the text's GRADE = {"name": "MyReLU", "like": "ReLU"} (every exercise has
    one); name, else, to the one class it defines with forward() or step(). Your code runs in this
    process; time_limit (seconds for importing, building and each case) needs timer signals, so it
    does nothing under Pyodide. Never raises for anything your code does: every outcome is a Graded.

    >>> graded = grade_source("class Same:\n    params = {}\n    def forward(self, x):\n        return x\n"
    ...                       "    def backward(self, g):\n        return g\n", like="Identity")
    >>> graded.status, graded.text.splitlines()[-1]
    (0, 'PASS: every quantity agrees with the reference and with finite differences.')
    """
    shown = filename
    try:
        marker = read_marker(source)
        module = _load(source, filename, folder, time_limit)
        name = name or marker.get("name")
        like = like or marker.get("like")
        mine = _pick(module, name, filename)
        shown = f"{filename}:{name or getattr(mine, '__name__', '?')}"
        if like is None:
            raise GradeError(f"say what {shown} is graded against: --like KIND (one of {', '.join(KINDS)}), or "
                             f"GRADE = {{'name': ..., 'like': ...}} in the file")
        report = compare_layer(mine, like=like, seed=seed, inputs=inputs, name=shown, time_limit=time_limit)
        return Graded(0 if report.ok else 1, str(report))
    except GradeError as e:
        return Graded(2, str(e))
    except TimeLimit as e:
        return _stopped(f"your code did not finish within {e.args[0]:g} s while {Stage.text}: an endless loop? "
                        f"(the time limit; --time-limit SECONDS changes it)")
    except SystemExit as e:
        return _stopped(f"your code called sys.exit({e.code!r}) while {Stage.text}: grade stopped there")
    except KeyboardInterrupt:
        return Graded(130, f"interrupted (KeyboardInterrupt) while {Stage.text}")
    except Exception as e:  # noqa: BLE001 - never a traceback: grade's own failure, in one line
        return Graded(2, f"grade could not go on while {Stage.text}: {_raised(e)}")


def _stopped(text: str) -> Graded:
    """Your code stopped grade: a failure of a case once the cases run (1), else not graded (2)."""
    return Graded(1, "FAIL: " + text) if Stage.graded else Graded(2, text)


def grade_file(path: str, like: Optional[str] = None, name: Optional[str] = None, seed: int = 0,
               inputs: str = "auto", time_limit: Optional[float] = TIME_LIMIT) -> Graded:
    """grade_source on a file's text; the file may import its neighbours."""
    Stage.text, Stage.graded = f"reading {path!r}", False
    if not os.path.isfile(path):
        return Graded(2, f"no such file: {path!r}")
    try:
        with open(path, encoding="utf-8") as f:
            source = f.read()
    except (OSError, UnicodeDecodeError) as e:
        return Graded(2, f"cannot read {path!r}: {e}")
    return grade_source(source, like, name, seed, inputs, path, time_limit, os.path.dirname(os.path.abspath(path)))


def _load(source: str, filename: str, folder: Optional[str], time_limit: Optional[float]):
    """Run the source as a new module (the file's folder first on sys.path, so it can import its neighbours)."""
    try:
        code = compile(source, filename, "exec")
    except (SyntaxError, ValueError) as e:
        where = f", line {e.lineno}" if getattr(e, "lineno", None) else ""
        raise GradeError(f"{filename!r} is not valid Python{where}: {getattr(e, 'msg', e)}") from None
    module_name = "_graded_" + "".join(c if c.isalnum() else "_" for c in os.path.abspath(filename))
    module = types.ModuleType(module_name)
    module.__file__ = filename
    sys.modules[module_name] = module
    USER_FILES.add(filename)
    if folder:
        sys.path.insert(0, folder)
    try:
        with watch(f"importing {filename!r}", time_limit):
            exec(code, module.__dict__)
    except ModuleNotFoundError as e:
        if e.name == "numpy" or (e.name is None and "numpy" in str(e)):
            raise GradeError(f"{filename!r} imports numpy, which is not installed here; grade itself needs no "
                             f"numpy: a layer in plain Python (nested lists) is graded against the pure "
                             f"twin") from None
        raise GradeError(f"importing {filename!r} failed: {_raised(e)}") from None
    except Exception as e:  # noqa: BLE001 - a broken file is the user's to fix: say where
        raise GradeError(f"importing {filename!r} failed: {_raised(e)}") from None
    finally:
        if folder:
            sys.path.remove(folder)
    return module


def _pick(module, name: Optional[str], filename: str):
    """The object NAME of the module, or the one class it defines with forward() or step()."""
    public = sorted(n for n in vars(module) if not n.startswith("_"))
    if name:
        if not hasattr(module, name):
            raise GradeError(f"{filename!r} defines no {name!r}; it defines {', '.join(public) or 'nothing public'}")
        return getattr(module, name)
    classes = [v for v in vars(module).values() if isinstance(v, type) and v.__module__ == module.__name__
               and (hasattr(v, "forward") or hasattr(v, "step"))]
    if len(classes) == 1:
        return classes[0]
    raise GradeError(f"say which of {filename!r}'s objects to grade: FILE.py:NAME (it defines "
                     f"{', '.join(public) or 'nothing public'})")


# ----------------------------------------------------------------------------- the command

MARK = "\x1egrade-"        # the child process's stage lines on its stderr, for its parent


def _split_target(target: str):
    """'FILE.py:NAME' -> (FILE.py, NAME); 'FILE.py' -> (FILE.py, None)."""
    path, sep, attr = target.rpartition(":")
    if sep and path and attr and not os.path.isfile(target):
        return path, attr
    return target, None


def main(argv=None, out: TextIO = None, err: TextIO = None) -> int:
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    argv = sys.argv[1:] if argv is None else list(argv)
    p = argparse.ArgumentParser(
        prog="python -m conformance grade",
        description="Run your own layer, loss or optimizer beside the reference (the pure twin) and finite "
                    "differences; say which of forward, dL/dx and each dL/dparam agree. Exit status 0 all agree, "
                    "1 something differs, 2 it could not be graded, 130 interrupted.")
    p.add_argument("target", metavar="FILE.py[:NAME]",
                   help="your layer: a class, a factory or a layer object (NAME may be left out when the file has "
                        "a GRADE marker, as every exercise has, or defines one class)")
    p.add_argument("--like", choices=KINDS, metavar="KIND",
                   help=f"the reference to grade against: {', '.join(KINDS)} (default: the file's GRADE marker)")
    p.add_argument("--seed", type=int, default=0, help="seed of the inputs and weights (default %(default)s)")
    p.add_argument("--inputs", choices=("auto", "arrays", "lists"), default="auto",
                   help="what your layer takes: numpy arrays or nested lists (default: guess)")
    p.add_argument("--time-limit", type=float, default=TIME_LIMIT, metavar="SECONDS",
                   help="for importing your file, building your layer and each case; 0: none (default %(default)s)")
    p.add_argument("--in-process", action="store_true",
                   help="run your code in this process (by default a child process runs it, so that an os._exit "
                        "or a hang in C code is reported, not suffered)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    path, name = _split_target(args.target)
    limit = args.time_limit or None
    if args.child:
        def tell(stage, graded):
            sys.__stderr__.write(f"{MARK}stage {int(graded)} {stage}\n")
            sys.__stderr__.flush()
        Stage.on_change = tell
    if args.child or args.in_process or not _can_spawn():
        graded = grade_file(path, args.like, name, args.seed, args.inputs, limit)
        _print(graded, out, err)
        if args.child:
            sys.__stderr__.write(f"{MARK}done\n")
            sys.__stderr__.flush()
        return graded.status
    return _in_child(argv, limit, out, err)


def _print(graded: Graded, out: TextIO, err: TextIO) -> None:
    if graded.status in (0, 1):
        print(graded.text, file=out)
    elif graded.status == 2:
        print(f"python -m conformance grade: error: {graded.text}", file=err)
    else:
        print(f"python -m conformance grade: {graded.text}", file=err)


def _can_spawn() -> bool:
    return sys.platform != "emscripten" and bool(sys.executable)


def _in_child(argv, limit: Optional[float], out: TextIO, err: TextIO) -> int:
    """Run `grade --child ARGV` in a child process; relay what it prints; say it if the child dies or hangs.

    The child names each stage on its stderr; the parent gives each stage the time limit (plus 5 s,
    so that the child's own timer, which names the stage in the report, rings first) and kills the
    child after that: an endless loop in C code, or one that catches every exception, is stopped too.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + [v for v in [env.get("PYTHONPATH")] if v])
    child = subprocess.Popen([sys.executable, "-m", "conformance", "grade", "--child", *argv],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
                             text=True, encoding="utf-8", errors="replace")
    printed, lines = [], queue.Queue()
    readers = [threading.Thread(target=lambda: printed.append(child.stdout.read()), daemon=True),
               threading.Thread(target=lambda: [lines.put(line) for line in iter(child.stderr.readline, "")]
                                + [lines.put(None)], daemon=True)]
    for r in readers:
        r.start()
    stage, graded, done, other, hung = "starting", False, False, [], False
    deadline = None if limit is None else time.monotonic() + limit + 5.0
    try:
        while True:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                if deadline is not None and time.monotonic() > deadline:
                    hung = True
                    break
                continue
            if line is None:
                break
            if line.startswith(MARK + "stage "):
                _, flag, stage = line.rstrip("\n").split(" ", 2)
                graded = flag == "1"
                deadline = None if limit is None else time.monotonic() + limit + 5.0
            elif line.startswith(MARK + "done"):
                done = True
            else:
                other.append(line)
    except KeyboardInterrupt:
        child.kill()
        child.wait()
        print(f"python -m conformance grade: interrupted (Ctrl-C) while {stage}", file=err)
        return 130
    if hung:
        child.kill()
    status = child.wait()
    readers[0].join()
    out.write("".join(printed))
    err.write("".join(other))
    if hung:
        text = (f"your code did not finish within {limit:g} s while {stage}, and did not stop when asked: an "
                f"endless loop? (the time limit; --time-limit SECONDS changes it)")
    elif not done:
        how = f"was killed by signal {-status}" if status < 0 else f"exited with status {status}"
        text = (f"your code ended grade early while {stage}: the process {how} (os._exit in your code?), "
                f"before any report")
    else:
        return status
    stopped = Graded(1, "FAIL: " + text) if graded else Graded(2, text)
    _print(stopped, out, err)
    return stopped.status
