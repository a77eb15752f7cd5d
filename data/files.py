"""Small file helpers shared by the IDX and CSV readers.

- `is_gzip(path)`: does the file start with the gzip magic bytes 1f 8b?
  (We look at the bytes, never at the name: `x.gz` may be plain and `x` may be
  compressed.)
- `open_binary(path)`: open for reading, decompressing on the fly if gzip.
- `open_errors_as_data_errors(name, what)`: a `with` block turning a missing
  file, a directory or a permission problem into DataError naming the file.
- `gzip_errors_as_data_errors(name)`: a `with` block turning gzip's own
  exceptions (bad header, bad CRC, cut-off stream) into DataError.
- `atomic_write(path)`: a context manager giving a binary file that replaces
  `path` only once it has been completely written.

This module does not parse anything; it only opens and writes files.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import tempfile
import zlib

from .errors import DataError

GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(path) -> bool:
    """Return True if the file at `path` starts with the gzip magic bytes."""
    with open(path, "rb") as stream:
        return stream.read(2) == GZIP_MAGIC


def open_binary(path):
    """Open `path` for binary reading, transparently decompressing gzip.

    Raises DataError (naming the file) if it does not exist or cannot be read.
    """
    with open_errors_as_data_errors(os.fspath(path)):
        if is_gzip(path):
            return gzip.open(path, "rb")
        return open(path, "rb")


@contextlib.contextmanager
def open_errors_as_data_errors(name, what="a file"):
    """A `with` block that turns "no such file", "is a directory" and "permission denied" into DataError.

    `what` is what the file should have been ("a file", "an image file"), for the directory case.
    """
    try:
        yield
    except FileNotFoundError:
        raise DataError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{name}: is a directory, not {what}") from None
    except PermissionError:
        raise DataError(f"{name}: permission denied") from None


@contextlib.contextmanager
def gzip_errors_as_data_errors(name):
    """A `with` block that turns gzip's own exceptions into DataError."""
    try:
        yield
    except (gzip.BadGzipFile, zlib.error, EOFError) as error:
        raise DataError(f"{name}: corrupt gzip data ({error})") from None


@contextlib.contextmanager
def atomic_write(path):
    """Yield a binary file object; on success it atomically replaces `path`.

    The data goes to a temporary file in the same directory (so the final
    `os.replace` is a rename within one file system, which is atomic). If
    anything fails, the temporary file is removed and `path` is untouched.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    prefix = "." + os.path.basename(path) + "."
    handle, temp_path = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_path, 0o644)
        os.replace(temp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temp_path)
        raise
