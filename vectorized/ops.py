"""Tensor helpers for the vectorized twin: the numpy versions of pure/ops.py.

Here a tensor is a numpy array (float64 unless asked otherwise), and most
helpers are one numpy call; they exist so that the layers of both twins read
alike, line for line. Only what the layers use is kept.
"""
from __future__ import annotations

import numpy as np

DTYPE = np.float64


def shape(x) -> tuple:
    """The shape of an array (or of anything np.asarray accepts)."""
    return tuple(np.shape(x))


def as_array(x, dtype=None) -> np.ndarray:
    """x as a floating-point array (a float32 array stays float32).

    Strings are not numbers here either: numpy would read "1.5" as 1.5, the pure
    twin cannot add a string to a float; both raise TypeError."""
    if isinstance(x, np.ndarray) and x.dtype in (np.float32, np.float64) and dtype is None:
        return x
    raw = x if isinstance(x, np.ndarray) else np.asarray(x)
    if raw.dtype.kind in "SU" or (raw.dtype.kind == "O" and any(isinstance(v, (str, bytes)) for v in raw.ravel())):
        bad = next(v for v in raw.ravel() if isinstance(v, (str, bytes)))
        raise TypeError(f"expected numbers, got the {type(bad).__name__.strip('_')} {str(bad)!r:.30}")
    return np.asarray(raw, dtype=dtype or DTYPE)


def zeros(*dims: int) -> np.ndarray:
    return np.zeros(dims, dtype=DTYPE)


def copy(x):
    return np.array(x, copy=True)


def transpose(a):
    return a.T


def matmul(a, b):
    """c = a b."""
    return a @ b


def matmul_tn(a, b):
    """aᵀ b (the weight gradient xᵀ · grad_out)."""
    return a.T @ b


def matmul_nt(a, b):
    """a bᵀ (the input gradient grad_out · Wᵀ)."""
    return a @ b.T


def column_sums(a):
    """Sum over the batch axis (the bias gradient)."""
    return a.sum(axis=0)


def add_row(a, row):
    """Add the same row (a bias) to every row of a (numpy broadcasting)."""
    return a + row


def flatten(x) -> np.ndarray:
    return np.ravel(x)


def reshape(flat, dims):
    return np.reshape(flat, dims)


def all_finite(x) -> bool:
    """True when no number is NaN or infinite (an array, a number, or a list of arrays of different shapes)."""
    if isinstance(x, (list, tuple)):
        return all(all_finite(t) for t in x)
    return x is None or bool(np.all(np.isfinite(x)))


def argmax(row) -> int:
    return int(np.argmax(row))


def is_ragged(x) -> bool:
    """True for a list of sequences that differ in length (numpy cannot hold it as one array)."""
    if isinstance(x, np.ndarray) or not isinstance(x, (list, tuple)) or not x:
        return False
    try:
        return len({len(item) for item in x}) > 1
    except TypeError:                     # items without a length: numbers, not sequences
        return False
