"""pictures/: every SVG is a well-formed standalone document, every PNG decodes to what was drawn.

Standard library only (these run in the environment without numpy). The SVG
checks parse each file with xml.etree and count elements by their `class`;
the PNG checks walk the chunks by hand, check CRCs and decompress IDAT
themselves, so they do not depend on the decoder they are also testing.
"""
import ast
import binascii
import math
import os
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

import pytest

import pictures
from data.tests.test_imagefiles import predictor as png_predictor
from pictures import png, svg

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

NS = "{http://www.w3.org/2000/svg}"
NAN = float("nan")
INF = float("inf")


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def parse(path):
    root = ET.parse(str(path)).getroot()
    assert root.tag == NS + "svg"
    return root


def by_class(root, tag, css):
    return [e for e in root.iter(NS + tag) if css in e.get("class", "").split()]


def texts(root, css=None):
    return [e.text for e in root.iter(NS + "text") if css is None or css in e.get("class", "").split()]


def polyline_points(element):
    return [tuple(float(v) for v in pair.split(",")) for pair in element.get("points").split()]


def png_chunks(path):
    """(type, data) of every chunk, asserting each CRC, without using pictures.png."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, found = 8, []
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert crc == binascii.crc32(kind + body) & 0xFFFFFFFF, kind
        found.append((kind, body))
        at += 12 + length
    return found


def pixel(image, x, y):
    """The (r, g, b) or gray value at column x, row y of a decoded Png."""
    channels = {"L": 1, "RGB": 3}[image.mode]
    start = (y * image.width + x) * channels
    values = tuple(image.pixels[start:start + channels])
    return values[0] if channels == 1 else values


def no_temp_files(folder):
    return [name for name in os.listdir(str(folder)) if name.endswith(".tmp")] == []


# ---------------------------------------------------------------------------
# SVG: line_chart
# ---------------------------------------------------------------------------

def test_line_chart_is_a_standalone_svg_with_a_line_and_legend_entry_per_series(tmp_path):
    path = tmp_path / "loss.svg"
    out = pictures.line_chart(str(path), {"train": [2.3, 1.2, 0.8, 0.5], "valid": [2.4, 1.4, 1.0, 0.9]},
                              title="Loss", y_label="loss")
    assert out == str(path)
    root = parse(path)
    assert root.get("width") == "640" and root.get("height") == "400"
    assert root.get("viewBox") == "0 0 640 400"
    assert len(by_class(root, "polyline", "series")) == 2
    assert texts(root, "legend") == ["train", "valid"]
    assert "Loss" in texts(root, "title")
    assert {"epoch", "loss"} <= set(texts(root, "axis-label"))
    colours = {e.get("stroke") for e in by_class(root, "polyline", "series")}
    assert len(colours) == 2
    assert no_temp_files(tmp_path)


def test_line_chart_size_is_what_was_asked(tmp_path):
    root = parse(pictures.line_chart(str(tmp_path / "a.svg"), {"a": [1, 2]}, width=300, height=200))
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("300", "200", "0 0 300 200")


def test_nan_and_inf_break_the_line_and_are_counted_in_the_legend(tmp_path):
    root = parse(pictures.line_chart(str(tmp_path / "a.svg"), {"lr 1": [2.0, 1.5, NAN, 1.0, 0.8, INF, 0.5]}))
    lines = by_class(root, "polyline", "series")
    assert [len(polyline_points(line)) for line in lines] == [2, 2]
    assert len(by_class(root, "circle", "point")) == 1        # the 0.5 standing alone after the inf
    assert texts(root, "legend-note") == ["2 not drawn (NaN/inf)"]
    raw = (tmp_path / "a.svg").read_text(encoding="utf-8").lower()
    assert "nan" not in raw.replace("(nan/inf)", "")                    # no NaN coordinates anywhere


def test_isolated_values_and_a_single_point_are_dots(tmp_path):
    root = parse(pictures.line_chart(str(tmp_path / "a.svg"), {"a": [1.0, None, 2.0, NAN, 3.0], "b": [(4, 5)]}))
    assert by_class(root, "polyline", "series") == []
    assert len(by_class(root, "circle", "point")) == 4


def test_constant_series_is_a_flat_line_inside_the_plot(tmp_path):
    root = parse(pictures.line_chart(str(tmp_path / "a.svg"), {"flat": [0.5] * 10}))
    (line,) = by_class(root, "polyline", "series")
    ys = {y for _, y in polyline_points(line)}
    assert len(ys) == 1 and 0 < ys.pop() < 400
    assert "0.5" in " ".join(texts(root, "tick-label"))


def test_all_nan_series_still_draws_axes_and_says_so(tmp_path):
    root = parse(pictures.line_chart(str(tmp_path / "a.svg"), {"gone": [NAN, NAN]}))
    assert by_class(root, "polyline", "series") == []
    assert "no data to draw" in texts(root, "note")


def test_xy_pairs_put_points_where_their_x_says(tmp_path):
    root = parse(pictures.line_chart(str(tmp_path / "a.svg"), {"a": [(0, 0), (10, 1), (100, 2)]}))
    (line,) = by_class(root, "polyline", "series")
    xs = [x for x, _ in polyline_points(line)]
    assert xs[0] < xs[1] < xs[2]
    assert (xs[1] - xs[0]) * 5 < xs[2] - xs[1]           # 10 is near 0 on an axis that runs to 100
    assert "100" in texts(root, "tick-label")


def test_log_y_leaves_out_values_that_have_no_logarithm(tmp_path):
    root = parse(pictures.line_chart(str(tmp_path / "a.svg"), {"loss": [10, 1, 0.1, 0, 0.01, 0.001]}, log_y=True))
    assert [len(polyline_points(e)) for e in by_class(root, "polyline", "series")] == [3, 2]
    assert {"0.001", "0.01", "0.1", "1", "10"} <= set(texts(root, "tick-label"))
    assert texts(root, "legend-note") == ["1 not drawn (NaN/inf/<=0)"]


def test_text_is_escaped(tmp_path):
    path = tmp_path / "a.svg"
    pictures.line_chart(str(path), {"a < b & c": [1, 2]}, title='5 > 3 & "quotes"', y_label="<loss>")
    raw = path.read_text(encoding="utf-8")
    assert "&amp;" in raw and "&lt;" in raw and "a < b" not in raw
    root = parse(path)
    assert texts(root, "legend") == ["a < b & c"]
    assert texts(root, "title") == ['5 > 3 & "quotes"']
    assert svg.escape("x\x00y\ud800") == "x?y?"


def test_eleventh_series_gets_a_dash_pattern(tmp_path):
    root = parse(pictures.line_chart(str(tmp_path / "a.svg"), {str(i): [i, i + 1] for i in range(12)}))
    lines = by_class(root, "polyline", "series")
    assert len(lines) == 12
    assert [e.get("stroke-dasharray") is not None for e in lines] == [False] * 10 + [True] * 2


def test_overwriting_replaces_the_file(tmp_path):
    path = str(tmp_path / "a.svg")
    pictures.line_chart(path, {"first": [1, 2]})
    pictures.line_chart(path, {"second": [1, 2]})
    assert texts(parse(path), "legend") == ["second"]
    assert no_temp_files(tmp_path)


def test_files_get_ordinary_permissions(tmp_path):
    path = pictures.write_png(str(tmp_path / "p.png"), [0], 1, 1)
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~mask


def test_series_must_be_a_dict(tmp_path):
    with pytest.raises(TypeError):
        pictures.line_chart(str(tmp_path / "a.svg"), [1, 2, 3])


# ---------------------------------------------------------------------------
# SVG: ticks
# ---------------------------------------------------------------------------

def test_nice_ticks_are_round_and_cover_the_data():
    assert svg.nice_ticks(0.03, 2.31) == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    assert svg.nice_ticks(0, 1) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert svg.nice_ticks(5, 5)[0] <= 5 <= svg.nice_ticks(5, 5)[-1]
    assert svg.format_ticks([0.0, 0.5, 1.0]) == ["0.0", "0.5", "1.0"]
    assert svg.format_ticks([-1.0, 0.0, 1.0]) == ["-1", "0", "1"]
    assert svg.format_number(1e-5) == "1e-5"
    assert svg.log_ticks(0.05, 2.3) == [0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0]


def test_epochs_get_whole_number_ticks():
    axis = svg.x_axis([1, 2, 3])
    assert axis.labels == ["1", "2", "3"]
    assert all(float(t).is_integer() for t in svg.x_axis(list(range(1, 101))).ticks)


# ---------------------------------------------------------------------------
# SVG: small_multiples, confusion_matrix, bar_chart
# ---------------------------------------------------------------------------

def _sweep():
    return [("lr %g" % lr, {"train": [2.0 * math.exp(-k * lr) for k in range(10)],
                            "valid": [2.2 * math.exp(-k * lr) for k in range(10)]}) for lr in (1, 0.3, 0.1, 0.03, 0.01)]


def test_small_multiples_draws_every_panel_with_one_shared_legend(tmp_path):
    root = parse(pictures.small_multiples(str(tmp_path / "s.svg"), _sweep(), columns=3, title="sweep"))
    assert root.get("width") == "900"
    assert int(root.get("height")) > 2 * 220
    assert texts(root, "panel-title") == ["lr 1", "lr 0.3", "lr 0.1", "lr 0.03", "lr 0.01"]
    assert len(by_class(root, "polyline", "series")) == 10
    assert texts(root, "legend") == ["train", "valid"]
    strokes = [e.get("stroke") for e in by_class(root, "polyline", "series")]
    assert strokes[0::2] == [strokes[0]] * 5 and strokes[1::2] == [strokes[1]] * 5   # a label keeps its colour


def _y_labels_per_panel(root):
    """The y tick labels, grouped per panel (each panel's run ends when x labels begin)."""
    labels = [e for e in root.iter(NS + "text") if e.get("class") == "tick-label"]
    groups, current = [], []
    for e in labels:
        if e.get("text-anchor") == "end":
            current.append(e.text)
        elif current:
            groups.append(current)
            current = []
    return groups


def test_small_multiples_shared_or_independent_y(tmp_path):
    shared = parse(pictures.small_multiples(str(tmp_path / "a.svg"), _sweep(), shared_y=True))
    groups = _y_labels_per_panel(shared)
    assert len(groups) == 5 and all(g == groups[0] for g in groups)
    independent = parse(pictures.small_multiples(str(tmp_path / "b.svg"), _sweep(), shared_y=False))
    groups = _y_labels_per_panel(independent)
    assert len(groups) == 5 and groups[0] != groups[-1]


def test_confusion_matrix_has_a_cell_and_a_count_per_entry(tmp_path):
    matrix = [[50, 2, 3], [4, 40, 6], [0, 1, 44]]
    root = parse(pictures.confusion_matrix(str(tmp_path / "c.svg"), matrix, class_names=["cat", "dog", "<bird>"],
                                           title="pets"))
    assert len(by_class(root, "rect", "cell")) == 9
    assert texts(root, "count") == [str(v) for row in matrix for v in row]
    assert texts(root, "class-name").count("<bird>") == 2          # row and column
    assert {"true class", "predicted class"} <= set(texts(root, "axis-label"))
    assert texts(root, "subtitle") == ["accuracy 89.3% (134 of 150)"]
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == "0 0 %d %d" % (width, height)
    fills = {e.get("fill") for e in by_class(root, "rect", "cell")}
    assert len(fills) > 3


def test_confusion_matrix_rejects_a_matrix_that_is_not_square(tmp_path):
    with pytest.raises(ValueError):
        pictures.confusion_matrix(str(tmp_path / "c.svg"), [[1, 2], [3]])
    with pytest.raises(ValueError):
        pictures.confusion_matrix(str(tmp_path / "c.svg"), [[1, 2], [3, 4]], class_names=["a"])


def test_bar_chart_draws_a_bar_per_finite_value_and_names_the_others(tmp_path):
    values = {"0.001": 0.82, "0.01": 0.83, "0.1": 0.69, "1": NAN}
    root = parse(pictures.bar_chart(str(tmp_path / "b.svg"), values, title="accuracy per lr", y_label="accuracy"))
    bars = by_class(root, "rect", "bar")
    assert len(bars) == 3
    assert texts(root, "category") == list(values)
    assert texts(root, "value") == ["0.82", "0.83", "0.69", "NaN"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] > heights[0] > heights[2] > 0


def test_bar_chart_negative_values_hang_below_zero(tmp_path):
    root = parse(pictures.bar_chart(str(tmp_path / "b.svg"), {"a": 2, "b": -1}))
    up, down = by_class(root, "rect", "bar")
    (zero,) = by_class(root, "line", "zero")
    assert float(up.get("y")) + float(up.get("height")) == pytest.approx(float(zero.get("y1")))
    assert float(down.get("y")) == pytest.approx(float(zero.get("y1")))


# ---------------------------------------------------------------------------
# PNG: the codec
# ---------------------------------------------------------------------------

def test_write_png_gray_has_valid_chunks_and_the_right_pixels(tmp_path):
    path = str(tmp_path / "g.png")
    pixels = [0, 64, 128, 255, 10, 20]
    assert pictures.write_png(path, pixels, 3, 2, "L") == path
    chunks = png_chunks(path)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    assert struct.unpack(">IIBBBBB", chunks[0][1]) == (3, 2, 8, 0, 0, 0, 0)
    raw = zlib.decompress(chunks[1][1])
    assert raw == b"\x00" + bytes([0, 64, 128]) + b"\x00" + bytes([255, 10, 20])
    assert pictures.read_png_size(path) == (3, 2)
    image = pictures.read_png(path)
    assert (image.width, image.height, image.mode, list(image.pixels)) == (3, 2, "L", pixels)


def test_write_png_rgb_round_trips(tmp_path):
    path = str(tmp_path / "c.png")
    pixels = [255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3]
    pictures.write_png(path, pixels, 2, 2, mode="RGB")
    assert struct.unpack(">IIBBBBB", png_chunks(path)[0][1])[3] == 2           # colour type RGB
    image = pictures.read_png(path)
    assert image.mode == "RGB" and list(image.pixels) == pixels
    assert pixel(image, 1, 0) == (0, 255, 0) and pixel(image, 1, 1) == (1, 2, 3)


def test_write_png_accepts_bytes_and_rejects_bad_input(tmp_path):
    path = str(tmp_path / "p.png")
    pictures.write_png(path, bytes(range(16)), 4, 4)
    assert list(pictures.read_png(path).pixels) == list(range(16))
    with pytest.raises(ValueError):
        pictures.write_png(path, [0] * 5, 2, 2)
    with pytest.raises(ValueError):
        pictures.write_png(path, [0, 1, 2, 256], 2, 2)
    with pytest.raises(ValueError):
        pictures.write_png(path, [0] * 4, 2, 2, mode="RGBA")          # 4 values, 16 needed
    with pytest.raises(ValueError):
        pictures.write_png(path, [0] * 4, 2, 2, mode="CMYK")
    assert no_temp_files(tmp_path)


def test_read_png_notices_a_corrupted_chunk(tmp_path):
    path = str(tmp_path / "p.png")
    pictures.write_png(path, [7] * 9, 3, 3)
    with open(path, "rb") as f:
        data = bytearray(f.read())
    data[-20] ^= 0xFF                         # a byte inside IDAT
    with open(path, "wb") as f:
        f.write(bytes(data))
    with pytest.raises(ValueError):
        pictures.read_png(path)


def test_read_png_undoes_every_filter_type(tmp_path):
    """Rows filtered with sub, up, average and Paeth (as other encoders write them) decode exactly."""
    width, bpp = 4, 1
    rows = [[10, 20, 30, 40], [15, 25, 35, 45], [200, 100, 50, 25], [1, 255, 0, 128], [9, 8, 7, 6]]
    raw, previous = b"", [0] * width
    for kind, row in enumerate(rows):
        filtered = []
        for i, v in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            filtered.append((v - png_predictor(kind, a, b, c)) & 0xFF)
        raw += bytes([kind] + filtered)
        previous = row
    header = struct.pack(">IIBBBBB", width, len(rows), 8, 0, 0, 0, 0)
    path = str(tmp_path / "f.png")
    with open(path, "wb") as f:
        f.write(png.SIGNATURE + png._chunk(b"IHDR", header) + png._chunk(b"IDAT", zlib.compress(raw))
                + png._chunk(b"IEND", b""))
    assert list(pictures.read_png(path).pixels) == [v for row in rows for v in row]


# ---------------------------------------------------------------------------
# PNG: the pictures
# ---------------------------------------------------------------------------

def test_image_grid_size_and_pixels(tmp_path):
    white, black = [1.0] * 784, [0] * 784
    path = pictures.image_grid(str(tmp_path / "g.png"), [white, black, white], rows=2, cols=3, scale=2)
    pad = 4                                    # border 2 + 2
    cell = 28 * 2 + 2 * pad
    assert pictures.read_png_size(path) == (3 * cell, 2 * cell)
    image = pictures.read_png(path)
    assert pixel(image, pad + 5, pad + 5) == (255, 255, 255)            # the white digit
    assert pixel(image, cell + pad + 5, pad + 5) == (0, 0, 0)            # the black one
    assert pixel(image, cell * 2 + pad + 27, cell + pad + 27) == (255, 255, 255)   # empty sixth cell: paper
    png_chunks(path)


def test_image_grid_marks_wrong_predictions_in_red(tmp_path):
    digit = [0.0] * 784
    labels = [(7, 7), (3, 5)]
    path = pictures.image_grid(str(tmp_path / "g.png"), [digit, digit], rows=1, cols=2, labels=labels, scale=2)
    image = pictures.read_png(path)
    pad, tile = 4, 56
    cell_w = tile + 2 * pad
    assert pixel(image, cell_w + pad - 1, pad + 10) == png.WRONG         # frame of the wrong one
    assert pixel(image, pad - 1, pad + 10) != png.WRONG                  # the right one is not framed red
    caption_rows = range(pad + tile, image.height)
    red_in_caption = [x for y in caption_rows for x in range(image.width) if pixel(image, x, y) == png.WRONG]
    assert red_in_caption and min(red_in_caption) >= cell_w               # red text only under the wrong one
    assert image.height == tile + 2 * pad + (5 + 2) * 2 + 2


def test_image_grid_rejects_too_many_images_and_wrong_sizes(tmp_path):
    with pytest.raises(ValueError):
        pictures.image_grid(str(tmp_path / "g.png"), [[0] * 784] * 5, rows=2, cols=2)
    with pytest.raises(ValueError):
        pictures.image_grid(str(tmp_path / "g.png"), [[0] * 783], rows=1, cols=1)


def test_image_grid_other_image_sizes(tmp_path):
    path = pictures.image_grid(str(tmp_path / "g.png"), [[0.5] * 12], rows=1, cols=1, scale=1,
                               image_width=4, image_height=3)
    pad = 4
    assert pictures.read_png_size(path) == (4 + 2 * pad, 3 + 2 * pad)
    assert pixel(pictures.read_png(path), pad, pad) == (128, 128, 128)


def test_weight_tiles_are_red_for_positive_blue_for_negative_white_for_zero(tmp_path):
    w = [0.0] * 784
    w[0], w[1] = 2.0, -1.0
    path = pictures.weight_tiles(str(tmp_path / "w.png"), [w, [0.5] * 784, [-3.0] * 784], cols=2, scale=1)
    gap = 2
    assert pictures.read_png_size(path) == (2 * (28 + gap) + gap, 2 * (28 + gap) + gap)
    image = pictures.read_png(path)
    red, blue, white = pixel(image, gap, gap), pixel(image, gap + 1, gap), pixel(image, gap + 2, gap)
    assert red[0] > 150 and red[2] < 80
    assert blue[2] > 190 and blue[0] < 150 and blue != (255, 255, 255)   # -1 is half as strong as +2
    assert white == (255, 255, 255)
    assert pixel(image, 28 + 2 * gap, gap) == pixel(image, gap, gap)     # 0.5 everywhere: fully saturated red
    assert pixel(image, gap, 28 + 2 * gap)[2] > 150                     # -3 everywhere: blue


def test_feature_maps_stretch_each_map_to_its_own_range(tmp_path):
    a = [[0.0, 1.0], [2.0, 3.0]]
    b = [[-5.0, 5.0], [0.0, 0.0]]
    path = pictures.feature_maps(str(tmp_path / "f.png"), [a, b], cols=2, scale=1)
    gap = 3
    image = pictures.read_png(path)
    assert (image.width, image.height) == (2 * (2 + gap) + gap, 2 + 2 * gap)
    assert pixel(image, gap, gap) == (0, 0, 0) and pixel(image, gap + 1, gap + 1) == (255, 255, 255)
    x = gap + 2 + gap
    assert pixel(image, x, gap) == (0, 0, 0) and pixel(image, x + 1, gap) == (255, 255, 255)
    assert pixel(image, x, gap + 1) == (128, 128, 128)


def test_decision_boundary_calls_predict_once_and_colours_by_class(tmp_path):
    calls = []

    def predict(rows):
        calls.append(len(rows))
        return [1 if x > 0 else 0 for x, _ in rows]

    points, labels = [[-1.0, 0.0], [1.0, 0.0]], [0, 1]
    path = pictures.decision_boundary(str(tmp_path / "d.png"), predict, points, labels,
                                      bounds=(-2, 2, -2, 2), resolution=20, scale=2)
    assert calls == [400]
    image = pictures.read_png(path)
    assert (image.width, image.height) == (40, 40)
    from pictures.palette import category, dark, light
    assert pixel(image, 2, 2) == light(category(0)) and pixel(image, 37, 2) == light(category(1))
    assert pixel(image, 10, 20) == dark(category(0)) and pixel(image, 30, 20) == dark(category(1))


def test_decision_boundary_accepts_scores_and_rejects_too_many_classes(tmp_path):
    path = pictures.decision_boundary(str(tmp_path / "d.png"), lambda rows: [[0.1, 0.9] for _ in rows],
                                      [[0, 0], [1, 1]], [0, 1], resolution=40, scale=1)
    from pictures.palette import category, light
    assert pixel(pictures.read_png(path), 2, 2) == light(category(1))       # the larger score wins
    with pytest.raises(ValueError):
        pictures.decision_boundary(str(tmp_path / "d.png"), lambda rows: [0] * len(rows), [[0, 0]], [10],
                                   resolution=5)


# ---------------------------------------------------------------------------
# text
# ---------------------------------------------------------------------------

def test_digit_to_text_draws_ink_with_dense_characters():
    image = [0.0] * 784
    for r in range(5, 23):
        image[r * 28 + 14] = 1.0                   # a vertical stroke: a "1"
    lines = pictures.digit_to_text(image).split("\n")
    assert len(lines) == 28
    assert lines[0] == "" and lines[10] == " " * 28 + "@@"
    assert pictures.digit_to_text([255] * 4, width=2, height=2) == "@@@@\n@@@@"


def test_sparkline():
    assert pictures.sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert pictures.sparkline([1, NAN, 3]) == "▁ █"
    assert pictures.sparkline([2, 2, 2]) == "▄▄▄"
    assert pictures.sparkline([]) == ""
    assert len(pictures.sparkline(list(range(1000)), width=40)) == 40


def test_pictures_imports_only_the_standard_library():
    if not hasattr(sys, "stdlib_module_names"):
        pytest.skip("sys.stdlib_module_names needs Python 3.10+")
    folder = os.path.join(ROOT, "pictures")
    offenders = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            tree = ast.parse(open(os.path.join(folder, name), encoding="utf-8").read())
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    roots = [a.name.split(".")[0] for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    roots = [node.module.split(".")[0]]
                else:
                    continue
                # data/ (the shared image decoder) is itself standard library only (tests/test_stdlib_only.py)
                offenders += ["%s:%d imports %s" % (name, node.lineno, r) for r in roots
                              if r not in sys.stdlib_module_names and r != "data"]
    assert offenders == []


# ---------------------------------------------------------------------------
# PNG: titles, legends and captions a learner can read without us
# ---------------------------------------------------------------------------

def dark_rows(image, threshold=100):
    """Rows holding at least one dark (text-like) pixel."""
    return {y for y in range(image.height) for x in range(image.width) if max(pixel(image, x, y)) < threshold}


def test_a_title_and_a_legend_are_added_only_when_asked(tmp_path):
    digit = [0.0] * 784
    plain = pictures.read_png(pictures.image_grid(str(tmp_path / "a.png"), [digit], 1, 1, labels=[(3, 5)]))
    titled = pictures.read_png(pictures.image_grid(str(tmp_path / "b.png"), [digit], 1, 1, labels=[(3, 5)],
                                                   title="First digits"))
    assert titled.height > plain.height + 30 and titled.width >= 360
    assert min(dark_rows(titled)) < 20                      # the title's text sits at the top, above the digit
    legend_rows = range(titled.height - 40, titled.height)
    assert any(pixel(titled, x, y) == png.WRONG for y in legend_rows for x in range(40))   # the red swatch


def test_wrong_caption_reads_predicted_and_true_with_an_equals_sign():
    assert png._caption((6, 5)) == ("6 T=5", True)
    assert png._caption((7, 7)) == ("7", False)


def test_weight_tiles_legend_has_the_diverging_colour_scale(tmp_path):
    path = pictures.weight_tiles(str(tmp_path / "w.png"), [[1.0] * 784, [-1.0] * 784], cols=2, title="Weights")
    image = pictures.read_png(path)
    colours = {pixel(image, x, y) for y in range(image.height) for x in range(image.width)}
    from pictures.palette import NEGATIVE, POSITIVE
    assert NEGATIVE in colours and POSITIVE in colours and (255, 255, 255) in colours


def test_feature_maps_captions_label_each_map(tmp_path):
    maps = [[[0.0, 1.0], [1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]]
    plain = pictures.read_png(pictures.feature_maps(str(tmp_path / "a.png"), maps, cols=2, scale=8))
    labelled = pictures.read_png(pictures.feature_maps(str(tmp_path / "b.png"), maps, cols=2, scale=8,
                                                       captions=["INPUT", "F1"]))
    assert labelled.height > plain.height
    with pytest.raises(ValueError, match="2 maps"):
        pictures.feature_maps(str(tmp_path / "c.png"), maps, captions=["INPUT"])


def test_decision_boundary_legend_names_the_classes(tmp_path):
    path = pictures.decision_boundary(str(tmp_path / "d.png"), lambda rows: [0 if r[0] < 0 else 1 for r in rows],
                                      [[-1, 0], [1, 0]], [0, 1], bounds=(-2, 2, -2, 2), resolution=20,
                                      title="Two classes", class_names=["LEFT", "RIGHT"])
    image = pictures.read_png(path)
    from pictures.palette import category, dark, light
    colours = {pixel(image, x, y) for y in range(image.height) for x in range(40)}
    assert light(category(0)) in colours and dark(category(1)) in colours     # swatches in the legend column


def test_wrap_splits_long_text_into_lines_that_fit():
    lines = png._wrap("a fairly long sentence that will not fit in a narrow picture at all", 100, 2)
    assert len(lines) > 2 and all(pictures.font.text_width(line, 2) <= 100 for line in lines)
    assert " ".join(lines) == "a fairly long sentence that will not fit in a narrow picture at all"


def test_the_font_draws_the_symbols_captions_use():
    from pictures import font
    for ch in "|;=()%":
        assert font.glyph(ch) != font.glyph("?"), ch


def test_weight_tiles_captions_label_each_tile(tmp_path):
    weights = [[1.0] * 784, [-1.0] * 784]
    plain = pictures.read_png(pictures.weight_tiles(str(tmp_path / "a.png"), weights, cols=2))
    labelled = pictures.read_png(pictures.weight_tiles(str(tmp_path / "b.png"), weights, cols=2,
                                                       captions=["DIGIT 0", "DIGIT 1"]))
    assert labelled.height > plain.height
    under_tiles = [pixel(labelled, x, y) for y in range(plain.height - 2, labelled.height)
                   for x in range(labelled.width)]
    assert png.CAPTION in under_tiles                           # caption text under the tiles
    with pytest.raises(ValueError, match="2 weight vectors"):
        pictures.weight_tiles(str(tmp_path / "c.png"), weights, captions=["DIGIT 0"])


def test_log_axis_reaches_the_largest_value_over_many_decades(tmp_path):
    """Over 300 decades the ticks stride (one per 40 decades); the top tick must still be at or above the data."""
    for lo, hi in ((1e-10, 1.8e307), (0.5, 3e123), (1e-300, 1e-3)):
        ticks = svg.log_ticks(lo, hi)
        assert ticks[0] <= lo and ticks[-1] >= hi, (lo, hi, ticks)
    root = parse(pictures.line_chart(str(tmp_path / "l.svg"), {"explodes": [1.0, 1e100, 1.8e307]}, log_y=True))
    axes = by_class(root, "line", "axis")
    top = min(float(a.get(k)) for a in axes for k in ("y1", "y2"))
    assert min(y for _, y in polyline_points(by_class(root, "polyline", "series")[0])) >= top - 0.01


def test_dots_draw_points_without_a_line_and_long_labels_move_the_legend_below(tmp_path):
    series = {"data points": [(0, 1), (1, 0), (2, 1)], "a fitted curve with a rather long name, too long for the side":
              [(0, 0.5), (2, 0.6)]}
    root = parse(pictures.line_chart(str(tmp_path / "d.svg"), series, dots=["data points"]))
    assert len(by_class(root, "circle", "point")) == 3 and len(by_class(root, "polyline", "series")) == 1
    assert texts(root, "legend") == list(series)                   # whole, not shortened
    height = float(root.get("height"))
    assert height > 400 and all(float(e.get("y")) < height for e in by_class(root, "text", "legend"))
    assert [float(e.get("x")) for e in by_class(root, "text", "legend")] == [40.0, 40.0]    # under the chart, left
