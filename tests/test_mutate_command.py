"""tests/mutate.py itself: it names what its tests need before it starts, and --changed picks the mutants
of the files a change touched."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, ROOT)
from tests import mutate  # noqa: E402


def a_mutant(tests, edits=(("pure/ops.py", "a", "b"),), twins="pure"):
    return mutate.Mutant("m", "a bug", list(edits), list(tests), twins)


def test_missing_test_dependencies_are_named(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("import json\nimport no_such_module_here\nimport helper\n"
                                                  "from pure import ops\n\ndef test():\n    import later_one\n")
    (tmp_path / "tests" / "helper.py").write_text("")
    (tmp_path / "pure").mkdir()
    missing = mutate.missing_dependencies([a_mutant(["tests/test_x.py"])], root=str(tmp_path))
    assert missing == ["no_such_module_here"]          # not json (stdlib), helper (a sibling), pure, later_one


def test_the_vectorized_twin_needs_numpy(tmp_path, monkeypatch):
    monkeypatch.setattr(mutate.importlib.util, "find_spec", lambda name: None)
    assert mutate.missing_dependencies([a_mutant([], twins="pure,vectorized")], root=str(tmp_path)) == \
        ["numpy", "pytest"]
    assert mutate.missing_dependencies([a_mutant([], twins="pure")], root=str(tmp_path)) == ["pytest"]


def test_every_mutant_of_the_list_has_what_it_needs_here():
    pytest.importorskip("numpy")
    assert mutate.missing_dependencies(mutate.MUTANTS) == []


def test_changed_picks_the_mutants_of_changed_files(tmp_path):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git + ["init", "-q", str(tmp_path)], check=True)
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.py").write_text("y = 1\n")
    subprocess.run(git + ["-C", str(tmp_path), "add", "."], check=True)
    subprocess.run(git + ["-C", str(tmp_path), "commit", "-qm", "one"], check=True)
    (tmp_path / "b.py").write_text("y = 2\n")
    (tmp_path / "c.py").write_text("new\n")
    assert mutate.changed_files("HEAD", root=str(tmp_path)) == ["b.py", "c.py"]
    with pytest.raises(SystemExit, match="no-such-commit"):
        mutate.changed_files("no-such-commit", root=str(tmp_path))


def test_the_command_stops_and_names_a_missing_pytest(tmp_path):
    venv = tmp_path / "bare"
    made = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("no venv here")
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    result = subprocess.run([str(python), "-m", "tests.mutate", "--only", "relu-grad-at-zero-both"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "pytest" in result.stderr and "cannot import" in result.stderr


def test_without_pytest_the_command_says_pytest_is_missing():
    # -S leaves site-packages (where pytest lives) out: as on a Python without pytest
    if subprocess.run([sys.executable, "-S", "-c", "import pytest"], capture_output=True).returncode == 0:
        pytest.skip("pytest is importable even without site-packages here")
    result = subprocess.run([sys.executable, "-S", "-m", "tests.mutate", "--only", "relu-grad-at-zero-both"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert "need" in result.stderr and "pytest" in result.stderr and "pip install" in result.stderr
    assert "Traceback" not in result.stderr and "killed" not in result.stderr
