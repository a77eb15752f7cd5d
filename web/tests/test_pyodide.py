"""The pure twin under Pyodide (CPython compiled to WebAssembly) in Node.js, as the browser runs it.

1. A representative subset of the spec tests (pyodide_pytest.SUBSET) runs inside Pyodide.
2. Three training runs (training_runs.py) run in Pyodide and on this CPython; every loss,
   accuracy and final weight must agree within the numeric policy for whole runs
   (conformance/tolerances.py: 1e-8). They are not bit for bit equal: WebAssembly's maths
   library rounds exp, log and tanh differently in the last bit, and the tests print how far
   apart they ended.

Skipped, saying what to install, where Node.js or the local Pyodide (`npm ci`) is missing.
"""
import json
import math
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUNNER = os.path.join(HERE, "pyodide_run.mjs")
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

import training_runs  # noqa: E402  (next to this file)

POLICY = 1e-8       # conformance/tolerances.py TRAINING_ATOL; applied relative to values above 1


def node():
    found = shutil.which("node")
    if found is None:
        pytest.skip("Node.js is not installed (`apt-get install nodejs npm`, or see nodejs.org): "
                    "the Pyodide tests run Pyodide in Node.js")
    if not os.path.isfile(os.path.join(ROOT, "node_modules", "pyodide", "pyodide.mjs")):
        pytest.skip("the local Pyodide is not installed: run `npm ci` in the checkout")
    return found


def in_pyodide(script, *extra_paths, timeout=600):
    result = subprocess.run([node(), RUNNER, ROOT, script, *extra_paths], capture_output=True, text=True,
                            timeout=timeout, cwd=ROOT)
    sys.stderr.write(result.stderr[-3000:])
    return result


def test_spec_subset_passes_inside_pyodide():
    site_packages = os.path.dirname(os.path.dirname(os.path.abspath(pytest.__file__)))
    result = in_pyodide(os.path.join(HERE, "pyodide_pytest.py"), site_packages)
    print(result.stdout[-2000:])
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    passed = int(summary.split(" passed")[0].split()[-1])
    assert passed >= 200 and " failed" not in summary and " error" not in summary, summary


def flat(value, where=""):
    """(path, float) pairs of a nested structure of dicts, lists and numbers."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from flat(value[key], f"{where}/{key}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from flat(item, f"{where}[{i}]")
    else:
        yield where, float(value)


def test_training_runs_agree_with_cpython_within_the_numeric_policy():
    result = in_pyodide(os.path.join(HERE, "training_runs.py"))
    assert result.returncode == 0, result.stderr[-3000:]
    browser = json.loads(result.stdout)
    here = json.loads(json.dumps(training_runs.all_runs()))
    worst = {}
    for name in training_runs.RUNS:
        theirs, ours = dict(flat(browser[name])), dict(flat(here[name]))
        assert theirs.keys() == ours.keys(), name
        differences = 0
        for key, b in ours.items():
            a = theirs[key]
            assert math.isfinite(a) and math.isfinite(b), (name, key, a, b)
            assert abs(a - b) <= POLICY * max(1.0, abs(b)), f"{name}{key}: Pyodide {a!r}, CPython {b!r}"
            differences += a != b
        worst[name] = (max(abs(theirs[k] - ours[k]) for k in ours), differences, len(ours))
    for name, (largest, differences, count) in worst.items():
        print(f"{name}: {count} numbers, {differences} not bit-identical, largest difference {largest:.2e}")
    # The README's example, as quoted in the page: the same accuracy, the loss within the policy.
    assert browser["moons_readme"]["evaluate"]["accuracy"] == here["moons_readme"]["evaluate"]["accuracy"] == 0.905
