"""Input checks, kept in one place so that the layers can show their math first.

A layer, loss or optimizer checks what it is given with one call to a function
here, e.g. `check_batch(x, self.label, self.n_in)` at the top of Dense.forward.
Each check either returns quietly (some return what they measured, such as a
shape) or raises ValueError with a message that names the layer, argument or
example and says what was wrong. None of them changes its input.

The vectorized twin has a module of the same name with the same functions
(the same messages) for numpy arrays. New checks belong here too, in the
section of the module that uses them.
"""
from __future__ import annotations

import math
import numbers
import os
from typing import List

from .ops import flatten, shape

# ---------------------------------------------------------------- tensors (all layers)


def check_rectangular(x, name: str) -> tuple:
    """Return shape(x) after checking that every row has the same length.

    A ragged batch (one row shorter than the others) would otherwise be read
    silently and wrongly; this names the offending row instead.

    >>> check_rectangular([[1.0, 2.0], [3.0, 4.0]], "Dense(2, 1)")
    (2, 2)
    """
    dims = shape(x)
    if len(dims) >= 2:
        for i, row in enumerate(x):
            if not isinstance(row, (list, tuple)) or len(row) != dims[1]:
                got = len(row) if isinstance(row, (list, tuple)) else type(row).__name__
                raise ValueError(f"{name}: row {i} has length {got}, expected {dims[1]} "
                                 f"(input must be a rectangular batch of shape {dims})")
    return dims


def check_nonempty_batch(x, label: str) -> None:
    """An activation's input: a non-empty batch (nested lists)."""
    if not isinstance(x, list) or not x:
        raise ValueError(f"{label}: expected a non-empty batch, got {x!r:.60}")


def check_same_shape_as_output(grad_out, y, label: str) -> None:
    """backward(grad_out) of an element-wise layer: grad_out has the output's shape."""
    if shape(grad_out) != shape(y):
        raise ValueError(f"{label}: grad_out has shape {shape(grad_out)}, "
                         f"but the output had shape {shape(y)}")


# ---------------------------------------------------------------- layers.py


def check_dense_sizes(n_in, n_out) -> None:
    if not (isinstance(n_in, int) and isinstance(n_out, int) and n_in > 0 and n_out > 0):
        raise ValueError(f"Dense: n_in and n_out must be positive integers, got {n_in!r}, {n_out!r}")


def check_batch(x, label: str, features: int) -> None:
    """Dense.forward: x is a rectangular batch of shape (N, features)."""
    dims = check_rectangular(x, label)
    if len(dims) != 2 or dims[1] != features:
        raise ValueError(f"{label}: expected input of shape (N, {features}), got {dims}")


def check_backward(grad_out, label: str, x, features: int) -> None:
    """Dense.backward: forward() ran first (it kept x), and grad_out has the shape (N, features)."""
    if x is None:
        raise RuntimeError(f"{label}: backward() called before forward()")
    expected = (len(x), features)
    if shape(grad_out) != expected:
        raise ValueError(f"{label}: expected grad_out of shape {expected}, got {shape(grad_out)}")


def check_dropout_rate(p) -> None:
    if not (isinstance(p, (int, float)) and 0.0 <= p < 1.0):
        raise ValueError(f"Dropout: p must be in [0, 1), got {p!r}")


def check_flatten_input(dims: tuple, label: str) -> None:
    if len(dims) < 2:
        raise ValueError(f"{label}: expected a batch of shape (N, ...), got {dims}")


def check_features(input_shape, label: str, features: int) -> None:
    """Sequential, when built: the previous layer gives `features` numbers per example."""
    if input_shape is not None and tuple(input_shape) != (features,):
        raise ValueError(f"{label}: expects {features} features per example, "
                         f"but the previous layer gives shape {tuple(input_shape)}")


# ---------------------------------------------------------------- losses.py


def check_same_shape(loss: str, pred, target):
    """MSE, BinaryCrossEntropy: predictions and targets of one shape; returns them."""
    p = check_rectangular(pred, f"{loss} predictions")
    t = shape(target)
    if p != t:
        raise ValueError(f"{loss}: predictions have shape {p} but targets have "
                         f"shape {t}; they must match (for class labels use CrossEntropy, "
                         f"or one_hot(labels, n_classes))")
    return pred, target


def check_probabilities(pred, target) -> None:
    """BinaryCrossEntropy: predictions and targets in [0, 1]."""
    p_flat, t_flat = flatten(pred), flatten(target)
    for p in p_flat:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"BinaryCrossEntropy: predictions must be probabilities in [0, 1], "
                             f"got {p!r} (add a Sigmoid layer before this loss)")
    for t in t_flat:
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"BinaryCrossEntropy: targets must be in [0, 1], got {t!r}")


def check_logits(dims: tuple) -> None:
    if len(dims) != 2:
        raise ValueError(f"CrossEntropy: logits must have shape (N, classes), got {dims}")


def check_sequence_targets(pred, target) -> None:
    """CrossEntropy on sequences: N sequences of logits (T_n, C) and N sequences of T_n classes."""
    if isinstance(target, (str, bytes)) or not hasattr(target, "__len__") or len(target) != len(pred):
        raise ValueError(f"CrossEntropy: {len(pred)} sequences of logits need {len(pred)} sequences of "
                         f"targets (one class per step), got {target!r:.60}")
    for n, (logits, classes) in enumerate(zip(pred, target)):
        if not isinstance(logits, (list, tuple)) or not logits:
            raise ValueError(f"CrossEntropy: sequence {n} of logits is empty or not a sequence of rows")
        if not isinstance(classes, (list, tuple)) or len(classes) != len(logits):
            got = len(classes) if isinstance(classes, (list, tuple)) else repr(classes)
            raise ValueError(f"CrossEntropy: sequence {n} has {len(logits)} steps of logits but {got} targets "
                             f"(logits (N, T, C) need targets (N, T), one class per step)")


def class_indices(target, n: int, classes: int) -> List[int]:
    """CrossEntropy targets, checked: n integers in 0..classes-1 (bytes and array('B') work).

    >>> class_indices([2, 0.0], 2, 3)
    [2, 0]
    """
    if isinstance(target, (str, float)) or not hasattr(target, "__len__"):
        raise ValueError(f"CrossEntropy: targets must be a sequence of integer class indices, got {target!r:.60}")
    if len(target) != n:
        raise ValueError(f"CrossEntropy: {n} rows of logits but {len(target)} targets")
    out = []
    for i, y in enumerate(target):
        if isinstance(y, bool) or not isinstance(y, numbers.Integral):
            if isinstance(y, float) and y.is_integer():
                y = int(y)
            else:
                kind = "a row (one-hot?)" if isinstance(y, (list, tuple)) else repr(y)
                raise ValueError(f"CrossEntropy: target {i} is {kind}; targets must be integer "
                                 f"class indices (use MSE with one-hot rows, or argmax them)")
        if not 0 <= y < classes:
            raise ValueError(f"CrossEntropy: target {i} is {y}, outside the {classes} classes 0..{classes - 1}")
        out.append(int(y))
    return out


def one_hot_indices(labels, n_classes: int) -> List[int]:
    """one_hot's labels, checked: integer classes in 0..n_classes-1 (2.0 counts as 2).

    >>> one_hot_indices([1, 2.0], 3)
    [1, 2]
    """
    out = []
    for i, label in enumerate(labels):
        if isinstance(label, float) and label.is_integer():
            label = int(label)                       # 2.0 is class 2, as in CrossEntropy
        if isinstance(label, bool) or not isinstance(label, numbers.Integral):
            raise ValueError(f"one_hot: label {label!r} at index {i} is not an integer class index")
        if not (0 <= label < n_classes):
            raise ValueError(f"one_hot: label {label!r} at index {i} is outside 0..{n_classes - 1}")
        out.append(label)
    return out


# ---------------------------------------------------------------- optimizers.py and init.py


def check_lr(name: str, lr) -> float:
    """A learning rate: a positive finite number (returned as a float)."""
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0 or not math.isfinite(lr):
        raise ValueError(f"{name}: learning rate must be a positive finite number, got {lr!r}")
    return float(lr)


def check_fraction(owner: str, name: str, value) -> None:
    """A momentum or a beta: in [0, 1)."""
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{owner}: {name} must be in [0, 1), got {value!r}")


def check_nonnegative(owner: str, name: str, value) -> None:
    if not value >= 0.0:
        raise ValueError(f"{owner}: {name} must be >= 0, got {value!r}")


def check_positive(owner: str, name: str, value) -> None:
    if not value > 0:
        raise ValueError(f"{owner}: {name} must be > 0, got {value!r}")


def check_uniform_bounds(a, b) -> None:
    if not a <= b:
        raise ValueError(f"Uniform initializer: need a <= b, got a={a!r}, b={b!r}")


# ---------------------------------------------------------------- training.py


def check_fit_arguments(n: int, y, batch_size, epochs, optimizer, checkpoint, checkpoint_every, resume) -> int:
    """fit's arguments; returns the batch size (None means the whole set in one batch)."""
    if n == 0:
        raise ValueError("fit: no training examples")
    if len(y) != n:
        raise ValueError(f"fit: {n} inputs but {len(y)} targets")
    if batch_size is None:
        batch_size = n
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"fit: batch_size must be a positive integer, got {batch_size!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be a non-negative integer, got {epochs!r}")
    if not optimizer.lr > 0:
        raise ValueError(f"fit: learning rate must be positive, got {optimizer.lr!r}")
    if isinstance(checkpoint_every, bool) or not isinstance(checkpoint_every, int) or checkpoint_every < 1:
        raise ValueError(f"fit: checkpoint_every must be a positive integer, got {checkpoint_every!r}")
    if checkpoint is not None and not os.path.isdir(os.path.dirname(os.path.abspath(checkpoint))):
        raise ValueError(f"fit: the folder of checkpoint={os.fspath(checkpoint)!r} does not exist")
    if resume is True and checkpoint is None:
        raise ValueError("fit: resume=True continues from the checkpoint= file; give checkpoint= too "
                         "(or resume=<path of a checkpoint>)")
    return batch_size
