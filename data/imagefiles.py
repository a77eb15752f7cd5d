"""Read one image file with the standard library: PNG, PGM/PPM/PBM or IDX.

    from data import imagefiles
    picture = imagefiles.read_image("my-digit.png")    # Picture(width, height, mode, maxval, samples)
    grey = imagefiles.to_grey(picture)                  # width*height floats, 0 black .. 1 white

`read_image(path, index=0)` looks at the file's first bytes (never at its
name) and decodes:

- PNG: every colour type (grey, grey+alpha, RGB, RGBA, palette), every bit
  depth the format allows (1, 2, 4, 8, 16), interlaced (Adam7) or not, with
  the five row filters; a palette's tRNS alpha and a grey/RGB colour key are
  honoured. Every chunk's CRC is checked.
- Netpbm: PGM (P2 text, P5 binary), PPM (P3 text, P6 binary), and PBM
  (P1, P4), maxval up to 65535.
- IDX (the MNIST format, plain or gzip): a uint8 array of shape (rows, cols)
  or (count, rows, cols); `index` picks the image.

The result is a `Picture`: `mode` is "L", "LA", "RGB" or "RGBA" (a palette is
expanded to RGB or RGBA), `samples` a flat list of ints 0..maxval, pixel after
pixel, row after row, channel after channel. Anything else (JPEG, GIF, BMP,
TIFF, WebP, SVG, ...) raises `DataError` naming the format found, as does a
damaged file (the file is named, and what was wrong).

`to_grey(picture)` turns any mode into brightness in [0, 1] with the ITU-R
BT.601 weights (0.299 R + 0.587 G + 0.114 B); transparent pixels are laid on
a background opposite to the ink (see `to_grey`). `data.prepare` then makes
an MNIST-style digit of it.

What this is not: an image library. There is no writing here (see
`pictures.write_png`), no colour management (gAMA, iCCP are ignored), and a
large photo decodes at pure-Python speed (about a second per megapixel).
"""

from __future__ import annotations

import binascii
import collections
import os
import struct
import zlib

from .errors import DataError
from .files import GZIP_MAGIC, gzip_errors_as_data_errors, open_errors_as_data_errors, regular_size
from .idx import IDX_TYPES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A header claiming more pixels is refused before decoding: 8,388,608 (an 8-megapixel photo) decodes
# in about 4 s and 500 MB of Python lists; an 8000 x 8000 image (a 67 KB file can say so) would take
# 2 GB. A file longer than MAX_FILE_BYTES is refused unread. Raise either for a genuine bigger picture.
MAX_PIXELS = 1 << 23
MAX_FILE_BYTES = 64 << 20

Picture = collections.namedtuple("Picture", "width height mode maxval samples")
Picture.__doc__ = """One decoded image: mode "L", "LA", "RGB" or "RGBA"; samples are ints 0..maxval."""

CHANNELS = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}

# PNG colour type -> (mode before palette expansion, channels in the file, allowed bit depths)
PNG_COLOUR_TYPES = {
    0: ("L", 1, (1, 2, 4, 8, 16)),
    2: ("RGB", 3, (8, 16)),
    3: ("P", 1, (1, 2, 4, 8)),
    4: ("LA", 2, (8, 16)),
    6: ("RGBA", 4, (8, 16)),
}

# Adam7 interlacing: (first column, first row, column step, row step) of each of the 7 passes.
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))

# First bytes of formats we do not read, so the error can say what the file is.
OTHER_FORMATS = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x00\x00\x01\x00", "a Windows icon (ICO)"),
    (b"8BPS", "a Photoshop (PSD) file"),
    (b"%PDF", "a PDF document"),
    (b"P7", "a PAM (P7) Netpbm file"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"{", "a JSON/text file"),
)

SUPPORTED = "PNG, PGM/PPM/PBM (P1-P6) or IDX"


def read_image(path, index=0):
    """Decode the image file at `path` into a `Picture` (PNG, Netpbm or IDX, told apart by content)."""
    name = os.fspath(path)
    with open_errors_as_data_errors(name, "an image file"):
        size = regular_size(path, "an image file")      # a pipe, a device or a folder is refused unread
        if size > MAX_FILE_BYTES:
            raise DataError(f"{name}: {size:,} bytes, more than an image file twinnet reads ({MAX_FILE_BYTES:,}: "
                            f"data.imagefiles.MAX_FILE_BYTES); a picture of a digit needs far less: shrink it")
        with open(path, "rb") as stream:
            data = stream.read(size + 1)             # (a file that grew since: decoded as it is)
    return decode_image(data, name, index)


def decode_image(data, name="<bytes>", index=0):
    """Decode the bytes of an image file (see `read_image`); `name` is used in error messages."""
    data = bytes(data)
    if data.startswith(PNG_SIGNATURE):
        return decode_png(data, name)
    if len(data) >= 2 and data[:1] == b"P" and data[1:2] in b"123456":
        return decode_netpbm(data, name)
    if data[:2] == GZIP_MAGIC or (data[:2] == b"\x00\x00" and len(data) >= 4 and data[2] in IDX_TYPES):
        return decode_idx_image(data, name, index)
    raise DataError(f"{name}: {describe_format(data)}; twinnet reads {SUPPORTED} images "
                    f"(convert it first, e.g. to PNG)")


def describe_format(data):
    """A few words naming what the first bytes of a file look like ('a JPEG image', ...)."""
    if not data:
        return "an empty file"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "a WebP image"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "a HEIC/AVIF image"
    head = data[:256].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096].lower()):
        return "an SVG drawing"
    for magic, what in OTHER_FORMATS:
        if data.startswith(magic):
            return what
    return "not an image format twinnet knows (first bytes %s)" % data[:8].hex(" ")


# ---------------------------------------------------------------------------
# PNG
# ---------------------------------------------------------------------------

def png_chunks(data, name="<bytes>"):
    """The (type, data) chunks of a PNG file's bytes, up to IEND, checking every CRC."""
    if not data.startswith(PNG_SIGNATURE):
        raise DataError(f"{name}: not a PNG file (bad signature)")
    found, at = [], 8
    while at < len(data):
        if at + 8 > len(data):
            raise DataError(f"{name}: truncated PNG chunk header at byte {at}")
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        crc_bytes = data[at + 8 + length:at + 12 + length]
        label = kind.decode("latin-1")
        if len(body) != length or len(crc_bytes) != 4:
            raise DataError(f"{name}: truncated PNG {label!r} chunk")
        if struct.unpack(">I", crc_bytes)[0] != binascii.crc32(kind + body) & 0xFFFFFFFF:
            raise DataError(f"{name}: CRC mismatch in PNG {label!r} chunk (the file is damaged)")
        found.append((kind, body))
        at += 12 + length
        if kind == b"IEND":
            break
    else:
        raise DataError(f"{name}: PNG file ends without an IEND chunk (truncated?)")
    return found


def png_header(data, name="<bytes>"):
    """(width, height, bit depth, colour type, interlace) from a PNG's IHDR, checked."""
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise DataError(f"{name}: the PNG's first chunk must be IHDR")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", data[16:29])
    if colour not in PNG_COLOUR_TYPES:
        raise DataError(f"{name}: unknown PNG colour type {colour}")
    if depth not in PNG_COLOUR_TYPES[colour][2]:
        raise DataError(f"{name}: bit depth {depth} is not allowed for PNG colour type {colour} "
                        f"(allowed: {PNG_COLOUR_TYPES[colour][2]})")
    if compression != 0 or filtering != 0:
        raise DataError(f"{name}: unknown PNG compression/filter method {compression}/{filtering}")
    if interlace not in (0, 1):
        raise DataError(f"{name}: unknown PNG interlace method {interlace}")
    if width == 0 or height == 0 or width * height > MAX_PIXELS:
        raise DataError(f"{name}: PNG size {width} x {height} is empty or too large (limit {MAX_PIXELS:,} pixels, "
                        f"data.imagefiles.MAX_PIXELS); a picture of a digit needs far less: shrink it")
    return width, height, depth, colour, interlace


def decode_png(data, name="<bytes>"):
    """Decode a PNG file's bytes into a `Picture` (palette expanded to RGB or RGBA)."""
    parts = png_chunks(data, name)
    width, height, depth, colour, interlace = png_header(data, name)
    mode, channels, _ = PNG_COLOUR_TYPES[colour]
    bits = channels * depth                      # bits per pixel
    bpp = max(1, bits // 8)                      # the filters' byte distance to "the pixel on the left"
    if interlace:
        passes = [((width - x0 + dx - 1) // dx, (height - y0 + dy - 1) // dy) for x0, y0, dx, dy in ADAM7]
    else:
        passes = [(width, height)]
    expected = sum(h * (1 + (w * bits + 7) // 8) for w, h in passes if w and h)
    raw = _inflate(b"".join(body for kind, body in parts if kind == b"IDAT"), expected, name)

    samples = [0] * (width * height * channels)
    at = 0
    for number, (w, h) in enumerate(passes):
        if not (w and h):
            continue
        stride = (w * bits + 7) // 8
        rows = unfilter(raw[at:at + h * (stride + 1)], stride, h, bpp, name)
        at += h * (stride + 1)
        x0, y0, dx, dy = ADAM7[number] if interlace else (0, 0, 1, 1)
        for r in range(h):
            values = unpack_row(rows[r * stride:(r + 1) * stride], w * channels, depth)
            start = ((y0 + r * dy) * width + x0) * channels
            if dx == 1:
                samples[start:start + w * channels] = values
            else:
                for c in range(w):
                    place = start + c * dx * channels
                    samples[place:place + channels] = values[c * channels:(c + 1) * channels]

    maxval = (1 << depth) - 1
    extra = dict((kind, body) for kind, body in parts if kind in (b"PLTE", b"tRNS"))
    if mode == "P":
        return _expand_palette(samples, width, height, extra, name)
    if b"tRNS" in extra and mode in ("L", "RGB"):
        return _colour_key(samples, width, height, mode, maxval, extra[b"tRNS"], name)
    return Picture(width, height, mode, maxval, samples)


def _inflate(compressed, expected, name):
    """zlib-decompress at most `expected` bytes (a forged stream cannot inflate without bound)."""
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, expected + 1)
    except zlib.error as error:
        raise DataError(f"{name}: damaged PNG image data ({error})") from None
    if len(raw) != expected:
        raise DataError(f"{name}: PNG image data has {len(raw):,} bytes where the header needs {expected:,}")
    return raw


def unfilter(raw, stride, height, bpp, name="<bytes>"):
    """Undo the per-row PNG filters (0 none, 1 sub, 2 up, 3 average, 4 Paeth): `height` rows of `stride` bytes.

    `raw` holds each row as a filter-type byte then `stride` filtered bytes;
    `bpp` is the byte distance to the same channel of the pixel on the left.
    Each filter predicts a byte from its neighbours (a = left, b = up,
    c = up-left); the file stores byte - prediction (mod 256).
    """
    if len(raw) != height * (stride + 1):
        raise DataError(f"{name}: PNG image data has {len(raw)} bytes, expected {height * (stride + 1)}")
    out = bytearray()
    previous = bytearray(stride)
    for r in range(height):
        kind = raw[r * (stride + 1)]
        row = bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        if kind == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
        elif kind == 2:
            for i in range(stride):
                row[i] = (row[i] + previous[i]) & 0xFF
        elif kind == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + (left + previous[i]) // 2) & 0xFF
        elif kind == 4:
            for i in range(stride):
                if i >= bpp:
                    row[i] = (row[i] + paeth(row[i - bpp], previous[i], previous[i - bpp])) & 0xFF
                else:
                    row[i] = (row[i] + previous[i]) & 0xFF        # Paeth with a = c = 0 picks b
        elif kind != 0:
            raise DataError(f"{name}: unknown PNG filter type {kind} in row {r}")
        out += row
        previous = row
    return bytes(out)


def paeth(a, b, c):
    """The Paeth predictor: whichever of left a, up b, up-left c is closest to a + b - c."""
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unpack_row(row, count, depth):
    """The first `count` samples of a row's bytes, for 1, 2, 4, 8 or 16 bits per sample (big-endian)."""
    if depth == 8:
        return list(row[:count])
    if depth == 16:
        return list(struct.unpack(">%dH" % count, row[:2 * count]))
    per_byte = 8 // depth
    mask = (1 << depth) - 1
    shifts = [8 - depth * (k + 1) for k in range(per_byte)]
    values = [(byte >> shift) & mask for byte in row for shift in shifts]
    return values[:count]


def _expand_palette(indices, width, height, extra, name):
    if b"PLTE" not in extra:
        raise DataError(f"{name}: palette PNG without a PLTE chunk")
    table = extra[b"PLTE"]
    if len(table) % 3 or not table:
        raise DataError(f"{name}: PLTE chunk of {len(table)} bytes is not a list of RGB colours")
    colours = [tuple(table[i:i + 3]) for i in range(0, len(table), 3)]
    alphas = list(extra.get(b"tRNS", b""))
    if len(alphas) > len(colours):
        raise DataError(f"{name}: tRNS has {len(alphas)} alphas for {len(colours)} palette colours")
    top = max(indices)
    if top >= len(colours):
        raise DataError(f"{name}: a pixel uses palette entry {top}, but the palette has {len(colours)} colours")
    samples = []
    if alphas:
        alphas += [255] * (len(colours) - len(alphas))
        entries = [colour + (alpha,) for colour, alpha in zip(colours, alphas)]
        for i in indices:
            samples.extend(entries[i])
        return Picture(width, height, "RGBA", 255, samples)
    for i in indices:
        samples.extend(colours[i])
    return Picture(width, height, "RGB", 255, samples)


def _colour_key(samples, width, height, mode, maxval, trns, name):
    """A grey or RGB PNG whose tRNS names one fully transparent colour: add an alpha channel."""
    channels = CHANNELS[mode]
    if len(trns) != 2 * channels:
        raise DataError(f"{name}: tRNS chunk of {len(trns)} bytes for a {mode} PNG (expected {2 * channels})")
    key = list(struct.unpack(">%dH" % channels, trns))
    out = []
    for p in range(0, len(samples), channels):
        pixel = samples[p:p + channels]
        out.extend(pixel)
        out.append(0 if pixel == key else maxval)
    return Picture(width, height, mode + "A", maxval, out)


# ---------------------------------------------------------------------------
# Netpbm: PBM (P1, P4), PGM (P2, P5), PPM (P3, P6)
# ---------------------------------------------------------------------------

def decode_netpbm(data, name="<bytes>"):
    """Decode a PBM, PGM or PPM file's bytes (plain or binary) into a `Picture`."""
    kind = data[:2].decode("ascii")
    bitmap = kind in ("P1", "P4")
    fields, at = _netpbm_header(data, 2, 2 if bitmap else 3, name, kind)
    width, height = fields[0], fields[1]
    maxval = 1 if bitmap else fields[2]
    if width == 0 or height == 0 or width * height > MAX_PIXELS:
        raise DataError(f"{name}: {kind} size {width} x {height} is empty or too large (limit {MAX_PIXELS:,} "
                        f"pixels, data.imagefiles.MAX_PIXELS)")
    if not 1 <= maxval <= 65535:
        raise DataError(f"{name}: {kind} maxval {maxval} is outside 1..65535")
    channels = 3 if kind in ("P3", "P6") else 1
    count = width * height * channels
    if kind in ("P1", "P2", "P3"):
        text = data[at:]
        if kind == "P1":            # plain PBM digits may be written without spaces between them
            tokens = [t for t in _without_comments(text).replace(b" ", b"").replace(b"\t", b"")
                      .replace(b"\r", b"").replace(b"\n", b"")]
            values = [t - 48 for t in tokens]
        else:
            try:
                values = [int(t) for t in _without_comments(text).split()]
            except ValueError:
                raise DataError(f"{name}: {kind} pixel data holds something that is not a whole number") from None
        if len(values) < count:
            raise DataError(f"{name}: {kind} has {len(values)} values, a {width} x {height} image needs {count}")
        values = values[:count]
        if any(v < 0 or v > maxval for v in values):
            raise DataError(f"{name}: {kind} has a value outside 0..{maxval}")
    elif kind == "P4":
        stride = (width + 7) // 8
        body = data[at:at + stride * height]
        if len(body) < stride * height:
            raise DataError(f"{name}: P4 pixel data is truncated ({len(body)} of {stride * height} bytes)")
        values = []
        for r in range(height):
            values += unpack_row(body[r * stride:(r + 1) * stride], width, 1)
    else:
        size = 1 if maxval < 256 else 2
        body = data[at:at + count * size]
        if len(body) < count * size:
            raise DataError(f"{name}: {kind} pixel data is truncated ({len(body)} of {count * size} bytes)")
        values = list(body) if size == 1 else list(struct.unpack(">%dH" % count, body))
        if max(values) > maxval:
            raise DataError(f"{name}: {kind} has a value above its maxval {maxval}")
    if bitmap:                       # PBM: 1 is black, 0 is white
        values = [1 - v for v in values]
    return Picture(width, height, "RGB" if channels == 3 else "L", maxval, values)


def _without_comments(text):
    return b"\n".join(line.split(b"#", 1)[0] for line in text.split(b"\n"))


def _netpbm_header(data, at, wanted, name, kind):
    """Read `wanted` whole numbers after the magic (comments allowed); return them and where the pixels start."""
    fields = []
    while len(fields) < wanted:
        while at < len(data) and data[at:at + 1].isspace():
            at += 1
        if data[at:at + 1] == b"#":
            while at < len(data) and data[at:at + 1] not in (b"\n", b"\r"):
                at += 1
            continue
        start = at
        while at < len(data) and data[at:at + 1].isdigit():
            at += 1
        if start == at:
            raise DataError(f"{name}: {kind} header is damaged (expected a number at byte {start})")
        fields.append(int(data[start:at]))
    if at >= len(data) or not data[at:at + 1].isspace():
        raise DataError(f"{name}: {kind} header must end with one whitespace character")
    return fields, at + 1            # exactly one whitespace byte separates header and binary pixels


# ---------------------------------------------------------------------------
# IDX
# ---------------------------------------------------------------------------

def decode_idx_image(data, name="<bytes>", index=0):
    """Image `index` of an IDX file's bytes (plain or gzip): uint8, shape (rows, cols) or (count, rows, cols)."""
    if data[:2] == GZIP_MAGIC:         # at most the largest image allowed (a gzip bomb stops there)
        with gzip_errors_as_data_errors(name):
            inflater = zlib.decompressobj(wbits=31)
            data = inflater.decompress(data, 4 + 4 * 3 + MAX_PIXELS + 1)
            if inflater.unconsumed_tail:
                raise DataError(f"{name}: its gzip data inflates to more than an image file of at most "
                                f"{MAX_PIXELS:,} pixels holds (data.imagefiles.MAX_PIXELS)")
            if not inflater.eof:
                raise EOFError("the gzip stream is cut off before its end")
    if len(data) < 4 or data[:2] != b"\x00\x00":
        raise DataError(f"{name}: {describe_format(data)} inside gzip; twinnet reads {SUPPORTED} images")
    type_code, ndim = data[2], data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{name}: truncated IDX header")
    shape = struct.unpack(">%dI" % ndim, data[4:header])
    if type_code != 0x08 or ndim not in (2, 3):
        raise DataError(f"{name}: an IDX file of type 0x{type_code:02x} with shape {shape}; an image file needs "
                        f"uint8 (0x08) values of shape (rows, cols) or (count, rows, cols)")
    count, rows, cols = (1,) + shape if ndim == 2 else shape
    if rows * cols > MAX_PIXELS:
        raise DataError(f"{name}: IDX images of {rows} x {cols} are too large (limit {MAX_PIXELS:,} pixels, "
                        f"data.imagefiles.MAX_PIXELS)")
    if rows == 0 or cols == 0 or len(data) != header + count * rows * cols:
        raise DataError(f"{name}: IDX header announces {count} x {rows} x {cols} bytes of pixels, "
                        f"the file holds {len(data) - header:,}")
    if not 0 <= index < count:
        raise DataError(f"{name}: image index {index} is out of range for {count} images")
    start = header + index * rows * cols
    return Picture(cols, rows, "L", 255, list(data[start:start + rows * cols]))


# ---------------------------------------------------------------------------
# To grey
# ---------------------------------------------------------------------------

def to_grey(picture):
    """Brightness of every pixel of a `Picture`: width*height floats, 0.0 black .. 1.0 white.

    Colour uses the BT.601 luma weights 0.299 R + 0.587 G + 0.114 B. A picture
    with transparency (LA, RGBA) is laid on a background: white when the
    opaque pixels are dark on average (dark ink on a transparent sheet, as most
    drawing programs save it), black when they are light, so the ink always
    stands out from what is around it.
    """
    mode, maxval = picture.mode, float(picture.maxval)
    samples = picture.samples
    channels = CHANNELS[mode]
    if mode in ("L", "LA"):
        grey = [samples[p] / maxval for p in range(0, len(samples), channels)]
    else:
        grey = [(0.299 * samples[p] + 0.587 * samples[p + 1] + 0.114 * samples[p + 2]) / maxval
                for p in range(0, len(samples), channels)]
    if mode not in ("LA", "RGBA"):
        return grey
    alpha = [samples[p] / maxval for p in range(channels - 1, len(samples), channels)]
    weight = sum(alpha)
    if weight == len(alpha):                   # fully opaque: nothing to lay on a background
        return grey
    ink = sum(g * a for g, a in zip(grey, alpha)) / weight if weight else 0.0
    background = 1.0 if ink < 0.5 else 0.0
    return [g * a + background * (1.0 - a) for g, a in zip(grey, alpha)]
