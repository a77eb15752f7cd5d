"""`python -m conformance check MODEL.json --against torch,onnx`: the same model in PyTorch and ONNX too.

Adds one column per backend to the twin check, each compared with the pure
twin's outputs on the same inputs:

    torch   vectorized.to_torch(model) in float64, under the one-step policy
            (1e-12 + 1e-10 |v|): PyTorch computes in the same precision
    onnx    vectorized.save_onnx(model) run by onnxruntime, in float32, under
            the float32 policy (FLOAT32_ATOL + FLOAT32_RTOL |v|, tolerances.py)

A backend whose package is missing is named in its column (SKIPPED, with the
pip command) and does not fail the check; so is one that cannot take the
inputs (sequences of different lengths).
"""
from __future__ import annotations

import os
import tempfile
from typing import List, NamedTuple, Optional, TextIO

import numpy as np

import vectorized

from .tolerances import FLOAT32_ATOL, FLOAT32_POLICY, FLOAT32_RTOL, STEP_POLICY, Comparison, compare

BACKENDS = ("torch", "onnx")


class Column(NamedTuple):
    title: str
    precision: str
    policy: str
    result: Optional[Comparison] = None
    skipped: str = ""                  # why there is no result (a missing package, ragged inputs)


def parse_backends(text: str) -> List[str]:
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in BACKENDS]
    if unknown or not names:
        raise ValueError(f"--against takes a comma-separated list of {', '.join(BACKENDS)}; got {text!r}")
    return list(dict.fromkeys(names))


def _is_ragged(x) -> bool:
    return isinstance(x, list)


def torch_column(model, x, pure_out) -> Column:
    try:
        import torch
    except ImportError:
        return Column("torch", "float64", STEP_POLICY, skipped="torch is not installed (pip install torch==2.13.0)")
    title = f"torch {torch.__version__}"
    if _is_ragged(x):
        return Column(title, "float64", STEP_POLICY, skipped="sequences of different lengths: not for PyTorch")
    try:
        module = vectorized.to_torch(model).eval()
    except ValueError as e:
        return Column(title, "float64", STEP_POLICY, skipped=str(e))
    with torch.no_grad():
        out = module(torch.as_tensor(np.asarray(x))).numpy()
    return Column(title, "float64", STEP_POLICY, result=compare(out, pure_out))


def onnx_column(model, x, pure_out) -> Column:
    missing = []
    for package in ("onnx", "onnxruntime"):
        try:
            __import__(package)
        except ImportError:
            missing.append(package)
    if missing:
        return Column("onnx", "float32", FLOAT32_POLICY,
                      skipped=f"{' and '.join(missing)} not installed (pip install onnx onnxruntime)")
    import onnxruntime

    from vectorized.interop import run_onnx
    title = f"onnxruntime {onnxruntime.__version__}"
    if _is_ragged(x):
        return Column(title, "float32", FLOAT32_POLICY, skipped="sequences of different lengths: not for ONNX")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.onnx")
        try:
            vectorized.save_onnx(model, path, input_shape=np.shape(x)[1:] if np.ndim(x) > 1 else None)
        except ValueError as e:
            return Column(title, "float32", FLOAT32_POLICY, skipped=str(e))
        out = run_onnx(path, x)
    return Column(title, "float32", FLOAT32_POLICY,
                  result=compare(out, pure_out, atol=FLOAT32_ATOL, rtol=FLOAT32_RTOL))


def print_columns(backends: List[str], model, x, pure_out, twin_result: Comparison, out: TextIO) -> bool:
    """Print the table (vectorized and each backend against pure); True when no column fails."""
    columns = [Column("vectorized", "float64", STEP_POLICY, result=twin_result)]
    for name in backends:
        columns.append(torch_column(model, x, pure_out) if name == "torch" else onnx_column(model, x, pure_out))

    def cell(c: Column, what: str) -> str:
        if c.skipped:
            return "-" if what != "result" else "SKIPPED"
        r = c.result
        return {"abs": f"{r.max_abs:.3e}", "rel": f"{r.max_rel:.3e}", "policy": c.policy,
                "result": "PASS" if r.ok else "FAIL"}[what]

    rows = [("against pure", lambda c: c.title), ("precision", lambda c: c.precision),
            ("largest absolute difference", lambda c: cell(c, "abs")),
            ("largest relative difference", lambda c: cell(c, "rel")),
            ("policy", lambda c: "-" if c.skipped else c.policy), ("result", lambda c: cell(c, "result"))]
    width = max(24, *(len(f(c)) + 2 for _, f in rows for c in columns))
    print("", file=out)
    for label, f in rows:
        print(f"{label:28s}" + "".join(f"{f(c):{width}s}" for c in columns).rstrip(), file=out)
    ok = True
    for c in columns[1:]:
        if c.skipped:
            print(f"{c.title}: skipped: {c.skipped}", file=out)
        elif not c.result.ok:
            ok = False
            print(f"{c.title}: worst: {c.result}", file=out)
    return ok
