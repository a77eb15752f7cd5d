"""After training, end to end in a subprocess: train a small model, evaluate it, predict PNG files, explain.

Each twin trains its own small model (so the pure twin's run needs no numpy),
and the other twin's model file is used too where numpy is present.
"""
import functools
import json

import pytest

import data
import pictures
from app.tests.test_cli import run as run_command

run = functools.partial(run_command, timeout=600)


_TRAINED = {}


@pytest.fixture
def trained(nn, tmp_path_factory):
    """(model path, the test accuracy the main command printed), via the explicit `train` subcommand.

    Trained once per twin for this module."""
    if nn.TWIN not in _TRAINED:
        out = tmp_path_factory.mktemp(nn.TWIN) / "model.json"
        result = run(nn.TWIN, "train", "--epochs", "2", "--limit", "1500", "--hidden", "24", "--seed", "1",
                     "--no-progress", "--out", str(out))
        assert result.returncode == 0, result.stderr
        _TRAINED[nn.TWIN] = out, result.stdout.split("test accuracy ")[1].split("%")[0]
    return _TRAINED[nn.TWIN]


def test_a_saved_model_records_its_loss_and_training(nn, trained):
    path, printed = trained
    saved = json.loads(path.read_text())
    assert saved["loss"] == {"type": "CrossEntropy"}
    assert saved["trained_on"]["dataset"] == "mnist" and saved["trained_on"]["train_images"] == 1500
    assert "%.2f" % (100 * saved["trained_on"]["test_accuracy"]) == printed
    model = nn.load(path)
    assert type(model.loss).__name__ == "CrossEntropy"
    images, labels = data.load_mnist("test", limit=200)
    x = [images[i] for i in range(200)]
    results = model.evaluate(x, list(labels))
    assert set(results) == {"loss", "accuracy"} and 0.5 < results["accuracy"] <= 1.0


def test_a_model_file_without_a_loss_says_so_on_evaluate(nn, trained, tmp_path):
    path, _ = trained
    saved = json.loads(path.read_text())
    del saved["loss"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(saved))
    model = nn.load(old)
    with pytest.raises(ValueError, match="no loss to measure with.*loss=CrossEntropy"):
        model.evaluate([[0.0] * 784], [3])
    assert model.evaluate([[0.0] * 784], [3], loss=nn.CrossEntropy())["accuracy"] in (0.0, 1.0)
    saved["loss"] = {"type": "Hinge"}
    old.write_text(json.dumps(saved))
    with pytest.raises(nn.ModelFileError, match='"loss" must be'):
        nn.load(old)


def test_evaluate_prints_the_accuracy_training_printed_and_draws(nn, trained, tmp_path):
    path, printed = trained
    out = tmp_path / "eval"
    result = run(nn.TWIN, "evaluate", str(path), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"accuracy {printed}%" in result.stdout
    assert "on 10,000 mnist test images" in result.stdout
    assert "confusion matrix (row = true class" in result.stdout and "precision  recall" in result.stdout
    # the printed matrix holds every test image once
    rows = [line.split() for line in result.stdout.splitlines() if line[:4].strip().isdigit()
            and len(line.split()) == 11]
    assert len(rows) == 10 and sum(int(v) for row in rows for v in row[1:]) == 10000
    diagonal = sum(int(row[1 + k]) for k, row in enumerate(rows))
    assert "%.2f" % (100 * diagonal / 10000) == printed
    assert "<svg" in (out / "confusion.svg").read_text()
    mistakes = pictures.read_png(str(out / "mistakes.png"))
    assert mistakes.width > 100 and mistakes.height > 100


def test_evaluate_quiet_prints_only_the_accuracy_line(nn, trained, tmp_path):
    """`--quiet` is documented as "print only the accuracy line": one line, still drawing the pictures."""
    path, printed = trained
    out = tmp_path / "quiet"
    result = run(nn.TWIN, "evaluate", str(path), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [result.stdout.strip()] and f"accuracy {printed}%" in result.stdout
    assert (out / "confusion.svg").exists()


def test_predict_reads_pngs_made_here_and_explains(nn, trained, tmp_path):
    path, _ = trained
    images, labels = data.load_mnist("test", limit=3)
    files = []
    for i in range(3):             # dark on light, 4x larger: nothing like the 28x28 originals byte-wise
        big = [255 - images.pixels(i)[(r // 4) * 28 + c // 4] for r in range(112) for c in range(112)]
        files.append(pictures.write_png(str(tmp_path / f"digit{i}.png"), big, 112, 112))
    why = tmp_path / "why.png"
    result = run(nn.TWIN, "predict", str(path), *files, "--top", "2", "--explain", str(why))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith(str(tmp_path))]
    assert len(lines) == 3
    for line, label in zip(lines, labels):
        first = line.split(": ")[1].split(",")
        assert len(first) == 2
        assert first[0].split()[0] == str(label)          # 7, 2, 1: the digits the files show
    picture = pictures.read_png(str(why))
    assert picture.height > 3 * 28 * 4 and picture.width > 2 * 28 * 4


def test_predict_and_evaluate_refuse_bad_files_clearly(nn, trained, tmp_path):
    path, _ = trained
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 20)
    result = run(nn.TWIN, "predict", str(path), str(fake))
    assert result.returncode == 2 and "a JPEG image" in result.stderr and "Traceback" not in result.stderr
    result = run(nn.TWIN, "evaluate", str(tmp_path / "missing.json"))
    assert result.returncode == 2 and "missing.json" in result.stderr and "Traceback" not in result.stderr
    result = run(nn.TWIN, "frobnicate")
    assert result.returncode == 2 and "unknown subcommand 'frobnicate'" in result.stderr


def test_plain_command_still_trains_and_help_names_the_subcommands(nn):
    result = run(nn.TWIN, "--help")
    assert result.returncode == 0 and "evaluate MODEL.json" in result.stdout and "--epochs" in result.stdout
    for sub in ("evaluate", "predict", "train"):
        assert run(nn.TWIN, sub, "--help").returncode == 0


def test_a_closed_pipe_ends_the_command_quietly(monkeypatch):
    """`python -m pure evaluate model.json | head -3`: the reader leaves early; no traceback, exit 141 (as SIGPIPE)."""
    import pure
    from app import cli, usemodel

    def evaluate_into_a_closed_pipe(*args):
        raise BrokenPipeError(32, "Broken pipe")

    redirected = []
    monkeypatch.setattr(usemodel, "evaluate_command", evaluate_into_a_closed_pipe)
    monkeypatch.setattr(cli.os, "dup2", lambda fd, target: redirected.append(target))
    monkeypatch.setattr(cli.sys, "stdout", type("Out", (), {"fileno": lambda self: 1, "flush": lambda self: None})())
    assert cli.dispatch(pure, ["evaluate", "model.json"]) == 141
    assert redirected == [1]
