"""MNIST CSV reading: the layout, the header, and clear errors."""

import gzip

import pytest

from data import DataError, load_mnist, read_csv


def write_text(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_small_images_with_header_and_blank_lines(tmp_path):
    path = write_text(tmp_path / "tiny.csv", "label,p1,p2,p3,p4\n3,0,1,2,255\n\n7,9,8,7,6\n")
    images, labels = read_csv(path, rows=2, cols=2)
    assert images.shape == (2, 2, 2)
    assert labels == b"\x03\x07"
    assert images.raw.tobytes() == bytes([0, 1, 2, 255, 9, 8, 7, 6])
    assert images.with_scale("raw").image(0) == [[0.0, 1.0], [2.0, 255.0]]


def test_no_header_windows_line_ends_and_limit(tmp_path):
    path = write_text(tmp_path / "tiny.csv", "1,0,0,0,0\r\n2,1,1,1,1\r\n3,2,2,2,2\r\n")
    images, labels = read_csv(path, rows=2, cols=2)
    assert labels == b"\x01\x02\x03"
    images, labels = read_csv(path, limit=2, rows=2, cols=2)
    assert labels == b"\x01\x02" and len(images) == 2


def make_mnist_csv(path, count, header=True, compress=False):
    images, labels = load_mnist("test", limit=count)
    lines = ["label," + ",".join(f"{r}x{c}" for r in range(1, 29) for c in range(1, 29))] if header else []
    for i in range(count):
        lines.append(",".join(str(value) for value in [labels[i], *images.pixels(i)]))
    text = "\n".join(lines) + "\n"
    path.write_bytes(gzip.compress(text.encode()) if compress else text.encode())
    return images, labels


@pytest.mark.parametrize("compress", [False, True])
def test_real_mnist_rows_match_the_idx_files(tmp_path, compress):
    path = tmp_path / "mnist_test.csv"
    expected_images, expected_labels = make_mnist_csv(path, 25, compress=compress)
    images, labels = read_csv(path)
    assert images.shape == (25, 28, 28)
    assert labels == expected_labels
    assert images.raw.tobytes() == expected_images.raw.tobytes()
    assert images[3] == expected_images[3]


def test_wrong_column_count(tmp_path):
    path = write_text(tmp_path / "short.csv", "label,a,b,c,d\n1,0,0,0,0\n2,0,0,0\n")
    with pytest.raises(DataError) as caught:
        read_csv(path, rows=2, cols=2)
    message = str(caught.value)
    assert f"{path}, line 3:" in message and "expected 5 columns" in message and "got 4" in message


def test_wrong_column_count_for_mnist(tmp_path):
    path = write_text(tmp_path / "mnist.csv", "5," + ",".join(["0"] * 783) + "\n")
    with pytest.raises(DataError, match="line 1: expected 785 columns .* got 784"):
        read_csv(path)


def test_not_an_integer(tmp_path):
    path = write_text(tmp_path / "float.csv", "1,0,0,0,0\n2,0,0.5,0,0\n")
    with pytest.raises(DataError) as caught:
        read_csv(path, rows=2, cols=2)
    message = str(caught.value)
    assert f"{path}, line 2, column 3: '0.5' is not an integer" in message


@pytest.mark.parametrize("row, column, value", [("1,0,0,0,256", 5, 256), ("-1,0,0,0,0", 1, -1)])
def test_out_of_range(tmp_path, row, column, value):
    path = write_text(tmp_path / "range.csv", "0,0,0,0,0\n" + row + "\n")
    with pytest.raises(DataError) as caught:
        read_csv(path, rows=2, cols=2)
    message = str(caught.value)
    assert f"{path}, line 2, column {column}: {value} is out of range 0..255" in message


def test_empty_and_header_only_files(tmp_path):
    for text in ["", "label,a,b,c,d\n", "\n\n"]:
        path = write_text(tmp_path / "empty.csv", text)
        with pytest.raises(DataError, match="no data rows"):
            read_csv(path, rows=2, cols=2)


def test_binary_file_is_not_csv(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x00\x00\x08\x03\xff\xfe\xfd")
    with pytest.raises(DataError) as caught:
        read_csv(path)
    assert str(path) in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_csv(tmp_path / "absent.csv")
