"""After training, in both twins: the saved loss and training record, evaluate, predict and its saliency agree.

One model (weights drawn identically in both twins) is saved by each twin and
loaded by the other; the evaluate and predict subcommands print the same text
in both twins, and the --explain saliency |dL/dx| agrees per pixel within the
one-step policy.
"""
import io
import json
from contextlib import redirect_stdout

import numpy as np

import data
import pure
import vectorized
from conformance.tolerances import compare
from app import usemodel
from app.cli import to_inputs as pure_inputs
from app.arrays import to_inputs as vectorized_inputs
from app.arrays import to_tensor as vectorized_tensor

TWINS = {"pure": (pure, pure_inputs, None), "vectorized": (vectorized, vectorized_inputs, vectorized_tensor)}


def small_model(nn):
    model = nn.Sequential([nn.Dense(784, 12, seed=0), nn.ReLU(), nn.Dense(12, 10, seed=1)])
    images, labels = data.load_mnist("train", limit=300)
    model.fit(images[:300] if nn is pure else vectorized_inputs(images), list(labels), loss=nn.CrossEntropy(),
              optimizer=nn.SGD(0.1), epochs=1, batch_size=30, seed=0, progress=False)
    model.trained_on = {"dataset": "mnist", "train_images": 300}
    return model


def run_command(twin, command, argv):
    nn, to_inputs, to_tensor = TWINS[twin]
    out = io.StringIO()
    with redirect_stdout(out):
        code = getattr(usemodel, command)(nn, argv, to_inputs, to_tensor)
    return code, out.getvalue()


def test_the_loss_and_training_record_cross_twins(tmp_path):
    for saver, loader in ((pure, vectorized), (vectorized, pure)):
        path = tmp_path / f"{saver.TWIN}.json"
        saver.save(small_model(saver), path)
        saved = json.loads(path.read_text())
        assert saved["loss"] == {"type": "CrossEntropy"} and saved["trained_on"]["train_images"] == 300
        model = loader.load(path)
        assert type(model.loss) is loader.CrossEntropy and model.trained_on == saved["trained_on"]
        images, labels = data.load_mnist("test", limit=50)
        x = [images[i] for i in range(50)]
        theirs, ours = saver.load(path).evaluate(x, list(labels)), model.evaluate(x, list(labels))
        assert ours["accuracy"] == theirs["accuracy"] and compare(ours["loss"], theirs["loss"]).ok


def test_evaluate_and_predict_print_the_same_in_both_twins(tmp_path):
    path = tmp_path / "m.json"
    pure.save(small_model(pure), path)
    evaluated = {twin: run_command(twin, "evaluate_command", [str(path), "--limit", "200", "--out",
                                                               str(tmp_path / twin)]) for twin in TWINS}
    assert evaluated["pure"][0] == evaluated["vectorized"][0] == 0
    assert evaluated["pure"][1].replace("/pure", "/T") == evaluated["vectorized"][1].replace("/vectorized", "/T")
    images, _ = data.load_mnist("test", limit=2)
    files = []
    import pictures
    for i in range(2):
        files.append(pictures.write_png(str(tmp_path / f"d{i}.png"), images.pixels(i), 28, 28))
    predicted = {twin: run_command(twin, "predict_command", [str(path), *files, "--top", "4"]) for twin in TWINS}
    assert predicted["pure"] == predicted["vectorized"]


def test_the_saliency_agrees_per_pixel(tmp_path):
    x = data.prepare_digit(data.load_mnist("test", limit=1)[0][0], 28, 28)
    path = tmp_path / "m.json"
    pure.save(small_model(pure), path)                     # the very same weights in both twins
    maps = {}
    for twin, (nn, _, to_tensor) in TWINS.items():
        maps[twin] = usemodel.saliency(nn, nn.load(path), (to_tensor or (lambda r: r))([x]), 7)
    assert len(maps["pure"]) == 784 and max(maps["pure"]) > 0
    assert compare(maps["pure"], np.array(maps["vectorized"])).ok
