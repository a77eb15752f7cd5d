"""Writing a picture file so that a reader never sees half of it.

What it is: `write_atomic(path, data)`, which writes the bytes to a temporary
file in the same folder and then renames it over `path` with `os.replace`.
A rename within one folder is atomic, so a browser or a test that opens the
picture while a training run redraws it sees the old picture or the new one,
never a truncated file.

What it is not: a lock. Two writers racing on one path both succeed and the
last rename wins.
"""

import os
import tempfile


def write_atomic(path, data):
    """Write `data` (bytes) to `path` atomically; create the folder if needed. Returns `path`."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path
