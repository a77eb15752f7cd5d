"""The bad-input parity table: every case raises the same error class in both twins, naming what was wrong.

The cases are in conformance/bad_inputs.py (also a row of `python -m conformance`)."""
import pytest

import pure

from .bad_inputs import CASES, run_table, summary, verdict_of


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_both_twins_refuse_a_bad_input_alike(case):
    verdict = verdict_of(case)
    assert verdict.clean, verdict.problem
    assert not verdict.twin_difference


def test_the_table_covers_the_issue_and_has_no_twin_difference():
    verdicts = run_table()
    assert len(verdicts) >= 100
    assert summary(verdicts) == f"{len(verdicts)} cases, {len(verdicts)} clean, 0 twin differences"


def test_a_case_that_raises_a_raw_error_is_not_clean():
    from .bad_inputs import Case
    case = Case("raw", lambda nn: [][1], ValueError, ("x",))
    verdict = verdict_of(case)
    assert not verdict.clean and "IndexError" in verdict.problem
    case = Case("differs", lambda nn: 1 / 0 if nn is pure else None, ZeroDivisionError)
    verdict = verdict_of(case)
    assert not verdict.clean and verdict.twin_difference
