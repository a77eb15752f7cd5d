"""Command line: `python -m data info|download|export`.

    python -m data info [--dir DIR] [--dataset mnist|fashion-mnist]
    python -m data download mnist|fashion-mnist [--dir DIR] [--mirror URL] [--timeout S]
    python -m data export OUT.png [--index N] [--split test|train] [--dataset ...] [--dir DIR]
                          [--scale K] [--invert]

`info` prints, for each split, the files found, the number and size of the
images, how many there are of each class, and whether their SHA-256 checksums
match (the shipped MNIST pieces, and any of the standard files pinned in
data/download.py). Exits with status 1 and a one-line reason if a file is
missing or malformed.

`download` fetches the four standard files from public mirrors, verifies them
against pinned SHA-256 checksums, resumes interrupted downloads, and puts them
where `load_mnist` looks first (see data/download.py). Exits with status 1 and
advice for offline machines if it cannot.

`export` writes one dataset image as a PNG file (a digit to try `predict` on,
from a plain checkout): `--scale` enlarges it by a whole factor, `--invert`
draws dark ink on white paper, as a drawing program would. It prints the
image's label. OUT.png must be a regular file or a new name: '', a folder, a
device, a pipe, a path under a file, the dataset's own files or a saved model
or checkpoint are refused with one line (exit status 2) before anything is read.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import download as downloads
from .errors import DataError
from .files import output_problem
from .idx import read_idx_header
from .imagefiles import MAX_PIXELS
from .mnist import DATASETS, SHIPPED_DIR, SPLITS, class_names, find_files, load_mnist, verify_shipped


def main(argv=None):
    """The command (also the console script twinnet-data): its exit status, quiet when `| head` closes the pipe."""
    return quiet_on_closed_pipe(command, argv)


def command(argv=None):
    parser = argparse.ArgumentParser(prog="python -m data", description="Inspect the datasets.")
    commands = parser.add_subparsers(dest="command", required=True)
    info = commands.add_parser("info", help="show what datasets are found and check them")
    info.add_argument("--dir", default=None, help="a folder holding IDX files (default: shipped MNIST)")
    info.add_argument("--dataset", default="mnist", choices=DATASETS)
    fetch = commands.add_parser("download", help="download the full dataset (four files), verified")
    fetch.add_argument("dataset", choices=DATASETS)
    fetch.add_argument("--dir", default=None,
                       help="where to put the files (default: $TWINNET_DATA/<dataset>, else "
                            "~/.cache/twinnet/<dataset>, where load_mnist looks first)")
    fetch.add_argument("--mirror", action="append", default=None, metavar="URL",
                       help="a base URL to try before the public mirrors (repeatable), e.g. a local copy")
    fetch.add_argument("--timeout", type=float, default=30.0,
                       help="seconds a connection may stall before the next mirror is tried (default %(default)s)")
    export = commands.add_parser("export", help="write one dataset image as a PNG file (e.g. to try predict on)")
    export.add_argument("out", metavar="OUT.png", help="the PNG file to write")
    export.add_argument("--index", type=int, default=0, help="which image (default %(default)s: the first)")
    export.add_argument("--split", default="test", choices=SPLITS, help="default %(default)s")
    export.add_argument("--dataset", default="mnist", choices=DATASETS)
    export.add_argument("--dir", default=None, help="a folder holding IDX files (default: where load_mnist looks)")
    export.add_argument("--scale", type=int, default=1, help="enlarge by this whole factor (default %(default)s)")
    export.add_argument("--invert", action="store_true", help="dark ink on white paper")
    args = parser.parse_args(argv)
    if args.command == "export":
        problem = export_refusal(args)
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 2
    try:
        if args.command == "export":
            export_png(args)
        elif args.command == "download":
            mirrors = [m if m.endswith("/") else m + "/" for m in args.mirror or []]
            mirrors += downloads.DATASETS[args.dataset]["mirrors"]
            paths = downloads.download(args.dataset, args.dir, mirrors=mirrors, timeout=args.timeout)
            print(f"{args.dataset}: {len(paths)} files verified in {os.path.dirname(paths[0])}")
        else:
            print_info(args.dir, args.dataset)
    except downloads.DownloadError as error:     # each failed attempt was printed as it happened: not again
        print(f"error: {error.brief}", file=sys.stderr)
        return 1
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def export_refusal(args):
    """None if OUT.png may be written, else one line saying why not (before the data is read): not '',
    a folder, a device, a pipe, a path under a file, the dataset's own files, a saved model or checkpoint."""
    try:
        inputs = find_files(args.split, args.dir, args.dataset)
    except (DataError, OSError):
        inputs = ()                                 # said when the data is loaded
    problem = output_problem(args.out, inputs, picture=True)
    if problem:
        return f"OUT.png {args.out!r}: {problem}"
    if args.scale < 1:
        return f"--scale must be a whole number >= 1, got {args.scale}"
    try:
        (_, rows, cols), _ = read_idx_header(inputs[0]) if inputs else ((0, 28, 28), None)
    except (DataError, ValueError):
        return None                                 # said when the data is loaded
    if rows * args.scale * cols * args.scale > MAX_PIXELS:
        return (f"--scale {args.scale}: a {cols * args.scale} x {rows * args.scale} picture, more than the "
                f"{MAX_PIXELS:,} pixels an image file may have here (data.imagefiles.MAX_PIXELS)")
    return None


def export_png(args):
    """Write image `args.index` of a split as a PNG (8-bit grey) and say which class it is."""
    from pictures import write_png

    images, labels = load_mnist(args.split, args.dir, args.dataset)
    if not 0 <= args.index < len(images):
        raise DataError(f"--index {args.index} is out of range: the {args.split} split has {len(images)} images")
    _, rows, cols = images.shape
    pixels = images.pixels(args.index)
    if args.invert:
        pixels = bytes(255 - v for v in pixels)
    k = args.scale
    big = [pixels[(r // k) * cols + c // k] for r in range(rows * k) for c in range(cols * k)]
    write_png(args.out, big, cols * k, rows * k)
    label = labels[args.index]
    print(f"wrote {args.out}: {args.dataset} {args.split} image {args.index}, "
          f"{cols * k}x{rows * k}, label {label} ({class_names(args.dataset)[label]})")


def print_info(directory, dataset):
    """Print what `load_mnist` finds for every split, then the checksums."""
    names = class_names(dataset)
    found = []
    for split in SPLITS:
        images_path, labels_path = find_files(split, directory, dataset)
        found += [images_path, labels_path]
        images, labels = load_mnist(split, directory, dataset)
        count, rows, cols = images.shape
        print(f"{dataset} {split}: {count:,} images of {rows}x{cols}")
        print(f"  images: {images_path}")
        print(f"  labels: {labels_path}")
        counts = [labels.count(label) for label in range(len(names))]
        print("  classes: " + ", ".join(f"{name} {n}" for name, n in zip(names, counts)))
    if directory is None and dataset == "mnist" and SHIPPED_DIR in map(os.path.dirname, found):
        digests = verify_shipped()
        print(f"checksums: OK ({len(digests)} shipped files match their SHA-256)")
    checked = []
    for path in found:
        spec = downloads.pinned(dataset, os.path.basename(path))
        if spec is None or os.path.dirname(path) == SHIPPED_DIR:
            continue
        how = downloads.verify_file(path, spec)
        if not how:
            raise DataError(f"{path}: SHA-256 does not match the official {dataset} file")
        checked.append(f"{spec.name} ({how})")
    if checked:
        print(f"checksums: OK, pinned SHA-256 of {', '.join(checked)}")
    elif not (directory is None and dataset == "mnist"):
        print("checksums: not checked (no file with a pinned checksum)")


def quiet_on_closed_pipe(command, *args) -> int:
    """command(*args)'s exit status, or 141 with no traceback when `| head` closed standard output (as app.cli's)."""
    try:
        try:
            return command(*args)
        finally:                        # (after a SystemExit too, as argparse's --help raises)
            sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())   # no second error when Python flushes
        return 141


if __name__ == "__main__":
    sys.exit(main())
