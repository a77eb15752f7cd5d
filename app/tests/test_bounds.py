"""Bad input to train, evaluate, predict and `python -m data export` (issue 24): one line of ours on
stderr, exit status 2, fast, and nothing trained or written. Hostile files (a FIFO nobody writes to,
/dev/zero, a loop of symbolic links, empty or 0x0 data) are made in a temporary folder."""
import os
import sys
import time

import pytest

from app.tests.conftest import ROOT
from app.tests.test_cli import run
from app.tests.test_cli_robustness import idx_folder

FAST = ["--epochs", "1", "--limit", "20", "--hidden", "4", "--no-progress"]
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def one_line(result, *words, code=2):
    """The command failed with `code` and one line on stderr, ours, holding every word."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def timed(twin, *args):
    start = time.perf_counter()
    result = run(twin, *args, timeout=60)
    return result, time.perf_counter() - start


# ---------------------------------------------------------------- train


@pytest.mark.parametrize("flags, words", [
    (["--hidden", ""], ["--hidden", "''"]),
    (["--hidden", "96,,64"], ["--hidden", "'96,,64'"]),
    (["--hidden", "96,"], ["--hidden"]),
    (["--checkpoint-every", "3"], ["--checkpoint-every needs --checkpoint"]),
    (["--out", ""], ["--out ''", "empty"]),
])
def test_train_refuses_what_would_train_something_not_asked_for(nn, tmp_path, flags, words):
    result = run(nn.TWIN, *FAST, "--data-dir", idx_folder(tmp_path / "d"), *flags, cwd=str(tmp_path))
    one_line(result, *words)
    assert not os.path.exists(tmp_path / "runs")


def test_a_hidden_layer_over_the_budget_is_refused_before_it_is_allocated(nn, tmp_path):
    result, seconds = timed(nn.TWIN, *FAST, "--data-dir", idx_folder(tmp_path / "d"), "--hidden", "100000000",
                            "--out", str(tmp_path / "m.json"))
    one_line(result, "(--hidden 100000000)", "Dense(784, 100000000)", "78,500,000,000 parameters")
    assert seconds < 20 and not os.path.exists(tmp_path / "m.json")


def test_a_limit_beyond_the_data_means_all_of_it_in_both_twins(nn, tmp_path):
    out = tmp_path / "m.json"
    result = run(nn.TWIN, *FAST[:2], "--hidden", "4", "--no-progress", "--limit", str(10**12),
                 "--data-dir", idx_folder(tmp_path / "d"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "training on 20 mnist images" in result.stdout
    assert nn.load(str(out)).trained_on["train_images"] == 20


# ---------------------------------------------------------------- evaluate


@pytest.fixture
def model_file(nn, tmp_path):
    path = tmp_path / "model.json"
    model = nn.Sequential([nn.Dense(784, 10, seed=0)])
    model.loss = nn.CrossEntropy()
    nn.save(model, str(path))
    return str(path)


@pytest.mark.parametrize("test_shape, words", [
    ((0, 28, 28), ["holds no images"]),
    ((10, 0, 0), ["rows and cols must be positive"]),
])
def test_evaluate_refuses_empty_data(nn, tmp_path, model_file, test_shape, words):
    folder = idx_folder(tmp_path / "d", test=test_shape)
    result = run(nn.TWIN, "evaluate", model_file, "--data-dir", folder, "--out", str(tmp_path / "e"))
    one_line(result, folder, *words)
    assert not os.path.exists(tmp_path / "e")


def test_evaluate_refuses_a_model_that_does_not_fit_the_data(nn, tmp_path):
    folder = idx_folder(tmp_path / "d")
    three = tmp_path / "three.json"
    model = nn.Sequential([nn.Dense(784, 3, seed=0)])
    nn.save(model, str(three))
    result = run(nn.TWIN, "evaluate", str(three), "--data-dir", folder, "--out", str(tmp_path / "e"))
    one_line(result, "three.json", folder, "3 scores per image", "10 classes")
    regression = tmp_path / "mse.json"
    model = nn.Sequential([nn.Dense(784, 10, seed=0)])
    model.loss = nn.MSE()
    nn.save(model, str(regression))
    result = run(nn.TWIN, "evaluate", str(regression), "--data-dir", folder, "--out", str(tmp_path / "e"))
    one_line(result, "mse.json", folder, "MSE", "CrossEntropy")


@needs_fifo
@pytest.mark.parametrize("command", ["evaluate", "predict"])
def test_a_model_that_is_a_fifo_is_refused_at_once(nn, tmp_path, command):
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    args = [str(tmp_path / "digit.png")] if command == "predict" else ["--out", str(tmp_path / "e")]
    result, seconds = timed(nn.TWIN, command, str(fifo), *args)
    one_line(result, "model.json", "a pipe, not a regular file")
    assert seconds < 20


# ---------------------------------------------------------------- predict


@pytest.fixture
def hostile(tmp_path):
    """A loop of symbolic links, a FIFO, a folder: none of them an image."""
    loop = tmp_path / "loop.png"
    os.symlink(loop, loop)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.png")
    (tmp_path / "folder.png").mkdir()
    return tmp_path


@pytest.mark.parametrize("name, words", [
    ("loop.png", ["loop.png", "symbolic links"]),
    ("fifo.png", ["fifo.png", "a pipe (FIFO), not an image file"]),
    ("folder.png", ["folder.png", "is a directory"]),
    ("/dev/zero", ["/dev/zero", "a device, not an image file"]),
])
def test_predict_refuses_what_is_not_an_image_file(nn, model_file, hostile, name, words):
    path = name if name.startswith("/") else str(hostile / name)
    if not os.path.lexists(path):
        pytest.skip(f"{name} cannot be made here")
    result, seconds = timed(nn.TWIN, "predict", model_file, path)
    one_line(result, *words)
    assert seconds < 20


# ---------------------------------------------------------------- data export


def test_export_refuses_a_scale_over_the_pixel_limit(tmp_path):
    import subprocess
    out = tmp_path / "big.png"
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "data", "export", str(out), "--scale", "100000"], cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True, text=True, timeout=60)
    one_line(result, "--scale 100000", "2800000 x 2800000", "MAX_PIXELS")
    assert time.perf_counter() - start < 20 and not out.exists()


@needs_fifo
def test_conformance_check_refuses_a_model_that_is_a_fifo(tmp_path):
    import subprocess
    pytest.importorskip("numpy")
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "conformance", "check", str(fifo)], cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True, text=True, timeout=60)
    one_line(result, "model.json", "a pipe, not a regular file")
    assert time.perf_counter() - start < 20
