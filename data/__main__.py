"""Command line: `python -m data info [--dir DIR] [--dataset mnist|fashion-mnist]`.

Prints, for each split, the files found, the number and size of the images,
how many there are of each class, and (for the shipped MNIST pieces) whether
their SHA-256 checksums match. Exits with status 1 and a one-line reason if a
file is missing or malformed.

This is a look-see tool, not a downloader or converter.
"""

from __future__ import annotations

import argparse
import sys

from .errors import DataError
from .mnist import DATASETS, SPLITS, class_names, find_files, load_mnist, verify_shipped


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m data", description="Inspect the datasets.")
    commands = parser.add_subparsers(dest="command", required=True)
    info = commands.add_parser("info", help="show what datasets are found and check them")
    info.add_argument("--dir", default=None, help="a folder holding IDX files (default: shipped MNIST)")
    info.add_argument("--dataset", default="mnist", choices=DATASETS)
    args = parser.parse_args(argv)
    try:
        print_info(args.dir, args.dataset)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def print_info(directory, dataset):
    """Print what `load_mnist` finds for every split, then the checksums."""
    names = class_names(dataset)
    for split in SPLITS:
        images_path, labels_path = find_files(split, directory, dataset)
        images, labels = load_mnist(split, directory, dataset)
        count, rows, cols = images.shape
        print(f"{dataset} {split}: {count:,} images of {rows}x{cols}")
        print(f"  images: {images_path}")
        print(f"  labels: {labels_path}")
        counts = [labels.count(label) for label in range(len(names))]
        print("  classes: " + ", ".join(f"{name} {n}" for name, n in zip(names, counts)))
    if directory is None and dataset == "mnist":
        digests = verify_shipped()
        print(f"checksums: OK ({len(digests)} shipped files match their SHA-256)")
    else:
        print("checksums: not checked (only the shipped MNIST pieces have known checksums)")


if __name__ == "__main__":
    sys.exit(main())
