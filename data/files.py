"""Small file helpers shared by the IDX and CSV readers.

- `is_gzip(path)`: does the file start with the gzip magic bytes 1f 8b?
  (We look at the bytes, never at the name: `x.gz` may be plain and `x` may be
  compressed.)
- `open_binary(path)`: open for reading, decompressing on the fly if gzip.
- `regular_size(path, what)`: the size of a regular file, looked up before it
  is opened; a folder, a device or a pipe is refused (DataError) unread.
- `open_errors_as_data_errors(name, what)`: a `with` block turning a missing
  file, a directory, a permission problem or any other failure to open
  into DataError naming the file.
- `gzip_errors_as_data_errors(name)`: a `with` block turning gzip's own
  exceptions (bad header, bad CRC, cut-off stream) into DataError.
- `atomic_write(path)`: a context manager giving a binary file that replaces
  `path` only once it has been completely written.
- `output_problem(path, inputs, picture)`: why a command may not write its
  output file at `path` (empty, one of its own inputs, a folder, a device, a
  pipe, under a file, or, for a picture, a saved model or checkpoint), or None.
  `python -m data export` and the application's commands (app/targets.py)
  check their targets with it before any work.

This module does not parse anything; it only opens and writes files.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import stat
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
        regular_size(path)
        if is_gzip(path):
            return gzip.open(path, "rb")
        return open(path, "rb")


def regular_size(path, what="a file") -> int:
    """The size in bytes of the regular file at `path` (a symbolic link is followed), looked up
    before it is opened: a folder, a device (/dev/zero never ends) or a pipe (FIFO: nobody may ever
    write to it) raises DataError naming the file, without waiting or reading anything."""
    mode_and_size = os.stat(path)
    mode = mode_and_size.st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(mode):
        raise DataError(f"{os.fspath(path)}: it is {_kind(mode)}, not {what}; only a regular file is read")
    return mode_and_size.st_size


@contextlib.contextmanager
def open_errors_as_data_errors(name, what="a file"):
    """A `with` block that turns "no such file", "is a directory", "permission denied" and any other
    failure to open (a loop of symbolic links...) into DataError naming the file.

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
    except OSError as error:        # e.g. ELOOP, "Too many levels of symbolic links"; ENAMETOOLONG
        raise DataError(f"{name}: cannot be read: {error.strerror or error}") from None


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


# The JSON files of this project ("format": "twinnet-model", "twinnet-checkpoint": FORMAT.md) begin with it.
_FORMAT_FIELD = re.compile(rb'^\s*\{\s*"format"\s*:\s*"(twinnet-[a-z-]+)"')


def file_format(path):
    """"twinnet-model", "twinnet-checkpoint" (the "format" field that opens a saved model or a
    checkpoint), or None for any other file or one that cannot be read."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(256)
    except OSError:
        return None
    found = _FORMAT_FIELD.match(head)
    return found.group(1).decode("ascii") if found else None


def _kind(mode) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket or other special file"


def missing_path_problem(path):
    """For a path that does not exist yet: None if it can be made (the nearest folder on the way that
    exists is a folder), else what is in the way."""
    folder = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(folder):
        folder = os.path.dirname(folder)
    return None if os.path.isdir(folder) else f"{folder} is a file, not a folder"


def output_problem(path, inputs=(), picture=True):
    """Why a command may not write its output file at `path`, or None if it may: a regular file or a
    new name (its folder may be missing, it is made; nothing on the way may be a file).

    Refused: an empty path; one of `inputs` (the files the command reads; compared with samefile,
    so a symbolic link to an input is refused too); a folder; a device, a pipe or a socket; and,
    when `picture`, a saved model or checkpoint (a picture never replaces one). Nothing is written.
    """
    path = os.fspath(path)
    if not path:
        return "the path is empty"
    for source in inputs:
        try:
            if source and os.path.samefile(path, source):
                return f"it is {source!r}, one of this command's own inputs"
        except OSError:
            continue
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return missing_path_problem(path)
    except OSError as e:
        return e.strerror or str(e)
    if stat.S_ISDIR(mode):
        return "it is a folder"
    if not stat.S_ISREG(mode):
        return f"it is {_kind(mode)}, not a regular file; it is never replaced"
    found = file_format(path) if picture else None
    if found:
        what = "a checkpoint" if found.endswith("checkpoint") else "a saved model"
        return f"it is {what} ({found}); a picture never replaces one"
    return None
