"""The pure twin on MicroPython 1.27 (its WebAssembly port, run by Node.js) against this CPython.

runs.py runs in both; the test compares:
0. the forward and backward of every layer, each loss and three steps of each optimizer, within the
   numeric policy for one layer (and gradcheck passes there);
1. the first weights of Dense (Xavier and He), Conv2D and RNN, and a Dropout mask, for a seed:
   the same numbers (pure.portable.MersenneTwister is CPython's generator);
2. XOR (120 steps) and the README's moons run (650 steps): every loss and final weight within the
   numeric policy for whole runs (1e-8, conformance/tolerances.py);
3. a 784-32-10 model trained and saved here, loaded there: the same classes for 200 test digits,
   outputs within 1e-10 relative;
4. the moons model saved there loads here to the very bits it had there (MicroPython prints
   and reads floats exactly, which this checks);
5. digits.py: that model predicts all 10,000 MNIST test digits there: the same classes, and every
   output within the one-layer policy (most are the same bits).

Skipped, saying what to install, where Node.js or the npm package (`npm ci`) is missing.
"""
import json
import math
import os
import shutil
import struct
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PACKAGE = os.path.join(ROOT, "node_modules", "@micropython", "micropython-webassembly-pyscript", "micropython.mjs")
POLICY = 1e-8           # conformance/tolerances.py TRAINING_ATOL, relative above 1
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def node():
    found = shutil.which("node")
    if found is None:
        pytest.skip("Node.js is not installed (`apt-get install nodejs npm`): the MicroPython tests run "
                    "MicroPython's WebAssembly port in Node.js")
    if not os.path.isfile(PACKAGE):
        pytest.skip("MicroPython's WebAssembly port is not installed: run `npm ci` in the checkout")
    return found


def inputs():
    import data
    import pure as nn
    moons_x, moons_y = data.moons(200, noise=0.1, seed=0)
    train, train_labels = data.load_mnist("train", limit=1000)
    test, test_labels = data.load_mnist("test", limit=200)
    model = nn.Sequential([nn.Dense(784, 32, seed=0), nn.Sigmoid(), nn.Dense(32, 10, seed=1)])
    model.fit(train, train_labels, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.5), epochs=1, batch_size=16, seed=0,
              progress=False)
    return model, {"moons_x": [list(row) for row in moons_x], "moons_y": list(moons_y),
                   "xor_x": [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], "xor_y": [[0.0], [1.0], [1.0], [0.0]],
                   "digits": [list(test[i]) for i in range(len(test))]}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """(MicroPython's output, CPython's output, the folder), runs.py run by each in its own folder."""
    runner = node()
    import pure as nn
    model, given = inputs()
    out = {}
    for where in ("cpython", "micropython"):
        folder = tmp_path_factory.mktemp(where)
        with open(folder / "inputs.json", "w") as f:
            json.dump(given, f)
        nn.save(model, str(folder / "model.json"))
        if where == "cpython":
            command = [sys.executable, os.path.join(HERE, "runs.py")]
        else:
            command = [runner, os.path.join(HERE, "run.mjs"),
                       "--in", f"{folder / 'inputs.json'}:/work/inputs.json",
                       "--in", f"{folder / 'model.json'}:/work/model.json",
                       "--out", f"/work/saved.json:{folder / 'saved.json'}", os.path.join(HERE, "runs.py")]
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=1200,
                                env=dict(os.environ, PYTHONPATH=ROOT))
        assert result.returncode == 0, f"{where}: {result.stderr[-3000:]}"
        out[where] = json.loads(result.stdout)
        out[where + " folder"] = folder
    return out


def close(a, b, tolerance):
    return abs(a - b) <= tolerance * max(1.0, abs(b))


def test_the_first_weights_and_a_dropout_mask_are_cpythons(both):
    ours, theirs = both["cpython"]["weights"], both["micropython"]["weights"]
    assert sorted(ours) == sorted(theirs)
    for layer in ours:
        assert theirs[layer] == ours[layer], layer


def test_every_layer_loss_and_optimizer_agrees_with_cpython_within_the_policy(both):
    ours, theirs = both["cpython"]["layers"], both["micropython"]["layers"]
    assert sorted(ours) == sorted(theirs)
    assert theirs["gradcheck"] == [1.0]
    for name in ours:
        assert len(theirs[name]) == len(ours[name]), name
        for a, b in zip(theirs[name], ours[name]):
            assert abs(a - b) <= 1e-12 + 1e-10 * abs(b), (name, a, b)        # one layer's policy


def test_bad_input_and_bad_files_raise_the_same_exception_classes(both):
    ours, theirs = both["cpython"]["errors"], both["micropython"]["errors"]
    assert theirs == ours
    assert ours["missing file"] == ours["broken file"] == "ModelFileError" and ours["wrong width"] == "ValueError"


@pytest.mark.parametrize("run", ["xor", "moons"])
def test_training_gives_cpythons_losses_and_weights_within_the_policy(both, run):
    ours, theirs = both["cpython"][run], both["micropython"][run]
    assert sorted(ours["history"]) == sorted(theirs["history"])
    worst = 0.0
    for key in ours["history"]:
        for a, b in zip(theirs["history"][key], ours["history"][key]):
            assert close(a, b, POLICY), (run, key, a, b)
            worst = max(worst, abs(a - b))
    for a, b in zip(theirs["weights"], ours["weights"]):
        assert close(a, b, POLICY), (run, a, b)
        worst = max(worst, abs(a - b))
    print(f"{run}: MicroPython against CPython, largest difference {worst:.3g}")


def test_a_model_saved_by_cpython_predicts_the_same_classes_on_micropython(both):
    ours, theirs = both["cpython"]["digits"], both["micropython"]["digits"]
    assert theirs["classes"] == ours["classes"]
    for row_a, row_b in zip(theirs["outputs"], ours["outputs"]):
        for a, b in zip(row_a, row_b):
            assert abs(a - b) <= 1e-12 + 1e-10 * abs(b)


def test_a_model_saved_on_micropython_loads_here_to_the_same_bits(both):
    import pure as nn
    there = both["micropython"]["moons"]
    model = nn.load(str(both["micropython folder"] / "saved.json"))
    here = [v for layer in model.layers for key in sorted(layer.params) for v in flat(layer.params[key])]
    assert [struct.pack("<d", v).hex() for v in here] == there["bits"]
    assert all(math.isfinite(v) for v in here)


def flat(tensor):
    return [v for t in tensor for v in flat(t)] if isinstance(tensor, list) else [tensor]


def test_the_10000_test_digits_get_the_same_classes_on_micropython(both, tmp_path):
    import data
    runner = node()
    images, _ = data.load_mnist("test")
    folders = {}
    for where in ("cpython", "micropython"):
        folder = folders[where] = tmp_path / where
        folder.mkdir()
        with open(folder / "digits.bin", "wb") as f:
            for i in range(len(images)):
                f.write(images.pixels(i))
        shutil.copy(both["cpython folder"] / "model.json", folder / "model.json")
        script = os.path.join(HERE, "digits.py")
        command = [sys.executable, script] if where == "cpython" else [
            runner, os.path.join(HERE, "run.mjs"), "--in", f"{folder / 'digits.bin'}:/work/digits.bin",
            "--in", f"{folder / 'model.json'}:/work/model.json",
            "--out", f"/work/classes.json:{folder / 'classes.json'}",
            "--out", f"/work/outputs.bin:{folder / 'outputs.bin'}", script]
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=1800,
                                env=dict(os.environ, PYTHONPATH=ROOT))
        assert result.returncode == 0, f"{where}: {result.stderr[-3000:]}"
    classes = {where: json.loads((folders[where] / "classes.json").read_text()) for where in folders}
    assert len(classes["cpython"]) == len(images) == 10_000
    assert classes["micropython"] == classes["cpython"]
    outputs = {where: (folders[where] / "outputs.bin").read_bytes() for where in folders}
    ours = struct.unpack(f"<{len(outputs['cpython']) // 8}d", outputs["cpython"])
    theirs = struct.unpack(f"<{len(outputs['micropython']) // 8}d", outputs["micropython"])
    assert len(ours) == len(theirs) == 100_000
    assert all(abs(a - b) <= 1e-12 + 1e-10 * abs(b) for a, b in zip(theirs, ours))
    print(f"10,000 digits: {sum(a == b for a, b in zip(theirs, ours)):,} of 100,000 outputs the same bits")
