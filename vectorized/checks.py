"""Input checks, kept in one place so that the layers can show their math first.

The numpy twin of pure/checks.py: the same functions and the same messages.
Checks of plain numbers (sizes, rates, fit's arguments) are the pure twin's
own functions, imported; checks of tensors are written here for arrays.
"""
from __future__ import annotations

import numpy as np

from pure.checks import (check_dense_sizes, check_dropout_rate, check_features, check_fit_arguments,  # noqa: F401
                         check_flatten_input, check_fraction, check_logits, check_lr, check_nonnegative,
                         check_positive, check_uniform_bounds)

from .ops import DTYPE, as_array

# ---------------------------------------------------------------- tensors (all layers)


def check_rectangular(x, name: str) -> tuple:
    """Return the shape of x, which must be numeric and rectangular (no ragged rows).

    >>> check_rectangular([[1.0, 2.0], [3.0, 4.0]], "Dense(2, 1)")
    (2, 2)
    """
    if isinstance(x, np.ndarray):
        return x.shape
    try:
        arr = np.asarray(x, dtype=DTYPE)
    except (ValueError, TypeError):
        raise ValueError(f"{name}: input is not a rectangular batch of numbers") from None
    return arr.shape


def check_nonempty_batch(x, label: str) -> None:
    """An activation's input: a non-empty batch (an array of rank >= 1)."""
    if x.ndim == 0 or x.size == 0:
        raise ValueError(f"{label}: expected a non-empty batch, got shape {x.shape}")


def check_same_shape_as_output(grad_out, y, label: str) -> None:
    """backward(grad_out) of an element-wise layer: grad_out has the output's shape."""
    if grad_out.shape != y.shape:
        raise ValueError(f"{label}: grad_out has shape {grad_out.shape}, "
                         f"but the output had shape {y.shape}")


# ---------------------------------------------------------------- layers.py


def check_batch(x, label: str, features: int) -> None:
    """Dense.forward: x is a batch of shape (N, features)."""
    if x.ndim != 2 or x.shape[1] != features:
        raise ValueError(f"{label}: expected input of shape (N, {features}), got {x.shape}")


def check_backward(grad_out, label: str, x, features: int) -> None:
    """Dense.backward: forward() ran first (it kept x), and grad_out has the shape (N, features)."""
    if x is None:
        raise RuntimeError(f"{label}: backward() called before forward()")
    expected = (len(x), features)
    if grad_out.shape != expected:
        raise ValueError(f"{label}: expected grad_out of shape {expected}, got {grad_out.shape}")


# ---------------------------------------------------------------- losses.py


def check_same_shape(loss: str, pred, target):
    """MSE, BinaryCrossEntropy: predictions and targets of one shape; returns them as arrays."""
    pred, target = as_array(pred), as_array(target)
    if pred.shape != target.shape:
        raise ValueError(f"{loss}: predictions have shape {pred.shape} but targets have "
                         f"shape {target.shape}; they must match (for class labels use CrossEntropy, "
                         f"or one_hot(labels, n_classes))")
    return pred, target


def check_probabilities(pred, target) -> None:
    """BinaryCrossEntropy: predictions and targets in [0, 1]."""
    if np.any(~((pred >= 0.0) & (pred <= 1.0))):
        bad = pred[~((pred >= 0.0) & (pred <= 1.0))][0]
        raise ValueError(f"BinaryCrossEntropy: predictions must be probabilities in [0, 1], "
                         f"got {bad!r} (add a Sigmoid layer before this loss)")
    if np.any(~((target >= 0.0) & (target <= 1.0))):
        bad = target[~((target >= 0.0) & (target <= 1.0))][0]
        raise ValueError(f"BinaryCrossEntropy: targets must be in [0, 1], got {bad!r}")


def check_sequence_targets(pred, target) -> None:
    """CrossEntropy on sequences: N sequences of logits (T_n, C) and N sequences of T_n classes."""
    if isinstance(target, (str, bytes)) or not hasattr(target, "__len__") or len(target) != len(pred):
        raise ValueError(f"CrossEntropy: {len(pred)} sequences of logits need {len(pred)} sequences of "
                         f"targets (one class per step), got {target!r:.60}")
    for n, (logits, classes) in enumerate(zip(pred, target)):
        length = len(logits)
        if length == 0:
            raise ValueError(f"CrossEntropy: sequence {n} of logits is empty")
        if np.ndim(classes) != 1 or len(classes) != length:
            got = len(classes) if np.ndim(classes) == 1 else f"shape {np.shape(classes)}"
            raise ValueError(f"CrossEntropy: sequence {n} has {length} steps of logits but {got} targets "
                             f"(logits (N, T, C) need targets (N, T), one class per step)")


def class_indices(target, n: int, classes: int) -> np.ndarray:
    """CrossEntropy targets, checked: n integers in 0..classes-1, as an int64 array.

    >>> class_indices([2, 0.0], 2, 3).tolist()
    [2, 0]
    """
    if isinstance(target, (str, float)) or not hasattr(target, "__len__"):
        raise ValueError(f"CrossEntropy: targets must be a sequence of integer class indices, got {target!r:.60}")
    if isinstance(target, (bytes, bytearray)):
        target = np.frombuffer(bytes(target), dtype=np.uint8)
    arr = np.asarray(target) if not isinstance(target, list) or not target or \
        not isinstance(target[0], (list, tuple)) else None
    if arr is None or arr.ndim != 1:
        raise ValueError("CrossEntropy: targets must be integer class indices, one per row (got rows, "
                         "one-hot?); use MSE with one-hot rows, or argmax them")
    if len(arr) != n:
        raise ValueError(f"CrossEntropy: {n} rows of logits but {len(arr)} targets")
    if arr.dtype.kind == "f":
        if not np.all(arr == np.floor(arr)):
            i = int(np.flatnonzero(arr != np.floor(arr))[0])
            raise ValueError(f"CrossEntropy: target {i} is {arr[i]!r}; targets must be integer class indices")
    elif arr.dtype.kind not in "iu" or arr.dtype == np.bool_:
        raise ValueError(f"CrossEntropy: targets must be integer class indices, got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    bad = np.flatnonzero((arr < 0) | (arr >= classes))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"CrossEntropy: target {i} is {arr[i]}, outside the {classes} classes 0..{classes - 1}")
    return arr


def one_hot_indices(labels, n_classes: int) -> np.ndarray:
    """one_hot's labels, checked: integer classes in 0..n_classes-1 (2.0 counts as 2), as int64.

    >>> one_hot_indices([1, 2.0], 3).tolist()
    [1, 2]
    """
    labels = np.asarray(list(labels) if isinstance(labels, (bytes, bytearray)) else labels)
    if labels.dtype.kind not in "iuf" or labels.dtype == np.bool_:
        raise ValueError(f"one_hot: labels must be integer class indices, got dtype {labels.dtype}")
    not_integer = np.flatnonzero(labels != np.floor(labels))
    if not_integer.size:
        i = int(not_integer[0])
        raise ValueError(f"one_hot: label {labels[i]!r} at index {i} is not an integer class index")
    bad = np.flatnonzero((labels < 0) | (labels >= n_classes))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"one_hot: label {labels[i]!r} at index {i} is outside 0..{n_classes - 1}")
    return labels.astype(np.int64)
