"""The model file format, tested on its own: files written by hand, predictions worked by hand.

Both twins read and write model files through the same code (pure/io.py; vectorized/io.py
only converts arrays), so saving in one twin and loading in the other cannot find a mistake
in that code: the two sides would share it. Here the file is text typed into the test, as
the format's description (pure/io.py) says it looks, and what the loaded model predicts is
computed by hand. The other way round, a model built by hand must be written as that text.
"""
import json
import math

from conftest import close, tensor

# A 2-3-1 network: Dense(2, 3) (W[i][j] joins input i to unit j), ReLU, Dense(3, 1), Sigmoid.
MLP_FILE = """
{"format": "twinnet-model", "version": 1, "saved_by": "a person",
 "layers": [
   {"type": "Dense", "config": {"n_in": 2, "n_out": 3},
    "params": {"W": [[1.0, -2.0, 0.5], [0.25, 1.0, -1.0]], "b": [0.0, 0.5, -0.25]}},
   {"type": "ReLU", "config": {}, "params": {}},
   {"type": "Dense", "config": {"n_in": 3, "n_out": 1}, "params": {"W": [[2.0], [-1.0], [4.0]], "b": [0.125]}},
   {"type": "Sigmoid", "config": {}, "params": {}}
 ]}
"""


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def test_a_hand_written_mlp_file_predicts_what_the_hand_computes(nn, tmp_path):
    path = tmp_path / "mlp.json"
    path.write_text(MLP_FILE)
    model = nn.load(path)
    # x = (2, 4):  h = (2·1 + 4·0.25 + 0, 2·-2 + 4·1 + 0.5, 2·0.5 + 4·-1 - 0.25) = (3, 0.5, -3.25)
    #              ReLU -> (3, 0.5, 0);  z = 3·2 + 0.5·-1 + 0·4 + 0.125 = 5.625
    # x = (-1, 0): h = (-1, 2.5, -0.75) -> (0, 2.5, 0);  z = -2.5 + 0.125 = -2.375
    assert close(model.predict([[2.0, 4.0], [-1.0, 0.0]]), [[sigmoid(5.625)], [sigmoid(-2.375)]], 1e-15)
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "ReLU", "Dense", "Sigmoid"]


# Conv2D's W is (out_channels, in_channels, kh, kw); a pair in the config is (rows, columns).
CNN_FILE = """
{"format": "twinnet-model", "version": 1,
 "layers": [
   {"type": "Conv2D", "config": {"in_channels": 1, "out_channels": 1, "kernel_size": 2,
                                 "stride": [1, 2], "padding": [0, 1]},
    "params": {"W": [[[[1.0, -1.0], [0.5, 2.0]]]], "b": [0.25]}},
   {"type": "Flatten"},
   {"type": "Dense", "config": {"n_in": 2, "n_out": 1}, "params": {"W": [[1.0], [-0.5]], "b": [0.0]}}
 ]}
"""


def test_a_hand_written_cnn_file_predicts_what_the_hand_computes(nn, tmp_path):
    path = tmp_path / "cnn.json"
    path.write_text(CNN_FILE)
    model = nn.load(path)
    image = [[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]]         # (1, 1, 2, 3)
    # padded with one column of zeros on each side: [0 1 2 3 0], [0 4 5 6 0]; the 2x2 kernel sits at
    # columns 0-1 and 2-3 (column stride 2), on rows 0-1 (one row position):
    #   1·0 - 1·1 + 0.5·0 + 2·4 + 0.25 = 7.25      1·2 - 1·3 + 0.5·5 + 2·6 + 0.25 = 13.75
    assert close(model.layers[0].forward(tensor(nn, image)), [[[[7.25, 13.75]]]], 1e-15)
    # Flatten, then 7.25·1 + 13.75·-0.5 = 0.375
    assert close(model.predict(tensor(nn, image)), [[0.375]], 1e-15)


def test_a_model_built_by_hand_is_written_as_the_format_says(nn, tmp_path):
    model = nn.Sequential([nn.Dense(2, 3), nn.ReLU(), nn.Dense(3, 1), nn.Sigmoid()])
    expected = json.loads(MLP_FILE)
    for layer, entry in zip(model.layers, expected["layers"]):
        for name, value in entry["params"].items():
            layer.params[name] = tensor(nn, value)
    nn.save(model, tmp_path / "m.json")
    written = json.loads((tmp_path / "m.json").read_text())
    expected["saved_by"] = nn.TWIN
    assert written == expected


def test_numbers_are_written_to_the_last_bit(nn, tmp_path):
    """0.1 + 0.2 is 0.30000000000000004: written with repr, it reads back as the same double."""
    model = nn.Sequential([nn.Dense(1, 1)])
    model.layers[0].params["W"] = tensor(nn, [[0.1 + 0.2]])
    model.layers[0].params["b"] = tensor(nn, [-1e-300])
    nn.save(model, tmp_path / "m.json")
    text = (tmp_path / "m.json").read_text()
    assert "0.30000000000000004" in text and "-1e-300" in text
    assert json.loads(text)["layers"][0]["params"] == {"W": [[0.30000000000000004]], "b": [-1e-300]}
