"""The pure twin, data/ and the application (app/) need nothing outside the standard library."""
import ast
import os
import subprocess
import sys

import pytest

from conftest import ROOT


def test_pure_and_data_import_only_the_standard_library():
    if not hasattr(sys, "stdlib_module_names"):
        pytest.skip("sys.stdlib_module_names needs Python 3.10+; the CPython environments run this")
    allowed = set(sys.stdlib_module_names) | {"__future__", "pure", "data", "pictures", "app"}  # pictures: stdlib too
    offenders = []
    for package in ("pure", "data", "app"):
        for folder, _, files in os.walk(os.path.join(ROOT, package)):
            if "tests" in folder.split(os.sep):
                continue
            for name in files:
                if not name.endswith(".py") or (package, name) == ("app", "arrays.py"):   # arrays: numpy's command
                    continue
                path = os.path.join(folder, name)
                tree = ast.parse(open(path, encoding="utf-8").read())
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import):
                        roots = [a.name.split(".")[0] for a in node.names]
                    elif isinstance(node, ast.ImportFrom) and node.level == 0:
                        roots = [node.module.split(".")[0]]
                    else:
                        continue
                    offenders += [f"{path}:{node.lineno} imports {r}" for r in roots if r not in allowed]
    assert offenders == []


def test_training_with_pure_loads_no_numpy():
    code = ("import sys, pure as nn, data\n"
            "X, y = data.xor(20, seed=0)\n"
            "m = nn.Sequential([nn.Dense(2, 4, seed=0), nn.Tanh(), nn.Dense(4, 2, seed=1)])\n"
            "m.fit(X, y, nn.CrossEntropy(), nn.SGD(0.1), epochs=2, progress=False)\n"
            "nn.save(m, sys.argv[1]); nn.load(sys.argv[1])\n"
            "print('numpy' in sys.modules)\n")
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([sys.executable, "-c", code, os.path.join(tmp, "m.json")], cwd=ROOT,
                                capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_this_environment_has_no_numpy_when_it_promises_so():
    """tox's `pure` environment sets EXPECT_NO_NUMPY=1: there, numpy must not even be installed."""
    if os.environ.get("EXPECT_NO_NUMPY") != "1":
        pytest.skip("only tox's numpy-free environments (EXPECT_NO_NUMPY=1) promise that")
    result = subprocess.run([sys.executable, "-c", "import numpy"], capture_output=True)
    assert result.returncode != 0
