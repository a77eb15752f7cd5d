"""Pictures made of characters, for a terminal: a digit in ASCII art, a curve as a sparkline.

    >>> print(sparkline([3, 2, 1.5, 1.2, 1.1]))
    █▄▂▁▁

What it is: two functions that return strings and write no files, for a
quick look at a digit or a loss curve over SSH or in a log.

What it is not: a replacement for the SVG and PNG pictures; a character
cell is coarse, and the sparkline has eight levels.
"""

import math

from .palette import gray_levels

RAMP = " .:-=+*#%@"               # from paper to ink, ten levels
BLOCKS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"   # ▁▂▃▄▅▆▇█


def digit_to_text(pixels, width=28, height=28):
    """An image (flat list: floats in [0, 1] or ints 0..255) as `height` lines of ASCII art.

    Each pixel becomes two characters, because a terminal cell is about twice
    as tall as it is wide; darker characters mean more ink. Trailing spaces
    are removed from each line.
    """
    pixels = list(pixels)
    if len(pixels) != width * height:
        raise ValueError("digit_to_text: %d values for a %dx%d image (%d)" % (len(pixels), width, height,
                                                                            width * height))
    levels = gray_levels(pixels)
    lines = []
    for r in range(height):
        row = levels[r * width:(r + 1) * width]
        lines.append("".join(RAMP[v * (len(RAMP) - 1) // 255] * 2 for v in row).rstrip())
    return "\n".join(lines)


def sparkline(values, width=None):
    """A series as one line of Unicode blocks, lowest value ▁, highest █.

    NaN, infinities and None become a space (a gap, like a break in a line
    chart); a constant series is a flat row of middle blocks. With `width`,
    a longer series is shortened by averaging runs of neighbouring values.
    """
    values = [v if isinstance(v, (int, float)) and math.isfinite(v) else None for v in values]
    if width is not None and len(values) > width > 0:
        values = _shrink(values, width)
    present = [v for v in values if v is not None]
    if not present:
        return " " * len(values)
    lo, hi = min(present), max(present)
    top = len(BLOCKS) - 1
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif hi == lo:
            out.append(BLOCKS[top // 2])
        else:
            out.append(BLOCKS[int(round((v - lo) / (hi - lo) * top))])
    return "".join(out)


def _shrink(values, width):
    """`values` averaged into `width` buckets; a bucket with no finite value stays a gap."""
    out = []
    for k in range(width):
        bucket = values[k * len(values) // width:(k + 1) * len(values) // width]
        finite = [v for v in bucket if v is not None]
        out.append(sum(finite) / len(finite) if finite else None)
    return out
