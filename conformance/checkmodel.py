"""`python -m conformance check MODEL.json`: does a saved model predict the same in both twins?

    python -m conformance check runs/mnist-mlp-pure.json
    python -m conformance check model.json --inputs rows.json      # a JSON list of input rows
    python -m conformance check model.json --n 64 --seed 3         # seeded random rows
    python -m conformance check model.json --against torch,onnx    # PyTorch and ONNX columns too (against.py)

Loads the file with `pure.load` and with `vectorized.load`, runs both on the
same inputs (the given rows, images or sequences, or n rows uniform on
[-1, 1] drawn from random.Random(seed), as wide as the first Dense layer's
n_in), and prints the largest absolute and relative difference between the
two outputs and PASS or FAIL against the one-step policy (conformance/tolerances.py).

Exit status: 0 PASS, 1 FAIL, 2 a file that cannot be used (missing, not a
model, inputs of the wrong shape), with a message saying which and why.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import stat
import sys
from typing import Optional, TextIO

import pure
import vectorized

from .fixtures import random_rows
from .tolerances import STEP_POLICY, compare
from .twins import for_twin


class CheckError(Exception):
    """A problem with the files given (reported with exit status 2)."""


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m conformance check",
                                description="Load a saved model in both twins and compare their predictions.")
    p.add_argument("model", help="a model file saved by either twin (JSON)")
    p.add_argument("--inputs", help="a JSON file holding a list of input rows (default: seeded random rows)")
    p.add_argument("--n", type=int, default=16, help="how many random rows (default %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random rows (default %(default)s)")
    p.add_argument("--against", default="", metavar="torch,onnx",
                   help="also run the model in PyTorch (float64) and/or onnxruntime (float32) and compare "
                        "(optional packages; a missing one is named and skipped)")
    return p.parse_args(argv)


PASS_THROUGH = {"Flatten", "Dropout", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Softplus", "ArcTan",
                "Identity", "Softmax"}      # layers that take rows of any width and keep it


def input_width(model) -> int:
    """n_in of the first Dense layer, when rows of numbers reach it unchanged: how wide a row must be."""
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Dense":
            return layer.n_in
        if kind not in PASS_THROUGH:
            raise CheckError(f"the model starts with {kind}, which does not take rows of numbers; "
                             f"pass its inputs with --inputs FILE.json")
    raise CheckError("the model has no Dense layer to read the input width from; pass --inputs FILE.json")


def _all_finite_numbers(value) -> bool:
    if isinstance(value, list):
        return bool(value) and all(_all_finite_numbers(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def read_inputs(path: str) -> list:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):      # a pipe nobody writes to would wait for ever
            raise CheckError(f"inputs file {path!r} is not a regular file (a folder, a pipe, a device?)")
        with open(path, encoding="utf-8") as f:
            rows = json.load(f)
    except OSError as e:
        raise CheckError(f"cannot read inputs file {path!r}: {e.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckError(f"inputs file {path!r} is not valid JSON: {e}") from None
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        raise CheckError(f"inputs file {path!r} must hold a non-empty JSON list of rows, e.g. [[0.5, 1.0], ...] "
                         f"(or of images, or of sequences)")
    if not _all_finite_numbers(rows):
        raise CheckError(f"inputs file {path!r}: every entry must be a finite number (no empty lists)")
    return rows


def check(model_path: str, inputs_path: Optional[str] = None, n: int = 16, seed: int = 0,
          out: TextIO = None, against=()) -> bool:
    """Print the comparison; return True on PASS. Raises CheckError or pure.ModelFileError."""
    out = out if out is not None else sys.stdout
    pure_model = pure.load(model_path)
    vec_model = vectorized.load(model_path)
    if inputs_path is not None:
        x = read_inputs(inputs_path)
        described = f"{len(x)} rows from {inputs_path}"
    else:
        if n < 1:
            raise CheckError(f"--n must be at least 1, got {n}")
        width = input_width(pure_model)
        x = random_rows(n, width, seed)
        described = f"{n} random rows of width {width} (uniform on [-1, 1], seed {seed})"
    try:
        pure_out = pure_model.predict(for_twin(pure, x))
        vec_out = vec_model.predict(for_twin(vectorized, x))
    except ValueError as e:
        raise CheckError(f"the inputs do not fit the model: {e}") from None
    result = compare(pure_out, vec_out)
    print(f"model:  {model_path} ({len(pure_model.layers)} layers, {pure_model.count_params():,} parameters)",
          file=out)
    print(f"inputs: {described}", file=out)
    print(f"largest absolute difference: {result.max_abs:.3e}", file=out)
    print(f"largest relative difference: {result.max_rel:.3e}", file=out)
    print(f"policy: |pure - vectorized| <= {STEP_POLICY} per output", file=out)
    if not result.ok:
        print(f"worst: {result}", file=out)
    ok = result.ok
    if against:
        from .against import print_columns
        ok = print_columns(list(against), vec_model, for_twin(vectorized, x), pure_out, result, out) and ok
    print("PASS" if ok else "FAIL", file=out)
    return ok


def main(argv=None, out: TextIO = None, err: TextIO = None) -> int:
    args = parse_args(argv)
    err = err if err is not None else sys.stderr
    try:
        from .against import parse_backends
        against = parse_backends(args.against) if args.against else ()
    except ValueError as e:
        print(f"python -m conformance check: error: {e}", file=err)
        return 2
    try:
        return 0 if check(args.model, args.inputs, args.n, args.seed, out=out, against=against) else 1
    except (CheckError, pure.ModelFileError) as e:
        print(f"python -m conformance check: error: {e}", file=err)
        return 2
