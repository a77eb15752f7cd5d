"""The main command of the numpy twin: `python -m vectorized` trains an MLP (or, with --model cnn, a CNN) on MNIST.

The same command as `python -m pure` (see app/cli.py for the flags and the
subcommands train, evaluate and predict), run with this twin; only the data
preparation differs: the images' bytes become
one float64 array, scaled as data.Images scales them, without a Python loop.
"""
from __future__ import annotations

import sys

from .cli import DEFAULTS, dispatch

try:
    import vectorized
    import numpy as np
except ModuleNotFoundError as missing:      # main() says so in one line; --help needs no numpy
    if missing.name != "numpy":
        raise
    vectorized = np = None
NEEDS_NUMPY = ("error: the vectorized twin needs numpy, which is not installed: python3 -m pip install numpy "
               "(the pure twin needs nothing: python3 -m pure)")

# numpy is fast enough for a wider, deeper network and more epochs by default
# (96.2% on the official test set in about 75 s; see benchmarks/accuracy.py).
VECTORIZED_DEFAULTS = dict(DEFAULTS, hidden="256,128", epochs=12, lr=0.05, lr_decay=0.85)


def to_inputs(images, as_images: bool = False):
    """data.Images -> float64 array (N, rows*cols), scaled like images[i] ("unit": pixel / 255).

    as_images=True: the same numbers shaped (N, 1, rows, cols), for a CNN.
    """
    from data.images import SCALES
    pixels = np.frombuffer(images.raw, dtype=np.uint8).reshape(len(images), images.image_size)
    x = np.asarray(SCALES[images.scale], dtype=np.float64)[pixels]
    return x.reshape(len(images), 1, images.rows, images.cols) if as_images else x


def main(argv=None) -> int:
    if np is None:
        return without_numpy(sys.argv[1:] if argv is None else list(argv))
    return dispatch(vectorized, argv, to_inputs=to_inputs, defaults=VECTORIZED_DEFAULTS, to_tensor=to_tensor)


def without_numpy(argv) -> int:
    """`python -m vectorized` (or twinnet-vectorized) where numpy is missing: --help as usual, serve (the pure
    twin's pages) as usual, anything else the one line NEEDS_NUMPY, exit status 2."""
    from . import cli, usemodel
    command = argv[0] if argv and argv[0] in cli.SUBCOMMANDS else "train"
    rest = argv[1:] if argv and argv[0] in cli.SUBCOMMANDS else argv
    if command == "serve":
        return dispatch(None, argv)
    if "-h" in rest or "--help" in rest:
        if command == "train":
            cli.parse_args(rest, "vectorized", VECTORIZED_DEFAULTS)
        else:
            getattr(usemodel, f"{command}_parser")("vectorized").parse_args(rest)
    print(NEEDS_NUMPY, file=sys.stderr)
    return 2


def to_tensor(rows):
    """Prepared images (lists of floats) as one float64 array, for predict."""
    return np.asarray(rows, dtype=np.float64)
