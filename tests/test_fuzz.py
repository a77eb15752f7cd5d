"""Hostile and broken input, by property-based testing (hypothesis): the IDX reader, the CSV
reader, the model loader and the checkpoint loader either read a file or raise their own
exception (DataError, ModelFileError / CheckpointError) with a message. No other exception,
no hang, no huge allocation from a forged header.

The default run is bounded (about 2,250 cases, well under a minute); `python -m tests.fuzz
--seconds 600` is the long run over the same targets (tests/fuzz.py).
"""
import json
import math
import os
import random
import sys

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests import fuzz  # noqa: E402

import data  # noqa: E402

SETTINGS = dict(deadline=None, derandomize=True, suppress_health_check=list(HealthCheck),
                database=None)
SEEDS = {name: make() for name, (_, make, _) in fuzz.TARGETS.items()}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return str(tmp_path_factory.mktemp("fuzz"))


def mutated(name):
    return st.integers(0, 2**32 - 1).map(lambda seed: fuzz.make_input(name, SEEDS[name], random.Random(seed)))


@settings(max_examples=800, **SETTINGS)
@given(raw=st.one_of(mutated("idx"), st.binary(max_size=80)))
def test_idx_reader_reads_or_refuses(raw, folder):
    assert fuzz.target_idx(raw, folder) in ("read", "refused")


@settings(max_examples=600, **SETTINGS)
@given(raw=st.one_of(mutated("csv"), st.binary(max_size=80),
                     st.text(alphabet="0123456789,-\n \t.xé", max_size=120).map(str.encode)))
def test_csv_reader_reads_or_refuses(raw, folder):
    assert fuzz.target_csv(raw, folder) in ("read", "refused")


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                 max_size=4),
                    max_leaves=20)


def layer_entries():
    kinds = st.sampled_from(["Dense", "Dropout", "Flatten", "ReLU", "Softmax", "LeakyReLU", "Conv2D", "eval"])
    config = st.dictionaries(st.sampled_from(["n_in", "n_out", "p", "alpha", "bias", "seed", "rng", "init"]),
                             JSON | st.integers(-5, 10**12), max_size=3)
    params = st.dictionaries(st.sampled_from(["W", "b", "x"]), JSON, max_size=2)
    return st.fixed_dictionaries({"type": kinds, "config": config, "params": params})


@settings(max_examples=600, **SETTINGS)
@given(raw=st.one_of(
    mutated("model"),
    st.binary(max_size=60),
    st.builds(lambda layers, version: json.dumps({"format": "twinnet-model", "version": version,
                                                  "layers": layers}).encode(),
              st.lists(layer_entries(), max_size=3), st.integers(-1, 3)),
))
def test_model_loader_loads_or_refuses(raw, folder):
    assert fuzz.target_model(raw, folder) in ("read", "refused")


@settings(max_examples=250, **SETTINGS)
@given(raw=mutated("checkpoint"))
def test_checkpoint_loader_resumes_or_refuses_without_changing_anything(raw, folder):
    assert fuzz.target_checkpoint(raw, folder) in ("resumed", "refused", "diverged")


# ---------------------------------------------------------------- forged sizes: refused before allocating


def peak_bytes(action):
    import tracemalloc            # (not on PyPy: the tests using it are skipped there)
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="tracemalloc measures CPython allocations")
@pytest.mark.parametrize("gzip_it", [False, True])
def test_a_forged_idx_header_is_refused_before_allocating(tmp_path, gzip_it):
    import gzip
    raw = bytes([0, 0, 8, 3]) + (2**32 - 1).to_bytes(4, "big") + (255).to_bytes(4, "big") * 2 + bytes(100)
    path = tmp_path / "forged.idx"
    path.write_bytes(gzip.compress(raw) if gzip_it else raw)
    with pytest.raises(data.DataError, match="forged|truncated"):
        data.read_idx(path)
    assert peak_bytes(lambda: pytest.raises(data.DataError, data.read_idx, path)) < 2**20


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="tracemalloc measures CPython allocations")
def test_a_forged_dense_config_is_refused_before_allocating(nn, tmp_path):
    path = tmp_path / "forged.json"
    path.write_text(json.dumps({"format": "twinnet-model", "version": 1, "layers": [
        {"type": "Dense", "config": {"n_in": 10**9, "n_out": 10**9}, "params": {"W": [[0.5]], "b": [0.0]}}]}))
    with pytest.raises(nn.ModelFileError, match=r"more than 20,000,000 parameters \(the budget\)"):
        nn.load(path)
    assert peak_bytes(lambda: pytest.raises(nn.ModelFileError, nn.load, path)) < 2**20


def test_loading_never_runs_code_from_the_file(nn, tmp_path):
    marker = tmp_path / "ran"
    payload = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps({"format": "twinnet-model", "version": 1, "layers": [
        {"type": "Dense", "config": {"n_in": 1, "n_out": 1, "init": payload}, "params": {"W": [[1.0]], "b": [0.0]}},
        {"type": "__import__", "config": {}, "params": {}}]}))
    with pytest.raises(nn.ModelFileError):
        nn.load(path)
    path.write_text(json.dumps({"format": "twinnet-model", "version": 1, "layers": [
        {"type": "Dense", "config": {"n_in": 1, "n_out": 1, "init": payload}, "params": {"W": [[1.0]], "b": [0.0]}}]}))
    with pytest.raises(nn.ModelFileError, match="bad config"):
        nn.load(path)
    assert not marker.exists()


def test_a_newer_format_or_a_layer_this_twin_lacks_is_refused_clearly(nn, tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"format": "twinnet-model", "version": 2, "saved_by": "vectorized",
                                "layers": [{"type": "Dense", "config": {"n_in": 1, "n_out": 1}}]}))
    with pytest.raises(nn.ModelFileError, match="uses format version 2; this program reads up to version 1"):
        nn.load(path)
    path.write_text(json.dumps({"format": "twinnet-model", "version": 1, "saved_by": "vectorized",
                                "layers": [{"type": "Transformer", "config": {}, "params": {}}]}))
    with pytest.raises(nn.ModelFileError, match="unknown layer type 'Transformer'; this twin knows ") as e:
        nn.load(path)
    assert "Dense" in str(e.value) and "saved by the vectorized twin" in str(e.value)


def test_nan_and_infinity_in_a_model_file_are_refused(nn, tmp_path):
    for bad in ("NaN", "Infinity", "1e999"):
        path = tmp_path / "m.json"
        path.write_text('{"format":"twinnet-model","version":1,"layers":[{"type":"Dense","config":{"n_in":1,'
                        '"n_out":1},"params":{"W":[[' + bad + ']],"b":[0.0]}}]}')
        with pytest.raises(nn.ModelFileError, match="finite numbers"):
            nn.load(path)
    assert math.isinf(float("1e999"))
