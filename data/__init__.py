"""Datasets for both twins, with the standard library only.

    import data
    images, labels = data.load_mnist("train")      # Images, bytes
    x = images[0]                                   # list of 784 floats in [0, 1]
    X, y = data.toy.moons(200, noise=0.1, seed=0)   # plain lists

What is here:
- `read_idx`, `write_idx`, `IdxArray`: the MNIST file format (gzip or not).
- `read_csv`: MNIST in its CSV layout.
- `Images`: images kept as bytes, turned into float lists one at a time.
- `load_mnist`, `class_names`, `verify_shipped`: MNIST (two exact pieces are
  shipped in data/mnist/) and Fashion-MNIST (Debian's dataset-fashion-mnist).
- `toy`: XOR, moons, spirals, quadrants and two tiny lesson tables.
- `text`: the sentiment corpus and 200 names for the recurrent lessons, and a `Vocabulary`.
- `DataError`: raised, with the file name, for anything wrong with a data file.

- `download`: fetch the full MNIST / Fashion-MNIST files from public mirrors,
  verified against pinned SHA-256, resumable (`python -m data download mnist`);
  `load_mnist` then finds them with no flag. The only module that uses the network.

What is not: numpy (the `vectorized` twin wraps `images.raw` and `labels`
itself), augmentation.
Command line: `python -m data info`, `python -m data download`.
"""

from __future__ import annotations

from . import text, toy
from .csvfile import read_csv
from .errors import DataError
from .idx import IdxArray, read_idx, read_idx_header, write_idx
from .images import Images
from .mnist import class_names, find_files, load_mnist, verify_shipped
from .toy import incomes, moons, people, quadrants, spirals, xor, xor_table

__all__ = [
    "DataError",
    "IdxArray",
    "Images",
    "class_names",
    "find_files",
    "incomes",
    "load_mnist",
    "moons",
    "people",
    "quadrants",
    "read_csv",
    "read_idx",
    "read_idx_header",
    "spirals",
    "text",
    "toy",
    "verify_shipped",
    "write_idx",
    "xor",
    "xor_table",
]
