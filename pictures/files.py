"""Writing a picture file so that a reader never sees half of it.

What it is: `write_atomic(path, data)`, which writes the bytes to a temporary
file in the same folder and then renames it over `path` with `os.replace`.
A rename within one folder is atomic, so a browser or a test that opens the
picture while a training run redraws it sees the old picture or the new one,
never a truncated file. The file gets the usual permissions (0666 less the
umask), like any file `open(path, "wb")` would create.

What it is not: a lock. Two writers racing on one path both succeed and the
last rename wins.
"""

import os
import secrets


def write_atomic(path, data):
    """Write `data` (bytes) to `path` atomically; create the folder if needed. Returns `path`.

    The path comes back as a PictureFile (a str), which a Jupyter notebook shows as the picture."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    while True:
        tmp = os.path.join(folder, ".%s.%s.tmp" % (os.path.basename(path), secrets.token_hex(4)))
        try:
            handle = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return PictureFile(path)


class PictureFile(str):
    """The path of a picture just written; in a notebook, the picture itself."""

    def _repr_svg_(self):
        if not self.lower().endswith(".svg") or not os.path.exists(self):
            return None
        with open(self, encoding="utf-8") as f:
            return inline(f.read())

    def _repr_png_(self):
        if not self.lower().endswith(".png") or not os.path.exists(self):
            return None
        with open(self, "rb") as f:
            return f.read()


def inline(svg_text):
    """An SVG file's text without its XML declaration, as it goes inside a notebook's HTML."""
    if svg_text.startswith("<?xml"):
        svg_text = svg_text[svg_text.index("?>") + 2:].lstrip()
    return svg_text
