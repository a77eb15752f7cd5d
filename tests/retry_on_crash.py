"""Run a command; if its interpreter crashed (killed by a signal, not a failing test), run it once more.

    python tests/retry_on_crash.py pytest -q tests

Used by tox's pypy environment only: PyPy 7.3.11 (Debian's pypy3) once died with a segmentation
fault inside pytest's assertion rewriting (ast.parse / compile of a test module) on a fresh
machine, and did not again in eight further runs. A test failure (exit status 1) or any other
non-zero status is returned as it is, never retried; a second crash fails the run.
"""
import subprocess
import sys


def main(command) -> int:
    status = subprocess.call(command)
    if status < 0:                          # subprocess: -N means killed by signal N
        print(f"retry_on_crash: {command[0]} was killed by signal {-status} (an interpreter crash, "
              f"not a test failure); running it once more", file=sys.stderr, flush=True)
        status = subprocess.call(command)
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
