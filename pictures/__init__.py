"""Pictures for the lessons, drawn with the standard library only.

    import pictures
    pictures.line_chart("loss.svg", {"train": history["loss"]}, y_label="loss")
    pictures.image_grid("digits.png", images[:32], rows=4, cols=8, labels=list(zip(predicted, true)))
    print(pictures.sparkline(history["loss"]))

What it is:
- `svg`: line_chart, small_multiples, confusion_matrix, bar_chart (standalone SVG files);
- `png`: write_png / read_png / read_png_size (a minimal PNG codec), image_grid,
  weight_tiles, feature_maps, decision_boundary (PNG files);
- `text`: digit_to_text and sparkline (strings for a terminal).
Inputs are plain lists and numbers; a numpy array goes in as `array.tolist()`.
Every file is written atomically (a temporary file, then os.replace).

What it is not: a plotting library. Each function draws one kind of picture
the lessons need, with sensible defaults and few options. No numpy, no
matplotlib, nothing outside the standard library, so it runs wherever the
pure twin runs (CPython 3.9+, PyPy).
"""

from .png import (colour_scale, decision_boundary, feature_maps, image_grid, read_png, read_png_size, swatch,
                  weight_tiles, write_png)
from .svg import bar_chart, confusion_matrix, line_chart, small_multiples
from .text import digit_to_text, sparkline

__all__ = [
    "bar_chart",
    "colour_scale",
    "confusion_matrix",
    "decision_boundary",
    "digit_to_text",
    "feature_maps",
    "image_grid",
    "line_chart",
    "read_png",
    "read_png_size",
    "small_multiples",
    "sparkline",
    "swatch",
    "weight_tiles",
    "write_png",
]
