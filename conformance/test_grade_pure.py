"""`python -m conformance grade` without numpy: a plain-Python layer is graded against the pure twin alone.

The grader reads every value as nested lists (conformance/nested.py), so where numpy is absent
(tox's `pure` environment, the browser page under Pyodide) it grades a plain-Python layer with
the same report, word for word, as where numpy is installed. These tests import no numpy; they
run the command in a child Python whose `import numpy` fails (a sitecustomize that puts None in
sys.modules["numpy"]), so they prove it wherever they run, and tox's `pure` environment runs them.
"""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PLAIN_DENSE = '''
class ListDense:
    def __init__(self, n_in, n_out):
        self.params = {"W": [[0.0] * n_out for _ in range(n_in)], "b": [0.0] * n_out}
        self.grads = {}

    def forward(self, x):
        self.x = x
        W, b = self.params["W"], self.params["b"]
        return [[sum(r[i] * W[i][j] for i in range(len(r))) + b[j] for j in range(len(b))] for r in x]

    def backward(self, g):
        W, x = self.params["W"], self.x
        self.grads["W"] = [[sum(x[n][i] * g[n][j] for n in range(len(x))) for j in range(len(W[0]))]
                           for i in range(len(W))]
        self.grads["b"] = [sum(r[j] for r in g) for j in range(len(W[0]))]
        return [[sum(r[j] * W[i][j] for j in range(len(W[0]))) for i in range(len(W))] for r in g]


class MeanDense(ListDense):
    def backward(self, g):
        out = super().backward(g)
        self.grads["W"] = [[v / len(self.x) for v in row] for row in self.grads["W"]]   # the bug: / N
        return out
'''


def no_numpy_env(tmp_path):
    """An environment whose Python cannot import numpy (children included: PYTHONPATH is inherited)."""
    blocker = tmp_path / "blocker"
    blocker.mkdir(exist_ok=True)
    (blocker / "sitecustomize.py").write_text('import sys\nsys.modules["numpy"] = None\n')
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(blocker), ROOT] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def run_grade(args, env, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "conformance", "grade", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def layer_file(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(PLAIN_DENSE)
    return path


def test_numpy_is_really_blocked(tmp_path):
    result = subprocess.run([sys.executable, "-c", "import numpy"], env=no_numpy_env(tmp_path),
                            capture_output=True, text=True)
    assert result.returncode != 0 and "ModuleNotFoundError" in result.stderr


def test_a_plain_python_layer_passes_without_numpy(tmp_path, layer_file):
    result = run_grade([f"{layer_file}:ListDense", "--like", "Dense"], no_numpy_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS: every quantity agrees" in result.stdout and result.stderr == ""
    assert "given nested lists" in result.stdout


def test_a_plain_python_bug_gets_the_same_hint_without_numpy(tmp_path, layer_file):
    result = run_grade([f"{layer_file}:MeanDense", "--like", "Dense"], no_numpy_env(tmp_path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "The first disagreement: dL/dW" in result.stdout
    assert "Hint: yours is 0.333333 times the reference everywhere: a factor missing or too many?" in result.stdout
    assert "the bug is in backward()" in result.stdout


def test_the_report_is_the_same_with_and_without_numpy(tmp_path, layer_file):
    """Word for word: grade reads values the same way whether or not numpy is there."""
    pytest.importorskip("numpy")
    for name in ("ListDense", "MeanDense"):
        args = [f"{layer_file}:{name}", "--like", "Dense"]
        without = run_grade(args, no_numpy_env(tmp_path))
        with_numpy = run_grade(args, dict(os.environ, PYTHONPATH=ROOT))
        assert (without.returncode, without.stdout) == (with_numpy.returncode, with_numpy.stdout)


def test_a_numpy_layer_without_numpy_is_one_line(tmp_path):
    result = run_grade(["lessons/exercises/my_dense.py:MyDense", "--like", "Dense"], no_numpy_env(tmp_path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "imports numpy, which is not installed here" in result.stderr
