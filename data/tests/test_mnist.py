"""MNIST and Fashion-MNIST loading, the shipped files and their checksums."""

import gzip
import os
import re
import shutil

import pytest

from data import DataError, Images, class_names, load_mnist, verify_shipped, write_idx
from data import mnist
from data.mnist import SHIPPED_DIR, SHIPPED_SHA256

TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
TRAIN_10K_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]

FASHION_INSTALLED = os.path.isdir(mnist.FASHION_MNIST_DIR)


def class_counts(labels):
    return [labels.count(digit) for digit in range(10)]


@pytest.fixture(scope="module")
def shipped_test():
    return load_mnist("test")


@pytest.fixture(scope="module")
def shipped_train():
    return load_mnist("train")


# ---------------------------------------------------------------- the shipped pieces


def test_shipped_test_set(shipped_test):
    images, labels = shipped_test
    assert isinstance(images, Images) and type(labels) is bytes
    assert images.shape == (10000, 28, 28) and len(labels) == 10000
    assert class_counts(labels) == TEST_COUNTS
    assert list(labels[:5]) == [7, 2, 1, 0, 4]  # the official test set's first labels


def test_shipped_train_10k(shipped_train):
    images, labels = shipped_train
    assert images.shape == (10000, 28, 28) and len(labels) == 10000
    assert class_counts(labels) == TRAIN_10K_COUNTS
    assert list(labels[:5]) == [5, 0, 4, 1, 9]  # the official training set's first labels


def test_images_match_the_file_bytes(shipped_test):
    images, _ = shipped_test
    with gzip.open(os.path.join(SHIPPED_DIR, "t10k-images-idx3-ubyte.gz")) as stream:
        content = stream.read()
    assert images.raw.tobytes() == content[16:]
    assert images.pixels(9999) == content[16 + 784 * 9999:]
    first = images[0]
    assert len(first) == 784 and min(first) == 0.0 and max(first) == 1.0


def test_limit(shipped_test):
    images, labels = load_mnist("test", limit=100)
    assert images.shape == (100, 28, 28) and len(labels) == 100
    assert labels == shipped_test[1][:100]
    assert images.raw.tobytes() == shipped_test[0][:100].raw.tobytes()


def test_checksums_verify():
    digests = verify_shipped()
    assert digests == SHIPPED_SHA256


def test_sha256sums_file_and_readme_agree_with_the_code():
    with open(os.path.join(SHIPPED_DIR, "SHA256SUMS"), encoding="ascii") as lines:
        listed = dict(reversed(line.split()) for line in lines if line.strip())
    assert listed == SHIPPED_SHA256
    with open(os.path.join(SHIPPED_DIR, "README.md"), encoding="utf-8") as readme:
        published = dict(re.findall(r"^- (\S+\.gz) ([0-9a-f]{64})$", readme.read(), re.M))
    assert len(published) == 4
    assert all(SHIPPED_SHA256[name] == digest for name, digest in published.items())


def test_verify_names_a_tampered_file(tmp_path):
    for name in SHIPPED_SHA256:
        shutil.copy(os.path.join(SHIPPED_DIR, name), tmp_path / name)
    with open(tmp_path / "train-10k-indices.txt", "a", encoding="ascii") as extra:
        extra.write("12\n")
    os.remove(tmp_path / "t10k-labels-idx1-ubyte.gz")
    with pytest.raises(DataError) as caught:
        verify_shipped(tmp_path)
    message = str(caught.value)
    assert "train-10k-indices.txt: SHA-256 is" in message
    assert "t10k-labels-idx1-ubyte.gz: missing" in message
    assert "t10k-images" not in message


def test_train_10k_indices():
    indices = mnist.train_10k_indices()
    assert len(indices) == 10000 and indices[:3] == [0, 1, 2]
    assert indices == sorted(set(indices)) and indices[-1] < 60000


def test_class_names():
    assert class_names() == [str(digit) for digit in range(10)]
    fashion = class_names("fashion-mnist")
    assert len(fashion) == 10 and fashion[0] == "T-shirt/top" and fashion[9] == "Ankle boot"
    with pytest.raises(ValueError, match="unknown dataset"):
        class_names("cifar")


def test_bad_split_and_dataset():
    with pytest.raises(ValueError, match="unknown split 'validation'"):
        load_mnist("validation")
    with pytest.raises(ValueError, match="unknown dataset"):
        load_mnist("train", dataset="kmnist")


# ---------------------------------------------------------------- user directories


def fake_split(directory, stem, count, label=3, images_suffix="-images-idx3-ubyte.gz",
               labels_suffix="-labels-idx1-ubyte.gz", label_count=None):
    """Write `count` 28x28 images (pixel value = index % 256) and their labels."""
    label_count = count if label_count is None else label_count
    write_idx(directory / (stem + images_suffix), (count, 28, 28), bytes(count * 784))
    write_idx(directory / (stem + labels_suffix), (label_count,), bytes([label]) * label_count)


def test_full_training_files_win_over_train_10k(tmp_path):
    fake_split(tmp_path, "train-10k", 2, label=1)
    fake_split(tmp_path, "train", 3, label=2)
    images, labels = load_mnist("train", directory=tmp_path)
    assert images.shape == (3, 28, 28) and labels == b"\x02\x02\x02"


def test_train_10k_names_and_plain_files_are_accepted(tmp_path):
    fake_split(tmp_path, "train-10k", 2, images_suffix="-images-idx3-ubyte",
               labels_suffix="-labels-idx1-ubyte")
    images, labels = load_mnist("train", directory=str(tmp_path))
    assert len(images) == 2 and labels == b"\x03\x03"


def test_dotted_spelling_is_accepted(tmp_path):
    fake_split(tmp_path, "t10k", 4, images_suffix="-images.idx3-ubyte",
               labels_suffix="-labels.idx1-ubyte")
    assert len(load_mnist("test", directory=tmp_path)[0]) == 4


def test_count_mismatch_names_both_files_and_counts(tmp_path):
    fake_split(tmp_path, "t10k", 5, label_count=4)
    with pytest.raises(DataError) as caught:
        load_mnist("test", directory=tmp_path)
    message = str(caught.value)
    assert "t10k-images-idx3-ubyte.gz holds 5 images" in message
    assert "t10k-labels-idx1-ubyte.gz holds 4 labels" in message


def test_missing_partner_file(tmp_path):
    fake_split(tmp_path, "t10k", 2)
    os.remove(tmp_path / "t10k-labels-idx1-ubyte.gz")
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte\\[.gz\\] is missing"):
        load_mnist("test", directory=tmp_path)


def test_empty_directory_says_what_was_looked_for(tmp_path):
    with pytest.raises(DataError) as caught:
        load_mnist("train", directory=tmp_path)
    message = str(caught.value)
    assert str(tmp_path) in message
    assert "train-images-idx3-ubyte[.gz]" in message and "train-10k-images" in message


def test_missing_directory(tmp_path):
    with pytest.raises(DataError, match="no such directory"):
        load_mnist("test", directory=tmp_path / "absent")


def test_labels_must_be_classes(tmp_path):
    fake_split(tmp_path, "t10k", 3, label=12)
    with pytest.raises(DataError, match="label 12 at position 0 is not a class 0..9"):
        load_mnist("test", directory=tmp_path)


def test_images_must_be_three_dimensional(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", (2, 784), bytes(2 * 784))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", (2,), b"\x00\x01")
    with pytest.raises(DataError, match="expected 3-D uint8 images"):
        load_mnist("test", directory=tmp_path)


# ---------------------------------------------------------------- Fashion-MNIST


def test_fashion_mnist_absent_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(mnist, "FASHION_MNIST_DIR", str(tmp_path / "not-installed"))
    with pytest.raises(DataError) as caught:
        load_mnist("test", dataset="fashion-mnist")
    message = str(caught.value)
    assert "apt-get install dataset-fashion-mnist" in message and "directory=" in message


def test_fashion_mnist_from_a_directory(tmp_path):
    fake_split(tmp_path, "t10k", 2, label=9)
    images, labels = load_mnist("test", directory=tmp_path, dataset="fashion-mnist")
    assert len(images) == 2 and class_names("fashion-mnist")[labels[0]] == "Ankle boot"


@pytest.mark.skipif(not FASHION_INSTALLED, reason="dataset-fashion-mnist is not installed")
def test_fashion_mnist_package():
    images, labels = load_mnist("test", dataset="fashion-mnist")
    assert images.shape == (10000, 28, 28)
    assert class_counts(labels) == [1000] * 10
