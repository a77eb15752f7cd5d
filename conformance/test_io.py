"""Model files: saved by one twin, loaded by the other, same weights and same predictions.

The file format writes every double with repr, which round-trips exactly, so
loaded weights must equal the saved ones bit for bit, and predictions agree
within the one-step policy. Also `python -m conformance check MODEL.json`.

Both twins read and write through the same code (pure/io.py; vectorized/io.py only converts
arrays), so these cross-twin tests cannot see a mistake in that shared code. The format itself
is tested independently in tests/test_model_format.py: files typed into the test, predictions
worked by hand.
"""
import json

import pytest

import pure
import vectorized
from conformance.conftest import run_check
from conformance.components import build_every_layer_type, save_load_inputs
from conformance.tolerances import compare_exact
from conformance.twins import assert_agree, save_and_load_across


def test_a_model_saved_by_either_twin_loads_in_the_other_with_identical_weights_and_predictions(tmp_path):
    comparisons = save_and_load_across(build_every_layer_type, save_load_inputs(), folder=str(tmp_path))
    assert {"pure -> vectorized predict", "vectorized -> pure predict"} <= set(comparisons)
    assert sum("W" in label for label in comparisons) == 2 * 4, "four Dense layers, both directions"
    assert_agree(comparisons, "save in one twin, load in the other")


def test_a_round_trip_through_the_other_twin_changes_no_bit(tmp_path):
    """pure saves, vectorized loads and saves again, pure loads: the same predictions, ==."""
    x = save_load_inputs()
    original = build_every_layer_type(pure)
    pure.save(original, tmp_path / "a.json")
    vectorized.save(vectorized.load(tmp_path / "a.json"), tmp_path / "b.json")
    back = pure.load(tmp_path / "b.json")
    c = compare_exact(original.predict(x), back.predict(x))
    assert c.ok, f"pure -> vectorized -> pure changed the predictions: {c}"


def test_both_twins_write_the_same_file_for_the_same_model(tmp_path):
    pure.save(build_every_layer_type(pure), tmp_path / "p.json")
    vectorized.save(build_every_layer_type(vectorized), tmp_path / "v.json")
    p, v = (json.loads((tmp_path / f"{n}.json").read_text()) for n in "pv")
    assert p["saved_by"] == "pure" and v["saved_by"] == "vectorized"
    p.pop("saved_by")
    v.pop("saved_by")
    assert p == v


# ----------------------------------------------------------------------------- python -m conformance check



def test_check_passes_on_a_saved_model_with_seeded_random_inputs(model_file):
    code, out, _ = run_check(model_file, "--n", 8, "--seed", 3)
    assert code == 0, out
    assert "8 random rows of width 6" in out and out.rstrip().endswith("PASS")
    assert "largest absolute difference" in out and "largest relative difference" in out


def test_check_reads_inputs_from_a_json_file(model_file, tmp_path):
    rows = tmp_path / "rows.json"
    rows.write_text(json.dumps([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [-1, 0, 1, 2, 3, 4]]))
    code, out, _ = run_check(model_file, "--inputs", rows)
    assert code == 0 and "2 rows from" in out, out


def test_check_fails_when_the_twins_disagree(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    pure.save(pure.Sequential([pure.Dense(3, 2, seed=0)]), path)
    real_load = vectorized.load

    def tampered_load(p):
        model = real_load(p)
        model.layers[0].params["b"] = model.layers[0].params["b"] + 1e-6
        return model
    monkeypatch.setattr(vectorized, "load", tampered_load)
    code, out, _ = run_check(path)
    assert code == 1 and out.rstrip().endswith("FAIL"), out


def test_check_names_a_missing_file(tmp_path):
    code, out, err = run_check(tmp_path / "nowhere.json")
    assert code == 2 and "nowhere.json" in err and "cannot read" in err, err


def test_check_names_a_file_that_is_not_a_model(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    code, _, err = run_check(bad)
    assert code == 2 and "bad.json" in err and "not a twinnet-model file" in err, err


def test_check_names_a_truncated_model_file(model_file):
    model_file.write_text(model_file.read_text()[:50])
    code, _, err = run_check(model_file)
    assert code == 2 and "broken or truncated JSON" in err, err


def test_check_rejects_inputs_of_the_wrong_width(model_file, tmp_path):
    rows = tmp_path / "rows.json"
    rows.write_text("[[1.0, 2.0]]")
    code, _, err = run_check(model_file, "--inputs", rows)
    assert code == 2 and "do not fit the model" in err, err


def test_check_rejects_an_inputs_file_that_is_not_rows(model_file, tmp_path):
    rows = tmp_path / "rows.json"
    rows.write_text('{"x": 1}')
    code, _, err = run_check(model_file, "--inputs", rows)
    assert code == 2 and "list of rows" in err, err



def test_check_reads_images_for_a_model_that_starts_with_a_convolution(tmp_path):
    components = pytest.importorskip("conformance.components")
    if not components.HAS_CONV:
        pytest.skip("the twins have no convolutional layers yet")
    path, rows = tmp_path / "cnn.json", tmp_path / "images.json"
    pure.save(components.build_small_cnn(pure), path)
    rows.write_text(json.dumps(components.fixtures.image_training_data(n=3).x))
    code, out, _ = run_check(path, "--inputs", rows)
    assert code == 0 and "3 rows from" in out, out


def test_check_asks_for_inputs_when_the_model_does_not_take_rows(tmp_path):
    components = pytest.importorskip("conformance.components")
    if not components.HAS_CONV:
        pytest.skip("the twins have no convolutional layers yet")
    path = tmp_path / "cnn.json"
    pure.save(components.build_small_cnn(pure), path)
    code, _, err = run_check(path)
    assert code == 2 and "starts with Conv2D" in err and "--inputs" in err, err
