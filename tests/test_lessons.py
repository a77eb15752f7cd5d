"""Every lesson's --quick mode runs and its checks hold (checks are bounds that can fail).

All lessons run on the vectorized twin; the pure twin runs the lessons that
are quick on it (the twins give the same numbers: conformance proves it,
and test_pure_and_vectorized_lessons_agree checks it on one lesson).
"""
import inspect

import pytest

from lessons.__main__ import modules

PURE_QUICK = {"a1-neuron", "autograd", "b1-backprop", "b2-quadrants", "b4-overflow", "b6-activations", "c1-logistic",
              "d1-linear-neuron",
              "d2-bias-and-rate", "d3-step-neuron", "d4-two-layer", "d5-backprop-xor", "d6-hyperparameters"}
TESTED_ELSEWHERE = {"a2-sentiment", "char-lstm", "a3-cnn"}     # tests/test_recurrent.py, tests/test_conv.py
LESSONS = [module for _, module in modules() if module.NAME not in TESTED_ELSEWHERE]
MNIST_LESSONS = [m for _, m in modules() if "data_dir" in inspect.signature(m.run).parameters]


@pytest.mark.parametrize("lesson", LESSONS, ids=[m.NAME for m in LESSONS])
def test_quick_lesson_checks_hold(nn, lesson, tmp_path):
    if nn.TWIN == "pure" and lesson.NAME not in PURE_QUICK:
        pytest.skip("slow on the pure twin; its vectorized run is the quick check")
    result = lesson.run(nn, quick=True, out=str(tmp_path))
    assert result.checks, "a lesson must check something"
    assert result.ok, str(result)
    if lesson in MNIST_LESSONS:          # says how many training images it used, and from which file
        assert any(line.startswith("train images: ") and " from " in line for line in result.lines), str(result)
    for path in result.pictures:
        if path.endswith(".svg"):
            assert svg_layout_problems(path) == [], path
        with open(path, "rb") as f:
            head = f.read(64)
        assert head.startswith(b"\x89PNG\r\n\x1a\n") or b"<svg" in head or head.startswith(b"<?xml")
        if path.endswith(".png"):              # every PNG carries a title: caption-coloured text in its top rows
            import pictures
            from pictures.png import CAPTION
            image = pictures.read_png(path)
            top = image.pixels[:image.width * 3 * 20]
            assert any(tuple(top[i:i + 3]) == CAPTION for i in range(0, len(top), 3)), f"{path} has no title"


@pytest.mark.parametrize("name", ["sentiment_rnn", "char_lstm"])
def test_the_pictures_of_the_lessons_tested_elsewhere_stand_alone(name, tmp_path):
    import importlib
    nn = pytest.importorskip("vectorized")
    result = importlib.import_module(f"lessons.{name}").run(nn, quick=True, out=str(tmp_path))
    assert result.pictures
    for path in result.pictures:
        if path.endswith(".svg"):
            assert svg_layout_problems(path) == [], path


SVG = "{http://www.w3.org/2000/svg}"
WORDS = ("title", "legend", "legend-note", "axis-label", "tick-label", "panel-title", "value", "category")


def svg_layout_problems(path):
    """What in a chart pictures/svg.py wrote would not stand alone: data drawn outside its plot box (the box
    the two `axis` lines of each plot bound), text reaching out of the canvas (its width estimated as pictures
    lays it out, bold 0.68 x the font size per character), or a title or legend cut short with an ellipsis."""
    import xml.etree.ElementTree as ET

    from pictures import svg
    root = ET.parse(path).getroot()
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    problems, boxes = [], []
    axes = [e for e in root.iter(SVG + "line") if e.get("class") == "axis"]
    for bottom in (e for e in axes if e.get("y1") == e.get("y2")):
        for side in (e for e in axes if e.get("x1") == e.get("x2") == bottom.get("x1")):
            if max(float(side.get("y1")), float(side.get("y2"))) == float(bottom.get("y1")):
                boxes.append((float(bottom.get("x1")), min(float(side.get("y1")), float(side.get("y2"))),
                              float(bottom.get("x2")), float(bottom.get("y1"))))

    def inside(points, slack):
        return any(all(b[0] - slack <= x <= b[2] + slack and b[1] - slack <= y <= b[3] + slack for x, y in points)
                   for b in boxes)

    for e in root.iter():
        css, tag = e.get("class", ""), e.tag.replace(SVG, "")
        if css == "series":
            points = [tuple(float(v) for v in pair.split(",")) for pair in e.get("points").split()]
        elif css == "point":
            points = [(float(e.get("cx")), float(e.get("cy")))]
        elif css == "bar":
            x, y, w, h = (float(e.get(k)) for k in ("x", "y", "width", "height"))
            points = [(x, y), (x + w, y + h)]
        else:
            points = None
        if points and not boxes:
            problems.append(f"{tag}.{css} drawn but no plot box (two axis lines) found")
        elif points and not inside(points, 4 if css == "point" else 1.5):
            problems.append(f"{tag}.{css} drawn outside the plot box")
        if tag == "text" and css in ("title", "legend", "legend-note", "category") and "\u2026" in (e.text or ""):
            problems.append(f"{css} cut short: {e.text!r}")
        if tag == "text" and css in WORDS:
            text, size = e.text or "", float(e.get("font-size"))
            w = svg.text_width(text, size, bold=e.get("font-weight") == "bold")
            x, y = float(e.get("x")), float(e.get("y"))
            if "rotate(-90" in (e.get("transform") or ""):
                span, vertical = (y - w / 2, y + w / 2), (x - size, x)
            elif e.get("transform"):
                continue                                  # bar labels turned 40 degrees: bar_chart makes room
            else:
                start = {"start": x, "middle": x - w / 2, "end": x - w}[e.get("text-anchor")]
                span, vertical = (start, start + w), (y - size, y + size * 0.3)
                if not (0 <= span[0] and span[1] <= width and 0 <= vertical[0] and vertical[1] <= height):
                    problems.append(f"text {text!r} ({css}) reaches out of the {width:.0f}x{height:.0f} canvas")
                continue
            if not (0 <= span[0] and span[1] <= height and 0 <= vertical[0] and vertical[1] <= width):
                problems.append(f"text {text!r} ({css}) reaches out of the {width:.0f}x{height:.0f} canvas")
    return problems


def test_pure_and_vectorized_lessons_agree():
    pytest.importorskip("numpy")
    import pure
    import vectorized
    from lessons import b2_quadrants, d3_step_neuron
    assert b2_quadrants.run(pure, quick=True).ours == b2_quadrants.run(vectorized, quick=True).ours
    assert d3_step_neuron.run(pure, quick=True).ours == d3_step_neuron.run(vectorized, quick=True).ours


def test_lesson_list_and_unknown_name(capsys):
    from lessons.__main__ import main
    assert main(["list"]) == 0
    listing = capsys.readouterr().out
    assert "a1-neuron" in listing and "d8-validation" in listing
    with pytest.raises(SystemExit, match="no lesson 'z9'"):
        main(["run", "z9"])



def test_every_mnist_lesson_takes_a_data_dir():
    names = {m.NAME for m in MNIST_LESSONS}
    assert {"a3-cnn", "b3-mnist-mse", "b4-overflow", "b5-student-teacher", "c1-logistic", "c2-shallow", "c3-deep",
            "d7-mnist-softmax", "d8-validation"} <= names


def write_fake_mnist(folder, n_train, n_test, seed=0):
    """A small MNIST-format set under the standard full-set names (random pixels and labels)."""
    import random

    import data
    rng = random.Random(seed)
    for stem, count in (("train", n_train), ("t10k", n_test)):
        pixels = bytes(rng.randrange(256) if rng.random() < 0.2 else 0 for _ in range(count * 784))
        data.write_idx(str(folder / f"{stem}-images-idx3-ubyte.gz"), (count, 28, 28), pixels)
        data.write_idx(str(folder / f"{stem}-labels-idx1-ubyte.gz"), (count,), bytes(rng.randrange(10)
                                                                                    for _ in range(count)))


@pytest.fixture
def small_full_set(tmp_path, monkeypatch):
    """A 600-image set in the full set's file names; the lessons are told a full set has 500+ images (as --quick
    loads 500 in d7 and d8), of which the series validates on the last 50."""
    from lessons import common
    write_fake_mnist(tmp_path, 600, 60)
    monkeypatch.setattr(common, "FULL_SET", 500)
    monkeypatch.setattr(common, "SERIES_VALIDATION", 50)
    return tmp_path


def test_b3_with_the_full_set_makes_one_pass_and_says_so(small_full_set):
    nn = pytest.importorskip("vectorized")          # the quicker twin; the command-line test below runs pure
    from lessons import b3_mnist_mse
    result = b3_mnist_mse.run(nn, quick=True, data_dir=str(small_full_set))
    assert result.numbers["passes"] == 1
    assert "1 pass(es) over 600 images" in result.ours
    source = [line for line in result.lines if line.startswith("train images:")]
    assert source and "600" in source[0] and str(small_full_set) in source[0] and "a full training set" in source[0]


def test_b3_with_the_shipped_digits_makes_several_passes():
    nn = pytest.importorskip("vectorized")          # the quicker twin; the command-line test below runs pure
    from lessons import b3_mnist_mse
    assert b3_mnist_mse.passes_for(10_000) == 6 and b3_mnist_mse.passes_for(60_000) == 1
    result = b3_mnist_mse.run(nn, quick=True)
    assert result.numbers["passes"] == 5
    assert any("the 10,000 shipped digits" in line for line in result.lines)


def test_d8_with_the_full_set_uses_the_series_split(small_full_set):
    nn = pytest.importorskip("vectorized")          # the quicker twin; the command-line test below runs pure
    from lessons import d8_validation
    result = d8_validation.run(nn, quick=True, data_dir=str(small_full_set))
    assert "split: the first 450 to train, the last 50 to validate" in result.lines


def test_d7_with_the_full_set_trains_on_the_series_part(small_full_set):
    nn = pytest.importorskip("vectorized")          # the quicker twin; the command-line test below runs pure
    from lessons import d7_mnist_softmax
    result = d7_mnist_softmax.run(nn, quick=True, data_dir=str(small_full_set))
    assert any(line.startswith("training on the first 450") for line in result.lines)


def test_command_line_data_dir(small_full_set, capsys):
    from lessons.__main__ import main
    main(["run", "b3-mnist-mse", "--quick", "--data-dir", str(small_full_set), "--out", str(small_full_set / "pics")])
    printed = capsys.readouterr().out
    assert "train images: 600 (the first ones in the file) from " + str(small_full_set) in printed
    with pytest.raises(SystemExit, match="uses no MNIST data"):
        main(["run", "a1-neuron", "--data-dir", str(small_full_set)])


def test_centring_is_identical_in_both_twins():
    pytest.importorskip("numpy")
    import pure
    import vectorized
    from lessons.common import mnist, pixel_means
    a = pixel_means(pure, mnist(pure, "train", limit=200)[0])
    b = pixel_means(vectorized, mnist(vectorized, "train", limit=200)[0])
    assert a == b and abs(sum(a) / len(a) - 0.13) < 0.03


@pytest.mark.parametrize("name", ["a1_neuron", "b1_backprop", "d5_backprop_xor"])
def test_the_hand_worked_step_equals_backward_and_finite_differences(nn, name):
    import importlib
    lesson = importlib.import_module(f"lessons.{name}")
    result = lesson.run(nn, quick=True)
    assert result.numbers["hand vs backward"] < 1e-12
    assert result.numbers["hand vs finite difference"] < 1e-6
    printed = str(result)
    assert "dL/dW by hand" in printed and "| backward" in printed and "| finite difference" in printed


def test_the_hand_step_is_zhous_worked_example():
    """Every weight 1, bias 0, Alice (x = [-2, -1], target 1): the chain rule written out once more here."""
    import math

    from lessons import handstep
    sig = lambda z: 1 / (1 + math.exp(-z))                       # noqa: E731
    h = sig(-3.0)
    y = sig(2 * h)
    expected = -2 * (1 - y) * y * (1 - y) * 1.0 * h * (1 - h) * -2.0    # dL/dy * dy/dh1 * dh1/dw1
    stack = [([[1.0, 1.0], [1.0, 1.0]], [0.0, 0.0], "sigmoid"), ([[1.0], [1.0]], [0.0], "sigmoid")]
    found = handstep.by_hand([-2.0, -1.0], [1.0], stack)
    assert abs(found["dL/dW"][0][0][0] - expected) < 1e-15
    assert round(expected, 4) == 0.0215 and abs(expected - 0.0214) < 1e-4      # the series rounds to 0.0214
    assert found["a"][1] == [h, h] and found["loss"] == (1 - y) ** 2


def test_value_gradients_match_finite_differences():
    from lessons.autograd import Value

    def f(a, b):
        return ((a * b + a.exp()).tanh() * a + b * b).tanh()

    a, b = Value(0.7), Value(-0.4)
    out = f(a, b)
    out.backward()
    eps = 1e-6
    numeric_a = (f(Value(0.7 + eps), Value(-0.4)).data - f(Value(0.7 - eps), Value(-0.4)).data) / (2 * eps)
    numeric_b = (f(Value(0.7), Value(-0.4 + eps)).data - f(Value(0.7), Value(-0.4 - eps)).data) / (2 * eps)
    assert abs(a.grad - numeric_a) < 1e-8 and abs(b.grad - numeric_b) < 1e-8
    x = Value(3.0)
    y = x * x + x                      # x used three times: the gradients add up
    y.backward()
    assert x.grad == 7.0


def test_value_graph_equals_dense_and_tanh_backward(nn):
    import random

    from lessons.autograd import compare_with_layers, network
    params = network(random.Random(5), (3, 4, 2))
    pairs = compare_with_layers(nn, params, [0.5, -1.0, 2.0], [0.3, -0.7])
    assert len(pairs) == 8
    for name, (ours, theirs) in pairs.items():
        assert len(ours) == len(theirs) > 0, name
        assert max(abs(p - q) for p, q in zip(ours, theirs)) < 1e-12, name


def test_blas_threads_are_set_and_read_back():
    pytest.importorskip("numpy")
    from lessons.common import blas_threads
    before, how = blas_threads()
    if before is None:
        pytest.skip(f"no way to set numpy's BLAS threads here: {how}")
    try:
        assert blas_threads(1)[0] == 1 and blas_threads()[0] == 1
    finally:
        blas_threads(before)
    assert blas_threads()[0] == before
