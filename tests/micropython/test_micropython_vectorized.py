"""A model trained and saved by the vectorized twin (numpy, on CPython) loads on MicroPython 1.27 and predicts there.

The model file is the one JSON format of both twins: vectorized.save writes it, pure.load reads it on
MicroPython (its WebAssembly port, run by Node.js; digits.py predicts in chunks). On 1,000 MNIST test
digits MicroPython gives the vectorized twin's classes, and every output within the numeric policy for
one layer (|pure - vectorized| <= 1e-12 + 1e-10 |vectorized|, conformance/tolerances.py).

Skipped where numpy, Node.js or the npm package (`npm ci`) is missing, saying which.
"""
import json
import os
import struct
import subprocess

import pytest

from test_micropython import HERE, ROOT, node

COUNT = 1000


def test_a_model_saved_by_the_vectorized_twin_predicts_its_classes_on_micropython(tmp_path):
    np = pytest.importorskip("numpy", reason="numpy is not installed: the vectorized twin trains the model here")
    runner = node()
    import data
    import vectorized as vn
    train, train_labels = data.load_mnist("train", limit=1000)
    test, _ = data.load_mnist("test", limit=COUNT)
    x = np.array([list(train[i]) for i in range(len(train))])
    model = vn.Sequential([vn.Dense(784, 32, init="he", seed=0), vn.ReLU(), vn.Dense(32, 10, seed=1)])
    model.fit(x, np.array(list(train_labels)), loss=vn.CrossEntropy(), optimizer=vn.Adam(0.01), epochs=1,
              batch_size=32, seed=0, progress=False)
    vn.save(model, str(tmp_path / "model.json"))
    assert json.loads((tmp_path / "model.json").read_text())["saved_by"] == "vectorized"
    expected = model.predict(np.array([list(test[i]) for i in range(COUNT)]))

    with open(tmp_path / "digits.bin", "wb") as f:
        for i in range(COUNT):
            f.write(test.pixels(i))
    result = subprocess.run(
        [runner, os.path.join(HERE, "run.mjs"), "--in", f"{tmp_path / 'digits.bin'}:/work/digits.bin",
         "--in", f"{tmp_path / 'model.json'}:/work/model.json",
         "--out", f"/work/classes.json:{tmp_path / 'classes.json'}",
         "--out", f"/work/outputs.bin:{tmp_path / 'outputs.bin'}", os.path.join(HERE, "digits.py")],
        cwd=tmp_path, capture_output=True, text=True, timeout=900, env=dict(os.environ, PYTHONPATH=ROOT))
    assert result.returncode == 0, result.stderr[-3000:]
    classes = json.loads((tmp_path / "classes.json").read_text())
    raw = (tmp_path / "outputs.bin").read_bytes()
    outputs = struct.unpack(f"<{len(raw) // 8}d", raw)
    assert classes == [int(c) for c in expected.argmax(axis=1)]
    assert len(outputs) == expected.size == COUNT * 10
    worst = 0.0
    for a, b in zip(outputs, expected.ravel().tolist()):
        assert abs(a - b) <= 1e-12 + 1e-10 * abs(b), (a, b)
        worst = max(worst, abs(a - b))
    same = sum(a == b for a, b in zip(outputs, expected.ravel().tolist()))
    print(f"vectorized's model on MicroPython: {COUNT} digits the same classes; {same:,} of {len(outputs):,} "
          f"outputs the same bits, largest difference {worst:.3g}")
