"""What every lesson needs besides the twin: data in the twin's format, and a result record.

A lesson's `run(nn, quick=False, out=None)` returns a `Result`: the figure the
series reports, ours, and checks (statements that must hold: in --quick mode
they are the bounds the test suite asserts).
"""
from __future__ import annotations

import os
import time

import data


def tensor(nn, value):
    """Nested lists as the twin's tensor type (lists for pure, a float64 array for vectorized)."""
    if nn.TWIN == "pure":
        return value
    import numpy
    return numpy.asarray(value, dtype=numpy.float64)


def to_list(value):
    """A twin's tensor as nested lists (also a list of arrays, as ragged sequences come back)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return [to_list(v) for v in value] if isinstance(value, (list, tuple)) else value


def head(x, n):
    """The first n examples as a batch the layers accept (data.Images slices are not lists)."""
    return x[:n] if hasattr(x, "shape") and not hasattr(x, "image_size") else [x[i] for i in range(min(n, len(x)))]


def mnist(nn, split, limit=None, scale="unit", directory=None, result=None):
    """(inputs, labels) of MNIST in the twin's format; labels as a list of ints.

    The pure twin reads data.Images directly (rows made on demand, so the
    memory stays small); the vectorized twin gets one (N, 784) array.
    `directory` is where the IDX files are (None: data.load_mnist's default
    places: the `python -m data download mnist` folder, then the 10,000
    shipped digits). With a `result`, the lesson says how many images it
    used and from which file.
    """
    images, labels = data.load_mnist(split, directory=directory, limit=limit)
    if result is not None:
        say_source(result, split, len(labels), directory, first=limit is not None)
    images = images.with_scale(scale)
    if nn.TWIN == "vectorized":
        from app.arrays import to_inputs
        return to_inputs(images), list(labels)
    return images, list(labels)


def say_source(result, split, count, directory=None, first=True):
    """Add to `result` how many images of a split the lesson used (the first `count`, or all) and from which file."""
    which = " (the first ones in the file)" if first else ""
    result.lines.append(f"{split} images: {count:,}{which} from {describe_source(split, directory)}")


def describe_source(split, directory=None):
    """Where load_mnist finds a split: the file, and whether it is the full set or the shipped piece."""
    images_path, _ = data.find_files(split, directory)
    name = os.path.basename(images_path)
    if split == "train":
        kind = "the 10,000 shipped digits" if name.startswith("train-10k") else "a full training set"
    else:
        kind = "the official test set"
    return f"{images_path} ({kind})"


FULL_SET = 60_000            # the official training set: what the series trained on
SERIES_VALIDATION = 5_000    # series D holds out its last 5,000 for validation (55,000 / 5,000)


def full_training_set(n_images):
    """Is this the full 60,000-image training set (the series' data), rather than the shipped 10,000?"""
    return n_images >= FULL_SET


def output_dir(out, lesson):
    """The folder for a lesson's pictures (created), or None when pictures are not wanted."""
    if out is None:
        return None
    folder = os.path.join(out, lesson)
    os.makedirs(folder, exist_ok=True)
    return folder


def agreement(worst, within):
    """How close two computations came: "equal within <within>" (a number as text, e.g. "1e-12")
    when the worst difference is below it, else "differ by up to <worst>"."""
    return f"equal within {within}" if worst < float(within) else f"differ by up to {worst:.1e}"


class Result:
    """What a lesson found: `ours` next to the series' `reported` figure, plus checks."""

    def __init__(self, name, reported):
        self.name, self.reported = name, reported
        self.ours = ""
        self.checks = {}
        self.pictures = []
        self.lines = []         # extra lines to print under the figures (samples, predictions)
        self.numbers = {}       # the lesson's numbers by name, for tests and reports
        self.start = time.perf_counter()
        self.seconds = None

    def check(self, statement, holds):
        self.checks[statement] = bool(holds)

    def picture(self, path):
        self.pictures.append(path)
        return path

    def finish(self, ours):
        self.ours = ours
        self.seconds = time.perf_counter() - self.start
        return self

    @property
    def ok(self):
        return all(self.checks.values())

    def __str__(self):
        lines = [f"series reported: {self.reported}", f"we measured:     {self.ours}"] + self.lines
        lines += [f"  [{'ok' if v else 'FAILED'}] {k}" for k, v in self.checks.items()]
        lines += [f"  picture: {p}" for p in self.pictures]
        lines.append(f"  ({self.seconds:.1f}s)")
        return "\n".join(lines)


class Centred:
    """Images with a mean image subtracted, row by row on demand (the pure twin keeps bytes, not floats).

    `images[i]` is a list of floats (image i minus `mean`); slices give Centred.
    """

    def __init__(self, images, mean):
        self.images, self.mean = images, mean

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Centred(self.images[index], self.mean)
        return [v - m for v, m in zip(self.images[index], self.mean)]


def pixel_means(nn, x):
    """The mean image of a training set (pixel/255 values): one mean per pixel, as a list.

    Computed exactly the same way in both twins (the byte values 0..255 summed
    as integers, then one division), so both twins centre with identical numbers.
    """
    n = len(x)
    if nn.TWIN == "vectorized":
        import numpy
        totals = numpy.rint(numpy.asarray(x) * 255.0).sum(axis=0)       # integers: the sum is exact
        return (totals / (255.0 * n)).tolist()
    totals = [0] * len(x[0])
    for i in range(n):
        totals = [t + round(v * 255.0) for t, v in zip(totals, x[i])]
    return [t / (255.0 * n) for t in totals]


def centre(nn, mean, x):
    """x minus the mean image, in the twin's format (Centred for pure, an array for vectorized)."""
    if nn.TWIN == "vectorized":
        import numpy
        return x - numpy.asarray(mean)
    return Centred(x, mean)


BLAS_NAMES = ("openblas_{}_num_threads", "openblas_{}_num_threads64_", "scipy_openblas_{}_num_threads64_",
              "scipy_openblas_{}_num_threads")


def blas_threads(limit=None):
    """How many threads numpy's BLAS uses, after setting it to `limit` if given: (count, how) or (None, why not).

    The environment (OPENBLAS_NUM_THREADS=1) works only before numpy is loaded; once it is, the count is
    changed through threadpoolctl if installed, else through OpenBLAS's own openblas_set_num_threads, found
    among the libraries this process has loaded (Linux). Another BLAS (MKL, Accelerate) without threadpoolctl:
    (None, why not).
    """
    try:
        import threadpoolctl
        if limit is not None:
            threadpoolctl.threadpool_limits(limit, user_api="blas")
        infos = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
        if infos:
            return infos[0]["num_threads"], f"threadpoolctl ({infos[0].get('internal_api')})"
    except ImportError:
        pass
    import ctypes
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if "openblas" in line.lower() and "/" in line})
    except OSError:
        return None, "no threadpoolctl, and no /proc/self/maps to find OpenBLAS in"
    for path in paths:
        library = ctypes.CDLL(path)
        for name in BLAS_NAMES:
            if hasattr(library, name.format("get")) and hasattr(library, name.format("set")):
                if limit is not None:
                    getattr(library, name.format("set"))(ctypes.c_int(limit))
                return getattr(library, name.format("get"))(), f"OpenBLAS's {name.format('set')}"
    return None, "no threadpoolctl, and no OpenBLAS loaded"
