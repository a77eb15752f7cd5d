"""IDX reading and writing: round trips and every kind of damaged file."""

import array
import gzip
import math
import os
import struct
import time

import pytest

from data import DataError, IdxArray, read_idx, read_idx_header, write_idx
from data.mnist import SHIPPED_DIR

try:
    import tracemalloc
except ImportError:  # PyPy ships no working tracemalloc
    tracemalloc = None


def header(type_code, *dims):
    return bytes([0, 0, type_code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)


def small_images():
    """5 images of 4x4: image i has pixels 16*i .. 16*i+15."""
    return header(0x08, 5, 4, 4) + bytes(range(80))


def write(path, content):
    path.write_bytes(content)
    return path


# ---------------------------------------------------------------- reading good files


def test_reads_plain_uint8(tmp_path):
    result = read_idx(write(tmp_path / "images.idx", small_images()))
    assert isinstance(result, IdxArray)
    assert result.shape == (5, 4, 4)
    assert result.dtype == "uint8"
    assert isinstance(result.data, bytes)
    assert result.data == bytes(range(80))
    assert len(result) == 5 and result.size == 80


def test_detects_gzip_by_content_not_name(tmp_path):
    packed = write(tmp_path / "no-suffix", gzip.compress(small_images()))
    plain = write(tmp_path / "lying.gz", small_images())
    assert read_idx(packed).data == bytes(range(80))
    assert read_idx(plain).data == bytes(range(80))


def test_reads_big_endian_types(tmp_path):
    values = [-3, 0, 1000, -32768]
    content = header(0x0B, 2, 2) + struct.pack(">4h", *values)
    result = read_idx(write(tmp_path / "int16.idx", content))
    assert result.dtype == "int16"
    assert isinstance(result.data, array.array)
    assert list(result.data) == values


def test_limit_keeps_the_first_entries(tmp_path):
    path = write(tmp_path / "images.idx.gz", gzip.compress(small_images()))
    result = read_idx(path, limit=2)
    assert result.shape == (2, 4, 4)
    assert result.data == bytes(range(32))
    assert read_idx(path, limit=99).shape == (5, 4, 4)
    assert read_idx(path, limit=0).data == b""


def test_header_only(tmp_path):
    path = write(tmp_path / "images.gz", gzip.compress(small_images()))
    assert read_idx_header(path) == ((5, 4, 4), "uint8")


def test_shipped_headers():
    images = os.path.join(SHIPPED_DIR, "t10k-images-idx3-ubyte.gz")
    labels = os.path.join(SHIPPED_DIR, "t10k-labels-idx1-ubyte.gz")
    assert read_idx_header(images) == ((10000, 28, 28), "uint8")
    assert read_idx_header(labels) == ((10000,), "uint8")


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("compress", [False, True])
def test_round_trip_uint8(tmp_path, compress):
    path = tmp_path / "out.idx"
    pixels = bytes((7 * i) % 256 for i in range(3 * 5 * 2))
    write_idx(path, (3, 5, 2), pixels, gzip=compress)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == compress
    result = read_idx(path)
    assert result.shape == (3, 5, 2) and result.dtype == "uint8" and result.data == pixels


@pytest.mark.parametrize(
    "dtype, values",
    [
        ("int8", [-128, -1, 0, 127]),
        ("int16", [-32768, -2, 3, 32767]),
        ("int32", [-(2**31), -5, 6, 2**31 - 1]),
        ("float32", [-1.5, 0.0, 0.25, 3.0]),
        ("float64", [-1e300, 0.1, 1.0 / 3.0, 2.5]),
    ],
)
def test_round_trip_other_types(tmp_path, dtype, values):
    path = tmp_path / "values.idx.gz"
    write_idx(path, (2, 2), values, dtype=dtype)
    result = read_idx(path)
    assert result.dtype == dtype and result.shape == (2, 2)
    assert list(result.data) == values


def test_round_trip_array_keeps_its_type(tmp_path):
    path = tmp_path / "values.idx"
    write_idx(path, (3,), array.array("d", [1.0, 2.0, 3.5]))
    result = read_idx(path)
    assert result.dtype == "float64" and list(result.data) == [1.0, 2.0, 3.5]


def test_gzip_chosen_by_name_and_reproducible(tmp_path):
    first, second = tmp_path / "a.gz", tmp_path / "b.gz"
    write_idx(first, (4,), b"\x01\x02\x03\x04")
    write_idx(second, (4,), b"\x01\x02\x03\x04")
    assert first.read_bytes()[:2] == b"\x1f\x8b"
    assert first.read_bytes() == second.read_bytes()


def test_write_is_atomic_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "labels.idx"
    write_idx(path, (2,), b"\x01\x02")
    with pytest.raises(ValueError, match="needs 3 values"):
        write_idx(path, (3,), b"\x01\x02")  # wrong size: nothing written
    with pytest.raises(ValueError):
        write_idx(path, (2,), [1, 300])  # 300 is not a byte
    assert read_idx(path).data == b"\x01\x02"
    assert os.listdir(tmp_path) == ["labels.idx"]


# ---------------------------------------------------------------- damaged files


def test_bad_magic_number_shows_the_bytes(tmp_path):
    path = write(tmp_path / "wrong.idx", b"\x12\x34\x08\x03" + bytes(20))
    with pytest.raises(DataError) as caught:
        read_idx(path)
    message = str(caught.value)
    assert str(path) in message and "bad magic number 12 34 08 03" in message


def test_text_file_is_not_idx(tmp_path):
    path = write(tmp_path / "mnist.csv", b"label,1x1,1x2\n5,0,0\n")
    with pytest.raises(DataError, match="bad magic number 6c 61 62 65"):
        read_idx(path)


def test_unsupported_type_code(tmp_path):
    path = write(tmp_path / "odd.idx", header(0x0A, 2) + b"\x00\x00")
    with pytest.raises(DataError) as caught:
        read_idx(path)
    assert str(path) in str(caught.value)
    assert "unsupported IDX type code 0x0a" in str(caught.value)


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "too short"),
        (b"\x00\x00\x08", "too short"),
        (b"\x00\x00\x08\x03\x00\x00\x00\x05", "truncated header: 3 dimensions need 12 bytes"),
        (b"\x00\x00\x08\x00", "0 dimensions"),
    ],
)
def test_broken_headers(tmp_path, content, problem):
    path = write(tmp_path / "short.idx", content)
    with pytest.raises(DataError) as caught:
        read_idx(path)
    assert str(path) in str(caught.value) and problem in str(caught.value)


@pytest.mark.parametrize("compress", [False, True])
def test_truncated_data_says_expected_and_got(tmp_path, compress):
    content = small_images()[:-10]
    path = write(tmp_path / "cut.idx", gzip.compress(content) if compress else content)
    with pytest.raises(DataError) as caught:
        read_idx(path)
    message = str(caught.value)
    assert str(path) in message
    assert "truncated data: expected 80 bytes" in message and "got 70" in message
    assert "5 x 4 x 4 uint8" in message


@pytest.mark.parametrize("compress", [False, True])
def test_trailing_garbage(tmp_path, compress):
    content = small_images() + b"xyz"
    path = write(tmp_path / "long.idx", gzip.compress(content) if compress else content)
    with pytest.raises(DataError) as caught:
        read_idx(path)
    assert str(path) in str(caught.value) and "trailing garbage: 3 bytes" in str(caught.value)


@pytest.mark.parametrize("compress", [False, True])
def test_forged_huge_header_fails_fast_without_allocating(tmp_path, compress):
    dims = (2**32 - 1, 2**32 - 1, 28)
    content = header(0x08, *dims) + bytes(100)
    path = write(tmp_path / "forged.idx", gzip.compress(content) if compress else content)
    expected = f"{math.prod(dims):,}"
    if tracemalloc is not None:
        tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(DataError) as caught:
        read_idx(path)
    elapsed = time.perf_counter() - started
    if tracemalloc is not None:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 1_000_000, f"allocated {peak:,} bytes before refusing"
    assert elapsed < 1.0
    message = str(caught.value)
    assert str(path) in message and expected in message
    assert ("gzip file can hold" if compress else "truncated data") in message


def test_forged_float64_header_counts_bytes_not_values(tmp_path):
    path = write(tmp_path / "forged.idx", header(0x0E, 4) + bytes(8))  # 4 doubles = 32 bytes
    with pytest.raises(DataError, match="expected 32 bytes .* got 8"):
        read_idx(path)


def corrupt_gzip_variants():
    good = gzip.compress(small_images(), mtime=0)
    crc = bytes([good[-8] ^ 1])
    return {
        "bad CRC": good[:-8] + crc + good[-7:],
        "cut short": good[: len(good) // 2],
        "bad gzip header": b"\x1f\x8b" + b"not really gzip data at all",
        "junk after the stream": good + b"junk",
    }


@pytest.mark.parametrize("variant", sorted(corrupt_gzip_variants()))
def test_corrupt_gzip(tmp_path, variant):
    path = write(tmp_path / "broken.gz", corrupt_gzip_variants()[variant])
    with pytest.raises(DataError) as caught:
        read_idx(path)
    assert str(path) in str(caught.value) and "corrupt gzip data" in str(caught.value)


def test_flipped_byte_in_real_gzip_is_caught(tmp_path):
    original = os.path.join(SHIPPED_DIR, "t10k-labels-idx1-ubyte.gz")
    with open(original, "rb") as stream:
        damaged = bytearray(stream.read())
    damaged[len(damaged) // 2] ^= 0x55
    path = write(tmp_path / "t10k-labels-idx1-ubyte.gz", bytes(damaged))
    with pytest.raises(DataError) as caught:
        read_idx(path)
    assert str(path) in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_idx(tmp_path / "nothing-here.idx")


def test_data_error_is_a_value_error():
    assert issubclass(DataError, ValueError)
