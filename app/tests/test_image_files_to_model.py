"""Your own picture of a digit, read and prepared, is classified like the MNIST digit it shows.

A small network is trained on shipped digits; then test digits are written as
PNG files in eight ways (as they are, 5x larger, inverted, as coloured RGB, as
RGBA on a transparent sheet, off centre on a large canvas, a 16-bit
interlaced copy, and a bilevel (black or white) copy 6x larger), read back with data.imagefiles and prepared with
data.prepare. Each way must be classified correctly at nearly the rate of the
original digits fed straight to the model. The rates are printed
(pytest -s); measured on the first 1,000 test digits, see the README.
"""
import random

import data
import pictures
from data.tests.test_imagefiles import encode as encode_png_for_tests
from data.tests.test_prepare import scaled_up

from app.tests.conftest import to_list

DIGITS = 100          # test digits per way (each way costs ~0.01-0.05 s per digit in pure Python)


def trained_model(nn):
    images, labels = data.load_mnist("train", limit=2000)
    model = nn.Sequential([nn.Dense(784, 32, seed=0), nn.ReLU(), nn.Dense(32, 10, seed=1)])
    model.fit(list(images), list(labels), loss=nn.CrossEntropy(), optimizer=nn.Adam(0.003), epochs=4,
              batch_size=32, seed=0, progress=False)
    return model


def png16_interlaced(path, levels, width, height):
    """A 16-bit grey, Adam7-interlaced PNG (a kind pictures.write_png does not write), by the tests' own encoder."""
    with open(path, "wb") as f:
        f.write(encode_png_for_tests(levels, width, height, colour=0, depth=16, interlace=True))


def write_ways(folder, index, pixels, rng):
    """The digit (28*28 ints 0..255) written as PNG files in several ways: {way: path}."""
    paths = {}

    def path(way):
        paths[way] = str(folder / ("%d-%s.png" % (index, way)))
        return paths[way]

    pictures.write_png(path("28x28"), pixels, 28, 28)
    pictures.write_png(path("5x larger"), scaled_up(pixels, 5), 140, 140)
    pictures.write_png(path("inverted"), [255 - v for v in pixels], 28, 28)
    # blue ink on cream paper
    paper, ink = (250, 240, 215), (20, 40, 160)
    rgb = [round(p + (i - p) * v / 255) for v in pixels for p, i in zip(paper, ink)]
    pictures.write_png(path("RGB"), rgb, 28, 28, "RGB")
    # black ink whose alpha is the stroke, on a transparent sheet (as a drawing program saves it)
    pictures.write_png(path("RGBA"), [c for v in pixels for c in (0, 0, 0, v)], 28, 28, "RGBA")
    # off centre on a large canvas, twice the size, dark on light
    width, height = 200, 150
    left, top = rng.randrange(0, width - 56), rng.randrange(0, height - 56)
    canvas = [255] * (width * height)
    for r in range(56):
        for c in range(56):
            canvas[(top + r) * width + left + c] = 255 - pixels[(r // 2) * 28 + c // 2]
    pictures.write_png(path("off centre, large canvas"), canvas, width, height)
    png16_interlaced(path("16-bit interlaced"), [v * 257 for v in pixels], 28, 28)
    # ink or paper only (as NIST's scans were, before MNIST's anti-aliasing), 6x larger: area averaging
    # has to bring the grey edges back
    bilevel = [255 if v >= 128 else 0 for v in scaled_up(pixels, 6)]
    pictures.write_png(path("bilevel, 6x larger"), bilevel, 168, 168)
    return paths


def test_prepared_image_files_are_classified_like_the_originals(nn, tmp_path):
    model = trained_model(nn)
    images, labels = data.load_mnist("test", limit=DIGITS)
    originals = [images[i] for i in range(DIGITS)]
    truth = list(labels)

    def rate(rows):
        scores = to_list(model.predict(rows))
        return sum(max(range(10), key=s.__getitem__) == t for s, t in zip(scores, truth)) / len(truth)

    rng = random.Random(0)
    prepared = {}
    for i in range(DIGITS):
        for way, path in write_ways(tmp_path, i, images.pixels(i), rng).items():
            prepared.setdefault(way, []).append(data.prepare_file(path))
    reference = rate(originals)
    rates = {way: rate(rows) for way, rows in prepared.items()}
    print("\n%s twin, %d test digits: originals %.1f%%; " % (nn.TWIN, DIGITS, 100 * reference)
          + ", ".join("%s %.1f%%" % (way, 100 * r) for way, r in rates.items()))
    assert reference > 0.8
    for way, r in rates.items():
        assert r >= reference - 0.05, (way, r, reference)
