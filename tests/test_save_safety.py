"""save() writes only to a regular file or a new name, with the usual permissions, and refuses NaN weights."""
import json
import os
import stat

import pytest

from conftest import tensor, to_list


def model(nn):
    return nn.Sequential([nn.Dense(2, 3, seed=0), nn.ReLU(), nn.Dense(3, 2, seed=1)])


def test_a_new_file_gets_the_usual_permissions(nn, tmp_path):
    old = os.umask(0o022)
    try:
        nn.save(model(nn), tmp_path / "m.json")
        assert stat.S_IMODE(os.stat(tmp_path / "m.json").st_mode) == 0o644
        os.umask(0o077)
        nn.save(model(nn), tmp_path / "private.json")
        assert stat.S_IMODE(os.stat(tmp_path / "private.json").st_mode) == 0o600
    finally:
        os.umask(old)


def test_a_replaced_file_keeps_its_permissions(nn, tmp_path):
    path = tmp_path / "m.json"
    path.write_text("old")
    os.chmod(path, 0o640)
    nn.save(model(nn), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert json.loads(path.read_text())["format"] == "twinnet-model"


def test_a_symbolic_link_is_followed_and_stays_a_link(nn, tmp_path):
    (tmp_path / "real.json").write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to("real.json")
    nn.save(model(nn), link)
    assert link.is_symlink() and os.readlink(link) == "real.json"
    assert json.loads((tmp_path / "real.json").read_text())["format"] == "twinnet-model"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to("new.json")
    nn.save(model(nn), dangling)
    assert dangling.is_symlink() and (tmp_path / "new.json").exists()


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_link_to_a_device_is_refused_and_nothing_replaced(nn, tmp_path):
    link = tmp_path / "out.json"
    link.symlink_to("/dev/null")
    with pytest.raises(nn.ModelFileError, match="it is a device, not a regular file"):
        nn.save(model(nn), link)
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert os.listdir(tmp_path) == ["out.json"]         # no temporary file left either


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_refused(nn, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(nn.ModelFileError, match="it is a pipe"):
        nn.save(model(nn), fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_folder_or_a_missing_folder_is_refused(nn, tmp_path):
    with pytest.raises(nn.ModelFileError, match="it is a folder"):
        nn.save(model(nn), tmp_path)
    with pytest.raises(nn.ModelFileError, match="does not exist"):
        nn.save(model(nn), tmp_path / "no" / "m.json")


def test_nan_weights_are_refused_naming_the_layer_and_the_old_file_survives(nn, tmp_path):
    path = tmp_path / "m.json"
    m = model(nn)
    nn.save(m, path)
    before = path.read_text()
    W = [list(row) for row in to_list(m.layers[2].params["W"])]
    W[1][0] = float("nan")
    m.layers[2].params["W"] = tensor(nn, W)
    with pytest.raises(ValueError, match=r"layer 2 \(Dense\) parameter 'W' holds NaN or infinity"):
        nn.save(m, path)
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["m.json"]


@pytest.mark.parametrize("bad", [None, 3, ["m.json"]])
def test_save_needs_a_file_name(nn, bad):
    with pytest.raises(TypeError, match="save: path must be a file name"):
        nn.save(model(nn), bad)


def test_save_needs_a_model_not_a_layer(nn, tmp_path):
    with pytest.raises(TypeError, match=r"model must be a Sequential, got Dense\(2, 3\).*Sequential\(\[layer\]\)"):
        nn.save(nn.Dense(2, 3), tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()
