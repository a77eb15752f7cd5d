"""The main command's --checkpoint / --resume, run for real in subprocesses.

Both twins' commands are the same code (app/cli.py), and every run evaluates on the
10,000 test images (slow in the pure twin), so these run once, with the vectorized
twin when numpy is there and the pure twin otherwise. Exact resumption in each twin
is tested in test_checkpoint.py.
"""
import importlib.util
import json
import os

import pytest

from app.tests.test_cli import run

TWIN = "vectorized" if importlib.util.find_spec("numpy") and "vectorized" in os.environ.get(
    "TWINS", "pure,vectorized") else "pure"


@pytest.fixture
def nn():
    return __import__(TWIN)


COMMON = ["--limit", "300", "--hidden", "8", "--seed", "2", "--no-progress", "--optimizer", "adam", "--lr", "0.01"]


def test_an_interrupted_command_resumes_to_the_same_model(nn, tmp_path):
    result = run(nn.TWIN, "--resume", "--epochs", "1")
    assert result.returncode == 2 and "--resume needs --checkpoint" in result.stderr
    straight = run(nn.TWIN, *COMMON, "--epochs", "3", "--out", str(tmp_path / "straight.json"))
    assert straight.returncode == 0, straight.stderr
    ckpt = tmp_path / "runs" / "mlp.ckpt.json"
    first = run(nn.TWIN, *COMMON, "--epochs", "1", "--checkpoint", str(ckpt), "--out", str(tmp_path / "x.json"))
    assert first.returncode == 0, first.stderr
    assert json.loads(ckpt.read_text())["epoch"] == 1
    wider = run(nn.TWIN, *COMMON, "--hidden", "9", "--epochs", "2", "--checkpoint", str(ckpt), "--resume",
                "--out", str(tmp_path / "b.json"))
    assert wider.returncode == 2 and "in the checkpoint but Dense(784, 9) in this model" in wider.stderr
    resumed = run(nn.TWIN, *COMMON, "--epochs", "3", "--checkpoint", str(ckpt), "--resume",
                  "--out", str(tmp_path / "resumed.json"))
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming from" in resumed.stdout and "epoch 2/3" in resumed.stdout and "epoch 1/3" not in resumed.stdout
    assert (json.loads((tmp_path / "resumed.json").read_text())["layers"]
            == json.loads((tmp_path / "straight.json").read_text())["layers"])
