"""PNG pictures with the standard library: digits, weights, feature maps, decision regions.

    from pictures import png
    png.image_grid("mistakes.png", images, rows=4, cols=8, labels=list(zip(predicted, true)))
    png.weight_tiles("weights.png", [column for column in W_transposed])   # one tile per hidden unit
    png.feature_maps("filters.png", conv_filters)
    png.decision_boundary("moons.png", lambda rows: model.predict(rows), X, y)

What it is: a minimal PNG encoder (`write_png`: 8-bit grey or RGB, with or without alpha, one
zlib stream, filter type 0 on every row, CRCs from binascii.crc32), `read_png`
and `read_png_size` for 8-bit files (the decoder itself is
data.imagefiles.read_image, shared with the image reading of the
`predict` command), and four pictures built on a
pixel canvas (`raster.Canvas`). Inputs are plain lists (call `.tolist()` on a
numpy array). Every file is written atomically.

What it is not: a general image library. `read_png` returns 8-bit pixels
only (data.imagefiles reads every depth), and there is
no resampling: pictures are enlarged by whole-pixel `scale` factors.

The PNG layout, for the curious: an 8-byte signature, then chunks, each
`length (4 bytes) | type (4) | data | CRC-32 of type+data (4)`. IHDR holds
the size and pixel format, IDAT the zlib-compressed rows (each row prefixed
by its filter-type byte), IEND closes the file.
"""

import binascii
import collections
import math
import struct
import zlib

from data.imagefiles import CHANNELS, read_image
from data.imagefiles import PNG_SIGNATURE as SIGNATURE

from . import font
from .files import write_atomic
from .palette import category, dark, diverging, gray_levels, light
from .raster import Canvas

COLOUR_TYPE = {"L": 0, "RGB": 2, "LA": 4, "RGBA": 6}
WRONG = (214, 39, 40)            # frame and caption of a wrong prediction
CAPTION = (40, 40, 40)
FRAME = (200, 200, 200)

Png = collections.namedtuple("Png", "width height mode pixels")


# ---------------------------------------------------------------------------
# Encoding and decoding
# ---------------------------------------------------------------------------

def _chunk(kind, data):
    """One PNG chunk: length, type, data, CRC-32 over type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", binascii.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(pixels, width, height, mode="L"):
    """The bytes of a PNG file for `pixels`: a flat sequence of 0..255 ints, row by row.

    mode "L" takes one value per pixel, "LA" two (grey, alpha), "RGB" three
    (r, g, b), "RGBA" four (alpha 0 is transparent, 255 opaque).
    """
    if mode not in CHANNELS:
        raise ValueError('mode must be "L", "LA", "RGB" or "RGBA", got %r' % (mode,))
    if int(width) != width or int(height) != height or width < 1 or height < 1:
        raise ValueError("width and height must be positive whole numbers, got %r x %r" % (width, height))
    width, height = int(width), int(height)
    stride = width * CHANNELS[mode]
    if len(pixels) != stride * height:
        raise ValueError("a %dx%d %s image needs %d values, got %d" % (width, height, mode, stride * height,
                                                                      len(pixels)))
    try:
        raw = bytes(pixels)
    except (TypeError, ValueError):
        raise ValueError("pixels must be whole numbers from 0 to 255") from None
    rows = b"".join(b"\x00" + raw[r * stride:(r + 1) * stride] for r in range(height))   # filter 0: none
    header = struct.pack(">IIBBBBB", width, height, 8, COLOUR_TYPE[mode], 0, 0, 0)
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b"")


def write_png(path, pixels, width, height, mode="L"):
    """Write an 8-bit PNG ("L", "LA", "RGB" or "RGBA") atomically. Returns `path`."""
    return write_atomic(path, encode_png(pixels, width, height, mode))


def read_png_size(path):
    """(width, height) from the IHDR chunk, without reading the pixels."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != SIGNATURE or head[12:16] != b"IHDR":
        raise ValueError("%s is not a PNG file" % path)
    return struct.unpack(">II", head[16:24])


def read_png(path):
    """Decode an 8-bit PNG: Png(width, height, mode, pixels), pixels as flat bytes.

    The decoding is data.imagefiles.read_image's (every colour type, bit depth
    and interlacing); this keeps the 8-bit result the pictures' tests compare
    against. A palette comes back expanded to RGB or RGBA.
    """
    picture = read_image(path)
    if picture.maxval != 255:
        raise ValueError("%s: a %d-bit PNG; read_png returns 8-bit pixels only (use data.imagefiles.read_image)"
                         % (path, picture.maxval.bit_length()))
    return Png(picture.width, picture.height, picture.mode, bytes(picture.samples))


# ---------------------------------------------------------------------------
# Helpers shared by the pictures
# ---------------------------------------------------------------------------

def _rows(values, width, height, colour):
    """A flat list of width*height values as rows of RGB triples, each value coloured by `colour`."""
    return [[colour(values[r * width + c]) for c in range(width)] for r in range(height)]


def _gray(v):
    return (v, v, v)


def _finite(v):
    return isinstance(v, (int, float)) and math.isfinite(v)


def _wrap(text, max_width, scale):
    """Split `text` into lines no wider than max_width pixels, at spaces where possible."""
    lines = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = word if not line else line + " " + word
            if font.text_width(candidate, scale) <= max_width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
            while font.text_width(line, scale) > max_width and len(line) > 1:    # one very long word
                cut = len(font.fits(line, max_width, scale)) or 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines


def colour_scale(low, high, colour, steps=64):
    """A legend entry: a bar running through `colour(t)` for t from 0 to 1, labelled low and high."""
    return ("scale", str(low), str(high), colour, steps)


def swatch(rgb, text):
    """A legend entry: a small square of colour `rgb` followed by `text`."""
    return ("swatch", tuple(rgb), str(text))


def _notes(*parts):
    """The non-empty notes among `parts`, each a text, a list of texts or None, as one list."""
    return [n for part in parts for n in ([part] if isinstance(part, str) else list(part or [])) if n]


def _annotate(body, title=None, notes=(), legend=(), min_width=360):
    """`body` (a Canvas) with a title above and legend entries and notes (wrapped text) below.

    With no title, notes or legend the body comes back unchanged. The text
    is the 3x5 bitmap font at twice its size (title) or its own size x2
    (notes), so it stays readable when the picture is shown small.
    """
    notes = _notes(notes)
    if not title and not notes and not legend:
        return body
    scale = 2
    line_h = (font.GLYPH_HEIGHT + 3) * scale
    margin = 8
    width = max(body.width + 2 * margin, min_width)
    room = width - 2 * margin
    title_lines = _wrap(title, room, scale) if title else []
    note_lines = [line for note in notes for line in _wrap(note, room, scale)]
    legend_h = 0
    for entry in legend:
        legend_h += line_h + (2 * line_h if entry[0] == "scale" else 0)
    top = margin + len(title_lines) * line_h + (margin if title_lines else 0)
    bottom = (margin + legend_h + len(note_lines) * line_h) if (legend or note_lines) else 0
    canvas = Canvas(width, top + body.height + bottom + margin)
    y = margin
    for line in title_lines:
        canvas.text(margin, y, line, CAPTION, scale)
        y += line_h
    left = (width - body.width) // 2
    canvas.paste_canvas(left, top, body)                 # the picture itself
    y = top + body.height + margin
    for entry in legend:
        if entry[0] == "swatch":
            _, rgb, text = entry
            canvas.fill_rect(margin, y, line_h - 4, line_h - 4, rgb)
            canvas.frame(margin, y, line_h - 4, line_h - 4, 1, CAPTION)
            canvas.text(margin + line_h + 2, y + 1, font.fits(text, room - line_h - 2, scale), CAPTION, scale)
            y += line_h
        else:
            _, low, high, colour, steps = entry
            bar_w = min(room, 256)
            for i in range(bar_w):
                canvas.fill_rect(margin + i, y, 1, line_h, colour(i / max(1, bar_w - 1)))
            canvas.frame(margin, y, bar_w, line_h, 1, CAPTION)
            y += line_h + 4
            canvas.text(margin, y, font.fits(low, bar_w // 2, scale), CAPTION, scale)
            high = font.fits(high, bar_w // 2, scale)
            canvas.text(margin + bar_w - font.text_width(high, scale), y, high, CAPTION, scale)
            y += 2 * line_h - 4
    for line in note_lines:
        canvas.text(margin, y, line, CAPTION, scale)
        y += line_h
    return canvas


def _stretch(values):
    """Values mapped linearly from their own minimum (0) to maximum (255); a constant image is black."""
    clean = [v if _finite(v) else None for v in values]
    present = [v for v in clean if v is not None]
    lo, hi = (min(present), max(present)) if present else (0.0, 0.0)
    span = hi - lo
    return [0 if v is None or span == 0 else int(round((v - lo) * 255.0 / span)) for v in clean]


def _save(path, canvas):
    return write_png(path, canvas.pixels, canvas.width, canvas.height, "RGB")


def _caption(label):
    """A label entry -> (text, wrong). A (predicted, true) pair reads '7' if right, '7 T=1' if wrong."""
    if isinstance(label, (list, tuple)):
        if len(label) != 2:
            raise ValueError("a label pair should be (predicted, true), got %r" % (label,))
        predicted, true = label
        if predicted == true:
            return str(predicted), False
        return "%s T=%s" % (predicted, true), True
    return ("" if label is None else str(label)), False


# ---------------------------------------------------------------------------
# The pictures
# ---------------------------------------------------------------------------

def image_grid(path, images, rows, cols, labels=None, scale=2, image_width=28, image_height=28, invert=False,
               title=None, note=None):
    """Grayscale images (e.g. MNIST digits) in a rows x cols grid, with captions under them.

    Each image is a flat list of image_width*image_height values: floats in
    [0, 1], ints 0..255, or anything else (stretched to its own range; see
    `palette.gray_levels`). `labels`, if given, has one entry per image: a
    caption (text or number) or a (predicted, true) pair. A pair that agrees
    is captioned with the class ('7'); one that disagrees is framed in red and
    captioned '7 T=1' (predicted 7, true 1) in red. `invert=True` draws ink
    dark on white paper. With a `title` (or a `note`: text under the grid)
    the picture gets a title line and a legend explaining the captions.
    The file is RGB. Returns `path`.
    """
    images = [list(image) for image in images]
    if len(images) > rows * cols:
        raise ValueError("%d images do not fit in a %dx%d grid" % (len(images), rows, cols))
    if labels is not None and len(labels) != len(images):
        raise ValueError("%d labels for %d images" % (len(labels), len(images)))
    size = image_width * image_height
    for i, image in enumerate(images):
        if len(image) != size:
            raise ValueError("image %d has %d values, expected %dx%d = %d" % (i, len(image), image_width,
                                                                             image_height, size))
    captions = [_caption(label) for label in labels] if labels is not None else [("", False)] * len(images)

    text_scale = max(1, min(scale, 1 + scale // 2))
    border = max(2, scale)
    pad = border + 2
    tile_w, tile_h = image_width * scale, image_height * scale
    caption_h = (font.GLYPH_HEIGHT + 2) * text_scale + 2 if labels is not None else 0
    cell_w, cell_h = tile_w + 2 * pad, tile_h + 2 * pad + caption_h
    canvas = Canvas(cols * cell_w, rows * cell_h)

    for i, (image, (text, wrong)) in enumerate(zip(images, captions)):
        row, col = divmod(i, cols)
        x, y = col * cell_w + pad, row * cell_h + pad
        levels = gray_levels(image)
        if invert:
            levels = [255 - v for v in levels]
        canvas.paste(x, y, _rows(levels, image_width, image_height, _gray), scale)
        if wrong:
            canvas.frame(x, y, tile_w, tile_h, border, WRONG)
        else:
            canvas.frame(x, y, tile_w, tile_h, 1, FRAME)
        if text:
            text = font.fits(text, cell_w - 2, text_scale)
            tx = x + (tile_w - font.text_width(text, text_scale)) // 2
            canvas.text(tx, y + tile_h + pad - 1, text, WRONG if wrong else CAPTION, text_scale)
    legend = []
    if (title or note) and labels is not None and any(isinstance(label, (list, tuple)) for label in labels):
        legend = [swatch(CAPTION, "7 = SAID 7, AND IT IS A 7"),
                  swatch(WRONG, "7 T=1 = SAID 7, TRUE DIGIT 1 (WRONG)")]
    return _save(path, _annotate(canvas, title, note, legend))


def weight_tiles(path, weights, tile_width=28, tile_height=28, cols=8, scale=2, title=None, note=None, captions=None):
    """First-layer weights as images: one tile per unit, blue (negative), white (0), red (positive).

    `weights` is a list of vectors, one per hidden unit, each the
    tile_width*tile_height weights that unit gives to the input pixels (for an
    MNIST Dense layer with W of shape (784, hidden), the columns of W). Each
    tile is scaled symmetrically by its own largest |weight|, so white is
    exactly zero and the strongest weight is fully saturated. With a `title`
    (or a `note`) the picture also gets a colour scale saying so. `captions`
    (one short text per tile, e.g. "DIGIT 3") go under the tiles. Returns `path`.
    """
    weights = [list(w) for w in weights]
    if not weights:
        raise ValueError("weight_tiles needs at least one weight vector")
    if captions is not None and len(captions) != len(weights):
        raise ValueError("%d captions for %d weight vectors" % (len(captions), len(weights)))
    size = tile_width * tile_height
    for i, w in enumerate(weights):
        if len(w) != size:
            raise ValueError("weight vector %d has %d values, expected %dx%d = %d" % (i, len(w), tile_width,
                                                                                     tile_height, size))
    cols = max(1, min(cols, len(weights)))
    rows = int(math.ceil(len(weights) / cols))
    gap = max(2, scale)
    tile_w, tile_h = tile_width * scale, tile_height * scale
    caption_h = (font.GLYPH_HEIGHT + 3) * 2 if captions is not None else 0
    canvas = Canvas(cols * (tile_w + gap) + gap, rows * (tile_h + gap + caption_h) + gap, (120, 120, 120))
    for i, w in enumerate(weights):
        row, col = divmod(i, cols)
        biggest = max((abs(v) for v in w if _finite(v)), default=0.0)
        shades = [v / biggest if biggest > 0 and _finite(v) else 0.0 for v in w]
        y = gap + row * (tile_h + gap + caption_h)
        canvas.paste(gap + col * (tile_w + gap), y, _rows(shades, tile_width, tile_height, diverging), scale)
        if captions is not None:                      # white text under the tile, on the gray frame
            canvas.fill_rect(gap + col * (tile_w + gap), y + tile_h, tile_w, caption_h, (255, 255, 255))
            text = font.fits(str(captions[i]), tile_w, 2)
            canvas.text(gap + col * (tile_w + gap) + (tile_w - font.text_width(text, 2)) // 2, y + tile_h + 3,
                        text, CAPTION, 2)
    legend = []
    if title or note:
        legend = [colour_scale("-BIGGEST", "+BIGGEST", lambda t: diverging(2 * t - 1))]
        note = _notes("BLUE: A NEGATIVE WEIGHT (INK THERE LOWERS THE UNIT), RED: POSITIVE (RAISES IT), WHITE: 0. "
                      "EACH TILE IS SCALED BY ITS OWN LARGEST |WEIGHT|.", note)
    return _save(path, _annotate(canvas, title, note, legend))


def feature_maps(path, maps, cols=8, scale=4, captions=None, title=None, note=None):
    """2-D maps (conv filters, feature maps) side by side in grayscale, each stretched to its own range.

    `maps` is a list of 2-D lists (rows of numbers); sizes may differ: every
    map gets a cell as large as the largest, and a smaller map is enlarged by
    a whole factor to fill its cell as far as it can. In each map its smallest
    value is black and its largest white; a constant map is black.
    `captions` (one short text per map, e.g. "INPUT", "F1") go under the
    maps; a `title` (or `note`) adds a title and a gray scale legend.
    Returns `path`.
    """
    maps = [[list(row) for row in m] for m in maps]
    if not maps:
        raise ValueError("feature_maps needs at least one map")
    for i, m in enumerate(maps):
        if not m or not m[0] or any(len(row) != len(m[0]) for row in m):
            raise ValueError("map %d is not a non-empty rectangle of numbers (row lengths %s)"
                             % (i, [len(row) for row in m]))
    if captions is not None and len(captions) != len(maps):
        raise ValueError("%d captions for %d maps" % (len(captions), len(maps)))
    cell_w = max(len(m[0]) for m in maps) * scale
    cell_h = max(len(m) for m in maps) * scale
    cols = max(1, min(cols, len(maps)))
    rows = int(math.ceil(len(maps) / cols))
    gap = max(3, scale)
    caption_h = (font.GLYPH_HEIGHT + 3) * 2 if captions is not None else 0
    canvas = Canvas(cols * (cell_w + gap) + gap, rows * (cell_h + gap + caption_h) + gap, (255, 255, 255))
    for i, m in enumerate(maps):
        row, col = divmod(i, cols)
        h, w = len(m), len(m[0])
        zoom = scale * max(1, min(cell_w // (w * scale), cell_h // (h * scale)))   # small maps fill their cell
        x = gap + col * (cell_w + gap) + (cell_w - w * zoom) // 2
        y = gap + row * (cell_h + gap + caption_h) + (cell_h - h * zoom) // 2
        levels = _stretch([v for r in m for v in r])
        canvas.frame(x, y, w * zoom, h * zoom, 1, (150, 150, 150))
        canvas.paste(x, y, _rows(levels, w, h, _gray), zoom)
        if captions is not None and captions[i]:
            text = font.fits(str(captions[i]), cell_w + gap, 2)
            cx = gap + col * (cell_w + gap) + (cell_w - font.text_width(text, 2)) // 2
            canvas.text(cx, gap + row * (cell_h + gap + caption_h) + cell_h + 3, text, CAPTION, 2)
    legend = [colour_scale("LOWEST (BLACK)", "HIGHEST (WHITE)", lambda t: _gray(int(round(255 * t))))] \
        if (title or note) else []
    return _save(path, _annotate(canvas, title, note, legend))


def decision_boundary(path, predict, points, labels, bounds=None, resolution=200, scale=2, title=None, note=None,
                      class_names=None):
    """The plane coloured by a classifier's prediction, with the data drawn on top.

    `predict` receives every grid point at once, as one list of
    resolution*resolution [x, y] rows (top row first, left to right), so a
    slow model is called a single time; it returns one class index per row
    (or one row of scores per row, whose largest entry is taken). The
    background is a light colour per predicted class; `points` ([x, y] rows)
    are dots in the dark colour of their true class in `labels`. Up to 10
    classes. `bounds` is (x_min, x_max, y_min, y_max), by default the data's
    range plus a 10% margin. The picture is resolution*scale pixels square,
    y pointing up. A `title` (or `note`) adds a title, a legend naming each
    class (`class_names`, default "CLASS 0", ...) and the axes' ranges.
    Returns `path`.
    """
    points = [list(p) for p in points]
    labels = [int(c) for c in labels]
    if len(points) != len(labels):
        raise ValueError("%d points but %d labels" % (len(points), len(labels)))
    if any(c < 0 or c > 9 for c in labels):
        raise ValueError("decision_boundary draws classes 0..9; labels hold %s" % sorted(set(labels)))
    x_min, x_max, y_min, y_max = bounds if bounds is not None else _data_bounds(points)
    n = int(resolution)
    xs = [x_min + (i + 0.5) * (x_max - x_min) / n for i in range(n)]
    ys = [y_max - (j + 0.5) * (y_max - y_min) / n for j in range(n)]
    grid = [[x, y] for y in ys for x in xs]
    predicted = [_class_of(p) for p in predict(grid)]
    if len(predicted) != len(grid):
        raise ValueError("predict returned %d classes for %d grid points" % (len(predicted), len(grid)))
    if any(c < 0 or c > 9 for c in predicted):
        raise ValueError("decision_boundary draws classes 0..9; predict returned %s" % sorted(set(predicted)))

    backgrounds = [light(category(c)) for c in range(10)]
    canvas = Canvas(n * scale, n * scale)
    canvas.paste(0, 0, _rows([backgrounds[c] for c in predicted], n, n, lambda rgb: rgb), scale)
    radius = max(3, 2 * scale)
    for (x, y), c in zip(points, labels):
        px = (x - x_min) / (x_max - x_min) * n * scale
        py = (y_max - y) / (y_max - y_min) * n * scale
        canvas.disc(px, py, radius + 1, (255, 255, 255))
        canvas.disc(px, py, radius, dark(category(c)))
    legend = []
    if title or note:
        classes = sorted(set(labels) | set(predicted))
        names = class_names or ["CLASS %d" % c for c in range(10)]
        legend = [swatch(light(category(c)), "REGION: PREDICTED %s" % names[c]) for c in classes]
        legend += [swatch(dark(category(c)), "DOT: A POINT, TRUE CLASS %s" % names[c]) for c in classes]
        note = _notes("X FROM %s TO %s (LEFT TO RIGHT), Y FROM %s TO %s (BOTTOM TO TOP)"
                      % tuple(_short(v) for v in (x_min, x_max, y_min, y_max)), note)
    return _save(path, _annotate(canvas, title, note, legend))


def _short(v):
    return ("%.2f" % v).rstrip("0").rstrip(".")


def _class_of(p):
    if isinstance(p, (list, tuple)):
        return max(range(len(p)), key=lambda k: p[k])
    return int(p)


def _data_bounds(points):
    if not points:
        return (-1.0, 1.0, -1.0, 1.0)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]

    def padded(lo, hi):
        span = hi - lo if hi > lo else max(1.0, abs(lo))
        return lo - 0.1 * span, hi + 0.1 * span

    return padded(min(xs), max(xs)) + padded(min(ys), max(ys))
