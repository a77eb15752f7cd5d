"""Pictures that show themselves in a Jupyter notebook, with the standard library.

Jupyter (IPython) displays an object inline when it has a `_repr_svg_` or
`_repr_png_` method returning the picture's text or bytes. Two kinds of
object have them:

- every picture function's result (`pictures.line_chart(...)`,
  `pictures.image_grid(...)`, ...): a `PictureFile` (files.py), the path as a `str`
  (it compares and prints as the path) whose repr is the picture written;
- an `SVG`, the text of a drawing: `show_history(history)` for `fit()`'s
  history in either twin (a dict of per-epoch lists: the loss and accuracy
  curves) and `show_confusion(matrix)` for `confusion_matrix(...)`'s result
  (a list of rows: the heat map).

The twins return plain dicts and lists and never import this package:

    history = model.fit(...)
    show_history(history)          # the last expression of a cell: shown as curves

The SVG is drawn by the same functions that write files (pictures/svg.py),
into a temporary folder, and read back. Nothing here imports IPython: the
methods are plain methods, so they can be (and are, in the tests) called
directly.
"""

import os
import tempfile

from .files import PictureFile, inline  # noqa: F401  (PictureFile: the path that shows its picture)
from .svg import confusion_matrix, line_chart, small_multiples


def render_svg(draw, *args, **kwargs):
    """The SVG text a file-writing picture function draws: draw(path, *args, **kwargs), read back."""
    with tempfile.TemporaryDirectory() as folder:
        path = draw(os.path.join(folder, "picture.svg"), *args, **kwargs)
        with open(path, encoding="utf-8") as f:
            return inline(f.read())


class SVG(str):
    """The text of an SVG drawing; in a notebook, the drawing itself."""

    def _repr_svg_(self):
        return str(self)


def show_history(history, title=""):
    """fit()'s history (either twin), shown in a notebook as its loss and accuracy curves."""
    return SVG(history_svg(history, title))


def show_confusion(matrix, class_names=None, title=""):
    """confusion_matrix()'s result (either twin), shown in a notebook as a heat map."""
    return SVG(confusion_svg(matrix, class_names, title))


def history_svg(history, title=""):
    """A training history (a dict of per-epoch lists, as fit returns) as SVG: loss, then accuracy if measured."""
    losses = {key: list(history[key]) for key in ("loss", "val_loss") if history.get(key)}
    accuracies = {key: list(history[key]) for key in ("accuracy", "val_accuracy") if history.get(key)}
    if losses and accuracies:
        return render_svg(small_multiples, [("loss", losses), ("accuracy", accuracies)], columns=2,
                          shared_y=False, title=title)
    if not losses and not accuracies:
        losses = {key: list(values) for key, values in history.items() if values and key != "lr"}
    return render_svg(line_chart, losses or accuracies, title=title, y_label="loss" if losses else "accuracy")


def confusion_svg(matrix, class_names=None, title=""):
    """A confusion matrix (rows = true classes) as SVG."""
    return render_svg(confusion_matrix, matrix, class_names=class_names, title=title)
