"""Quick runs of the main command: --test-limit, and a start-up line that a pipe receives before training."""
import json
import os
import queue
import subprocess
import sys
import threading
import time

import data
from app.tests.conftest import ROOT
from app.tests.test_cli import run


def test_test_limit_tests_on_the_first_n_test_images(nn, tmp_path):
    out = tmp_path / "model.json"
    result = run(nn.TWIN, "--epochs", "1", "--limit", "300", "--hidden", "8", "--test-limit", "150",
                 "--out", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "testing on 150;" in result.stdout and "on 150 test images" in result.stdout
    trained_on = json.loads(out.read_text())["trained_on"]
    assert trained_on["test_images"] == 150
    # the reported accuracy is the saved model's on exactly the first 150 test images
    images, labels = data.load_mnist("test", limit=150)
    model = nn.load(str(out))
    correct = sum(int(row.index(max(row)) == label) for row, label in
                  zip(nn_rows(model.predict([images[i] for i in range(len(images))])), labels))
    assert trained_on["test_accuracy"] == correct / 150


def nn_rows(scores):
    return [list(map(float, row)) for row in scores]


def test_a_test_limit_below_one_is_refused(nn):
    result = run(nn.TWIN, "--test-limit", "0", "--epochs", "1", "--limit", "50")
    assert result.returncode == 2 and "--test-limit must be at least 1, got 0" in result.stderr


def test_help_says_what_limits_which_set(nn):
    result = run(nn.TWIN, "--help")
    assert "first N training images" in result.stdout and "first N test images" in result.stdout


def test_the_start_up_line_reaches_a_pipe_before_the_first_epoch(nn, tmp_path):
    # standard output a pipe, PYTHONUNBUFFERED unset (as in a user's `| tee log`): the network and the
    # start-up line (what it trains, on how many examples, the expected time per epoch) arrive when printed,
    # an epoch before the first epoch's line (held in a buffer, they would arrive with it)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = ROOT
    process = subprocess.Popen([sys.executable, "-m", nn.TWIN, "--epochs", "500", "--limit", "1000", "--hidden",
                                "16", "--batch-size", "1", "--no-progress", "--test-limit", "10",
                                "--out", str(tmp_path / "m.json")],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put((time.monotonic(), line)) for line in process.stdout],
                     daemon=True).start()
    try:
        got, deadline = [], time.monotonic() + 180
        while len(got) < 3 and time.monotonic() < deadline:
            try:
                got.append(lines.get(timeout=1))
            except queue.Empty:
                pass
    finally:
        process.kill()
        process.wait()
    assert len(got) == 3, got
    (_, network), (started, start_up), (first_epoch, epoch) = got
    assert network.startswith(f"{nn.TWIN}: Sequential(") and epoch.startswith("epoch 1/500")
    assert "training on 1,000 mnist images, testing on 10;" in start_up
    assert "500 epochs" in start_up and " per epoch (one batch of 1 timed)" in start_up and "about 0:" in start_up
    assert first_epoch - started > 0.05, "the start-up line came with the first epoch's: it waited in a buffer"
