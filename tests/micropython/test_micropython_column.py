"""The micropython column of `python -m conformance` (conformance/report.py): there with Node.js and the
port, every mapped row within its tolerance; absent with the reason without them; a disagreement fails its row."""
import math

from test_micropython import node


def test_the_column_covers_its_rows_within_their_tolerance():
    node()
    from conformance import report
    column, absent = report.micropython_column()
    assert absent == "" and sorted(column) == sorted(report.MICROPYTHON_ROWS)
    assert all(c.ok for c in column.values()), {row: str(c) for row, c in column.items() if not c.ok}


def test_without_node_the_table_says_why_it_has_no_column(monkeypatch):
    from conformance import report
    from conformance.components import check_dense
    monkeypatch.setattr(report.shutil, "which", lambda name: None)
    column, absent = report.micropython_column()
    assert column is None and "Node.js is not installed" in absent
    text = report.render([check_dense()], column, absent)
    assert "no micropython column: Node.js is not installed" in text and "micropython " not in text.splitlines()[0]


def test_a_micropython_disagreement_fails_its_row():
    from conformance import report
    from conformance.components import check_dense
    from conformance.tolerances import Comparison
    dense = check_dense()
    column = {"Dense": Comparison(math.inf, math.inf, False, problem="differs")}
    text = report.render([dense], column)
    assert text.splitlines()[0].split()[-3] == "micropython" and text.splitlines()[2].endswith("FAIL")
    assert "FAIL Dense on MicroPython (against CPython)" in text and report.exit_code([dense], column) == 1
    assert report.exit_code([dense], {"Dense": Comparison(0.0, 0.0, True)}) == 0
