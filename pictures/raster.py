"""An RGB pixel canvas: the drawing surface behind every PNG picture.

What it is: `Canvas(width, height)`, a bytearray of width*height*3 bytes
(row by row, top to bottom, r g b per pixel) with the few operations the
pictures need: fill a rectangle, frame one, paste a scaled-up image or another
canvas, draw a disc, write text with the bitmap font in `font.py`.

What it is not: a graphics library. No anti-aliasing, no alpha; anything
drawn outside the canvas is clipped away.
"""

from . import font


class Canvas:
    def __init__(self, width, height, background=(255, 255, 255)):
        if width < 1 or height < 1:
            raise ValueError("a canvas needs a positive size, got %dx%d" % (width, height))
        self.width, self.height = int(width), int(height)
        self.pixels = bytearray(bytes(background) * (self.width * self.height))

    def fill_rect(self, x, y, w, h, rgb):
        """Paint the rectangle with top-left (x, y), w wide and h tall, clipped to the canvas."""
        x0, y0 = max(0, int(x)), max(0, int(y))
        x1, y1 = min(self.width, int(x + w)), min(self.height, int(y + h))
        if x0 >= x1 or y0 >= y1:
            return
        run = bytes(rgb) * (x1 - x0)
        for row in range(y0, y1):
            start = (row * self.width + x0) * 3
            self.pixels[start:start + len(run)] = run

    def frame(self, x, y, w, h, thickness, rgb):
        """A border `thickness` pixels wide just outside the rectangle (x, y, w, h)."""
        t = thickness
        self.fill_rect(x - t, y - t, w + 2 * t, t, rgb)
        self.fill_rect(x - t, y + h, w + 2 * t, t, rgb)
        self.fill_rect(x - t, y, t, h, rgb)
        self.fill_rect(x + w, y, t, h, rgb)

    def paste(self, x, y, rows, scale=1):
        """Paste an image given as rows of (r, g, b) triples, each pixel a scale x scale block."""
        for r, row in enumerate(rows):
            line = bytearray()
            for rgb in row:
                line += bytes(rgb) * scale
            for k in range(scale):
                self._put_line(x, y + r * scale + k, line)

    def paste_canvas(self, x, y, other):
        """Copy another Canvas onto this one, its top-left corner at (x, y)."""
        stride = other.width * 3
        for row in range(other.height):
            self._put_line(x, y + row, other.pixels[row * stride:(row + 1) * stride])

    def _put_line(self, x, y, line):
        if not 0 <= y < self.height:
            return
        skip = max(0, -x)
        x0 = x + skip
        room = self.width - x0
        if room <= 0:
            return
        piece = line[skip * 3:skip * 3 + room * 3]
        start = (y * self.width + x0) * 3
        self.pixels[start:start + len(piece)] = piece

    def disc(self, cx, cy, radius, rgb):
        """A filled circle centred on (cx, cy)."""
        r2 = (radius + 0.5) ** 2          # the half pixel makes small discs round rather than star-shaped
        for dy in range(-int(radius) - 1, int(radius) + 2):
            span = r2 - dy * dy
            if span < 0:
                continue
            half = int(span ** 0.5)
            self.fill_rect(int(round(cx)) - half, int(round(cy)) + dy, 2 * half + 1, 1, rgb)

    def text(self, x, y, text, rgb, scale=1):
        """Write `text` with its top-left corner at (x, y), each font pixel scale x scale."""
        for i, ch in enumerate(text):
            left = x + i * (font.GLYPH_WIDTH + font.SPACING) * scale
            for row, bits in enumerate(font.glyph(ch)):
                for col, bit in enumerate(bits):
                    if bit == "#":
                        self.fill_rect(left + col * scale, y + row * scale, scale, scale, rgb)
