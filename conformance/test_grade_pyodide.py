"""grade under Pyodide (in Node.js), as the browser page runs it: no numpy, no subprocess, no timer.

Every exercise's skeleton fails, its solution passes and each of its bugs fails, through
grade_source; the command itself runs in-process there. Skipped without node or `npm ci`'s
node_modules/pyodide (web/tests/pyodide_run.mjs mounts the checkout and runs the script).
"""
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = '''
import importlib, sys
from conformance import grade
assert sys.platform == "emscripten" and not grade._alarms() and not grade._can_spawn()
for e in grade.exercises():
    stem = e.path.rsplit("/", 1)[1][:-3]
    with open("conformance/exercise_solutions/" + stem + ".py") as f:
        solution = f.read()
    bugs = importlib.import_module("conformance.exercise_solutions." + stem).BUGS
    statuses = (grade.grade_source(e.source(), filename=e.path).status,
                grade.grade_source(solution, like=e.like, name=e.name).status,
                sorted({grade.grade_source(solution, like=e.like, name=b).status for b in bugs}))
    print(e.name, statuses)
    assert statuses == (1, 0, [1]), (e.name, statuses)
print("exit:", grade.grade_source("import sys\\nsys.exit(0)\\n", like="ReLU").status)
print("command:", grade.main(["lessons/exercises/my_relu.py"]))
print("numpy:", "numpy" in sys.modules)
'''


def test_grade_runs_under_pyodide(tmp_path):
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    if not os.path.isfile(os.path.join(ROOT, "node_modules", "pyodide", "pyodide.mjs")):
        pytest.skip("the local Pyodide is not installed: run `npm ci` in the checkout")
    script = tmp_path / "grade_in_pyodide.py"
    script.write_text(SCRIPT)
    result = subprocess.run(["node", os.path.join(ROOT, "web", "tests", "pyodide_run.mjs"), ROOT, str(script)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "MyRNN (1, 0, [1])" in result.stdout
    assert "exit: 2" in result.stdout and "command: 1" in result.stdout and "numpy: False" in result.stdout
