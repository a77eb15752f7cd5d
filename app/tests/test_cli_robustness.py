"""The main command checks everything it needs before the first epoch, and loses no finished work."""
import os
import signal
import subprocess
import sys
import time

import pytest

import data.idx
from app.tests.conftest import ROOT
from app.tests.test_cli import run

FAST = ["--epochs", "1", "--limit", "60", "--hidden", "4", "--no-progress"]


def idx_folder(folder, train=(20, 28, 28), test=(10, 28, 28)):
    """A --data-dir with train and test images of the given (count, rows, cols), all labels 0..9."""
    os.makedirs(folder, exist_ok=True)
    for stem, (count, rows, cols) in (("train", train), ("t10k", test)):
        data.idx.write_idx(os.path.join(folder, f"{stem}-images-idx3-ubyte"), (count, rows, cols),
                           bytes((i * 37) % 256 for i in range(count * rows * cols)))
        data.idx.write_idx(os.path.join(folder, f"{stem}-labels-idx1-ubyte"), (count,),
                           bytes(i % 10 for i in range(count)))
    return str(folder)


@pytest.mark.parametrize("args, message", [
    (["--lr", "inf"], "--lr must be positive and finite"),
    (["--lr", "nan"], "--lr must be positive and finite"),
    (["--limit", "0"], "--limit must be at least 1"),
    (["--limit", "-5"], "--limit must be at least 1"),
    (["--activation", "swish"], "unknown activation 'swish'"),
])
def test_bad_flags_are_refused_before_loading_anything(nn, args, message):
    result = run(nn.TWIN, *FAST, *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_out_paths_are_checked_before_training(nn, tmp_path):
    (tmp_path / "file").write_text("x")
    cases = [
        (["--out", str(tmp_path)], "it is a folder"),
        (["--out", str(tmp_path / "file" / "m.json")], "is a file, not a folder"),
        (["--out", str(tmp_path / "m.json"), "--checkpoint", str(tmp_path / "m.json")], "the same file"),
        (["--checkpoint", str(tmp_path)], "it is a folder"),
    ]
    if os.path.exists("/dev/full"):
        link = tmp_path / "full.json"
        link.symlink_to("/dev/full")
        cases.append((["--out", str(link)], "it is a device"))
    for args, message in cases:
        result = run(nn.TWIN, *FAST, *args)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
        assert "epoch 1/1" not in result.stdout                # refused before the first epoch
    if os.path.exists("/dev/full"):
        assert os.path.realpath(tmp_path / "full.json") == "/dev/full" and not os.path.isfile("/dev/full")


@pytest.mark.parametrize("shapes, model, message", [
    (dict(train=(20, 28, 28), test=(10, 14, 14)), "mlp", "the test images are 14x14 but the training images 28x28"),
    (dict(train=(20, 28, 28), test=(0, 28, 28)), "mlp", "holds no images"),
    (dict(train=(0, 28, 28), test=(10, 28, 28)), "mlp", "no training images"),
    (dict(train=(20, 2, 2), test=(10, 2, 2)), "cnn", "--model cnn on 2x2 images"),
    (dict(train=(20, 0, 0), test=(10, 0, 0)), "cnn", "error:"),
])
def test_data_that_does_not_fit_is_refused_before_training(nn, tmp_path, shapes, model, message):
    folder = idx_folder(tmp_path / "data", **shapes)
    result = run(nn.TWIN, *FAST, "--data-dir", folder, "--model", model, "--out", str(tmp_path / "m.json"))
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "epoch 1/1" not in result.stdout


def test_another_runs_checkpoint_is_not_overwritten_and_out_cannot_be_it(nn, tmp_path):
    ckpt, out = str(tmp_path / "run.ckpt.json"), str(tmp_path / "m.json")
    assert run(nn.TWIN, *FAST, "--checkpoint", ckpt, "--out", out).returncode == 0
    before = open(ckpt, "rb").read()
    result = run(nn.TWIN, *FAST, "--checkpoint", ckpt, "--out", out)
    assert result.returncode == 2 and "already exists" in result.stderr and "--resume" in result.stderr
    assert open(ckpt, "rb").read() == before


def test_resuming_a_finished_run_says_so_and_names_ignored_flags(nn, tmp_path):
    ckpt, out = str(tmp_path / "run.ckpt.json"), str(tmp_path / "m.json")
    assert run(nn.TWIN, *FAST, "--checkpoint", ckpt, "--out", out).returncode == 0
    result = run(nn.TWIN, *FAST, "--checkpoint", ckpt, "--out", out, "--resume", "--seed", "4", "--lr", "0.3")
    assert result.returncode == 0, result.stderr
    assert "had already finished (1 epoch); not trained again" in result.stdout
    assert "trained in" not in result.stdout
    assert "ignoring seed=4" in result.stderr and "the learning rate 0.3" in result.stderr


def test_resuming_with_other_data_of_the_same_size_is_refused(nn, tmp_path):
    ckpt, out = str(tmp_path / "run.ckpt.json"), str(tmp_path / "m.json")
    folder = idx_folder(tmp_path / "data", train=(60, 28, 28))
    assert run(nn.TWIN, *FAST, "--epochs", "2", "--checkpoint", ckpt, "--out", out).returncode == 0
    result = run(nn.TWIN, *FAST, "--epochs", "3", "--checkpoint", ckpt, "--out", out, "--resume",
                 "--data-dir", folder)
    assert result.returncode == 2 and "other training data" in result.stderr, result.stderr


def test_a_non_finite_test_loss_is_an_error(nn, tmp_path):
    result = run(nn.TWIN, *FAST, "--lr", "1e300", "--optimizer", "sgd", "--out", str(tmp_path / "m.json"))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def ctrl_c_reaches_python():
    """In the child: Ctrl-C as in a terminal, even when these tests run in the background, where a shell
    without job control starts them with SIGINT ignored (and Python then leaves it ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_says_how_to_resume_and_exits_130(nn, tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    ckpt = str(tmp_path / "run.ckpt.json")
    args = ["--epochs", "50", "--limit", "2000", "--hidden", "8", "--checkpoint", ckpt,
            "--out", str(tmp_path / "m.json")]
    process = subprocess.Popen([sys.executable, "-m", nn.TWIN, *args], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=ctrl_c_reaches_python)
    deadline = time.time() + 120
    while not os.path.exists(ckpt) and time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("interrupted; resume with: python -m ") and lines[-1].endswith("--resume")


def test_a_full_disk_is_found_before_training(nn, tmp_path, monkeypatch, capsys):
    import errno
    cli = __import__({"pure": "app.cli", "vectorized": "app.arrays"}[nn.TWIN], fromlist=["main"])

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "write", full)
    code = cli.main([*FAST, "--out", str(tmp_path / "m.json")])
    captured = capsys.readouterr()
    assert code == 2 and "No space left on device" in captured.err
    assert "epoch 1/1" not in captured.out and not os.listdir(tmp_path)
