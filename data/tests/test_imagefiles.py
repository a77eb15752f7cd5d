"""data.imagefiles: PNG (every colour type, bit depth, filter, interlacing), Netpbm and IDX images, and clear errors."""
import binascii
import gzip
import random
import struct
import zlib

import pytest

from data import DataError, imagefiles, write_idx
from data.imagefiles import decode_image, read_image, to_grey

# ---------------------------------------------------------------------------
# A small PNG encoder for the tests, written separately from the decoder
# ---------------------------------------------------------------------------

CHANNELS_OF = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
PASSES = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", binascii.crc32(kind + body) & 0xFFFFFFFF)


def pack_row(values, depth):
    if depth == 16:
        return b"".join(struct.pack(">H", v) for v in values)
    if depth == 8:
        return bytes(values)
    per = 8 // depth
    out = bytearray()
    for start in range(0, len(values), per):
        group = values[start:start + per] + [0] * (per - len(values[start:start + per]))
        byte = 0
        for v in group:
            byte = (byte << depth) | v
        out.append(byte)
    return bytes(out)


def predictor(kind, a, b, c):
    if kind == 0:
        return 0
    if kind == 1:
        return a
    if kind == 2:
        return b
    if kind == 3:
        return (a + b) // 2
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_rows(rows, bpp, first_kind=0):
    out, previous = b"", bytes(len(rows[0])) if rows else b""
    for r, row in enumerate(rows):
        kind = (first_kind + r) % 5
        filtered = bytes((row[i] - predictor(kind, row[i - bpp] if i >= bpp else 0, previous[i],
                                             previous[i - bpp] if i >= bpp else 0)) & 0xFF for i in range(len(row)))
        out += bytes([kind]) + filtered
        previous = row
    return out


def encode(samples, width, height, colour, depth, interlace=False, palette=None, trns=None):
    """PNG bytes for flat `samples` (channel values; palette indices for colour type 3)."""
    channels = CHANNELS_OF[colour]
    bpp = max(1, channels * depth // 8)

    def rows_of(xs, ys):
        return [pack_row([samples[(y * width + x) * channels + k] for x in xs for k in range(channels)], depth)
                for y in ys]

    if interlace:
        raw = b""
        for number, (x0, y0, dx, dy) in enumerate(PASSES):
            xs, ys = list(range(x0, width, dx)), list(range(y0, height, dy))
            if xs and ys:
                raw += filter_rows(rows_of(xs, ys), bpp, first_kind=number)
    else:
        raw = filter_rows(rows_of(range(width), range(height)), bpp)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0,
                                                            int(interlace)))
    if palette is not None:
        out += chunk(b"PLTE", bytes(v for rgb in palette for v in rgb))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    compressed = zlib.compress(raw)
    half = len(compressed) // 2                  # two IDAT chunks, as many encoders write
    return out + chunk(b"IDAT", compressed[:half]) + chunk(b"IDAT", compressed[half:]) + chunk(b"IEND", b"")


# ---------------------------------------------------------------------------
# PNG
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("interlace", [False, True])
@pytest.mark.parametrize("colour,depth", [(0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2),
                                          (3, 4), (3, 8), (4, 8), (4, 16), (6, 8), (6, 16)])
def test_every_png_colour_type_and_depth_decodes_exactly(colour, depth, interlace):
    rng = random.Random(colour * 100 + depth)
    width, height = 13, 11                       # odd sizes: partial bytes, every Adam7 pass partly filled
    channels = CHANNELS_OF[colour]
    top = (1 << depth) - 1
    palette = None
    if colour == 3:
        palette = [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(1 << depth)]
    samples = [rng.randint(0, top) for _ in range(width * height * channels)]
    picture = decode_image(encode(samples, width, height, colour, depth, interlace, palette), "t.png")
    assert (picture.width, picture.height) == (width, height)
    if colour == 3:
        assert picture.mode == "RGB" and picture.maxval == 255
        assert picture.samples == [v for i in samples for v in palette[i]]
    else:
        assert picture.mode == {0: "L", 2: "RGB", 4: "LA", 6: "RGBA"}[colour]
        assert picture.maxval == top and picture.samples == samples


def test_sub_byte_rows_unpack_most_significant_bit_first():
    row = bytes([0b10110000, 0b01000000])        # 10 one-bit pixels, then 6 padding bits
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 10, 1, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" + row)) + chunk(b"IEND", b""))
    picture = decode_image(data)
    assert picture.samples == [1, 0, 1, 1, 0, 0, 0, 0, 0, 1] and picture.maxval == 1
    assert to_grey(picture) == [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]


def test_palette_transparency_and_colour_keys_become_alpha():
    palette = [(0, 0, 0), (255, 255, 255), (255, 0, 0)]
    data = encode([0, 1, 2, 1], 2, 2, 3, 8, palette=palette, trns=bytes([255, 0]))
    picture = decode_image(data)
    assert picture.mode == "RGBA"
    assert picture.samples == [0, 0, 0, 255, 255, 255, 255, 0, 255, 0, 0, 255, 255, 255, 255, 0]
    keyed = decode_image(encode([5, 9, 9, 5], 2, 2, 0, 8, trns=struct.pack(">H", 9)))
    assert keyed.mode == "LA" and keyed.samples == [5, 255, 9, 0, 9, 0, 5, 255]


def test_grey_uses_bt601_weights_and_lays_transparency_on_the_opposite_of_the_ink():
    rgb = imagefiles.Picture(2, 1, "RGB", 255, [255, 0, 0, 0, 0, 255])
    assert to_grey(rgb) == [0.299 * 255 / 255, 0.114 * 255 / 255]
    # dark ink on a transparent sheet: the sheet becomes white
    dark = imagefiles.Picture(2, 1, "LA", 255, [0, 255, 0, 0])
    assert to_grey(dark) == [0.0, 1.0]
    # light ink on a transparent sheet: the sheet becomes black
    light = imagefiles.Picture(2, 1, "LA", 255, [255, 255, 255, 0])
    assert to_grey(light) == [1.0, 0.0]


def test_pictures_read_png_uses_the_same_decoder(tmp_path):
    import pictures

    path = tmp_path / "p.png"
    path.write_bytes(encode([0, 3, 3, 1], 2, 2, 3, 2, interlace=True, palette=[(1, 2, 3), (4, 5, 6), (7, 8, 9),
                                                                              (10, 11, 12)]))
    png = pictures.read_png(str(path))
    assert (png.mode, list(png.pixels)) == ("RGB", [1, 2, 3, 10, 11, 12, 10, 11, 12, 4, 5, 6])
    pictures.write_png(str(path), [10, 20, 30, 40], 2, 2)
    assert read_image(path).samples == [10, 20, 30, 40]


# ---------------------------------------------------------------------------
# Netpbm and IDX
# ---------------------------------------------------------------------------

def test_netpbm_plain_and_binary_grey_and_colour():
    assert decode_image(b"P2\n# a comment\n3 1\n15\n0 7 15\n").samples == [0, 7, 15]
    p3 = decode_image(b"P3 1 1 255 10 20 30")
    assert (p3.mode, p3.samples) == ("RGB", [10, 20, 30])
    p5 = decode_image(b"P5\n2 1\n255\n" + bytes([9, 200]))
    assert (p5.mode, p5.maxval, p5.samples) == ("L", 255, [9, 200])
    p5_16 = decode_image(b"P5 2 1 65535\n" + struct.pack(">2H", 1, 65535))
    assert (p5_16.maxval, p5_16.samples) == (65535, [1, 65535])
    p6 = decode_image(b"P6 1 2 255\n" + bytes([1, 2, 3, 4, 5, 6]))
    assert (p6.width, p6.height, p6.samples) == (1, 2, [1, 2, 3, 4, 5, 6])
    # PBM: 1 is black
    assert decode_image(b"P1\n3 1\n101\n").samples == [0, 1, 0]
    assert decode_image(b"P4\n3 1\n" + bytes([0b01000000])).samples == [1, 0, 1]


def test_idx_images_plain_and_gzip_pick_by_index(tmp_path):
    pixels = bytes(range(2 * 3 * 4))
    plain, packed, single = tmp_path / "x.idx", tmp_path / "x.idx.gz", tmp_path / "one.idx"
    write_idx(str(plain), (2, 3, 4), pixels, gzip=False)
    write_idx(str(packed), (2, 3, 4), pixels, gzip=True)
    write_idx(str(single), (3, 4), pixels[:12], gzip=False)
    for path in (plain, packed):
        second = read_image(path, index=1)
        assert (second.width, second.height, second.samples) == (4, 3, list(pixels[12:]))
    assert read_image(single).samples == list(pixels[:12])
    with pytest.raises(DataError, match="index 2 is out of range for 2 images"):
        read_image(plain, index=2)
    labels = tmp_path / "labels.idx"
    write_idx(str(labels), (3,), bytes([1, 2, 3]), gzip=False)
    with pytest.raises(DataError, match=r"shape \(3,\)"):
        read_image(labels)


def test_shipped_mnist_test_digit_reads_from_its_idx_file():
    import data

    images, _ = data.load_mnist("test", limit=1)
    from data.mnist import find_files

    path, _ = find_files("test")
    assert read_image(path).samples == list(images.pixels(0))


# ---------------------------------------------------------------------------
# Errors name the format or the damage
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("head,words", [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
    (b"GIF89a\x01\x00", "a GIF image"),
    (b"BM\x00\x00\x00", "a BMP image"),
    (b"II*\x00\x08\x00", "a TIFF image"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "a WebP image"),
    (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>", "an SVG drawing"),
    (b"", "an empty file"),
    (b"hello world", "first bytes 68 65 6c 6c 6f 20 77 6f"),
])
def test_other_formats_are_named(tmp_path, head, words):
    path = tmp_path / "picture.png"                # the name says PNG; the bytes decide
    path.write_bytes(head)
    with pytest.raises(DataError) as caught:
        read_image(path)
    message = str(caught.value)
    assert words in message and "picture.png" in message and "PNG, PGM/PPM" in message


def test_damaged_pngs_give_clear_errors(tmp_path):
    good = encode([1, 2, 3, 4], 2, 2, 0, 8)
    with pytest.raises(DataError, match="CRC mismatch"):
        decode_image(good[:40] + bytes([good[40] ^ 0xFF]) + good[41:], "x.png")
    with pytest.raises(DataError, match="IEND|truncated"):
        decode_image(good[:-20], "x.png")
    with pytest.raises(DataError, match="bit depth 4 is not allowed for PNG colour type 2"):
        decode_image(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 4, 2, 0, 0, 0))
                     + chunk(b"IEND", b""))
    forged = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0))
    with pytest.raises(DataError, match="too large"):
        decode_image(forged + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))
    short = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0))
    with pytest.raises(DataError, match="image data has 3 bytes where the header needs 20"):
        decode_image(short + chunk(b"IDAT", zlib.compress(b"\x00" * 3)) + chunk(b"IEND", b""))
    with pytest.raises(DataError, match="unknown PNG filter type 7"):
        decode_image(short + chunk(b"IDAT", zlib.compress(b"\x07" * 20)) + chunk(b"IEND", b""))
    with pytest.raises(DataError, match="palette entry 3"):
        decode_image(encode([0, 3], 2, 1, 3, 2, palette=[(0, 0, 0)]))
    with pytest.raises(DataError, match="no such file"):
        read_image(tmp_path / "missing.png")
    with pytest.raises(DataError, match="corrupt gzip"):
        decode_image(gzip.compress(b"x" * 100)[:20], "d.gz")


def test_damaged_netpbm_gives_clear_errors():
    with pytest.raises(DataError, match="P5 pixel data is truncated"):
        decode_image(b"P5 2 2 255\n\x00", "a.pgm")
    with pytest.raises(DataError, match="P2 has 2 values"):
        decode_image(b"P2 3 1 255 1 2", "a.pgm")
    with pytest.raises(DataError, match="outside 0..15"):
        decode_image(b"P2 1 1 15 16", "a.pgm")
    with pytest.raises(DataError, match="maxval 0"):
        decode_image(b"P2 1 1 0 0", "a.pgm")
