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
- `read_image`, `to_grey` (data/imagefiles.py): one image file (PNG of any kind,
  PGM/PPM/PBM, IDX) as pixels, then as brightness.
- `prepare_digit(grey, width, height) -> 784 floats in [0, 1]`, `prepare_file(path)`
  (data/prepare.py): any picture of one digit made MNIST-like (inverted if on light
  paper, cropped, longer side 20 px by area averaging, centred by mass in 28 x 28).
- `toy`: XOR, moons, spirals, circles, quadrants and two tiny lesson tables.
- `text`: the sentiment corpus and 200 names for the recurrent lessons, and a `Vocabulary`.
- `DataError`: raised, with the file name, for anything wrong with a data file.

- `download`: fetch the full MNIST / Fashion-MNIST files from public mirrors,
  verified against pinned SHA-256, resumable (`python -m data download mnist`);
  `load_mnist` then finds them with no flag. The only module that uses the network.

What is not: numpy (the `vectorized` twin wraps `images.raw` and `labels`
itself), augmentation.
Command line: `python -m data info`, `python -m data download`, `python -m data export`.
"""

from __future__ import annotations

from . import imagefiles, prepare, text, toy
from .csvfile import read_csv
from .errors import DataError
from .idx import IdxArray, read_idx, read_idx_header, write_idx
from .imagefiles import read_image, to_grey
from .images import Images
from .mnist import class_names, find_files, load_mnist, verify_shipped
from .prepare import prepare_digit, prepare_file
from .toy import circles, incomes, moons, people, quadrants, spirals, xor, xor_table

__all__ = [
    "DataError",
    "IdxArray",
    "Images",
    "circles",
    "class_names",
    "find_files",
    "incomes",
    "imagefiles",
    "load_mnist",
    "moons",
    "people",
    "prepare",
    "prepare_digit",
    "prepare_file",
    "quadrants",
    "read_csv",
    "read_idx",
    "read_idx_header",
    "read_image",
    "spirals",
    "text",
    "to_grey",
    "toy",
    "verify_shipped",
    "write_idx",
    "xor",
    "xor_table",
]
