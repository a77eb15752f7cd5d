"""What the pyodide, browser and micropython environments of tox need, installed or named before they run.

    python3 tests/prerequisites.py pyodide browser micropython     # what tox's toxfile.py does for each

Each of the three needs node_modules/ as package-lock.json pins it (the local Pyodide, MicroPython's
WebAssembly port): when it is missing or stale and npm is present, this runs `npm ci` (the project's
own install command). Then pyodide and micropython need Node.js (`node`), and browser needs Chromium
and its driver ($CHROMIUM, $CHROMEDRIVER; default /usr/bin/chromium and /usr/bin/chromedriver, as
web/tests/test_browser.py). Whatever is still missing is said in one line; tox then reports the
environment as FAIL, or as SKIP when TWINNET_ALLOW_SKIP=1 is set, never as OK with nothing run.
Standard library only: toxfile.py imports this in tox's own interpreter.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENVIRONMENTS = ("pyodide", "browser", "micropython")
ALLOW_SKIP = "TWINNET_ALLOW_SKIP"


def stale(root: str = ROOT):
    """None if node_modules/ holds every package at the version package-lock.json pins, else why not."""
    try:
        with open(os.path.join(root, "package-lock.json"), encoding="utf-8") as f:
            packages = json.load(f)["packages"]
    except (OSError, ValueError, KeyError) as e:
        return f"package-lock.json cannot be read ({e})"
    if not os.path.isdir(os.path.join(root, "node_modules")):
        return "node_modules/ is missing"
    for where, spec in sorted(packages.items()):
        if not where.startswith("node_modules/") or spec.get("optional"):
            continue
        try:
            with open(os.path.join(root, where, "package.json"), encoding="utf-8") as f:
                version = json.load(f).get("version")
        except (OSError, ValueError):
            return f"{where} is missing"
        if version != spec.get("version"):
            return f"{where} is version {version}, package-lock.json pins {spec.get('version')}"
    return None


def npm_ci(root: str = ROOT, say=print):
    """Run `npm ci` in root (one at a time, should tox run environments in parallel); None or why it failed."""
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed (Node.js and npm: `apt-get install nodejs npm`, or nodejs.org)"
    if os.path.islink(os.path.join(root, "node_modules")):
        return (f"node_modules is a symbolic link (to {os.path.realpath(os.path.join(root, 'node_modules'))}); "
                f"npm ci would replace what it points at: run npm ci there")
    tag = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:16]
    lock = os.path.join(tempfile.gettempdir(), f"twinnet-npm-ci-{tag}.lock")
    with open(lock, "w") as held:
        try:
            import fcntl
            fcntl.flock(held, fcntl.LOCK_EX)
        except ImportError:                          # not on Unix: no parallel runs to guard against
            pass
        if stale(root) is None:                      # another environment installed it while we waited
            return None
        say("running npm ci (package-lock.json) ...")
        sys.stdout.flush()
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=root)
    if done.returncode != 0:
        return f"npm ci failed (exit status {done.returncode}; offline? it downloads the packages once)"
    return None


def problem(environment: str, root: str = ROOT, install=npm_ci, say=print):
    """None if `environment` can run for real (installing node_modules first if needed), else what it lacks."""
    why = stale(root)
    if why is not None:
        say(f"{environment}: {why}")
        failed = install(root, say=say)
        why = failed or stale(root)
        if why is not None:
            return f"{environment} needs node_modules as package-lock.json pins it, and {why}"
    if environment in ("pyodide", "micropython") and shutil.which("node") is None:
        return f"{environment} runs in Node.js, which is not installed (`apt-get install nodejs npm`, or nodejs.org)"
    if environment == "browser":
        for name, default in (("CHROMIUM", "/usr/bin/chromium"), ("CHROMEDRIVER", "/usr/bin/chromedriver")):
            path = os.environ.get(name, default)
            if not os.path.isfile(path):
                return (f"browser needs Chromium and its driver: {path} is missing (`apt-get install chromium "
                        f"chromium-driver`, or set ${name})")
    return None


def main(argv=None) -> int:
    names = sys.argv[1:] if argv is None else list(argv)
    unknown = [n for n in names if n not in ENVIRONMENTS]
    if not names or unknown:
        print(f"usage: python3 tests/prerequisites.py {' '.join(ENVIRONMENTS)} (any of them)", file=sys.stderr)
        return 2
    code = 0
    for name in names:
        why = problem(name)
        if why is None:
            print(f"{name}: ready")
        else:
            print(f"{name}: cannot run: {why}", file=sys.stderr)
            code = 1
    return code


if __name__ == "__main__":
    sys.exit(main())
