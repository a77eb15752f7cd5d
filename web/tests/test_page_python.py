"""web/browser.py, the Python the page calls, run here on CPython (no browser needed)."""
import inspect
import os
import re
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [ROOT, os.path.join(ROOT, "web")]

import browser  # noqa: E402
import data  # noqa: E402
import pure as nn  # noqa: E402


def test_stepping_a_whole_epoch_batch_by_batch_is_fit_for_one_epoch():
    """Step one batch is what fit does inside: 13 steps of 16 (the last of 8) = one epoch of fit, bit for bit."""
    stepped = browser.Playground("moons", (16, 16), "tanh", "momentum", 0.05, 16, seed=3)
    fitted = browser.Playground("moons", (16, 16), "tanh", "momentum", 0.05, 16, seed=3)
    traces = [stepped.step() for _ in range(13)]
    assert [t["batch_size"] for t in traces] == [16] * 12 + [8]
    fitted.model.fit(fitted.X, fitted.y, nn.CrossEntropy(), fitted.optimizer, epochs=1, batch_size=16, seed=3,
                     progress=False)
    assert stepped.model.get_weights() == fitted.model.get_weights()


def test_the_trace_of_one_example_is_its_own_forward_and_backward():
    pg = browser.Playground("spirals", (8,), "relu", "adam", 0.01, 4)
    trace = pg.step()
    x = trace["example"]["x"]
    fresh = browser.Playground("spirals", (8,), "relu", "adam", 0.01, 4)    # the weights before the step
    out = [x]
    for layer, entry in zip(fresh.model.layers, trace["forward"][1:]):
        out = layer.forward(out)
        assert entry["values"] == out[0] and entry["what"] == layer.label
    assert trace["forward"][0]["values"] == x
    label, n = trace["example"]["label"], trace["batch_size"]
    expected = [(p - (k == label)) / n for k, p in enumerate(trace["probabilities"])]
    assert trace["backward"][0]["values"] == pytest.approx(expected, abs=1e-17)
    assert trace["backward"][-1]["values"] is None            # the input's gradient is never needed
    assert [u["what"] for u in trace["updates"]] == ["layer 0: Dense(2, 8): W", "layer 0: Dense(2, 8): b",
                                                      "layer 2: Dense(8, 3): W", "layer 2: Dense(8, 3): b"]
    assert all(u["before"]["norm"] != u["after"]["norm"] for u in trace["updates"])


def test_the_code_shown_is_read_from_the_package_files():
    section = browser.source_of(nn.Dense.forward)
    lines, first = inspect.getsourcelines(nn.Dense.forward)
    assert section["file"] == "pure/layers.py" and section["line"] == first
    assert section["source"].startswith("def forward(self, x):") and "matmul" in section["source"]
    assert section["formula"] == inspect.getdoc(nn.Dense) and "y = x W + b" in section["formula"]
    relu = browser.layer_code(nn.ReLU())
    assert [s["title"] for s in relu] == ["ReLU._forward_row", "ReLU._backward_row"]
    assert browser.layer_code(nn.Flatten())[0]["title"] == "Flatten.forward"
    titles = [s["title"] for s in browser.Playground(optimizer="sgd").code()]
    assert "SGD._update" in titles and "CrossEntropy.backward" in titles and len(titles) == len(set(titles))


@pytest.fixture
def digits(tmp_path):
    model = nn.Sequential([nn.Dense(784, 12, seed=0), nn.Tanh(), nn.Dense(12, 10, seed=1)])
    path = str(tmp_path / "m.json")
    nn.save(model, path)
    return browser.Digits(path)


def test_saliency_is_the_gradient_of_the_winning_logit(digits):
    images, _ = data.load_mnist("test", limit=1)
    pixels = images[0]
    result = digits.predict(pixels)
    assert sum(result["probabilities"]) == pytest.approx(1.0)
    label = result["label"]
    assert result["probabilities"][label] == max(result["probabilities"])
    eps = 1e-6
    for i in (100, 300, 405, 600):                            # central finite differences, pixel by pixel
        up, down = list(pixels), list(pixels)
        up[i] += eps
        down[i] -= eps
        numeric = (digits.model.predict([up])[0][label] - digits.model.predict([down])[0][label]) / (2 * eps)
        assert result["saliency"][i] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_a_drawing_is_prepared_by_data_prepare(digits):
    width = height = 40
    grey = bytes(255 if 10 <= r < 30 and 18 <= c < 22 else 0 for r in range(height) for c in range(width))
    prepared = digits.prepare_bytes(grey, width, height)
    assert prepared == data.prepare_digit([b / 255.0 for b in grey], width, height)
    assert len(prepared) == 784 and max(prepared) == 1.0
    with pytest.raises(data.DataError, match="the drawing"):
        digits.prepare_bytes(bytes(width * height), width, height)        # nothing drawn


def test_a_cnn_gets_its_input_as_one_image(tmp_path):
    cnn = nn.Sequential([nn.Conv2D(1, 2, 5, seed=0), nn.ReLU(), nn.MaxPool2D(4), nn.Flatten(),
                         nn.Dense(72, 10, seed=1)])
    path = str(tmp_path / "cnn.json")
    nn.save(cnn, path)
    digits = browser.Digits(path)
    images, _ = data.load_mnist("test", limit=1)
    result = digits.predict(images[0])
    image = [[images[0][r * 28:(r + 1) * 28] for r in range(28)]]
    assert result["probabilities"] == nn.Softmax().forward(cnn.predict([image]))[0]
    assert len(result["saliency"]) == 784


@pytest.mark.parametrize("dataset", list(browser.TOY_SETS))
def test_every_toy_set_of_the_playground(dataset):
    pg = browser.Playground(dataset, (4,), "relu", "adam", 0.01, 32)
    points = pg.points()
    assert len(points["X"]) == len(points["y"]) >= 200 and points["classes"] == max(points["y"]) + 1
    pg.train(2)
    state = pg.state()
    assert state["epoch"] == 2 and len(state["losses"]) == 2 and 0 <= state["accuracy"] <= 1
    boundary = pg.boundary(10)
    assert len(boundary["labels"]) == 100 and all(0 <= k < pg.classes for k in boundary["labels"])
    with pytest.raises(ValueError, match="toy set"):
        browser.Playground("rings")


# ------------------------------------------------------------------ web/course.py, the course page's Python

import course  # noqa: E402


def test_the_course_lists_every_lesson_of_the_package_with_its_series_text():
    from lessons.__main__ import modules
    listed = course.lessons()
    assert [lesson["name"] for lesson in listed] == [m.NAME for _, m in modules()]
    by_name = {lesson["name"]: lesson for lesson in listed}
    a1 = by_name["a1-neuron"]
    assert a1["series"]["heading"].startswith("A. Victor Zhou") and a1["file"] == "lessons/a1_neuron.py"
    assert dict(a1["series"]["row"])["lesson"] == "`a1-neuron`" and "0.9990889488055994" in dict(a1["series"]["row"])[
        "figures it reports"]
    assert a1["source"] == inspect.getsource(sys.modules["lessons.a1_neuron"]) and not a1["mnist"]
    assert by_name["b3-mnist-mse"]["mnist"] and by_name["c1-logistic"]["series"]["row"] is None
    assert "Logistic regression" in by_name["c1-logistic"]["series"]["prose"][0]
    assert by_name["autograd"]["series"]["items"][0].startswith("`autograd`: a scalar `Value`")
    assert [lesson["name"] for lesson in listed if lesson["skip"]] == ["micropython-predict"]


def test_a_lesson_run_prints_what_the_command_prints_and_hands_over_each_picture(tmp_path):
    import subprocess
    out = str(tmp_path / "page")
    ran = course.capture("d4-two-layer", quick=True, out=out)
    command = subprocess.run([sys.executable, "-m", "lessons", "run", "d4-two-layer", "--quick", "--backend", "pure",
                              "--out", out], cwd=ROOT, capture_output=True, text=True)
    assert ran["status"] == command.returncode == 0
    clock = r"\(\d+\.\ds\)"
    assert re.sub(clock, "", ran["output"]) == re.sub(clock, "", command.stdout)
    assert ran["pictures"] == course.pictures_of("d4-two-layer", out) == [os.path.join(out, "d4-two-layer", "xor.png")]
    assert f"picture: {ran['pictures'][0]}" in ran["output"]
    assert course.capture("no-such-lesson", out=out)["status"] == 2


def test_the_exercises_are_the_graders_and_graded_as_the_command_grades_them(capsys):
    from conformance import grade
    exercises = course.exercises()
    assert [(e["path"], e["class"], e["like"]) for e in exercises] == [(e.path, e.name, e.like)
                                                                      for e in grade.exercises()]
    relu = exercises[0]
    assert relu["skeleton"] == grade.exercises()[0].source() and relu["command"].endswith(relu["path"])
    assert course.grade(relu["name"], relu["skeleton"]) == {"status": 1}
    printed = capsys.readouterr().out
    assert printed == grade.grade_source(relu["skeleton"], filename=relu["path"]).text + "\n"
    assert course.grade(relu["name"], "class MyReLU(:\n") == {"status": 2}
    assert capsys.readouterr().out.startswith("python -m conformance grade: error: ")
    with pytest.raises(ValueError, match="no exercise"):
        course.grade("my_nothing", "")
