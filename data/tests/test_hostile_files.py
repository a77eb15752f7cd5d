"""Hostile inputs to the readers (issue 24): refused with one DataError naming the file, before the
file is read whole or anything its header promises is allocated, and without waiting on a pipe.

Each hostile file is made here, in a temporary folder: a sparse file of gigabytes (truncate: it takes
no disk space), a FIFO nobody writes to, a loop of symbolic links, a PNG "bomb" (a few kilobytes
declaring 8000 x 8000 pixels). Memory is measured with tracemalloc (CPython; PyPy skips that part).
"""
import binascii
import gzip
import os
import struct
import threading
import time
import zlib

import pytest

from data import DataError, imagefiles, read_idx, write_idx
from data.idx import read_idx_header
from data.imagefiles import read_image
from data.mnist import load_mnist

try:
    import tracemalloc
except ImportError:
    tracemalloc = None

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def peak_bytes(action):
    """The most memory newly allocated while `action` runs (0 where it cannot be measured)."""
    if tracemalloc is None:
        action()
        return 0
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def refused(action, *words, seconds=2.0, memory=4 << 20):
    """action() raises DataError naming `words`, within `seconds` and `memory` bytes."""
    start = time.perf_counter()
    caught = []

    def attempt():
        with pytest.raises(DataError) as error:
            action()
        caught.append(str(error.value))
    used = peak_bytes(attempt)
    assert time.perf_counter() - start < seconds
    assert used < memory, f"{used:,} bytes"
    for word in words:
        assert word in caught[0], caught[0]
    assert "\n" not in caught[0] and len(caught[0]) < 400
    return caught[0]


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", binascii.crc32(kind + body) & 0xFFFFFFFF)


def png(width, height, rows=None):
    """A grey 8-bit PNG of width x height black pixels (deflate makes 8000 x 8000 about 60 KB)."""
    pack = zlib.compressobj(9)
    row = b"\x00" + bytes(width)
    body = b"".join(pack.compress(row) for _ in range(height if rows is None else rows)) + pack.flush()
    return (imagefiles.PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def test_a_png_bomb_is_refused_from_its_header(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(png(8000, 8000, rows=1))        # the header is what counts; rows=1 keeps the test quick
    assert path.stat().st_size < 100_000
    refused(lambda: read_image(path), "bomb.png", "8000 x 8000", "MAX_PIXELS")


def test_a_sparse_file_that_starts_as_a_valid_png_is_refused_unread(tmp_path):
    path = tmp_path / "huge.png"
    with open(path, "wb") as f:
        f.write(png(28, 28))
        f.truncate(1536 * 1024 * 1024)               # 1.5 GB, no disk space: a sparse file
    refused(lambda: read_image(path), "huge.png", "1,610,612,736 bytes", "MAX_FILE_BYTES")


def test_an_image_within_the_limits_is_still_read(tmp_path):
    path = tmp_path / "ok.png"
    path.write_bytes(png(300, 200))
    picture = read_image(path)
    assert (picture.width, picture.height, len(picture.samples)) == (300, 200, 60000)


@needs_fifo
def test_a_fifo_nobody_writes_is_refused_at_once(tmp_path):
    fifo = tmp_path / "digit.png"
    os.mkfifo(fifo)
    refused(lambda: read_image(fifo), "digit.png", "a pipe (FIFO), not an image file")
    refused(lambda: read_idx(fifo), "digit.png", "a pipe (FIFO)")
    refused(lambda: read_idx_header(fifo), "digit.png", "a pipe (FIFO)")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_device_is_refused_unread():
    refused(lambda: read_image("/dev/zero"), "/dev/zero", "a device, not an image file")
    refused(lambda: read_idx("/dev/zero"), "/dev/zero", "a device")


def test_a_folder_and_a_loop_of_links_are_one_line_each(tmp_path):
    refused(lambda: read_image(tmp_path), "is a directory, not an image file")
    loop = tmp_path / "loop.png"
    os.symlink(loop, loop)
    refused(lambda: read_image(loop), "loop.png", "symbolic links")
    refused(lambda: read_idx(loop), "loop.png", "symbolic links")


def test_a_consistent_idx_header_over_a_sparse_gigabyte_is_refused_unread(tmp_path):
    """The header agrees with the file's size (1.2 GB of "images"), so only the budget stops it."""
    path = tmp_path / "t10k-images-idx3-ubyte"
    count = 1_530_000                                # x 784 bytes = 1.2 GB
    with open(path, "wb") as f:
        f.write(bytes([0, 0, 8, 3]) + struct.pack(">III", count, 28, 28))
        f.truncate(16 + count * 784)
    refused(lambda: read_idx(path), "t10k-images-idx3-ubyte", "1,199,520,000 bytes", "MAX_BYTES")
    assert read_idx(path, limit=10).shape == (10, 28, 28)      # the first images can still be read


def test_load_mnist_compares_the_counts_before_reading_the_images(tmp_path):
    images = tmp_path / "t10k-images-idx3-ubyte"
    with open(images, "wb") as f:
        f.write(bytes([0, 0, 8, 3]) + struct.pack(">III", 200_000, 28, 28))
        f.truncate(16 + 200_000 * 784)               # 157 MB, within the budget, never read
    write_idx(str(tmp_path / "t10k-labels-idx1-ubyte"), (10,), bytes(range(10)))
    refused(lambda: load_mnist("test", str(tmp_path)), "200,000 images", "10 labels")


def test_an_idx_gzip_image_bomb_inflates_no_further_than_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(imagefiles, "MAX_PIXELS", 28 * 28 * 4)
    path = tmp_path / "many.idx.gz"
    header = bytes([0, 0, 8, 3]) + struct.pack(">III", 1000, 28, 28)
    path.write_bytes(gzip.compress(header + bytes(1000 * 28 * 28)))
    refused(lambda: read_image(path), "many.idx.gz", "inflates to more than", "MAX_PIXELS")
    path.write_bytes(gzip.compress(header[:4] + struct.pack(">III", 1, 28, 28) + bytes(784)))
    assert read_image(path).width == 28                          # one image within the limit is read


@needs_fifo
def test_a_fifo_that_is_written_to_is_still_refused(tmp_path):
    """A pipe is refused by its kind, not by a time-out: a writer on the other end changes nothing."""
    fifo = tmp_path / "stream.png"
    os.mkfifo(fifo)

    def feed():
        try:
            with open(fifo, "wb") as f:
                f.write(png(28, 28))
        except OSError:
            pass
    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    refused(lambda: read_image(fifo), "a pipe (FIFO)")
    with open(fifo, "rb") as f:                      # let the writer finish
        f.read()
    writer.join(5)
