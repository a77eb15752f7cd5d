"""FORMAT.md is the model file's specification: its examples load in both twins and predict what it says.

Every ```json block of FORMAT.md is a model file; each loads in either twin,
the MLP's prediction is the one the text works out by hand, and both twins
agree on every example. The layer table names every type a file may hold.
"""
import json
import os
import re

import pytest

from pure.modelfile import LAYER_MODULES
from pure.ops import shape as _shape

from conftest import to_list

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "FORMAT.md")


def spec_text():
    with open(SPEC, encoding="utf-8") as f:
        return f.read()


def examples():
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", spec_text(), re.S)]


# One input per example, in the order of FORMAT.md: the MLP's row, (1, 4, 3) images, token ids.
INPUTS = [
    [[1.0, 2.0]],
    [[[[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [0.25, 1.0, -2.0], [-1.0, 0.75, 0.5]]],
     [[[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [-1.0, 2.0, 0.5], [0.5, 0.5, -0.5]]]],
    [[0, 1, 2, 3], [3, 3, 1, 0]],
]
OUTPUT_SHAPES = [(1, 2), (2, 1), (2, 4, 4)]


def write(tmp_path, description, i):
    path = tmp_path / f"example-{i}.json"
    path.write_text(json.dumps(description))
    return path


def test_the_spec_has_its_three_examples_and_every_layer_type():
    assert len(examples()) == len(INPUTS) == 3
    text = spec_text()
    for names in LAYER_MODULES.values():
        for name in names:
            assert f"`{name}`" in text, f"FORMAT.md's table does not name {name}"
    assert "(n_in, n_out)" in text and "(out, in)" in text


def test_every_example_loads_and_predicts(nn, tmp_path):
    for i, (description, x, shape) in enumerate(zip(examples(), INPUTS, OUTPUT_SHAPES)):
        model = nn.load(write(tmp_path, description, i))
        assert [type(layer).__name__ for layer in model.layers] == [e["type"] for e in description["layers"]]
        out = to_list(model.predict(x if nn.TWIN == "pure" else __import__("numpy").array(x)))
        assert _shape(out) == shape, f"example {i}"


def test_the_mlp_predicts_what_the_spec_works_out(nn, tmp_path):
    model = nn.load(write(tmp_path, examples()[0], 0))
    out = to_list(model.predict([[1.0, 2.0]]))
    assert out[0] == pytest.approx([0.7211151780228631, 0.27888482197713693], rel=1e-15)
    assert "[[0.7211151780228631, 0.27888482197713693]]" in spec_text()


def test_both_twins_agree_on_every_example(tmp_path):
    pytest.importorskip("numpy")
    import numpy as np

    import pure
    import vectorized
    from conformance.tolerances import compare
    for i, (description, x) in enumerate(zip(examples(), INPUTS)):
        path = write(tmp_path, description, i)
        result = compare(pure.load(path).predict(x), vectorized.load(path).predict(np.array(x)))
        assert result.ok, f"example {i}: {result}"


def test_the_pytorch_column_of_the_spec_holds_for_every_example(tmp_path):
    """What FORMAT.md says PyTorch holds (weight = Wᵀ, the same conv layout, gates i, f, g, o)."""
    torch = pytest.importorskip("torch")
    import numpy as np

    import vectorized
    for i, (description, x) in enumerate(zip(examples(), INPUTS)):
        model = vectorized.load(write(tmp_path, description, i))
        module = vectorized.to_torch(model).eval()
        linear = next((m for m in module.modules() if isinstance(m, torch.nn.Linear)), None)
        dense = next((layer for layer in model.layers if type(layer).__name__ == "Dense"), None)
        if linear is not None and dense is not None:
            assert np.array_equal(linear.weight.detach().numpy(), dense.params["W"].T)
        with torch.no_grad():
            theirs = module(torch.as_tensor(np.array(x))).numpy()
        np.testing.assert_allclose(theirs, model.predict(np.array(x)), rtol=1e-10, atol=1e-12)
