"""Colours shared by the SVG charts and the PNG pictures.

What it is: a categorical palette (Tableau 10: ten colours that stay distinct
for most colour-blind readers), a light version of each for backgrounds, a
blue-white-red diverging map for signed values such as weights, and
`gray_levels`, which turns one image's pixel values into 0..255 bytes.

What it is not: a colour-management library. Colours are sRGB triples and
interpolation is linear in sRGB, which is good enough for teaching pictures.
"""

import math

# Tableau 10, in its usual order: blue, orange, red, teal, green, yellow, purple, pink, brown, grey.
CATEGORICAL = [
    (78, 121, 167), (242, 142, 43), (225, 87, 89), (118, 183, 178), (89, 161, 79),
    (237, 201, 72), (176, 122, 161), (255, 157, 167), (156, 117, 95), (186, 176, 172),
]

# The diverging map's three anchors: negative, zero, positive (ColorBrewer RdBu ends).
NEGATIVE = (33, 102, 172)
ZERO = (255, 255, 255)
POSITIVE = (178, 24, 43)


def hex_colour(rgb):
    """(r, g, b) -> '#rrggbb'."""
    return "#%02x%02x%02x" % tuple(rgb)


def mix(a, b, t):
    """The colour a fraction `t` of the way from `a` to `b` (t in [0, 1])."""
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b))


def category(i):
    """The i-th categorical colour (cycles after ten)."""
    return CATEGORICAL[i % len(CATEGORICAL)]


def light(rgb, amount=0.72):
    """A pale version of a colour, for a background region: mixed towards white."""
    return mix(rgb, (255, 255, 255), amount)


def dark(rgb, amount=0.35):
    """A deeper version of a colour, for dots drawn on top of its light version."""
    return mix(rgb, (0, 0, 0), amount)


def diverging(t):
    """t in [-1, 1] -> blue (-1), white (0), red (+1). NaN is drawn as white (no information)."""
    if t != t:
        return ZERO
    t = max(-1.0, min(1.0, t))
    return mix(ZERO, POSITIVE, t) if t >= 0 else mix(ZERO, NEGATIVE, -t)


def sequential(t):
    """t in [0, 1] -> white (0) to deep blue (1), for counts in a heat map."""
    t = max(0.0, min(1.0, t))
    return mix((247, 251, 255), (8, 48, 107), t)


def gray_levels(values):
    """One image's pixels as a list of ints 0..255, whatever scale they came in.

    - every value in [0, 1] (MNIST as floats): multiplied by 255;
    - every value in [0, 255] otherwise (raw bytes, ints): used as they are;
    - anything else (for example image/255 - 0.5, or a feature map): stretched
      from its own minimum (black) to its maximum (white).
    NaN and infinities become 0. Values are rounded and clipped to 0..255.
    """
    clean = [v if isinstance(v, (int, float)) and math.isfinite(v) else 0.0 for v in values]
    if not clean:
        return []
    lo, hi = min(clean), max(clean)
    if lo >= 0 and hi <= 1:
        return [_byte(v * 255) for v in clean]
    if lo >= 0 and hi <= 255:
        return [_byte(v) for v in clean]
    return [_byte((v - lo) * 255.0 / (hi - lo)) for v in clean]


def _byte(v):
    return max(0, min(255, int(round(v))))
