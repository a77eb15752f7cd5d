"""`Images`: many small grey-scale images kept as bytes, read as floats.

MNIST is 10,000 or 60,000 images of 28 x 28 pixels, each pixel a byte 0..255.
As bytes that is 7.8 or 47 MB. As Python lists of floats it would be about
twenty times more (each list slot is an 8-byte pointer, and a fresh float
object costs 24 bytes more), so this class keeps the bytes and turns an image
into floats only when you ask for it:

    images[i]          -> flat list of rows*cols floats (image i)
    images.image(i)    -> the same image as rows lists of cols floats
    images[a:b]        -> another Images sharing the same bytes (no copy)
    images.subset(idx) -> another Images holding just those images
    images.raw         -> the pixels of all images, a read-only memoryview
                          (numpy: np.frombuffer(images.raw, np.uint8).reshape(images.shape))

A pixel becomes a float through a table of 256 precomputed values, chosen by
the `scale`:

    "unit"      pixel / 255          in [0, 1]   (the default)
    "centered"  pixel / 255 - 0.5    in [-0.5, 0.5]
    "raw"       float(pixel)         in [0, 255]

Every image thus shares the same 256 float objects, and the conversion is a
table look-up, identical on every machine.

What this is not: a general tensor type. It holds uint8 images only, it is
read-only, and it does no augmentation or normalisation beyond the table.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

SCALES = {
    "unit": tuple(pixel / 255.0 for pixel in range(256)),
    "centered": tuple(pixel / 255.0 - 0.5 for pixel in range(256)),
    "raw": tuple(float(pixel) for pixel in range(256)),
}

# Characters from light to dark, for `Images.render`.
_SHADES = " .:-=+*#%@"


class Images(Sequence):
    """A read-only sequence of rows x cols uint8 images over one byte buffer.

    Images(pixels, rows, cols, scale="unit")

    pixels: bytes-like holding count * rows * cols bytes, image after image,
            each image row after row.
    """

    def __init__(self, pixels, rows, cols, scale="unit"):
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(SCALES)}")
        if rows <= 0 or cols <= 0:
            raise ValueError(f"rows and cols must be positive, got {rows} x {cols}")
        view = memoryview(pixels).cast("B")  # flat bytes, whatever came in
        if len(view) % (rows * cols):
            raise ValueError(
                f"{len(view)} bytes is not a whole number of {rows} x {cols} images"
            )
        self._pixels = view.toreadonly()
        self.rows = rows
        self.cols = cols
        self.scale = scale
        self._table = SCALES[scale]

    # -- shape and size

    @property
    def image_size(self):
        """Pixels per image (rows * cols)."""
        return self.rows * self.cols

    @property
    def shape(self):
        """(count, rows, cols)."""
        return (len(self), self.rows, self.cols)

    @property
    def raw(self):
        """All pixels of these images: a read-only memoryview of bytes.

        `bytes(images.raw)` makes a copy; numpy can wrap it without one.
        """
        return self._pixels

    def __len__(self):
        return len(self._pixels) // self.image_size

    def __repr__(self):
        count, rows, cols = self.shape
        return f"<Images {count} x {rows} x {cols}, scale={self.scale!r}>"

    # -- reading images

    def __getitem__(self, index):
        """images[i] -> list of floats; images[a:b] -> Images."""
        if isinstance(index, slice):
            return self._slice(index)
        return self._floats(self._position(index))

    def __iter__(self):
        for position in range(len(self)):
            yield self._floats(position)

    def pixels(self, index):
        """The raw bytes of one image (rows * cols values 0..255)."""
        start = self._position(index) * self.image_size
        return self._pixels[start:start + self.image_size].tobytes()

    def image(self, index):
        """Image `index` as a 2-D list: rows lists of cols floats."""
        flat = self[index]
        cols = self.cols
        return [flat[start:start + cols] for start in range(0, len(flat), cols)]

    def render(self, index):
        """Image `index` drawn with text characters, one line per row."""
        pixels = self.pixels(index)
        lines = []
        for start in range(0, len(pixels), self.cols):
            row = pixels[start:start + self.cols]
            lines.append("".join(_SHADES[value * len(_SHADES) // 256] for value in row))
        return "\n".join(lines)

    # -- making other Images

    def with_scale(self, scale):
        """The same images (same bytes, no copy) read with another scale."""
        return Images(self._pixels, self.rows, self.cols, scale)

    def subset(self, indices):
        """A new Images with the images at `indices`, in that order.

        A range with step 1 is a view (no copy); any other list of indices
        copies the chosen images' bytes (still only rows*cols bytes each).
        """
        contiguous = isinstance(indices, range) and indices.step == 1
        if contiguous and 0 <= indices.start <= indices.stop <= len(self):
            return self[indices.start:indices.stop]
        size = self.image_size
        positions = [self._position(index) for index in indices]
        pixels = b"".join(self._pixels[p * size:(p + 1) * size] for p in positions)
        return Images(pixels, self.rows, self.cols, self.scale)

    # -- helpers

    def _position(self, index):
        """Turn an index (negative allowed, like a list) into 0..len-1."""
        index = operator.index(index)
        count = len(self)
        position = index + count if index < 0 else index
        if not 0 <= position < count:
            raise IndexError(f"image index {index} out of range for {count} images")
        return position

    def _floats(self, position):
        start = position * self.image_size
        table = self._table
        # Iterating over bytes is faster than over a memoryview, hence the copy
        # of these few hundred bytes.
        pixels = self._pixels[start:start + self.image_size].tobytes()
        return [table[value] for value in pixels]

    def _slice(self, selection):
        start, stop, step = selection.indices(len(self))
        if step != 1:
            return self.subset(range(start, stop, step))
        stop = max(start, stop)
        size = self.image_size
        return Images(self._pixels[start * size:stop * size], self.rows, self.cols, self.scale)
