"""Find and load MNIST and Fashion-MNIST.

    images, labels = load_mnist("train")   # the 10,000 shipped training digits
    images, labels = load_mnist("test")    # the official 10,000 test digits
    images, labels = load_mnist("train", directory="~/mnist")   # full 60,000
    images, labels = load_mnist("test", dataset="fashion-mnist")

`images` is an `Images` (bytes inside, floats on demand); `labels` is `bytes`,
so `labels[i]` is an int 0..9.

Where the files come from:
- no directory: first the download folder of `python -m data download`
  (`data.download.default_directory(dataset)`: $TWINNET_DATA/<dataset>, else
  ~/.cache/twinnet/<dataset>), so a downloaded full 60,000-image training set is
  used with no flag; then, for "mnist", the two exact pieces shipped in
  `data/mnist/` (the whole official test set and 10,000 of the 60,000 training
  images; see data/mnist/README.md; `verify_shipped()` checks their SHA-256).
  A folder is used for a split only if it holds both files of that split.
- a directory you pass: the standard file names (`train-images-idx3-ubyte`,
  `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`,
  gzip or not, also spelled `train-images.idx3-ubyte`), or the shipped
  `train-10k-*` names. A full training set wins over train-10k.
- dataset "fashion-mnist", no directory: the download folder, then where Debian's
  package `dataset-fashion-mnist` installs it, /usr/share/datasets/fashion-mnist.

What this module is not: a downloader. It never touches the network (data.download does).
"""

from __future__ import annotations

import hashlib
import os

from .download import default_directory
from .errors import DataError
from .idx import read_idx, read_idx_header
from .images import Images

SHIPPED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mnist")
FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"

# The SHA-256 of each shipped file, as published in data/mnist/README.md.
SHIPPED_SHA256 = {
    "t10k-images-idx3-ubyte.gz": "52511fd31723f3fd40a486e8654fdf4bfd1cd93479f33b80ed41c5e35bcb657b",
    "t10k-labels-idx1-ubyte.gz": "066b5224df709d2984e01ffd9e067d36849107fc01d5afc5712d3212c0392aad",
    "train-10k-images-idx3-ubyte.gz": "78213bd144dfe4877a2cacdcc92aa9091627a3041a54247dc9c7978175d3fa8a",
    "train-10k-labels-idx1-ubyte.gz": "094027e5c85b2d25a05a8849d6314dea4c0c4817463f2960b118fb6771c44877",
    "train-10k-indices.txt": "a658f34417004048e470697bf202006272fd1e2f99bf3b9051a56fbef15a586c",
}

CLASS_NAMES = {
    "mnist": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    "fashion-mnist": (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ),
}
DATASETS = tuple(CLASS_NAMES)
SPLITS = ("train", "test")

# For each split, the file-name stems to look for, best first.
_STEMS = {"train": ("train", "train-10k"), "test": ("t10k",)}


def class_names(dataset="mnist"):
    """The 10 class names of a dataset, indexed by label."""
    _check_choice("dataset", dataset, DATASETS)
    return list(CLASS_NAMES[dataset])


def load_mnist(split="train", directory=None, dataset="mnist", limit=None):
    """Load one split of MNIST or Fashion-MNIST: return (images, labels).

    split:     "train" or "test"
    directory: a folder holding IDX files; None for the default place (see
               the module docstring)
    dataset:   "mnist" or "fashion-mnist"
    limit:     keep only the first `limit` images and labels

    Returns an `Images` of shape (count, 28, 28) and the labels as `bytes`.
    Raises DataError if the files are missing or malformed, or if the image
    and label files disagree on the count.
    """
    images_path, labels_path = find_files(split, directory, dataset)
    _check_headers(images_path, labels_path)
    images = read_idx(images_path, limit)
    labels = read_idx(labels_path, limit)
    _check_labels(labels_path, labels.data, len(CLASS_NAMES[dataset]))
    _, rows, cols = images.shape
    return Images(images.data, rows, cols), labels.data


def find_files(split="train", directory=None, dataset="mnist"):
    """Return (images_path, labels_path) for a split, or raise DataError."""
    _check_choice("split", split, SPLITS)
    _check_choice("dataset", dataset, DATASETS)
    if directory is None:
        for place in default_directories(dataset)[:-1]:
            if os.path.isdir(place):
                try:
                    return _find_in(place, split, dataset)
                except DataError:
                    continue           # nothing (or only part of a split) downloaded there
    directory = _dataset_directory(directory, dataset)
    return _find_in(directory, split, dataset)


def default_directories(dataset="mnist"):
    """The folders load_mnist searches when given no directory, in order."""
    return [default_directory(dataset), SHIPPED_DIR if dataset == "mnist" else FASHION_MNIST_DIR]


def _find_in(directory, split, dataset):
    looked_for = []
    for stem in _STEMS[split]:
        images_names = _candidate_names(stem, "images", 3)
        labels_names = _candidate_names(stem, "labels", 1)
        images_path = _first_existing(directory, images_names)
        labels_path = _first_existing(directory, labels_names)
        if images_path and labels_path:
            return images_path, labels_path
        if images_path or labels_path:
            found = images_path or labels_path
            missing = labels_names[0] if images_path else images_names[0]
            raise DataError(
                f"{found} has no partner: {missing}[.gz] is missing from {directory}"
            )
        looked_for.append(images_names[0] + "[.gz]")
    raise DataError(
        f"no {dataset} {split} files in {directory}: looked for "
        + " or ".join(looked_for) + " (and the matching labels file)"
    )


def verify_shipped(directory=None):
    """Check the SHA-256 of every shipped MNIST file; return {name: digest}.

    Raises DataError naming each file that is missing or differs.
    """
    directory = SHIPPED_DIR if directory is None else os.path.expanduser(os.fspath(directory))
    digests, problems = {}, []
    for name, expected in SHIPPED_SHA256.items():
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            problems.append(f"{path}: missing")
            continue
        digests[name] = sha256_of(path)
        if digests[name] != expected:
            problems.append(f"{path}: SHA-256 is {digests[name]}, expected {expected}")
    if problems:
        raise DataError("shipped MNIST files failed verification:\n  " + "\n  ".join(problems))
    return digests


def train_10k_indices(directory=None):
    """For each shipped train-10k image, its index in the official 60,000.

    Returns a list of 10,000 ints, read from train-10k-indices.txt.
    """
    directory = SHIPPED_DIR if directory is None else os.fspath(directory)
    path = os.path.join(directory, "train-10k-indices.txt")
    with open(path, encoding="ascii") as lines:
        return [int(line) for line in lines if line.strip()]


def sha256_of(path):
    """The SHA-256 of a file, as 64 hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- helpers


def _check_choice(what, value, choices):
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r}; choose one of {', '.join(choices)}")


def _dataset_directory(directory, dataset):
    """The folder to search: the one given, or the dataset's default place."""
    if directory is not None:
        directory = os.path.expanduser(os.fspath(directory))
        if not os.path.isdir(directory):
            raise DataError(f"{directory}: no such directory")
        return directory
    if dataset == "mnist":
        return SHIPPED_DIR
    if not os.path.isdir(FASHION_MNIST_DIR):
        raise DataError(
            f"Fashion-MNIST not found: {FASHION_MNIST_DIR} does not exist. Install it with "
            f"`apt-get install dataset-fashion-mnist` (Debian/Ubuntu), download it with "
            f"`python -m data download fashion-mnist`, or pass directory= "
            f"a folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
            f"t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz"
        )
    return FASHION_MNIST_DIR


def _candidate_names(stem, kind, ndim):
    """E.g. train-images-idx3-ubyte, its .gz, and the train-images.idx3-ubyte spelling."""
    names = []
    for separator in ("-", "."):
        base = f"{stem}-{kind}{separator}idx{ndim}-ubyte"
        names += [base, base + ".gz"]
    return names


def _first_existing(directory, names):
    for name in names:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


def _check_headers(images_path, labels_path):
    """Images must be (count, rows, cols) uint8, labels (count,) uint8, same count."""
    images_shape, images_dtype = read_idx_header(images_path)
    labels_shape, labels_dtype = read_idx_header(labels_path)
    if len(images_shape) != 3 or images_dtype != "uint8":
        raise DataError(
            f"{images_path}: expected 3-D uint8 images, the header says "
            f"{images_dtype} of shape {images_shape}"
        )
    if len(labels_shape) != 1 or labels_dtype != "uint8":
        raise DataError(
            f"{labels_path}: expected 1-D uint8 labels, the header says "
            f"{labels_dtype} of shape {labels_shape}"
        )
    if images_shape[0] != labels_shape[0]:
        raise DataError(
            f"image and label counts disagree: {images_path} holds {images_shape[0]:,} "
            f"images but {labels_path} holds {labels_shape[0]:,} labels"
        )


def _check_labels(labels_path, labels, class_count):
    if labels and max(labels) >= class_count:
        position = next(i for i, label in enumerate(labels) if label >= class_count)
        raise DataError(
            f"{labels_path}: label {labels[position]} at position {position} is not "
            f"a class 0..{class_count - 1}"
        )
