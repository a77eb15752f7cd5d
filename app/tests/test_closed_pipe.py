"""`python -m <package> ... | head`: when the reader of standard output goes away, every entry point stops
quietly (exit status 141, as a shell reports a SIGPIPE, or 0) instead of ending in a BrokenPipeError traceback."""
import importlib.util
import os
import subprocess
import sys

import pytest

from app.tests.conftest import ROOT

COMMANDS = [["pure", "--help"], ["vectorized", "--help"], ["lessons"], ["lessons", "list"], ["data", "info"],
            ["conformance", "--help"], ["tests.mutate", "--list"]]


@pytest.mark.parametrize("unbuffered", ["", "1"], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_closed_pipe_ends_the_command_quietly(command, unbuffered):
    if command[0] in ("vectorized", "conformance") and importlib.util.find_spec("numpy") is None:
        pytest.skip("numpy is not installed")          # (without it, these print one line to stderr, not stdout)
    reader, writer = os.pipe()
    os.close(reader)                                    # the reader is gone before the first line is written
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env.update(PYTHONPATH=ROOT, **({"PYTHONUNBUFFERED": "1"} if unbuffered else {}))
    try:
        result = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, env=env, stdout=writer,
                                stderr=subprocess.PIPE, text=True, timeout=300)
    finally:
        os.close(writer)
    assert result.returncode in (0, 141) and result.stderr == "", result.stderr   # (argparse ignores the error)


def test_a_reader_that_takes_one_line_and_leaves():
    # `python -m lessons | head -1`, as a user types it: the reader takes the first line and closes the pipe
    env = dict(os.environ, PYTHONPATH=ROOT, PYTHONUNBUFFERED="1")
    shell = f"{sys.executable} -m lessons | head -1; echo \"status ${{PIPESTATUS[0]}}\""
    result = subprocess.run(["bash", "-c", shell], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    first, status = result.stdout.splitlines()
    assert first.startswith("a1-neuron") and status in ("status 0", "status 141")
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
