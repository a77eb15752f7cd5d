"""The console scripts `pip install .` creates (pyproject.toml [project.scripts]) point at real functions."""
import importlib
import os
import re
import subprocess
import sys

from app.tests.conftest import ROOT


def scripts():
    text = open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8").read()
    section = text.split("[project.scripts]", 1)[1].split("\n[", 1)[0]
    return dict(re.findall(r'^([\w-]+)\s*=\s*"([\w.]+:\w+)"', section, re.M))


def test_every_console_script_resolves_to_a_callable():
    found = scripts()
    assert set(found) == {"twinnet-pure", "twinnet-vectorized", "twinnet-data"}
    for name, target in found.items():
        module, function = target.split(":")
        if module == "app.arrays":                  # the numpy twin's command
            try:
                import numpy  # noqa: F401
            except ModuleNotFoundError:
                continue
        assert callable(getattr(importlib.import_module(module), function)), name


def test_the_pure_script_runs_as_installed_would():
    # what the generated script does: import the function and sys.exit() with its result
    module, function = scripts()["twinnet-pure"].split(":")
    code = f"import sys; from {module} import {function}; sys.argv[0] = 'twinnet-pure'; sys.exit({function}())"
    result = subprocess.run([sys.executable, "-c", code, "predict", "--help"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env=dict(os.environ, PYTHONPATH=ROOT))
    assert result.returncode == 0 and "--explain" in result.stdout


def test_without_numpy_the_numpy_commands_say_what_to_install():
    # -S leaves site-packages (where numpy lives) out: as on a machine without numpy
    env = dict(os.environ, PYTHONPATH=ROOT)
    probe = subprocess.run([sys.executable, "-S", "-c", "import numpy"], cwd=ROOT, env=env, capture_output=True)
    if probe.returncode == 0:
        import pytest
        pytest.skip("numpy is importable even without site-packages here")
    for module in ("vectorized", "conformance"):
        result = subprocess.run([sys.executable, "-S", "-m", module], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode != 0
        assert "needs numpy" in result.stderr and "pip install numpy" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_without_numpy_the_three_ways_to_the_numpy_twin_give_one_line_and_help_still_works():
    # python -m vectorized, its console script twinnet-vectorized (what pip generates: import main, sys.exit it)
    # and python -m vectorized train: the same one line, exit status 2; --help is argparse, and needs no numpy
    env = dict(os.environ, PYTHONPATH=ROOT)
    if subprocess.run([sys.executable, "-S", "-c", "import numpy"], cwd=ROOT, env=env).returncode == 0:
        import pytest
        pytest.skip("numpy is importable even without site-packages here")
    script = ("import sys; from app.arrays import main; sys.argv[0] = 'twinnet-vectorized'; sys.exit(main())",)
    ways = {"python -m vectorized": ["-m", "vectorized"], "twinnet-vectorized": ["-c", *script],
            "python -m vectorized train": ["-m", "vectorized", "train", "--epochs", "1"]}
    lines = set()
    for name, how in ways.items():
        result = subprocess.run([sys.executable, "-S", *how], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 2 and result.stdout == "", (name, result.stderr)
        assert len(result.stderr.splitlines()) == 1 and "numpy" in result.stderr, (name, result.stderr)
        lines.add(result.stderr)
    assert len(lines) == 1 and "pip install numpy" in lines.pop()
    for how in (["-m", "vectorized", "--help"], ["-c", *script, "--help"], ["-m", "vectorized", "predict", "-h"]):
        result = subprocess.run([sys.executable, "-S", *how], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0 and "usage: python -m vectorized" in result.stdout, result.stderr
        assert "numpy" not in result.stderr
