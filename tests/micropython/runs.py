"""What tests/micropython/test_micropython.py runs on MicroPython and on CPython, to compare.

Reads inputs.json from the working folder (the moons and XOR data, digits, written by the test on
CPython: data/ is not imported here) and model.json (a model CPython trained and saved); prints
one JSON object; writes saved.json (a model trained here). Standard library only, and only what
MicroPython 1.27 has of it (no data/, no sys.argv).
"""
import json
import struct

import pure as nn


def bits(values):
    """Each float's 8 bytes in hex: the exact number, whatever the printing of floats does."""
    return [struct.pack("<d", v).hex() if hasattr(bytes, "hex") else "".join("%02x" % b for b in struct.pack("<d", v))
            for v in values]


def flat(tensor):
    return [v for t in tensor for v in flat(t)] if isinstance(tensor, list) else [tensor]


def weights_of(model):
    return [v for layer in model.layers for key in sorted(layer.params) for v in flat(layer.params[key])]


def first_weights():
    layers = {"Dense xavier": nn.Dense(5, 4, seed=0), "Dense he": nn.Dense(5, 4, init="he", seed=1),
              "Conv2D": nn.Conv2D(2, 3, 3, seed=2), "RNN": nn.RNN(3, 4, seed=3)}
    out = {name: {key: flat(value) for key, value in layer.params.items()} for name, layer in layers.items()}
    mask = nn.Dropout(0.5, seed=4)
    mask.train()
    out["Dropout mask"] = {"y": flat(mask.forward([[1.0] * 8] * 4))}
    return out


def history(h):
    return {key: list(h[key]) for key in sorted(h)}


def xor(inputs):
    model = nn.Sequential([nn.Dense(2, 4, seed=0), nn.Tanh(), nn.Dense(4, 1, seed=1), nn.Sigmoid()])
    h = model.fit(inputs["xor_x"], inputs["xor_y"], loss=nn.BinaryCrossEntropy(), optimizer=nn.SGD(0.5, momentum=0.9),
                  epochs=60, batch_size=2, seed=0, progress=False)     # 120 steps
    return {"history": history(h), "weights": weights_of(model)}


def moons(inputs):
    """The README's example: 2-16-2 ReLU on 200 moons, Adam 0.01, 50 epochs of 13 batches (650 steps)."""
    model = nn.Sequential([nn.Dense(2, 16, seed=0), nn.ReLU(), nn.Dense(16, 2, seed=1)])
    h = model.fit(inputs["moons_x"], inputs["moons_y"], loss=nn.CrossEntropy(), optimizer=nn.Adam(0.01), epochs=50,
                  batch_size=16, seed=0, progress=False)
    nn.save(model, "saved.json")
    weights = weights_of(model)
    return {"history": history(h), "weights": weights, "bits": bits(weights),
            "evaluate": model.evaluate(inputs["moons_x"], inputs["moons_y"])}


def digits(inputs):
    model = nn.load("model.json")
    outputs = model.predict(inputs["digits"])
    return {"outputs": outputs, "classes": [row.index(max(row)) for row in outputs]}


if __name__ == "__main__":
    given = json.load(open("inputs.json"))
    print(json.dumps({"weights": first_weights(), "xor": xor(given), "moons": moons(given), "digits": digits(given)}))
