"""`python -m conformance`: run every comparison (without pytest) and print one row per component.

    component   max rel diff  max abs diff  pure vs FD  vect vs FD  tolerance          result
    Dense           6.14e-13      1.78e-14    2.02e-08    2.74e-08  1e-12 + 1e-10|v|   PASS

Columns: the largest relative and absolute difference between the twins
over all of the component's fixtures (relative: |p - v| / |v| where v != 0);
each twin's worst relative error against central finite differences (its
own gradcheck and the suite's independent check; "-" where there is no
gradient: initializers, optimizers, training runs); the tolerance the row is
held to; PASS or FAIL. The exit status is 1 if any row fails, so this can
run in CI next to pytest. The rows come from conformance.components, the
same code the pytest suite runs.
"""
from __future__ import annotations

import sys
import time
import traceback
from typing import Callable, List, Optional, TextIO

from .components import ComponentResult, all_checks
from .tolerances import GRADCHECK_RTOL

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


def format_row(result: ComponentResult) -> str:
    return (f"{result.component:44s} {_number(result.max_rel):>12s} {_number(result.max_abs):>12s} "
            f"{_number(result.fd.get('pure')):>11s} {_number(result.fd.get('vectorized')):>11s}  "
            f"{result.tolerance:32s} {'PASS' if result.ok else 'FAIL'}")


def render(results: List[ComponentResult]) -> str:
    lines = [HEADER, "-" * len(HEADER)]
    lines += [format_row(r) for r in results]
    failed = [r for r in results if not r.ok]
    lines.append("")
    lines.append(f"{len(results)} components, {len(results) - len(failed)} PASS, {len(failed)} FAIL "
                 f"(finite differences: worst relative error <= {GRADCHECK_RTOL:g})")
    for r in failed:
        lines.append(f"FAIL {r.component}:")
        lines += [f"    {line}" for line in (r.failures() or ["nothing was compared"])[:10]]
    return "\n".join(lines)


def exit_code(results: List[ComponentResult]) -> int:
    return 0 if results and all(r.ok for r in results) else 1


def main(argv=None, out: TextIO = None) -> int:
    out = out if out is not None else sys.stdout
    start = time.perf_counter()
    results = run_checks()
    print(render(results), file=out)
    print(f"({time.perf_counter() - start:.1f} s)", file=out)
    return exit_code(results)
