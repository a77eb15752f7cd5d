"""tests/prerequisites.py and toxfile.py: the environments that need node_modules install it or say why not.

tox must never report OK for an environment whose every test was skipped: a missing node_modules is
installed with `npm ci`; what cannot be installed makes the environment FAIL (or SKIP, with
TWINNET_ALLOW_SKIP=1), saying what is missing.
"""
import importlib.util
import json
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import prerequisites  # noqa: E402

LOCK = {"lockfileVersion": 3, "packages": {"": {"name": "x"},
                                           "node_modules/pyodide": {"version": "314.0.7"},
                                           "node_modules/@scope/tool": {"version": "1.2.3"}}}


def install(root, versions=None):
    """What `npm ci` leaves: node_modules/<name>/package.json at each pinned version."""
    for where, spec in LOCK["packages"].items():
        if where:
            os.makedirs(os.path.join(root, where), exist_ok=True)
            version = (versions or {}).get(where, spec["version"])
            with open(os.path.join(root, where, "package.json"), "w") as f:
                json.dump({"version": version}, f)


@pytest.fixture
def root(tmp_path):
    (tmp_path / "package-lock.json").write_text(json.dumps(LOCK))
    return str(tmp_path)


def test_stale_says_what_differs_from_the_lock_file(root):
    assert prerequisites.stale(root) == "node_modules/ is missing"
    install(root, {"node_modules/pyodide": "0.26.0"})
    assert prerequisites.stale(root) == "node_modules/pyodide is version 0.26.0, package-lock.json pins 314.0.7"
    shutil.rmtree(os.path.join(root, "node_modules", "@scope"))
    assert prerequisites.stale(root) == "node_modules/@scope/tool is missing"
    install(root)
    assert prerequisites.stale(root) is None


def test_a_missing_or_stale_node_modules_is_installed_first(root, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setenv("CHROMIUM", sys.executable)             # any existing file
    monkeypatch.setenv("CHROMEDRIVER", sys.executable)
    assert prerequisites.problem("browser", root, install=lambda r, say: calls.append(r) or install(r),
                                 say=lambda m: None) is None
    assert calls == [root]
    assert prerequisites.problem("browser", root, install=lambda r, say: calls.append(r), say=lambda m: None) is None
    assert calls == [root]                                      # up to date: not installed again


def test_what_cannot_be_installed_is_named(root, monkeypatch):
    why = prerequisites.problem("pyodide", root, install=lambda r, say: "npm is not installed", say=lambda m: None)
    assert why == "pyodide needs node_modules as package-lock.json pins it, and npm is not installed"
    install(root)
    monkeypatch.setenv("CHROMIUM", os.path.join(root, "no-chromium"))
    why = prerequisites.problem("browser", root, say=lambda m: None)
    assert why.startswith("browser needs Chromium and its driver: ") and "no-chromium is missing" in why
    monkeypatch.setattr(prerequisites.shutil, "which", lambda name: None)
    assert "Node.js, which is not installed" in prerequisites.problem("micropython", root, say=lambda m: None)


def test_npm_ci_never_replaces_a_linked_node_modules(root, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, os.path.join(root, "node_modules"))
    monkeypatch.setattr(prerequisites.shutil, "which", lambda name: "/usr/bin/" + name)
    assert "symbolic link" in prerequisites.npm_ci(root, say=lambda m: None)


def fake_project(tmp_path, npm_installs):
    """A copy of toxfile.py and tests/prerequisites.py with a pyodide environment that prints 'ran', and a
    PATH holding Python, and node and npm only when npm_installs (an npm whose `ci` writes node_modules)."""
    project, bin_ = tmp_path / "project", tmp_path / "bin"
    (project / "tests").mkdir(parents=True)
    bin_.mkdir()
    shutil.copy(os.path.join(ROOT, "toxfile.py"), project)
    shutil.copy(os.path.join(ROOT, "tests", "prerequisites.py"), project / "tests")
    (project / "package-lock.json").write_text(json.dumps(LOCK))
    (project / "tox.ini").write_text("[tox]\nenvlist = pyodide\n[testenv]\nskip_install = true\n"
                                     "commands = python -c \"print('ran' + 'tests')\"\n")
    os.symlink(sys.executable, bin_ / "python3")
    if npm_installs:
        (bin_ / "node").write_text("#!/bin/sh\nexit 0\n")
        script = (f"#!{sys.executable}\nimport json, os, sys\nassert sys.argv[1] == 'ci'\n"
                  f"for where, spec in {LOCK['packages']!r}.items():\n"
                  f"    if where:\n        os.makedirs(where)\n"
                  f"        json.dump({{'version': spec['version']}}, open(where + '/package.json', 'w'))\n")
        (bin_ / "npm").write_text(script)
        for name in ("node", "npm"):
            os.chmod(bin_ / name, 0o755)
    return project, str(bin_)


def tox(project, path, **env):
    """tox run in the stand-in project; none of an outer tox's settings (TOX_WORK_DIR...) leak into it."""
    outer = {k: v for k, v in os.environ.items() if not k.startswith("TOX_") and k not in ("VIRTUAL_ENV", ALLOW)}
    return subprocess.run([sys.executable, "-m", "tox"], cwd=project, capture_output=True, text=True, timeout=300,
                          env=dict(outer, PATH=path, **env))


ALLOW = prerequisites.ALLOW_SKIP


needs_tox = pytest.mark.skipif(importlib.util.find_spec("tox") is None, reason="tox is not installed here")


@needs_tox
def test_tox_runs_npm_ci_itself_then_the_environment(tmp_path):
    project, path = fake_project(tmp_path, npm_installs=True)
    result = tox(project, path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "node_modules/ is missing" in result.stdout and "running npm ci" in result.stdout
    assert "rantests" in result.stdout and "pyodide: OK" in result.stdout


@needs_tox
def test_tox_never_says_ok_for_an_environment_that_cannot_run(tmp_path):
    project, path = fake_project(tmp_path, npm_installs=False)
    result = tox(project, path)
    assert result.returncode != 0 and "rantests" not in result.stdout
    assert "pyodide: FAIL" in result.stdout and "npm is not installed" in result.stdout
    assert "TWINNET_ALLOW_SKIP=1" in result.stdout
    result = tox(project, path, TWINNET_ALLOW_SKIP="1")
    assert "pyodide: SKIP" in result.stdout and "rantests" not in result.stdout
    assert "pyodide: OK" not in result.stdout


def test_the_script_names_what_is_missing(tmp_path):
    result = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "prerequisites.py"), "nonsense"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "usage" in result.stderr
