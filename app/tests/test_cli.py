"""The main command, run for real in a subprocess from a plain checkout."""
import json
import os
import subprocess
import sys

import pytest

from app.tests.conftest import ROOT


def run(twin, *args, cwd=ROOT, timeout=300):
    """`python -m <twin> args...` in a subprocess from the checkout (the other test_cli*.py files use it too)."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", twin, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_trains_reports_test_accuracy_and_saves(nn, tmp_path):
    out = tmp_path / "model.json"
    result = run(nn.TWIN, "--epochs", "1", "--limit", "600", "--hidden", "16", "--seed", "3",
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "test accuracy" in result.stdout and "10,000 test images" in result.stdout
    accuracy = float(result.stdout.split("test accuracy ")[1].split("%")[0])
    assert 50 < accuracy <= 100
    assert "epoch 1/1" in result.stdout
    assert json.loads(out.read_text())["saved_by"] == nn.TWIN
    assert "\r" not in result.stderr                     # no progress line when not a terminal


def test_help_explains_the_flags(nn):
    result = run(nn.TWIN, "--help")
    assert result.returncode == 0
    for flag in ("--epochs", "--hidden", "--batch-size", "--lr", "--seed", "--data-dir", "--out"):
        assert flag in result.stdout


@pytest.mark.parametrize("args, message", [
    (["--data-dir", "/nonexistent/folder"], "nonexistent"),
    (["--hidden", "12,x"], "--hidden"),
    (["--lr", "0"], "--lr must be positive"),
])
def test_bad_arguments_give_a_clear_error(nn, args, message):
    result = run(nn.TWIN, *args, "--epochs", "1", "--limit", "50")
    assert result.returncode == 2
    assert message in result.stderr


def test_each_twin_names_its_own_defaults(nn):
    """The numpy twin trains a wider, longer network by default (app/arrays.py): 256,128 for 12 epochs
    against the pure twin's 96 for 6; --help says which."""
    result = run(nn.TWIN, "--help")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    expected = {"pure": ("(default 6)", "(default 96)"), "vectorized": ("(default 12)", "(default 256,128)")}
    for default in expected[nn.TWIN]:
        assert default in text, f"python -m {nn.TWIN} --help should say {default}"
