"""`python -m conformance grade` against code that misbehaves: one line each, never a traceback, never a PASS.

The command runs the user's file in a child process (so that os._exit or a hang in C code is
reported, not suffered) with a time limit per stage: importing the file, building the layer,
each case. grade_source (the browser page's entry) runs it in-process: the same one-line
reports, the time limit where timer signals exist (not under Pyodide). No numpy here.
"""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conformance import grade

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LAYER = '''
class Mine:
    def __init__(self):
        self.params = {}
        self.grads = {}

    def forward(self, x):
        FORWARD
        return [row[:] for row in x]

    def backward(self, grad_out):
        return [row[:] for row in grad_out]
'''


def layer(forward="pass", top=""):
    """A correct Identity layer, with `forward` run first in forward() and `top` at import."""
    return textwrap.dedent(top) + LAYER.replace("FORWARD", forward)


def command(tmp_path, source, *args, timeout=120):
    path = tmp_path / "mine.py"
    path.write_text(source)
    return subprocess.run([sys.executable, "-m", "conformance", "grade", f"{path}:Mine", "--like", "Identity", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def one_line(result):
    """What the command said, checked to be one line on stderr or a report on stdout, no traceback."""
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    assert "PASS" not in result.stdout
    return result.stdout + result.stderr


def test_a_correct_layer_still_passes(tmp_path):
    result = command(tmp_path, layer())
    assert result.returncode == 0 and "PASS" in result.stdout, result.stdout + result.stderr


# ---------------------------------------------------------------- cannot be built, params not a dict

def test_an_init_that_raises_is_could_not_build(tmp_path):
    source = layer().replace("self.params = {}", "self.params = {}\n        raise RuntimeError('no weights yet')")
    result = command(tmp_path, source)
    said = one_line(result)
    assert result.returncode == 2 and result.stdout == ""
    assert said.count("\n") == 1
    assert "error: could not build the layer: Mine() raised RuntimeError: no weights yet (mine.py, line 5)" in said
    graded = grade.grade_source(source, like="Identity")
    assert graded.status == 2 and graded.text.startswith("could not build the layer: Mine() raised RuntimeError")


def test_a_factory_that_raises_is_could_not_build():
    source = "def make(n_in, n_out):\n    return 1 / 0\n"
    graded = grade.grade_source(source, like="Dense", name="make")
    assert graded.status == 2
    assert graded.text == ("could not build the layer: make(n_in=5, n_out=3) raised ZeroDivisionError: division by "
                           "zero (<your code>, line 2)")


def test_params_that_is_a_list_is_said(tmp_path):
    source = '''
class Mine:
    def __init__(self, n_in, n_out):
        self.params = [[0.0] * n_out for _ in range(n_in)]
        self.grads = {}

    def forward(self, x):
        return x

    def backward(self, g):
        return g
'''
    graded = grade.grade_source(source, like="Dense")
    assert graded.status == 2
    assert graded.text.startswith("<your code>:Mine: params is a list, not a dict; the contract's params is a dict")
    path = tmp_path / "mine.py"
    path.write_text(source)
    result = subprocess.run([sys.executable, "-m", "conformance", "grade", str(path), "--like", "Dense"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "params is a list, not a dict" in one_line(result)


def test_grads_that_is_a_list_is_said():
    source = '''
class Mine:
    def __init__(self, n_in, n_out):
        self.params = {"W": None, "b": None}
        self.grads = []

    def forward(self, x):
        W, b = self.params["W"], self.params["b"]
        return [[sum(r[i] * W[i][j] for i in range(len(r))) + b[j] for j in range(len(b))] for r in x]

    def backward(self, g):
        W = self.params["W"]
        return [[sum(r[j] * W[i][j] for j in range(len(r))) for i in range(len(W))] for r in g]
'''
    graded = grade.grade_source(source, like="Dense")
    assert graded.status == 1
    assert "your grads is a list, not a dict name -> gradient" in graded.text


# ---------------------------------------------------------------- the user's exceptions, named with their line

def test_an_exception_deep_in_a_library_is_named_at_the_users_line():
    source = "import json\n" + layer("json.loads('{')")
    graded = grade.grade_source(source, like="Identity", filename="mine.py")
    assert graded.status == 1
    assert "your forward() raised JSONDecodeError: " in graded.text
    assert "(mine.py, line 9)" in graded.text                       # the forward line, not json's


def test_a_syntax_error_is_one_line(tmp_path):
    result = command(tmp_path, "class Mine(:\n")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "is not valid Python, line 1" in one_line(result)


# ---------------------------------------------------------------- endless loops: the time limit

def test_an_endless_loop_at_import_is_stopped(tmp_path):
    start = time.monotonic()
    result = command(tmp_path, layer(top="while True:\n    pass\n"), "--time-limit", "1")
    said = one_line(result)
    assert result.returncode == 2 and time.monotonic() - start < 30
    assert "did not finish within 1 s while importing" in said and "an endless loop?" in said


def test_an_endless_loop_in_forward_is_a_failed_case(tmp_path):
    result = command(tmp_path, layer("while True: pass"), "--time-limit", "1")
    said = one_line(result)
    assert result.returncode == 1
    assert said.startswith("FAIL: your code did not finish within 1 s while case \"Identity(), random batch of 3\"")


def test_a_loop_that_swallows_the_alarm_is_killed_by_the_parent(tmp_path):
    forward = ("while True:\n            try:\n                time.sleep(0.05)\n"
               "            except BaseException:\n                pass")
    result = command(tmp_path, "import time\n" + layer(forward), "--time-limit", "1")
    said = one_line(result)
    assert result.returncode == 1
    assert "did not finish within 1 s while case" in said and "did not stop when asked" in said


def test_grade_source_has_the_time_limit_too():
    graded = grade.grade_source(layer("while True: pass"), like="Identity", time_limit=0.5)
    assert graded.status == 1 and graded.text.startswith("FAIL: your code did not finish within 0.5 s while case")


def test_without_timer_signals_the_limit_is_a_no_op(monkeypatch):
    """Under Pyodide (sys.platform "emscripten") nothing can interrupt the code: grade runs it without a limit."""
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert not grade._alarms() and not grade._can_spawn()
    graded = grade.grade_source(layer("import time; time.sleep(0.3)"), like="Identity", time_limit=0.1)
    assert graded.status == 0, graded.text


# ---------------------------------------------------------------- sys.exit and os._exit: an early exit, never exit 0

@pytest.mark.parametrize("exit_call", ["sys.exit(0)", "os._exit(0)"])
def test_an_exit_at_import_is_said(tmp_path, exit_call):
    result = command(tmp_path, layer(top=f"import os, sys\n{exit_call}\n"))
    said = one_line(result)
    assert result.returncode == 2
    assert "while importing" in said and said.count("\n") == 1
    assert ("called sys.exit(0)" if exit_call.startswith("sys") else "ended grade early") in said


@pytest.mark.parametrize("exit_call", ["sys.exit(0)", "os._exit(0)"])
def test_an_exit_in_forward_is_said(tmp_path, exit_call):
    result = command(tmp_path, "import os, sys\n" + layer(exit_call))
    said = one_line(result)
    assert result.returncode == 1
    assert said.startswith("FAIL: your code ") and 'while case "Identity(), random batch of 3"' in said
    if exit_call.startswith("os"):
        assert "the process exited with status 0 (os._exit in your code?), before any report" in said
    assert grade.grade_source("import sys\n" + layer("sys.exit(3)"), like="Identity").text.startswith(
        "FAIL: your code called sys.exit(3) while case")


# ---------------------------------------------------------------- KeyboardInterrupt

def test_a_keyboard_interrupt_in_the_users_code_is_one_line(tmp_path):
    result = command(tmp_path, layer("raise KeyboardInterrupt"))
    said = one_line(result)
    assert result.returncode == 130 and result.stdout == ""
    assert said == ('python -m conformance grade: interrupted (KeyboardInterrupt) while case "Identity(), random '
                    'batch of 3"\n')
    graded = grade.grade_source(layer("raise KeyboardInterrupt"), like="Identity")
    assert graded.status == 130


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups")
def test_ctrl_c_in_the_terminal_is_one_line(tmp_path):
    path, started = tmp_path / "mine.py", tmp_path / "started"
    path.write_text("import time\n" + layer(f"open({str(started)!r}, 'w').close(); time.sleep(60)"))
    child = subprocess.Popen([sys.executable, "-m", "conformance", "grade", f"{path}:Mine", "--like", "Identity",
                              "--time-limit", "120"],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # backgrounded too
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline:      # the child is in forward()
        time.sleep(0.05)
    os.killpg(child.pid, signal.SIGINT)                  # what Ctrl-C does: the parent and its child
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130, out + err
    assert "Traceback" not in out + err and err.count("\n") == 1
    assert err.startswith("python -m conformance grade: interrupted")
