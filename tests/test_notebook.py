"""Jupyter display, standard library only: the repr methods a notebook calls, called directly.

The twins return plain dicts and lists; pictures.notebook shows them (the twins never import pictures)."""
import json
import xml.etree.ElementTree as ElementTree

import data
import pictures
from pictures.notebook import show_confusion, show_history


def parses_as_svg(text):
    assert text.startswith("<svg")            # no XML declaration inside a notebook's HTML
    root = ElementTree.fromstring(text)
    return root.tag.endswith("svg")


def test_a_training_history_shows_as_loss_and_accuracy_curves(nn):
    X, y = data.moons(60, noise=0.1, seed=0)
    model = nn.Sequential([nn.Dense(2, 8, seed=0), nn.Tanh(), nn.Dense(8, 2, seed=1)])
    history = model.fit(X[:40], y[:40], loss=nn.CrossEntropy(), optimizer=nn.Adam(0.05), epochs=4, batch_size=8,
                        seed=0, validation_data=(X[40:], y[40:]), progress=False)
    assert type(history) is dict and json.loads(json.dumps(history)) == history
    svg = show_history(history)._repr_svg_()
    assert parses_as_svg(svg)
    for name in ("val_loss", "val_accuracy", "loss", "accuracy"):
        assert name in svg
    # a regression history (no accuracy) draws the loss alone
    model = nn.Sequential([nn.Dense(2, 1, seed=0)])
    history = model.fit(X, [[float(v)] for v in y], loss=nn.MSE(), optimizer=nn.SGD(0.1), epochs=2, seed=0,
                        progress=False)
    assert parses_as_svg(show_history(history)._repr_svg_()) and "accuracy" not in history


def test_a_confusion_matrix_shows_as_a_heat_map(nn):
    matrix = nn.confusion_matrix([0, 1, 1, 2], [[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0, 0, 1]])
    assert matrix == [[1, 0, 0], [1, 1, 0], [0, 0, 1]] and type(matrix) is list
    svg = show_confusion(matrix)._repr_svg_()
    assert parses_as_svg(svg)
    counts = [t.text for t in ElementTree.fromstring(svg).iter() if t.get("class") == "count"]
    assert sorted(counts) == sorted(["1", "0", "0", "1", "1", "0", "0", "0", "1"])


def test_picture_files_show_themselves(tmp_path):
    png_path = pictures.image_grid(str(tmp_path / "g.png"), [[0.5] * 784], rows=1, cols=1)
    assert png_path == str(tmp_path / "g.png")
    assert png_path._repr_png_().startswith(b"\x89PNG\r\n\x1a\n") and png_path._repr_svg_() is None
    svg_path = pictures.line_chart(str(tmp_path / "c.svg"), {"loss": [3, 2, 1]})
    assert parses_as_svg(svg_path._repr_svg_()) and svg_path._repr_png_() is None
