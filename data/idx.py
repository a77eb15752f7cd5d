"""Read and write IDX files, the format of the MNIST distribution.

An IDX file is a small header followed by one flat block of numbers:

    bytes 0-1    two zero bytes
    byte  2      type code: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
                 0x0D float32, 0x0E float64
    byte  3      number of dimensions, d
    next 4*d     each dimension, a big-endian unsigned 32-bit integer
    the rest     prod(dims) numbers, big-endian, row-major (the last index
                 varies fastest)

MNIST images are `00 00 08 03` then (count, 28, 28); labels are `00 00 08 01`
then (count,). The files are usually gzip-compressed; `read_idx` looks at the
first two bytes (1f 8b) to decide, never at the file name.

What this module is: a careful reader that checks the header against the size
of the file before it allocates anything, so a truncated download or a forged
header gives a clear `DataError` instead of a crash or a huge allocation; and a
writer for tests and tools. What it is not: it knows nothing about which file
holds what (see `data.mnist`) and never converts pixels to floats (see
`data.images`).
"""

from __future__ import annotations

import array
import gzip as gzip_module
import math
import os
import struct
import sys

from .errors import DataError
from .files import atomic_write, gzip_errors_as_data_errors, open_binary

# A 32-bit signed integer is 'i' on every common platform, but the C standard
# only promises 'l' is at least 32 bits, so pick whichever is exactly 4 bytes.
_INT32 = "i" if array.array("i").itemsize == 4 else "l"

# type code -> (dtype name, array typecode, bytes per value)
IDX_TYPES = {
    0x08: ("uint8", "B", 1),
    0x09: ("int8", "b", 1),
    0x0B: ("int16", "h", 2),
    0x0C: ("int32", _INT32, 4),
    0x0D: ("float32", "f", 4),
    0x0E: ("float64", "d", 8),
}
TYPE_CODES = {name: code for code, (name, _, _) in IDX_TYPES.items()}

# Deflate cannot compress better than about 1032 to 1, so a gzip file of n
# bytes never holds more than about 1032 * n bytes of data. This lets us reject
# a header that promises more before reading (or allocating) anything.
MAX_GZIP_RATIO = 1032

# The most bytes of data read_idx keeps (256 MiB: the full MNIST training set is 47 MB). A header
# that agrees with a (sparse, forged) file of gigabytes is refused before anything is read; to read
# a genuine bigger file, pass limit= (the first images) or raise data.idx.MAX_BYTES.
MAX_BYTES = 256 * 1024 * 1024

# Data is read in pieces of at most this size, so a header that lies about the
# size costs at most one such piece of memory before the lie is found.
READ_CHUNK = 64 * 1024 * 1024


class IdxArray:
    """The contents of an IDX file.

    shape: tuple of ints, e.g. (10000, 28, 28)
    dtype: 'uint8', 'int8', 'int16', 'int32', 'float32' or 'float64'
    data:  `bytes` for uint8; an `array.array` (already in this machine's
           byte order) for the other types. Flat, row-major.
    """

    def __init__(self, shape, dtype, data):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.data = data

    def __len__(self):
        return self.shape[0]

    @property
    def size(self):
        """The number of values (the product of the dimensions)."""
        return math.prod(self.shape)

    def __repr__(self):
        return f"IdxArray(shape={self.shape}, dtype={self.dtype!r})"


def read_idx_header(path):
    """Read only the header of an IDX file: return (shape, dtype).

    Cheap even for a big gzip file (only the first bytes are decompressed).
    """
    name = os.fspath(path)
    with gzip_errors_as_data_errors(name):
        with open_binary(path) as stream:
            shape, type_code = _read_header(stream, name)
    return shape, IDX_TYPES[type_code][0]


def read_idx(path, limit=None):
    """Read an IDX file (plain or gzip) and return an `IdxArray`.

    limit: if given, keep only the first `limit` entries along the first axis
    (e.g. the first 1000 images). The header is still checked in full; for a
    plain file so is the file size, but in a gzip file the part after the limit
    is not decompressed, so damage there goes unnoticed.

    Raises DataError, naming the file, for: a bad magic number, an unknown
    type code, a header that promises more data than the file can hold, data
    shorter or longer than the header says, corrupt gzip data, more data to
    keep than MAX_BYTES, and a path that is not a regular file (a folder, a
    device, a pipe: refused unread).
    """
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be a non-negative int or None, got {limit!r}")
    name = os.fspath(path)
    with gzip_errors_as_data_errors(name):
        with open_binary(path) as stream:
            compressed = isinstance(stream, gzip_module.GzipFile)
            shape, type_code = _read_header(stream, name)
            dtype, typecode, itemsize = IDX_TYPES[type_code]
            header_size = 4 + 4 * len(shape)
            expected = math.prod(shape) * itemsize
            file_size = os.path.getsize(path)
            _check_size_against_file(name, shape, dtype, expected, header_size, file_size, compressed)

            kept = shape[0] if limit is None else min(limit, shape[0])
            wanted = kept * math.prod(shape[1:]) * itemsize
            if wanted > MAX_BYTES:
                raise DataError(
                    f"{name}: {wanted:,} bytes of data to read ({_describe((kept,) + shape[1:], dtype)}), "
                    f"more than the budget of {MAX_BYTES:,} (data.idx.MAX_BYTES); for a genuine file this "
                    f"big, read the first images (limit=) or raise data.idx.MAX_BYTES"
                )
            payload = _read_up_to(stream, wanted)
            if len(payload) < wanted:
                raise DataError(
                    f"{name}: truncated data: expected {wanted:,} bytes after the "
                    f"{header_size}-byte header ({_describe(shape, dtype)}), got {len(payload):,}"
                )
            if kept == shape[0]:
                extra = _count_remaining(stream)
                if extra:
                    raise DataError(
                        f"{name}: trailing garbage: {extra:,} bytes after the {expected:,} bytes "
                        f"of data the header announces ({_describe(shape, dtype)})"
                    )
    return IdxArray((kept,) + shape[1:], dtype, _decode(payload, typecode))


def write_idx(path, shape, data, gzip=None, dtype=None):
    """Write `data` with the given `shape` as an IDX file, atomically.

    data:  bytes-like (uint8), an `array.array`, or a sequence of numbers.
    dtype: the IDX type name; by default 'uint8', or taken from an
           `array.array`'s typecode.
    gzip:  True to compress, False for a plain file, None (the default) to
           compress exactly when the name ends in '.gz'.

    The file is written to a temporary name in the same directory and then
    renamed over `path`, so readers never see a half-written file. The gzip
    output is reproducible (no time stamp, no file name inside).
    """
    shape = tuple(int(dim) for dim in shape)
    _check_shape(shape)
    if dtype is None:
        dtype = _guess_dtype(data)
    if dtype not in TYPE_CODES:
        raise ValueError(f"unsupported dtype {dtype!r}; choose one of {sorted(TYPE_CODES)}")
    type_code = TYPE_CODES[dtype]
    payload = _encode(data, IDX_TYPES[type_code][1])
    itemsize = IDX_TYPES[type_code][2]
    if len(payload) != math.prod(shape) * itemsize:
        raise ValueError(
            f"shape {shape} needs {math.prod(shape):,} values, "
            f"but data has {len(payload) // itemsize:,}"
        )
    header = bytes([0, 0, type_code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape)
    if gzip is None:
        gzip = os.fspath(path).endswith(".gz")
    with atomic_write(path) as stream:
        if gzip:
            with gzip_module.GzipFile(filename="", mode="wb", fileobj=stream, mtime=0) as packed:
                packed.write(header)
                packed.write(payload)
        else:
            stream.write(header)
            stream.write(payload)


# ---------------------------------------------------------------- reading


def _read_header(stream, name):
    """Read and check the magic number and dimensions; return (shape, type code)."""
    magic = stream.read(4)
    if len(magic) < 4:
        raise DataError(
            f"{name}: too short to be an IDX file: {len(magic)} bytes, "
            f"the magic number alone needs 4"
        )
    if magic[0] != 0 or magic[1] != 0:
        raise DataError(
            f"{name}: bad magic number {magic.hex(' ')}: an IDX file starts with 00 00, "
            f"a type code and the number of dimensions (MNIST images: 00 00 08 03, "
            f"labels: 00 00 08 01)"
        )
    type_code, ndim = magic[2], magic[3]
    if type_code not in IDX_TYPES:
        known = ", ".join(f"0x{code:02x} {info[0]}" for code, info in IDX_TYPES.items())
        raise DataError(f"{name}: unsupported IDX type code 0x{type_code:02x} (known: {known})")
    if ndim == 0:
        raise DataError(f"{name}: the header says the data has 0 dimensions")
    raw_dims = stream.read(4 * ndim)
    if len(raw_dims) < 4 * ndim:
        raise DataError(
            f"{name}: truncated header: {ndim} dimensions need {4 * ndim} bytes "
            f"after the magic number, got {len(raw_dims)}"
        )
    return struct.unpack(f">{ndim}I", raw_dims), type_code


def _check_size_against_file(name, shape, dtype, expected, header_size, file_size, compressed):
    """Refuse a header that promises a different amount of data than the file has.

    For a plain file the size is exact. For a gzip file we only know an upper
    bound (the best deflate can do), which is still enough to stop a forged
    header from making us allocate gigabytes.
    """
    if compressed:
        ceiling = file_size * MAX_GZIP_RATIO
        if header_size + expected > ceiling:
            raise DataError(
                f"{name}: the header announces {_describe(shape, dtype)} = {expected:,} bytes, "
                f"more than a {file_size:,}-byte gzip file can hold (at most about "
                f"{ceiling:,} bytes); the header is corrupt or forged"
            )
        return
    available = file_size - header_size
    if expected > available:
        raise DataError(
            f"{name}: truncated data: expected {expected:,} bytes after the {header_size}-byte "
            f"header ({_describe(shape, dtype)}), got {available:,} "
            f"(a cut-off download, or a corrupt header)"
        )
    if expected < available:
        raise DataError(
            f"{name}: trailing garbage: {available - expected:,} bytes after the {expected:,} "
            f"bytes of data the header announces ({_describe(shape, dtype)})"
        )


def _read_up_to(stream, size):
    """Read `size` bytes, or fewer if the stream ends first.

    Reads in chunks of at most READ_CHUNK bytes so that the memory used
    follows the data actually present, not the size a header claims.
    """
    chunks = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(min(remaining, READ_CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)  # no copy when there is a single chunk


def _count_remaining(stream):
    """Read to the end of the stream and return how many bytes were left."""
    total = 0
    while True:
        chunk = stream.read(1024 * 1024)
        if not chunk:
            return total
        total += len(chunk)


def _decode(payload, typecode):
    """uint8 stays bytes; other types become an array in native byte order."""
    if typecode == "B":
        return payload
    values = array.array(typecode)
    values.frombytes(payload)
    if sys.byteorder == "little":
        values.byteswap()
    return values


def _describe(shape, dtype):
    """'10000 x 28 x 28 uint8 values' -- for error messages."""
    return " x ".join(str(dim) for dim in shape) + f" {dtype} values"


# ---------------------------------------------------------------- writing


def _check_shape(shape):
    if not 1 <= len(shape) <= 255:
        raise ValueError(f"an IDX file has 1 to 255 dimensions, got shape {shape}")
    for dim in shape:
        if not 0 <= dim < 2**32:
            raise ValueError(f"each dimension must fit in 32 bits unsigned, got shape {shape}")


def _guess_dtype(data):
    if isinstance(data, array.array):
        for name, typecode, _ in IDX_TYPES.values():
            if typecode == data.typecode:
                return name
        raise ValueError(f"no IDX type for array typecode {data.typecode!r}")
    return "uint8"


def _encode(data, typecode):
    """Return the values of `data` as big-endian bytes of the given typecode."""
    if isinstance(data, (int, float, str)):
        raise TypeError(f"data must be a sequence of numbers, got {type(data).__name__}")
    if typecode == "B":
        return bytes(data)  # checks that every value is in 0..255
    values = array.array(typecode, data)
    if sys.byteorder == "little":
        values.byteswap()
    return values.tobytes()
