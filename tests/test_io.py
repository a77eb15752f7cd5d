"""save / load: one versioned JSON format, atomic writes, clear errors for anything else."""
import json
import os
import sys

import pytest

from conftest import to_list


def small_model(nn):
    return nn.Sequential([nn.Dense(3, 4, seed=0), nn.LeakyReLU(0.2), nn.Dropout(0.1, seed=1),
                          nn.Dense(4, 2, seed=2), nn.Softmax()])


def test_round_trip_predicts_the_same(nn, tmp_path):
    model = small_model(nn)
    path = tmp_path / "m.json"
    nn.save(model, path)
    again = nn.load(path)
    x = [[0.1, -0.2, 0.3], [1.0, 2.0, -3.0]]
    assert to_list(again.predict(x)) == to_list(model.predict(x))
    assert repr(again) == repr(model)
    assert again.layers[1].alpha == 0.2 and again.layers[2].p == 0.1


def test_file_is_versioned_json_naming_the_twin(nn, tmp_path):
    nn.save(small_model(nn), tmp_path / "m.json")
    description = json.loads((tmp_path / "m.json").read_text())
    assert description["format"] == "twinnet-model" and description["version"] == 1
    assert description["saved_by"] == nn.TWIN
    assert [e["type"] for e in description["layers"]] == ["Dense", "LeakyReLU", "Dropout", "Dense", "Softmax"]


def write(tmp_path, text, name="bad.json"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def good_text(nn, tmp_path):
    nn.save(small_model(nn), tmp_path / "good.json")
    return (tmp_path / "good.json").read_text()


@pytest.mark.parametrize("mangle, message", [
    (lambda t: t[: len(t) // 2], "broken or truncated JSON"),
    (lambda t: "", "broken or truncated JSON"),
    (lambda t: b"\x89PNG\r\n\x1a\n\x00\xff", "not UTF-8"),
    (lambda t: '{"weights": [1, 2, 3]}', "not a twinnet-model file"),
    (lambda t: t.replace('"version":1', '"version":7'), "version 7"),
    (lambda t: t.replace('"Softmax"', '"Transformer"'), "unknown layer type 'Transformer'"),
    (lambda t: t.replace('"n_in":3', '"n_in":5', 1), "parameter 'W' should be"),
    (lambda t: t.replace('"b":[', '"b":["x",', 1), "parameter 'b' should be"),
    (lambda t: t.replace('"layers":[', '"layers":[7,', 1), "expected an object"),
])
def test_bad_files_give_clear_errors(nn, tmp_path, mangle, message):
    path = write(tmp_path, mangle(good_text(nn, tmp_path)))
    with pytest.raises(nn.ModelFileError, match=message) as e:
        nn.load(path)
    assert "bad.json" in str(e.value)


def test_missing_file(nn, tmp_path):
    with pytest.raises(nn.ModelFileError, match="cannot read model file"):
        nn.load(tmp_path / "nothing.json")


def test_failed_save_leaves_the_previous_file_intact(nn, tmp_path):
    path = tmp_path / "m.json"
    nn.save(small_model(nn), path)
    before = path.read_bytes()
    broken = small_model(nn)
    W = broken.layers[0].params["W"]
    broken.layers[0].params["W"] = [[float("nan")] * 4] * 3 if nn.TWIN == "pure" else W * float("nan")
    with pytest.raises(ValueError):
        nn.save(broken, path)                      # NaN cannot be written as JSON
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.json"]      # no temporary file left behind


def test_loading_never_executes_code_from_the_file(nn, tmp_path):
    text = good_text(nn, tmp_path).replace('"Softmax"', '"__import__(\'os\').system(\'touch pwned\')"')
    with pytest.raises(nn.ModelFileError, match="unknown layer type"):
        nn.load(write(tmp_path, text))
    assert not os.path.exists("pwned")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux's /proc, a folder no file can be made in")
def test_a_folder_no_file_can_be_made_in_is_named_not_the_temporary_file(nn):
    with pytest.raises(OSError) as caught:
        nn.save(small_model(nn), "/proc/m.json")
    message = str(caught.value)
    assert "cannot save the model to '/proc/m.json'" in message and ".tmp" not in message
