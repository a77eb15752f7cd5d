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


def every_layer():
    """Forward and backward of every layer of the contract (and LSTM, Embedding, AvgPool2D), each loss's
    value and gradient, and three steps of each optimizer: one input each, as flat lists."""
    x = [[0.5, -1.25, 2.0, 0.0, -0.3], [1.5, 0.25, -2.0, 3.0, 0.7]]
    images = [[[[((n + 1) * (c + 2) * (i - j) % 7) / 7.0 - 0.4 for j in range(6)] for i in range(6)]
               for c in range(2)] for n in range(2)]
    sequences = [[[0.1 * (n + t - f) for f in range(3)] for t in range(4)] for n in range(2)]
    layers = [("Dense", nn.Dense(5, 3, seed=0), x), ("Sigmoid", nn.Sigmoid(), x), ("Tanh", nn.Tanh(), x),
              ("ReLU", nn.ReLU(), x), ("LeakyReLU", nn.LeakyReLU(0.1), x), ("ELU", nn.ELU(1.0), x),
              ("Softplus", nn.Softplus(), x), ("ArcTan", nn.ArcTan(), x), ("Identity", nn.Identity(), x),
              ("Softmax", nn.Softmax(), x), ("Dropout", nn.Dropout(0.3, seed=5), x), ("Flatten", nn.Flatten(), images),
              ("Conv2D", nn.Conv2D(2, 3, 3, stride=2, padding=1, seed=1), images),
              ("MaxPool2D", nn.MaxPool2D(2), images), ("AvgPool2D", nn.AvgPool2D(3), images),
              ("RNN", nn.RNN(3, 4, seed=2), sequences),
              ("RNN sequences", nn.RNN(3, 4, return_sequences=True, seed=3), sequences),
              ("LSTM", nn.LSTM(3, 4, seed=4), sequences),
              ("Embedding", nn.Embedding(6, 3, seed=6), [[0, 5, 2], [1, 1, 4]])]
    out = {}
    for name, layer, given in layers:
        layer.train()
        y = layer.forward(given)
        g = layer.backward([[v * 0.5 - 0.1 for v in row] for row in y] if not isinstance(y[0][0], list) else y)
        out[name] = flat(y) + (flat(g) if name != "Embedding" else []) + [
            v for key in sorted(layer.grads) for v in flat(layer.grads[key])]
    pred = [[0.2, 0.7, 0.1], [0.9, 0.05, 0.3]]
    for name, loss, target in [("MSE", nn.MSE(), [[0.0, 1.0, 0.0], [1.0, 0.0, 0.5]]),
                               ("BinaryCrossEntropy", nn.BinaryCrossEntropy(), [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]]),
                               ("CrossEntropy", nn.CrossEntropy(), [1, 0])]:
        out[name] = [loss.forward(pred, target)] + flat(loss.backward())
    for name, optimizer in [("SGD", nn.SGD(0.1, momentum=0.9, weight_decay=0.01)), ("Adam", nn.Adam(0.01))]:
        layer = nn.Dense(5, 3, seed=7)
        for _ in range(3):
            layer.backward([[v - 0.5 for v in row] for row in layer.forward(x)])
            optimizer.step([layer])
        out[name] = [v for key in sorted(layer.params) for v in flat(layer.params[key])]
    report = nn.gradcheck(nn.Sequential([nn.Dense(5, 3, seed=8), nn.Tanh()]), x)
    out["gradcheck"] = [1.0 if report.ok() else 0.0]
    return out


def errors():
    """The exception class of bad input and bad files (the same in both), and a warning that does not stop fit."""
    with open("broken.json", "w") as f:
        f.write("{broken")
    out = {}
    for name, call in [("missing file", lambda: nn.load("no such file.json")),
                       ("broken file", lambda: nn.load("broken.json")),
                       ("wrong width", lambda: nn.Dense(2, 3, seed=0).forward([[1.0]])),
                       ("class out of range", lambda: nn.CrossEntropy().forward([[0.1, 0.2]], [2])),
                       ("bad initializer", lambda: nn.Dense(2, 3, init="gauss(2)")),
                       ("save a layer", lambda: nn.save(nn.Dense(2, 3, seed=0), "layer.json"))]:
        try:
            call()
            out[name] = None
        except Exception as e:
            out[name] = type(e).__name__
    model = nn.Sequential([nn.Dense(2, 3, seed=0), nn.Softmax()])
    h = model.fit([[0.0, 1.0], [1.0, 0.0]], [0, 1], loss=nn.CrossEntropy(), optimizer=nn.SGD(0.1), epochs=1,
                  progress=False)                       # warns: a double softmax
    out["fit after the warning"] = h["loss"]
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
    print(json.dumps({"weights": first_weights(), "layers": every_layer(), "xor": xor(given), "moons": moons(given),
                      "digits": digits(given), "errors": errors()}))
