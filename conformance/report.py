"""`python -m conformance`: run every comparison (without pytest) and print one row per component.

    component   max rel diff  max abs diff  pure vs FD  vect vs FD  tolerance          result
    Dense           6.14e-13      1.78e-14    2.02e-08    2.74e-08  1e-12 + 1e-10|v|   PASS

Columns: the largest relative and absolute difference between the twins
over all of the component's fixtures (relative: |p - v| / |v| where v != 0);
each twin's worst relative error against central finite differences (its
own gradcheck and the suite's independent check; "-" where there is no
gradient: initializers, optimizers, training runs); the tolerance the row is
held to; PASS, FAIL, or KNOWN BUG (a row whose only failures are bugs
already reported and marked xfail in the pytest suite, printed in full below
the table). The exit status is 1 if any row FAILs, so this can run in CI
next to pytest. The rows come from conformance.components, the
same code the pytest suite runs.

A "micropython" column joins them where Node.js and MicroPython's WebAssembly port (`npm ci`) are
present: the layer, loss, optimizer or initializer of the row, run by the pure twin on MicroPython
1.27 and on this CPython with tests/micropython/runs.py's own fixture (one per kind, shown on the
kind's first row; "-" on the rows it does not cover), the largest relative difference, held to the
row's tolerance (a difference beyond it fails the row). Without them the table says why it has no
such column (tests/micropython, in tox's micropython environment, compares much more there).
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from typing import Callable, Dict, List, Optional, TextIO, Tuple

from .components import ComponentResult, all_checks
from .tolerances import GRADCHECK_RTOL, Comparison, compare, compare_exact

HEADER = (f"{'component':44s} {'max rel diff':>12s} {'max abs diff':>12s} {'pure vs FD':>11s} "
          f"{'vect vs FD':>11s}  {'tolerance':32s} result")


def run_checks(checks: Optional[List[Callable[[], ComponentResult]]] = None) -> List[ComponentResult]:
    """Run each check; a check that raises becomes a FAIL row naming the exception."""
    results = []
    for check in checks if checks is not None else all_checks():
        try:
            results.append(check())
        except Exception as e:  # noqa: BLE001 - a crash in one twin is a failed row, not a dead report
            name = getattr(check, "__name__", "check")
            where = traceback.extract_tb(e.__traceback__)[-1]
            results.append(ComponentResult(name, {}, {}, "-", [f"raised {type(e).__name__}: {e} "
                                                                f"({where.filename}:{where.lineno})"]))
    return results


def _number(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.2e}"


def format_row(result: ComponentResult, micropython: Optional[Dict[str, Comparison]] = None) -> str:
    """One row; with a micropython column (row name -> MicroPython against CPython), that column too."""
    there = micropython.get(result.component) if micropython is not None else None
    column = "" if micropython is None else f" {_number(there.max_rel if there else None):>11s}"
    return (f"{result.component:44s} {_number(result.max_rel):>12s} {_number(result.max_abs):>12s} "
            f"{_number(result.fd.get('pure')):>11s} {_number(result.fd.get('vectorized')):>11s}{column}  "
            f"{result.tolerance:32s} {status(result, micropython)}")


def status(result: ComponentResult, micropython: Optional[Dict[str, Comparison]] = None) -> str:
    """The row's status; FAIL too when MicroPython disagrees with CPython beyond the row's tolerance."""
    there = (micropython or {}).get(result.component)
    return "FAIL" if there is not None and not there.ok else result.status


def render(results: List[ComponentResult], micropython: Optional[Dict[str, Comparison]] = None,
           absent: str = "") -> str:
    """The table; `micropython` adds its column (see micropython_column), `absent` says why it is not there."""
    header = HEADER if micropython is None else HEADER.replace(" vect vs FD ", f" vect vs FD {'micropython':>11s} ")
    lines = [header, "-" * len(header)]
    lines += [format_row(r, micropython) for r in results]
    counts = {name: sum(status(r, micropython) == name for r in results) for name in ("PASS", "KNOWN BUG", "FAIL")}
    lines.append("")
    lines.append(f"{len(results)} components: " + ", ".join(f"{n} {name}" for name, n in counts.items())
                 + f" (finite differences: worst relative error <= {GRADCHECK_RTOL:g})")
    if micropython is not None:
        lines.append(f"micropython: {len(micropython)} rows run by the pure twin on MicroPython 1.27 (its WebAssembly "
                     f"port in Node.js) against this CPython, tests/micropython/runs.py's fixtures")
    elif absent:
        lines.append(f"no micropython column: {absent}")
    for r in results:
        there = (micropython or {}).get(r.component)
        if there is not None and not there.ok:
            lines.append(f"FAIL {r.component} on MicroPython (against CPython): {there}")
        if r.status == "KNOWN BUG":
            lines.append(f"KNOWN BUG {r.component} (xfail in the pytest suite; not counted as a failure):")
            lines += [f"    {line}" for line in r.failures()[:10]]
            lines += [f"    bug: {reason}" for reason in dict.fromkeys(r.known_bugs.values())]
        elif r.status == "FAIL":
            lines.append(f"FAIL {r.component}:")
            lines += [f"    {line}" for line in (r.unexplained_failures() or ["nothing was compared"])[:10]]
    return "\n".join(lines)


def exit_code(results: List[ComponentResult], micropython: Optional[Dict[str, Comparison]] = None) -> int:
    """1 if any row FAILs; rows that fail only by a listed known bug do not count (as xfail in pytest)."""
    return 0 if results and all(status(r, micropython) != "FAIL" for r in results) else 1


# ---------------------------------------------------------------- the MicroPython column

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MICROPYTHON_TESTS = os.path.join(ROOT, "tests", "micropython")
MICROPYTHON_PORT = os.path.join(ROOT, "node_modules", "@micropython", "micropython-webassembly-pyscript",
                                "micropython.mjs")
# table row -> (part of runs.py's output, its key, compared exactly): runs.py's fixture for that kind
MICROPYTHON_ROWS = {
    "Dense": ("layers", "Dense", False), "Dropout": ("layers", "Dropout", False),
    "Flatten": ("layers", "Flatten", False), "RNN many-to-one": ("layers", "RNN", False),
    "RNN return_sequences": ("layers", "RNN sequences", False), "LSTM many-to-one": ("layers", "LSTM", False),
    "Embedding": ("layers", "Embedding", False), "Conv2D 3x3": ("layers", "Conv2D", False),
    "MaxPool2D 2": ("layers", "MaxPool2D", False), "AvgPool2D 2": ("layers", "AvgPool2D", False),
    "Sigmoid": ("layers", "Sigmoid", False), "Tanh": ("layers", "Tanh", False), "ReLU": ("layers", "ReLU", False),
    "LeakyReLU(0.1)": ("layers", "LeakyReLU", False), "ELU(1.0)": ("layers", "ELU", False),
    "Softplus": ("layers", "Softplus", False), "ArcTan": ("layers", "ArcTan", False),
    "Identity": ("layers", "Identity", False), "Softmax": ("layers", "Softmax", False),
    "MSE": ("layers", "MSE", False), "BinaryCrossEntropy": ("layers", "BinaryCrossEntropy", False),
    "CrossEntropy": ("layers", "CrossEntropy", False),
    "SGD momentum + weight decay": ("layers", "SGD", False), "Adam": ("layers", "Adam", False),
    "init xavier": ("weights", "Dense xavier", True), "init he": ("weights", "Dense he", True),
}
DRIVER = """import json
import runs
print(json.dumps({"layers": runs.every_layer(), "weights": runs.first_weights()}))
"""


def micropython_column() -> Tuple[Optional[Dict[str, Comparison]], str]:
    """(row name -> MicroPython's numbers against CPython's, "") or (None, why there is no column).

    Runs tests/micropython/runs.py's every_layer() and first_weights() on MicroPython (run.mjs) and here.
    A MicroPython run that fails is a column of failures, not an absent column."""
    node = shutil.which("node")
    if node is None:
        return None, "Node.js is not installed (apt-get install nodejs npm): MicroPython's WebAssembly port runs in it"
    if not os.path.isfile(MICROPYTHON_PORT):
        return None, "MicroPython's WebAssembly port is not installed: run `npm ci` in the checkout"
    runs_py = os.path.join(MICROPYTHON_TESTS, "runs.py")
    with tempfile.TemporaryDirectory() as folder:
        driver = os.path.join(folder, "column.py")
        with open(driver, "w") as f:
            f.write(DRIVER)
        done = subprocess.run([node, os.path.join(MICROPYTHON_TESTS, "run.mjs"), "--in", f"{runs_py}:/lib/runs.py",
                               driver], cwd=folder, capture_output=True, text=True, timeout=600)
    try:
        theirs = json.loads(done.stdout) if done.returncode == 0 else None
    except ValueError:
        theirs = None
    if theirs is None:
        failed = Comparison(float("inf"), float("inf"), False, problem=f"the MicroPython run failed: "
                            f"{(done.stderr.strip().splitlines() or ['no output'])[-1]}")
        return {row: failed for row in MICROPYTHON_ROWS}, ""
    spec = importlib.util.spec_from_file_location("micropython_runs", runs_py)
    runs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runs)
    ours = {"layers": runs.every_layer(), "weights": runs.first_weights()}

    def values(part, key, output):
        found = output[part].get(key)
        return [v for name in sorted(found) for v in found[name]] if isinstance(found, dict) else found
    column = {}
    for row, (part, key, exact) in MICROPYTHON_ROWS.items():
        there, here = values(part, key, theirs), values(part, key, ours)
        column[row] = (compare_exact if exact else compare)(there, here)
    return column, ""


def main(argv=None, out: TextIO = None) -> int:
    out = out if out is not None else sys.stdout
    start = time.perf_counter()
    results = run_checks()
    micropython, absent = micropython_column()
    print(render(results, micropython, absent), file=out)
    print(f"({time.perf_counter() - start:.1f} s)", file=out)
    return exit_code(results, micropython)
