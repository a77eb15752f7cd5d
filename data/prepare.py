"""prepare_digit(grey, width, height) -> 784 floats in [0, 1]: any picture of one digit, made to look like MNIST.

    from data import prepare
    x = prepare.prepare_file("my-digit.png")            # 784 floats, ready for model.predict([x])
    x = prepare.prepare_digit(grey, width, height)      # from brightness values (0 black .. 1 white)

A network trained on MNIST has only ever seen one kind of picture: a white
digit on black, its longer side 20 pixels, its centre of mass in the middle
of a 28 x 28 frame. The MNIST authors made their digits so; we do the same to
yours, step by step:

1. grey: brightness in [0, 1] (`data.imagefiles.to_grey` for a file).
2. ink: MNIST's ink is bright on a dark background. The background is the
   median brightness of the border pixels; if it is light (above 0.5), the
   picture is inverted. Then the background level is subtracted and the ink
   stretched so the darkest background is 0 and the strongest ink 1.
3. crop to the ink's bounding box: the pixels with ink above `INK` (0.05),
   so faint paper texture or JPEG-like noise does not widen the box.
4. scale the longer side to 20 pixels, keeping the aspect ratio, by area
   averaging: every new pixel is the mean of the old pixels (and parts of
   pixels) it covers, so a large photo shrinks smoothly instead of skipping
   rows. Then the ink is stretched again so its strongest pixel is 1 (thin
   pen strokes in a big drawing come out as bold as MNIST's).
5. place it in a 28 x 28 frame so its centre of mass (ink-weighted mean
   position) is on pixel (14, 14), as in MNIST, shifted by whole pixels (no second
   resampling). Ink pushed past the frame's edge is cut off.

Everything is plain float arithmetic in a fixed order, and every sum is
`math.fsum` (correctly rounded; the built-in `sum` of floats changed its
rounding in Python 3.12): the same picture gives the same 784 numbers, bit for
bit, on every machine, every Python from 3.9 (PyPy and Pyodide included) and
for both twins (which both call this module).

What this is not: segmentation. One digit per picture; a picture with no ink
at all raises `DataError`. Several digits, a ruled page or a heavy shadow
across the paper will be prepared as one blob.
"""

from __future__ import annotations

import math

from .errors import DataError

SIDE = 28            # the frame
BOX = 20             # the longer side of the digit inside it
INK = 0.05           # below this (after stretching) a pixel does not widen the bounding box


def prepare_digit(grey, width, height, name="image"):
    """Brightness values (flat, row by row, 0 black .. 1 white) -> 784 floats in [0, 1], MNIST-style.

    `name` is used in error messages (a file name, say).
    """
    width, height = int(width), int(height)
    if width < 1 or height < 1:
        raise DataError(f"{name}: an image needs a positive size, got {width} x {height}")
    grey = [float(v) for v in grey]
    if len(grey) != width * height:
        raise DataError(f"{name}: {len(grey)} values for a {width} x {height} image (expected {width * height})")
    if any(not (0.0 <= v <= 1.0) for v in grey):        # also catches NaN
        raise DataError(f"{name}: brightness values must lie in [0, 1] (divide 0..255 pixels by 255)")

    ink = ink_of(grey, width, height)
    box = ink_box(ink, width, height)
    if box is None:
        raise DataError(f"{name}: no ink found: the image is blank (one flat colour)")
    left, top, right, bottom = box
    crop = [ink[r * width + c] for r in range(top, bottom) for c in range(left, right)]
    crop_w, crop_h = right - left, bottom - top

    longer = max(crop_w, crop_h)
    new_w = max(1, int(math.floor(crop_w * BOX / longer + 0.5)))
    new_h = max(1, int(math.floor(crop_h * BOX / longer + 0.5)))
    small = resize_area(crop, crop_w, crop_h, new_w, new_h)
    peak = max(small)
    small = [v / peak for v in small]
    return centre_by_mass(small, new_w, new_h)


def prepare_file(path, index=0):
    """Read an image file (PNG, PGM/PPM/PBM, IDX; see data.imagefiles) and prepare it: 784 floats."""
    from .imagefiles import read_image, to_grey

    picture = read_image(path, index)
    return prepare_digit(to_grey(picture), picture.width, picture.height, name=str(path))


def ink_of(grey, width, height):
    """Ink in [0, 1] (bright on dark), from brightness: inverted if the border is light, background at 0."""
    border = border_pixels(grey, width, height)
    background = median(border)
    if background > 0.5:                       # dark ink on light paper: turn it round
        grey = [1.0 - v for v in grey]
        background = 1.0 - background
    peak = max(grey)
    if peak <= background:
        return [0.0] * len(grey)
    span = peak - background
    return [min(1.0, max(0.0, (v - background) / span)) for v in grey]


def border_pixels(grey, width, height):
    """The values of the outermost rows and columns (each pixel once)."""
    if width <= 2 or height <= 2:
        return list(grey)
    top = grey[:width]
    bottom = grey[(height - 1) * width:]
    sides = [grey[r * width + c] for r in range(1, height - 1) for c in (0, width - 1)]
    return top + bottom + sides


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def ink_box(ink, width, height):
    """(left, top, right, bottom), right/bottom exclusive, around the pixels with ink above INK; None if none."""
    rows = [r for r in range(height) if any(v > INK for v in ink[r * width:(r + 1) * width])]
    if not rows:
        return None
    columns = [c for c in range(width) if any(ink[r * width + c] > INK for r in range(rows[0], rows[-1] + 1))]
    return columns[0], rows[0], columns[-1] + 1, rows[-1] + 1


def resize_area(values, width, height, new_width, new_height):
    """Resize by area averaging: each new pixel is the mean over the part of the old image it covers.

    Done one direction at a time (rows, then columns): new pixel j of a line
    covers old positions [j * s, (j + 1) * s) with s = old / new; each old
    pixel contributes in proportion to how much of it lies inside.
    """
    across = _weights(width, new_width)
    down = _weights(height, new_height)
    rows = []
    for r in range(height):
        line = values[r * width:(r + 1) * width]
        rows.append([math.fsum(line[i] * w for i, w in parts) for parts in across])
    out = []
    for parts in down:
        for c in range(new_width):
            out.append(math.fsum(rows[i][c] * w for i, w in parts))
    return out


def _weights(old, new):
    """For each of `new` cells, the (old index, weight) pairs averaging the old cells it covers (weights sum to 1)."""
    scale = old / new
    table = []
    for j in range(new):
        start, stop = j * scale, (j + 1) * scale
        parts = []
        for i in range(int(math.floor(start)), min(old, int(math.ceil(stop)))):
            overlap = min(stop, i + 1) - max(start, i)
            if overlap > 0:
                parts.append((i, overlap / scale))
        table.append(parts)
    return table


def centre_by_mass(values, width, height):
    """Put a width x height image into the 28 x 28 frame with its centre of mass on pixel (14, 14).

    Positions are pixel indices (0..27), so (14, 14) is the pixel just right of
    and below the middle of the frame: where MNIST's digits have theirs (the
    mean over the first 2,000 test digits is (14.00, 13.99)).
    """
    total = math.fsum(values)
    cx = math.fsum(v * (i % width) for i, v in enumerate(values)) / total
    cy = math.fsum(v * (i // width) for i, v in enumerate(values)) / total
    dx = int(math.floor(SIDE / 2.0 - cx + 0.5))
    dy = int(math.floor(SIDE / 2.0 - cy + 0.5))
    frame = [0.0] * (SIDE * SIDE)
    for r in range(height):
        y = r + dy
        if not 0 <= y < SIDE:
            continue
        for c in range(width):
            x = c + dx
            if 0 <= x < SIDE:
                frame[y * SIDE + x] = values[r * width + c]
    return frame
