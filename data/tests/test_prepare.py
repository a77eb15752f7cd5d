"""data.prepare: any picture of a digit made MNIST-like (grey, ink bright, cropped, 20 px, centred by mass)."""
import hashlib
import struct

import pytest

import data
from data import DataError, prepare
from data.prepare import prepare_digit, prepare_file


@pytest.fixture(scope="module")
def digits():
    images, labels = data.load_mnist("test", limit=200)
    return [images[i] for i in range(len(images))], list(labels)


def relative_difference(a, b):
    return sum(abs(x - y) for x, y in zip(a, b)) / sum(b)


def scaled_up(x, factor, width=28):
    height = len(x) // width
    return [x[(r // factor) * width + c // factor] for r in range(height * factor) for c in range(width * factor)]


def on_canvas(x, width, height, left, top, background=0.0):
    canvas = [background] * (width * height)
    for r in range(28):
        for c in range(28):
            canvas[(top + r) * width + left + c] = x[r * 28 + c]
    return canvas


def ink_box_and_mass(x):
    rows = [r for r in range(28) if any(x[r * 28:(r + 1) * 28])]
    cols = [c for c in range(28) if any(x[r * 28 + c] for r in range(28))]
    total = sum(x)
    cx = sum(v * (i % 28) for i, v in enumerate(x)) / total
    cy = sum(v * (i // 28) for i, v in enumerate(x)) / total
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1, cx, cy


def test_mnist_digits_come_back_almost_unchanged(digits):
    """MNIST digits are already prepared this way: doing it again changes them very little."""
    images, _ = digits
    worst = max(relative_difference(prepare_digit(x, 28, 28), x) for x in images)
    assert worst < 0.05            # measured 0.048 at worst over these 200, 0.0005 on average


def test_output_is_an_mnist_style_frame(digits):
    images, _ = digits
    for x in images[:50]:
        out = prepare_digit(scaled_up(x, 3), 84, 84)
        assert len(out) == 784 and min(out) >= 0.0 and max(out) == 1.0
        height, width, cx, cy = ink_box_and_mass(out)
        assert max(height, width) in (20, 21)      # 20 px box; a faint pixel below INK may lie just outside
        assert abs(cx - 14) <= 0.5 and abs(cy - 14) <= 0.5


def test_inverted_scaled_and_shifted_copies_prepare_alike(digits):
    images, _ = digits
    for x in images[:40]:
        reference = prepare_digit(x, 28, 28)
        inverted = prepare_digit([1.0 - v for v in x], 28, 28)
        assert max(abs(a - b) for a, b in zip(inverted, reference)) < 1e-12
        shifted = prepare_digit(on_canvas(x, 90, 60, 55, 3), 90, 60)
        assert shifted == reference                  # a whole-pixel shift changes nothing at all
        bigger = prepare_digit(scaled_up(x, 5), 140, 140)
        assert relative_difference(bigger, reference) < 0.1


def test_aspect_ratio_is_kept_and_area_averaging_is_smooth():
    width, height = 40, 100
    tall = [1.0 if 10 <= c < 30 and 10 <= r < 90 else 0.0 for r in range(height) for c in range(width)]
    out = prepare_digit(tall, width, height)
    box_h, box_w, cx, cy = ink_box_and_mass(out)
    assert (box_h, box_w) == (20, 5)               # 80 x 20 ink -> 20 x 5
    assert (cx, cy) == (13.0, 13.5) or abs(cx - 14) <= 0.5
    # a one-pixel checkerboard, 200 x 200, averages to an even 20 x 20 grey (picking every 10th pixel
    # instead would give all ink or no ink)
    board = [float((r + c) % 2 == 0) for r in range(200) for c in range(200)]
    grey = prepare_digit(board, 200, 200)
    inside = [v for v in grey if v > 0]
    assert len(inside) == 400 and max(inside) - min(inside) < 1e-9


def test_resize_area_by_hand():
    # 4 -> 3: new pixel 0 covers old [0, 4/3): all of 0 and a third of 1
    assert prepare.resize_area([3.0, 6.0, 9.0, 12.0], 4, 1, 3, 1) == pytest.approx([3.75, 7.5, 11.25])
    assert prepare.resize_area([1.0, 2.0, 3.0, 4.0], 2, 2, 1, 1) == pytest.approx([2.5])
    assert prepare.resize_area([1.0, 5.0], 2, 1, 4, 1) == [1.0, 1.0, 5.0, 5.0]


def test_the_same_picture_gives_the_same_bits(digits):
    images, _ = digits
    out = prepare_digit(scaled_up(images[0], 5), 140, 140)
    digest = hashlib.sha256(struct.pack(">784d", *out)).hexdigest()
    assert digest == hashlib.sha256(struct.pack(">784d", *prepare_digit(scaled_up(images[0], 5), 140, 140))).hexdigest()
    assert digest.startswith(GOLDEN_PREFIX), digest


GOLDEN_PREFIX = "a8c472a6fd05"      # CPython 3.9-3.14 and PyPy: IEEE doubles, fixed order


def test_prepare_file_reads_then_prepares(tmp_path, digits):
    import pictures

    images, _ = digits
    path = tmp_path / "seven.png"
    pictures.write_png(str(path), [255 - int(round(v * 255)) for v in images[0]], 28, 28)   # dark ink on white
    out = prepare_file(path)
    assert relative_difference(out, prepare_digit(images[0], 28, 28)) < 0.01


def test_bad_pictures_are_refused_clearly():
    with pytest.raises(DataError, match="no ink found"):
        prepare_digit([0.5] * 100, 10, 10, name="blank.png")
    with pytest.raises(DataError, match="divide 0..255 pixels by 255"):
        prepare_digit([0.0] * 99 + [255.0], 10, 10)
    with pytest.raises(DataError, match="nan.png: brightness"):
        prepare_digit([0.0] * 99 + [float("nan")], 10, 10, name="nan.png")
    with pytest.raises(DataError, match="99 values for a 10 x 10 image"):
        prepare_digit([0.0] * 99, 10, 10)
