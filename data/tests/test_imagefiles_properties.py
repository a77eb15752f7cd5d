"""data.imagefiles by properties: decode(encode(x)) == x, the encoders written in the tests, not in data/.

PNG: every colour type and bit depth, interlaced or not, every row filter, with the independent encoder of
test_imagefiles.py. Netpbm: every kind (P1-P6), maxval on both sides of the one-byte/two-byte limit, with a
few-line encoder below. Hypothesis keeps the examples few and small (the decoder is pure Python).
"""
import struct

import pytest

from data.imagefiles import Picture, decode_image, paeth, to_grey, unpack_row
from data.tests.test_imagefiles import CHANNELS_OF, encode

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402

FEW = settings(max_examples=50, deadline=None)

PNG_KINDS = [(0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8),
             (4, 8), (4, 16), (6, 8), (6, 16)]


@st.composite
def png_pictures(draw):
    colour, depth = draw(st.sampled_from(PNG_KINDS))
    width, height = draw(st.integers(1, 11)), draw(st.integers(1, 11))
    top = (1 << depth) - 1
    count = width * height * CHANNELS_OF[colour]
    samples = draw(st.lists(st.integers(0, top), min_size=count, max_size=count))
    palette = None
    if colour == 3:
        entries = draw(st.integers(max(samples) + 1, 1 << depth))
        palette = draw(st.lists(st.tuples(*[st.integers(0, 255)] * 3), min_size=entries, max_size=entries))
    return colour, depth, width, height, samples, palette, draw(st.booleans())


@FEW
@given(png_pictures())
def test_png_decode_of_encode_is_the_identity(picture):
    colour, depth, width, height, samples, palette, interlace = picture
    got = decode_image(encode(samples, width, height, colour, depth, interlace, palette), "p.png")
    assert (got.width, got.height) == (width, height)
    if colour == 3:
        assert (got.mode, got.maxval) == ("RGB", 255)
        assert got.samples == [v for i in samples for v in palette[i]]
    else:
        assert (got.mode, got.maxval) == ({0: "L", 2: "RGB", 4: "LA", 6: "RGBA"}[colour], (1 << depth) - 1)
        assert got.samples == samples


@FEW
@given(st.sampled_from([(0, 8), (0, 16), (2, 8), (2, 16), (0, 1)]), st.integers(1, 6), st.integers(1, 6),
       st.data())
def test_png_colour_key_makes_exactly_the_keyed_pixels_transparent(kind, width, height, data):
    colour, depth = kind
    channels, top = CHANNELS_OF[colour], (1 << depth) - 1
    count = width * height * channels
    samples = data.draw(st.lists(st.integers(0, top), min_size=count, max_size=count))
    key = samples[:channels] if data.draw(st.booleans()) else data.draw(
        st.lists(st.integers(0, top), min_size=channels, max_size=channels))
    got = decode_image(encode(samples, width, height, colour, depth, trns=struct.pack(">%dH" % channels, *key)))
    assert got.mode == ("LA" if colour == 0 else "RGBA")
    want = []
    for p in range(0, count, channels):
        pixel = samples[p:p + channels]
        want += pixel + [0 if pixel == key else top]
    assert got.samples == want


@FEW
@given(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))
def test_paeth_picks_the_neighbour_nearest_the_estimate_ties_to_a_then_b(a, b, c):
    estimate = a + b - c
    distances = {"a": abs(estimate - a), "b": abs(estimate - b), "c": abs(estimate - c)}
    nearest = min(distances.values())
    first = next(name for name in "abc" if distances[name] == nearest)     # the PNG spec's tie order
    assert paeth(a, b, c) == {"a": a, "b": b, "c": c}[first]


@FEW
@given(st.sampled_from([1, 2, 4, 8, 16]), st.data())
def test_unpack_row_reads_big_endian_samples_most_significant_first(depth, data):
    count = data.draw(st.integers(1, 20))
    values = data.draw(st.lists(st.integers(0, (1 << depth) - 1), min_size=count, max_size=count))
    bits = "".join(format(v, "0%db" % depth) for v in values)
    bits += "0" * (-len(bits) % 8)
    row = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
    assert unpack_row(row, count, depth) == values


# ---------------------------------------------------------------------------
# Netpbm
# ---------------------------------------------------------------------------

def netpbm(kind, width, height, maxval, values):
    """The bytes of a Netpbm file, written by hand from the format's description."""
    head = b"%s\n%d %d\n" % (kind.encode(), width, height) + (b"" if kind in ("P1", "P4") else b"%d\n" % maxval)
    if kind in ("P2", "P3"):
        return head + b" ".join(b"%d" % v for v in values) + b"\n"
    if kind == "P1":
        return head + b"".join(b"%d" % v for v in values)              # digits without spaces are allowed
    if kind == "P4":
        body = b""
        for r in range(height):
            bits = "".join(str(v) for v in values[r * width:(r + 1) * width])
            bits += "0" * (-len(bits) % 8)                              # each row padded to whole bytes
            body += bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
        return head + body
    if maxval < 256:
        return head + bytes(values)
    return head + b"".join(struct.pack(">H", v) for v in values)


@FEW
@given(st.sampled_from(["P2", "P3", "P5", "P6"]), st.integers(1, 7), st.integers(1, 7),
       st.sampled_from([1, 15, 254, 255, 256, 257, 1000, 65535]), st.data())
def test_netpbm_grey_and_colour_decode_of_encode_is_the_identity(kind, width, height, maxval, data):
    channels = 3 if kind in ("P3", "P6") else 1
    count = width * height * channels
    values = data.draw(st.lists(st.integers(0, maxval), min_size=count, max_size=count))
    got = decode_image(netpbm(kind, width, height, maxval, values), "n.pnm")
    assert (got.width, got.height, got.maxval) == (width, height, maxval)
    assert got.mode == ("RGB" if channels == 3 else "L")
    assert got.samples == values


@FEW
@given(st.sampled_from(["P1", "P4"]), st.integers(1, 19), st.integers(1, 5), st.data())
def test_netpbm_bitmaps_decode_with_1_as_black(kind, width, height, data):
    bits = data.draw(st.lists(st.integers(0, 1), min_size=width * height, max_size=width * height))
    got = decode_image(netpbm(kind, width, height, 1, bits), "b.pbm")
    assert (got.width, got.height, got.maxval, got.mode) == (width, height, 1, "L")
    assert got.samples == [1 - b for b in bits]                        # PBM's 1 is black: brightness 0
    assert to_grey(got) == [float(1 - b) for b in bits]


def test_netpbm_maxval_255_is_one_byte_and_256_two():
    assert decode_image(b"P5 2 1 255\n" + bytes([1, 2])).samples == [1, 2]
    assert decode_image(b"P5 1 1 256\n" + bytes([1, 0])).samples == [256]
    assert decode_image(b"P6 1 1 256\n" + bytes([0, 1, 1, 0, 0, 255])).samples == [1, 256, 255]


def test_transparency_goes_on_white_below_half_grey_ink_and_on_black_from_half():
    # one opaque pixel and one fully transparent one: the opaque pixels' mean grey decides the sheet
    assert to_grey(Picture(2, 1, "LA", 4, [1, 4, 0, 0])) == [0.25, 1.0]        # ink 0.25: dark, sheet white
    assert to_grey(Picture(2, 1, "LA", 2, [1, 2, 0, 0])) == [0.5, 0.0]         # ink 0.5: not dark, sheet black
    assert to_grey(Picture(2, 1, "LA", 4, [3, 4, 0, 0])) == [0.75, 0.0]        # ink 0.75: sheet black
    # half transparent: grey * alpha + sheet * (1 - alpha) = 0 * 0.5 + 1 * 0.5
    assert to_grey(Picture(2, 1, "LA", 2, [0, 2, 0, 1])) == [0.0, 0.5]
