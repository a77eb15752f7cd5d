"""`python -m conformance`: one row per component, exit status 1 when anything fails."""
import io
import math

from conformance import __main__ as entry, components, report
from conformance.components import ComponentResult
from conformance.tolerances import Comparison


def test_the_report_prints_one_row_per_check_and_passes(monkeypatch):
    """On a few real checks (the whole table runs in CI as `python -m conformance`)."""
    few = [components.check_dense, components.check_worked_examples, components.check_stability]
    monkeypatch.setattr(report, "all_checks", lambda: few)
    out = io.StringIO()
    code = report.main(out=out)
    text = out.getvalue()
    rows = [line for line in text.splitlines() if line.endswith(("PASS", "FAIL", "KNOWN BUG"))]
    assert [row.split()[0] for row in rows] == ["Dense", "lesson", "stability"], text
    assert code == 0, text
    assert text.splitlines()[0].split()[:2] == ["component", "max"]



def passing(name="ok"):
    return ComponentResult(name, {"forward": Comparison(0.0, 0.0, True)}, {"pure": 1e-9, "vectorized": 1e-9}, "-")


def test_a_disagreement_fails_the_row_and_the_exit_status():
    bad = ComponentResult("bad", {"forward": Comparison(1.0, 1.0, False, (0,), 2.0, 1.0)}, {}, "-")
    text = report.render([passing(), bad])
    assert "FAIL bad:" in text and "pure 2.0 vs vectorized 1.0" in text
    assert report.exit_code([passing(), bad]) == 1
    assert report.exit_code([passing()]) == 0


def test_a_gradient_off_finite_differences_fails_the_row():
    bad = passing()._replace(fd={"pure": 1e-9, "vectorized": 1e-3})
    assert not bad.ok and report.exit_code([bad]) == 1
    assert "vectorized gradient vs finite differences" in report.render([bad])


def test_a_component_with_nothing_compared_fails():
    assert not ComponentResult("empty", {}, {}, "-").ok


def test_a_check_that_raises_becomes_a_failed_row():
    def check_broken():
        raise ValueError("twin exploded")
    results = report.run_checks([check_broken])
    assert not results[0].ok and "twin exploded" in results[0].problems[0]
    assert report.exit_code(results) == 1


def test_infinite_differences_print_as_numbers():
    row = report.format_row(ComponentResult("x", {"a": Comparison(math.inf, math.inf, False)}, {}, "-"))
    assert "inf" in row and row.endswith("FAIL")


def test_unknown_arguments_are_refused_with_usage(capsys):
    assert entry.main(["--frobnicate"]) == 2
    assert "usage" in capsys.readouterr().err


def test_a_row_failing_only_by_a_listed_bug_is_a_known_bug_not_a_failure():
    row = ComponentResult("x", {"a: thing": Comparison(1.0, 1.0, False)}, {}, "-", known_bugs={"a:": "bug a"})
    assert row.status == "KNOWN BUG" and report.exit_code([passing(), row]) == 0
    assert "bug: bug a" in report.render([row])


def test_a_row_with_a_failure_beyond_its_listed_bugs_fails():
    row = ComponentResult("x", {"a: thing": Comparison(1.0, 1.0, False), "b": Comparison(1.0, 1.0, False)}, {}, "-",
                          known_bugs={"a:": "bug a"})
    assert row.status == "FAIL" and report.exit_code([row]) == 1
