"""A training run saved and resumed, run by test_micropython_checkpoint.py on MicroPython and on CPython.

Reads moons.json (200 moons points and labels, written by the test) from the working folder, and
given.ckpt.json if it is there (a checkpoint the other Python wrote after epoch 2 of the same run).
The run: 2-16-2 with Dropout (its own generator is in the checkpoint too), Adam 0.01 (its m and v),
batches of 16, 4 epochs, seed 0. Prints one JSON object of weights and histories:

    whole      the run, never interrupted
    resumed    2 epochs with checkpoint=, then a new model resumed (resume=True) to 4
    given      a new model resumed from given.ckpt.json to 4 (only when that file is there)

and writes epoch2.ckpt.json (the checkpoint after epoch 2, for the other Python to resume).
"""
import json
import struct

import pure as nn


def bits(values):
    return ["".join("%02x" % b for b in struct.pack("<d", v)) for v in values]


def flat(tensor):
    return [v for t in tensor for v in flat(t)] if isinstance(tensor, list) else [tensor]


def model():
    return nn.Sequential([nn.Dense(2, 16, seed=0), nn.ReLU(), nn.Dropout(0.2, seed=2), nn.Dense(16, 2, seed=1)])


def fit(net, x, y, epochs, **checkpointing):
    """Train; the weights (and their bits), the history, and the epochs this call trained (a resume skips some)."""
    trained = []
    h = net.fit(x, y, loss=nn.CrossEntropy(), optimizer=nn.Adam(0.01), epochs=epochs, batch_size=16, seed=0,
                progress=False, callback=lambda epoch, history: trained.append(epoch), **checkpointing)
    weights = [v for layer in net.layers for key in sorted(layer.params) for v in flat(layer.params[key])]
    return {"weights": weights, "bits": bits(weights), "history": {key: list(h[key]) for key in sorted(h)},
            "trained": trained}


def copy_file(source, target):
    with open(source, "rb") as f:
        content = f.read()
    with open(target, "wb") as f:
        f.write(content)


def main():
    with open("moons.json") as f:
        given = json.load(f)
    x, y = given["x"], given["y"]
    out = {"whole": fit(model(), x, y, 4)}
    fit(model(), x, y, 2, checkpoint="run.ckpt.json")
    copy_file("run.ckpt.json", "epoch2.ckpt.json")
    out["resumed"] = fit(model(), x, y, 4, checkpoint="run.ckpt.json", resume=True)
    try:
        open("given.ckpt.json").close()
    except OSError:
        pass
    else:
        out["given"] = fit(model(), x, y, 4, resume="given.ckpt.json")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
