"""Read MNIST in its common CSV layout.

Each line is one image: the label, then rows*cols pixel values 0..255
(785 columns for 28 x 28 MNIST), separated by commas:

    label,1x1,1x2,...,28x28        <- optional header row, skipped
    5,0,0,0,...,0
    0,0,0,0,...,0

The file may be gzip-compressed (detected by its first bytes). A header row is
recognised by its first field not being a whole number. Blank lines are ignored.

`read_csv` returns `(Images, labels)` exactly like `data.load_mnist`, so either
source feeds the same code. Errors name the file, the line (counting from 1,
header included) and, where it helps, the column.

What this is not: a general CSV reader. No quoting, no other separators, no
missing values: the MNIST CSV files have none.
"""

from __future__ import annotations

import io
import os

from .errors import DataError
from .files import gzip_errors_as_data_errors, open_binary
from .images import Images


def read_csv(path, limit=None, rows=28, cols=28):
    """Read an MNIST-style CSV file: return (images, labels).

    limit:      stop after this many images
    rows, cols: the image size; each line must hold 1 + rows*cols values

    Returns an `Images` of shape (count, rows, cols) and the labels as
    `bytes`. Raises DataError naming the file and line for a wrong column
    count, a value that is not an integer, or a value outside 0..255.
    """
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be a non-negative int or None, got {limit!r}")
    name = os.fspath(path)
    columns = 1 + rows * cols
    pixels = bytearray()
    labels = bytearray()
    with gzip_errors_as_data_errors(name), open_binary(path) as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8-sig")  # tolerate a BOM
        try:
            first_line = True
            for line_number, line in enumerate(text, start=1):
                if limit is not None and len(labels) >= limit:
                    break
                if not line.strip():
                    continue
                fields = line.split(",")
                if first_line:
                    first_line = False
                    if _is_header(fields):
                        continue
                record = _parse_record(fields, columns, name, line_number)
                labels.append(record[0])
                pixels += record[1:]
        except UnicodeDecodeError as error:
            raise DataError(f"{name}: not a text file ({error})") from None
    if not labels and limit != 0:
        raise DataError(f"{name}: no data rows")
    return Images(pixels, rows, cols), bytes(labels)


def _is_header(fields):
    """A header row's first field is a name like 'label', not a number."""
    try:
        int(fields[0])
    except ValueError:
        return True
    return False


def _parse_record(fields, columns, name, line_number):
    """Turn one line's fields into bytes: label then pixels, each 0..255."""
    if len(fields) != columns:
        raise DataError(
            f"{name}, line {line_number}: expected {columns} columns "
            f"(a label and {columns - 1} pixels), got {len(fields)}"
        )
    try:
        return bytes(map(int, fields))  # fast path: int() and the 0..255 check in C
    except ValueError:
        pass
    # Something is wrong; find the first bad field and say which.
    for column, field in enumerate(fields, start=1):
        try:
            value = int(field)
        except ValueError:
            raise DataError(
                f"{name}, line {line_number}, column {column}: {field.strip()!r} "
                f"is not an integer"
            ) from None
        if not 0 <= value <= 255:
            raise DataError(
                f"{name}, line {line_number}, column {column}: {value} is out of range 0..255"
            )
    raise AssertionError("unreachable: bytes() refused fields that all look valid")
