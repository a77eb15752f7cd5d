"""No output lands on a user's file or a device (issue 24): every writing command checks its target first.

train --out, train --checkpoint, evaluate --out, predict --explain, serve --export and
`python -m data export` are each pointed at every kind of target they must not write: one of
their own inputs (directly and through a symbolic link), a saved model or another run's
checkpoint (for a picture), a folder where a file is expected (or a file where a folder is), '',
a FIFO (standing for a device: no test writes to a real one), a path under a regular file, the
checkout's own web/. Each is refused with exit status 2 and one line on stderr naming the
argument, before any work, and the target is left as it was (bytes and mtime, or its kind).
"""
import os
import stat

import pytest

import data.idx
import pictures
from app.tests.conftest import ROOT
from app.tests.test_cli import run

TRAIN = ["--epochs", "1", "--limit", "20", "--hidden", "4", "--no-progress"]
CHECKPOINT_TEXT = '{"format":"twinnet-checkpoint","version":1,"saved_by":"pure","epoch":1}'


@pytest.fixture
def place(nn, tmp_path):
    """A folder of things a command could be pointed at."""
    model = tmp_path / "model.json"
    nn.save(nn.Sequential([nn.Dense(784, 10, seed=0)]), str(model))
    other = tmp_path / "other-model.json"
    nn.save(nn.Sequential([nn.Dense(784, 10, seed=1)]), str(other))
    (tmp_path / "run.ckpt.json").write_text(CHECKPOINT_TEXT)
    pictures.write_png(str(tmp_path / "digit.png"), [(i * 7) % 256 for i in range(28 * 28)], 28, 28)
    (tmp_path / "notes.txt").write_text("a user's file")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "keep.txt").write_text("kept")
    os.mkfifo(str(tmp_path / "fifo"))
    (tmp_path / "link-to-model.json").symlink_to(model)
    (tmp_path / "link-to-digit.png").symlink_to(tmp_path / "digit.png")
    folder = tmp_path / "idx"
    folder.mkdir()
    for stem, count in (("train", 20), ("t10k", 10)):
        data.idx.write_idx(str(folder / f"{stem}-images-idx3-ubyte"), (count, 28, 28), bytes(count * 28 * 28))
        data.idx.write_idx(str(folder / f"{stem}-labels-idx1-ubyte"), (count,), bytes(i % 10 for i in range(count)))
    return tmp_path


def snapshot(path):
    """What must not change: a regular file's bytes and mtime, a folder's listing, anything else's kind."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return ("link", os.readlink(path), snapshot(os.path.realpath(path)))
    if stat.S_ISREG(info.st_mode):
        with open(path, "rb") as f:
            return ("file", f.read(), info.st_mtime_ns)
    if stat.S_ISDIR(info.st_mode):
        return ("folder", sorted(os.listdir(path)), info.st_mtime_ns)
    return ("special", stat.S_IFMT(info.st_mode), info.st_mtime_ns)


def refused(command, target, flag, watch=None):
    """Run the command; it exits 2 with one stderr line naming `flag`, and `watch` (default: target)
    is unchanged."""
    watch = target if watch is None else watch
    if watch and os.path.isfile(os.path.dirname(watch)):          # a path under a file: watch that file
        watch = os.path.dirname(watch)
    before = snapshot(watch) if watch else None
    result = run(*command, timeout=120)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, (command, result.returncode, result.stdout, result.stderr)
    assert len(lines) == 1 and flag in lines[0], (command, result.stderr)
    assert "Traceback" not in result.stderr and "epoch 1/1" not in result.stdout
    if watch:
        assert snapshot(watch) == before, (command, watch)
    return lines[0]


def test_predict_explain_refuses_every_target_it_must_not_write(nn, place):
    model, digit = str(place / "model.json"), str(place / "digit.png")
    cases = [
        (model, "own inputs"), (digit, "own inputs"), (str(place / "link-to-model.json"), "own inputs"),
        (str(place / "link-to-digit.png"), "own inputs"),
        (str(place / "other-model.json"), "a saved model"), (str(place / "run.ckpt.json"), "a checkpoint"),
        (str(place / "folder"), "it is a folder"), ("", "empty"), (str(place / "fifo"), "a pipe"),
        (str(place / "notes.txt" / "why.png"), "is a file, not a folder"),
    ]
    for target, message in cases:
        line = refused([nn.TWIN, "predict", model, digit, "--explain", target], target, "--explain")
        assert message in line, (target, line)


def test_evaluate_out_refuses_every_folder_it_must_not_write(nn, place):
    model = str(place / "model.json")
    clash = place / "clash"
    clash.mkdir()
    (clash / "confusion.svg").symlink_to(place / "model.json")
    (place / "model-evaluate").write_text("a user's file where the default folder would go")
    cases = [
        (["--out", model], model, "not a folder"), (["--out", str(place / "notes.txt")], None, "not a folder"),
        (["--out", ""], None, "empty"), (["--out", str(place / "fifo")], None, "not a folder"),
        (["--out", str(place / "notes.txt" / "pictures")], None, "is a file, not a folder"),
        (["--out", str(clash)], str(clash / "confusion.svg"), "own inputs"),
        (["--out", os.path.join(ROOT, "web")], os.path.join(ROOT, "web"), "web/"),
        ([], str(place / "model-evaluate"), "not a folder"),
    ]
    for args, watch, message in cases:
        line = refused([nn.TWIN, "evaluate", model, "--limit", "5", *args], watch or args[1], "--out", watch)
        assert message in line, (args, line)


def test_train_out_and_checkpoint_refuse_every_target_they_must_not_write(nn, place):
    idx = str(place / "idx")
    images = str(place / "idx" / "train-images-idx3-ubyte")
    cases = [
        (["--out", str(place / "run.ckpt.json")], "--out", "a checkpoint"),
        (["--out", str(place / "run.ckpt.json"), "--checkpoint", str(place / "new.ckpt.json")], "--out",
         "a checkpoint"),
        (["--out", str(place / "folder")], "--out", "it is a folder"),
        (["--out", ""], "--out", "empty"),
        (["--out", str(place / "fifo")], "--out", "a pipe"),
        (["--out", str(place / "notes.txt" / "m.json")], "--out", "is a file, not a folder"),
        (["--out", images], "--out", "own inputs"),
        (["--checkpoint", ""], "--checkpoint", "empty"),
        (["--checkpoint", str(place / "folder")], "--checkpoint", "it is a folder"),
        (["--checkpoint", str(place / "fifo")], "--checkpoint", "a pipe"),
        (["--checkpoint", str(place / "notes.txt" / "c.json")], "--checkpoint", "is a file, not a folder"),
        (["--checkpoint", str(place / "model.json")], "--checkpoint", "already exists"),
        (["--checkpoint", images, "--resume"], "--checkpoint", "own inputs"),
    ]
    for args, flag, message in cases:
        out = [] if "--out" in args else ["--out", str(place / "new-model.json")]
        target = args[args.index(flag) + 1]
        line = refused([nn.TWIN, *TRAIN, "--data-dir", idx, *out, *args], target, flag)
        assert message in line, (args, line)
        assert not os.path.exists(place / "new-model.json")


def test_serve_export_refuses_every_folder_it_must_not_write(place):
    model = str(place / "model.json")
    clash = place / "clash"
    clash.mkdir()
    (clash / "model.json").symlink_to(place / "model.json")
    cases = [
        (model, model, "not a folder"), ("", None, "empty"), (str(place / "fifo"), None, "not a folder"),
        (str(place / "notes.txt" / "site"), str(place / "notes.txt"), "is a file, not a folder"),
        (os.path.join(ROOT, "web"), os.path.join(ROOT, "web"), "web/"),
        (ROOT, os.path.join(ROOT, "pure", "layers.py"), "own inputs"),
        (str(clash), str(clash / "model.json"), "own inputs"),
    ]
    for target, watch, message in cases:
        line = refused(["pure", "serve", model, "--export", target], target, "--export", watch or target)
        assert message in line, (target, line)


def test_data_export_refuses_every_target_it_must_not_write(place):
    idx = str(place / "idx")
    cases = [
        (str(place / "model.json"), "a saved model"), (str(place / "run.ckpt.json"), "a checkpoint"),
        (str(place / "folder"), "it is a folder"), ("", "empty"), (str(place / "fifo"), "a pipe"),
        (str(place / "notes.txt" / "d.png"), "is a file, not a folder"),
        (str(place / "idx" / "t10k-images-idx3-ubyte"), "own inputs"),
    ]
    for target, message in cases:
        line = refused(["data", "export", target, "--dir", idx], target, "OUT.png")
        assert message in line, (target, line)


def test_the_checks_still_let_ordinary_targets_be_written(nn, place):
    """A new name, an existing picture, a new folder: written as before."""
    model, digit = str(place / "model.json"), str(place / "digit.png")
    (place / "old.png").write_bytes(b"an old picture")
    result = run(nn.TWIN, "predict", model, digit, "--explain", str(place / "old.png"))
    assert result.returncode == 0, result.stderr
    assert (place / "old.png").read_bytes().startswith(b"\x89PNG")
    result = run("data", "export", str(place / "new" / "d.png"), "--dir", str(place / "idx"))
    assert result.returncode == 0 and (place / "new" / "d.png").exists(), result.stderr
