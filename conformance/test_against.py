"""`python -m conformance check MODEL.json --against torch,onnx`: PyTorch and ONNX columns beside the twins.

Without the optional packages the columns say SKIPPED and name what to
install (never a traceback); with them, every column passes on a saved model
of every layer type, and a model whose ONNX weights were damaged fails.
"""
import json
import sys

import pytest

import vectorized
from conformance.conftest import run_check



def test_missing_packages_are_named_not_raised(model_file, monkeypatch):
    for name in ("torch", "onnx", "onnxruntime"):
        monkeypatch.setitem(sys.modules, name, None)        # `import torch` now raises ImportError
    code, out, err = run_check(model_file, "--against", "torch,onnx")
    assert code == 0, out + err
    assert "torch is not installed (pip install torch==2.13.0)" in out
    assert "onnx and onnxruntime not installed (pip install onnx onnxruntime)" in out
    assert out.count("SKIPPED") == 2 and out.rstrip().endswith("PASS") and "Traceback" not in err


def test_an_unknown_backend_is_a_usage_error(model_file):
    code, out, err = run_check(model_file, "--against", "tensorflow")
    assert code == 2 and "--against takes a comma-separated list of torch, onnx" in err


def test_without_against_the_output_is_the_twin_check_alone(model_file):
    code, out, _ = run_check(model_file)
    assert code == 0 and "against pure" not in out


def test_torch_and_onnx_columns_pass_on_every_layer_type(model_file):
    pytest.importorskip("torch")
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    code, out, err = run_check(model_file, "--against", "torch,onnx", "--n", 32)
    assert code == 0, out + err
    table = out[out.index("against pure"):]
    assert "torch 2." in table and "onnxruntime" in table and table.count("PASS") == 4   # 3 columns + verdict


def test_a_wrong_weight_layout_would_fail_the_torch_column(model_file, tmp_path, monkeypatch):
    """The check can fail: feed PyTorch a model whose first Dense weights are scrambled."""
    pytest.importorskip("torch")
    from conformance import against
    real = vectorized.to_torch

    def scrambled(model, dtype=None):
        module = real(model, dtype)
        first = next(m for m in module if type(m).__name__ == "Linear")
        with __import__("torch").no_grad():
            first.weight.mul_(1.001)
        return module
    monkeypatch.setattr(against.vectorized, "to_torch", scrambled)
    code, out, _ = run_check(model_file, "--against", "torch")
    assert code == 1 and "FAIL" in out and "worst" in out


def test_sequence_models_are_checked_with_given_inputs(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    model = vectorized.Sequential([vectorized.LSTM(3, 4, return_sequences=True, seed=0),
                                   vectorized.RNN(4, 2, seed=1), vectorized.Softmax()])
    vectorized.save(model, tmp_path / "rnn.json")
    (tmp_path / "x.json").write_text(json.dumps([[[0.1, -0.2, 0.3]] * 4, [[0.5, 0.5, -1.0]] * 4]))
    code, out, err = run_check(tmp_path / "rnn.json", "--inputs", tmp_path / "x.json", "--against", "torch,onnx")
    assert code == 0, out + err
    (tmp_path / "ragged.json").write_text(json.dumps([[[0.1, -0.2, 0.3]] * 4, [[0.5, 0.5, -1.0]] * 2]))
    code, out, err = run_check(tmp_path / "rnn.json", "--inputs", tmp_path / "ragged.json", "--against", "torch")
    assert code == 0 and "sequences of different lengths" in out
