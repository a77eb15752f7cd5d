"""Hostile model and checkpoint files: refused fast, before anything is allocated, with short messages."""
import json
import os
import sys
import time

import pytest

try:
    import tracemalloc
except ImportError:            # PyPy has no tracemalloc: the refusals are still checked, their memory only on CPython
    tracemalloc = None


def model_text(layers, **fields):
    description = {"format": "twinnet-model", "version": 1, "saved_by": "pure", "layers": layers}
    description.update(fields)
    return json.dumps(description)


def peak_bytes(action):
    """The peak of memory newly allocated while `action` runs (0 where it cannot be measured: PyPy)."""
    if tracemalloc is None:
        action()
        return 0
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# Each declares far more parameters than the budget (20 million) but holds only a few numbers.
FORGED_SIZES = {
    "LSTM(3000, 3000)": {"type": "LSTM", "config": {"n_in": 3000, "n_hidden": 3000}},
    "Embedding(10**9, 1000)": {"type": "Embedding", "config": {"vocab_size": 10**9, "dim": 1000}},
    "TimeDistributed(Dense(10**9, 10**9))": {"type": "TimeDistributed", "config": {
        "layer": {"type": "Dense", "config": {"n_in": 10**9, "n_out": 10**9}}}},
    "Conv2D kernel [100000, 100000]": {"type": "Conv2D", "config": {
        "in_channels": 1, "out_channels": 1, "kernel_size": [100000, 100000]}},
    "Conv2D(10**5, 10**5, 3)": {"type": "Conv2D", "config": {"in_channels": 10**5, "out_channels": 10**5,
                                                            "kernel_size": 3}},
    "RNN(10**6, 10**6)": {"type": "RNN", "config": {"n_in": 10**6, "n_hidden": 10**6}},
    "Dense(10**400, 2)": {"type": "Dense", "config": {"n_in": 10**400, "n_out": 2}},
}


@pytest.mark.parametrize("name", sorted(FORGED_SIZES))
def test_forged_sizes_of_every_layer_type_are_refused_before_allocating(nn, tmp_path, name):
    path = tmp_path / "forged.json"
    path.write_text(model_text([dict(FORGED_SIZES[name], params={"W": [[0.5]]})]))
    start = time.perf_counter()
    with pytest.raises(nn.ModelFileError, match=r"layer 0 .*more than 20,000,000 parameters.*max_params"):
        nn.load(path)
    assert time.perf_counter() - start < 1.0
    if sys.implementation.name == "cpython":
        assert peak_bytes(lambda: pytest.raises(nn.ModelFileError, nn.load, path)) < 2**20


def test_sizes_within_the_budget_are_checked_against_the_numbers_in_the_file(nn, tmp_path):
    path = tmp_path / "forged.json"     # a 129-byte file that took 0.8 GB and 7.6 s to refuse
    path.write_text(model_text([{"type": "LSTM", "config": {"n_in": 1500, "n_hidden": 1500}, "params": {}}]))
    with pytest.raises(nn.ModelFileError, match=r"layer 0 \(LSTM\): parameters \[\] do not match"):
        nn.load(path)
    if sys.implementation.name == "cpython":
        assert peak_bytes(lambda: pytest.raises(nn.ModelFileError, nn.load, path)) < 2**20


def test_the_budget_can_be_raised_by_the_caller(nn, tmp_path):
    model = nn.Sequential([nn.Dense(30, 20, seed=0), nn.ReLU(), nn.Dense(20, 2, seed=1)])   # 662 parameters
    path = tmp_path / "m.json"
    nn.save(model, path)
    with pytest.raises(nn.ModelFileError, match="more than 600 parameters"):
        nn.load(path, max_params=600)
    assert nn.load(path, max_params=662).count_params() == 662


def test_a_number_too_big_for_a_double_is_a_model_file_error(nn, tmp_path):
    path = tmp_path / "big.json"
    path.write_text('{"format":"twinnet-model","version":1,"layers":[{"type":"Dense","config":'
                    '{"n_in":1,"n_out":1},"params":{"W":[[1' + "0" * 400 + ']],"b":[0]}}]}')
    with pytest.raises(nn.ModelFileError, match="parameter 'W' should be"):
        nn.load(path)
    path.write_text(path.read_text().replace("[[1" + "0" * 400, "[[1e400"))
    with pytest.raises(nn.ModelFileError, match="parameter 'W' should be"):
        nn.load(path)


@pytest.mark.parametrize("version", [0, -5])
def test_versions_below_1_are_refused(nn, tmp_path, version):
    path = tmp_path / "v.json"
    path.write_text(model_text([{"type": "ReLU"}], version=version))
    with pytest.raises(nn.ModelFileError, match=f"invalid format version {version} "):
        nn.load(path)


def test_messages_quote_only_a_short_excerpt(nn, tmp_path):
    path = tmp_path / "long.json"
    path.write_text(model_text([{"type": "X" * 10**6}], saved_by="p" * 10**6))
    with pytest.raises(nn.ModelFileError) as e:
        nn.load(path)
    assert len(str(e.value)) < 500
    path.write_text(model_text([{"type": "Dense", "config": {"n_in": "x" * 10**6, "n_out": 2}}]))
    with pytest.raises(nn.ModelFileError) as e:
        nn.load(path)
    assert len(str(e.value)) < 1000


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_device_is_refused_unread(nn):
    start = time.perf_counter()
    with pytest.raises(nn.ModelFileError, match="'/dev/zero': it is a device, not a regular file"):
        nn.load("/dev/zero")
    assert time.perf_counter() - start < 1.0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("load", ["load", "load_checkpoint"])
def test_a_pipe_nobody_writes_is_refused_at_once(nn, tmp_path, load):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    start = time.perf_counter()
    with pytest.raises(nn.ModelFileError, match="it is a pipe, not a regular file"):
        getattr(nn.io, load)(fifo)
    assert time.perf_counter() - start < 1.0


def test_a_folder_is_refused(nn, tmp_path):
    with pytest.raises(nn.ModelFileError, match="it is a folder"):
        nn.load(tmp_path)


@pytest.mark.parametrize("bad", ["big", 0, -5, 2.5, True, None])
def test_max_params_must_be_a_positive_integer(nn, tmp_path, bad):
    with pytest.raises(ValueError, match="max_params must be a positive integer"):
        nn.load(tmp_path / "m.json", max_params=bad)
    with pytest.raises(ValueError, match="max_params must be a positive integer"):
        nn.io.load_checkpoint(tmp_path / "m.json", max_params=bad)


def test_a_genuine_model_over_the_layer_budget_loads_with_max_params(nn, tmp_path, monkeypatch):
    import pure.checks
    model = nn.Sequential([nn.Dense(30, 20, seed=0)])
    nn.save(model, tmp_path / "m.json")
    monkeypatch.setattr(pure.checks, "MAX_LAYER_PARAMS", 100)      # the file's 620 parameters exceed it
    with pytest.raises(ValueError, match="MAX_LAYER_PARAMS"):
        nn.Dense(30, 20)
    assert nn.load(tmp_path / "m.json").get_weights()[0]["W"][3][4] == model.get_weights()[0]["W"][3][4]
    assert pure.checks.MAX_LAYER_PARAMS == 100                       # restored after the load


def test_a_file_larger_than_the_budget_allows_is_refused_unread(nn, tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(40 * 10**6)                      # sparse: takes no disk
    with pytest.raises(nn.ModelFileError, match="40,000,000 bytes, more than"):
        nn.load(path, max_params=1000)


def test_a_forged_checkpoint_model_is_refused_too(nn, tmp_path):
    path = tmp_path / "run.ckpt.json"
    path.write_text(json.dumps({"format": "twinnet-checkpoint", "version": 1, "model": json.loads(
        model_text([FORGED_SIZES["LSTM(3000, 3000)"]]))}))
    with pytest.raises(nn.ModelFileError):
        nn.io.load_checkpoint(path)


def test_conformance_check_on_a_forged_file_fails_fast(tmp_path):
    pytest.importorskip("numpy")
    import subprocess
    path = tmp_path / "forged.json"
    path.write_text(model_text([dict(FORGED_SIZES["LSTM(3000, 3000)"], params={})]))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-m", "conformance", "check", str(path)], cwd=root,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "layer 0 (LSTM)" in done.stderr
