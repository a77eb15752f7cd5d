"""Edges of data/'s readers and helpers, each tried on both sides, with answers worked by hand.

Each test here was written for a planted bug (tests/mutate.py) that the rest of data/tests let through:
one byte of trailing garbage, a whitespace-only CSV line, an id equal to the vocabulary's size, a label
equal to the class count, the last point of an evenly spaced range, an upper-case word, atomic_write's
clean-up and file mode, and an exported image checked pixel by pixel (a transposed copy kept the diagonal).
"""
import math
import os
import stat

import pytest

import data
from data import DataError, load_mnist, read_csv, read_idx, text, toy, write_idx
from data.__main__ import main
from data.files import atomic_write


def test_one_byte_of_trailing_garbage_is_refused_and_none_is_fine(tmp_path):
    path = tmp_path / "one.idx"
    write_idx(str(path), (2, 3), bytes(range(6)), gzip=False)
    assert read_idx(path).data == bytes(range(6))                  # exact size: fine
    with open(path, "ab") as stream:
        stream.write(b"\x00")
    with pytest.raises(DataError, match="trailing garbage: 1 bytes"):
        read_idx(path)
    with pytest.raises(DataError, match="trailing garbage: 1 bytes"):
        read_idx(path, limit=1)                 # a plain file's size is checked even when reading only part


def test_a_csv_line_of_only_spaces_is_skipped(tmp_path):
    path = tmp_path / "spaces.csv"
    path.write_text("5,0,1,2,3\n   \n\t\n7,4,5,6,255\n", encoding="utf-8")
    images, labels = read_csv(path, rows=2, cols=2)
    assert labels == b"\x05\x07"
    assert images.raw.tobytes() == bytes([0, 1, 2, 3, 4, 5, 6, 255])


def test_evenly_spaced_points_reach_both_ends():
    assert toy._linspace(0.0, 1.0, 5) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert toy._linspace(2.0, 2.0, 1) == [2.0]
    # spirals without noise: radii 0, 1/3, 2/3, 1 on each arm; the outermost point is at radius 1
    X, _ = toy.spirals(n_per_class=4, classes=2, noise=0.0, seed=0)
    radii = sorted(math.hypot(x1, x2) for x1, x2 in X)
    assert radii[0] == 0.0 and radii[-1] == pytest.approx(1.0, abs=1e-15)


def test_words_are_lowercased():
    assert text.words("Not BAD at All") == ["not", "bad", "at", "all"]


def test_vocabulary_and_one_hot_refuse_an_id_equal_to_their_size():
    vocab = text.Vocabulary([["b", "a"]])                          # tokens a, b: ids 0 and 1
    assert vocab.decode([1, 0]) == ["b", "a"]
    with pytest.raises(ValueError, match=r"id 2 at position 0 is not in 0\.\.1"):
        vocab.decode([2])
    assert text.one_hot([2], 3) == [[0.0, 0.0, 1.0]]
    with pytest.raises(ValueError, match=r"id 3 at position 0 is not in 0\.\.2"):
        text.one_hot([3], 3)


def write_split(directory, label):
    write_idx(str(directory / "t10k-images-idx3-ubyte"), (2, 2, 2), bytes(8), gzip=False)
    write_idx(str(directory / "t10k-labels-idx1-ubyte"), (2,), bytes([0, label]), gzip=False)


def test_labels_up_to_9_are_classes_and_10_is_not(tmp_path):
    nine, ten = tmp_path / "nine", tmp_path / "ten"
    nine.mkdir()
    ten.mkdir()
    write_split(nine, 9)
    assert load_mnist("test", directory=nine)[1] == b"\x00\x09"
    write_split(ten, 10)
    with pytest.raises(DataError, match=r"label 10 at position 1 is not a class 0\.\.9"):
        load_mnist("test", directory=ten)


def test_atomic_write_failing_leaves_no_temporary_file_and_the_old_file(tmp_path):
    path = tmp_path / "kept.bin"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_write(path) as stream:
            stream.write(b"new, half written")
            raise RuntimeError("disk full")
    assert os.listdir(tmp_path) == ["kept.bin"] and path.read_bytes() == b"old"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_atomic_write_makes_a_world_readable_file(tmp_path):
    path = tmp_path / "new.idx"
    write_idx(str(path), (1,), b"\x07", gzip=False)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644              # not mkstemp's private 0o600


def test_export_scales_every_pixel_in_place(tmp_path, capsys):
    path = str(tmp_path / "digit.png")
    assert main(["export", path, "--index", "1", "--scale", "2"]) == 0
    assert "label 2" in capsys.readouterr().out
    picture = data.read_image(path)
    pixels = load_mnist("test", limit=2)[0].pixels(1)
    assert (picture.width, picture.height) == (56, 56)
    for r in range(28):
        for c in range(28):
            for i in (0, 1):
                for j in (0, 1):                                  # each pixel becomes a 2 x 2 block
                    assert picture.samples[(2 * r + i) * 56 + 2 * c + j] == pixels[r * 28 + c], (r, c)
