"""Loss functions: a number saying how wrong the predictions are, and its gradient.

The numpy twin of pure/losses.py. Reductions follow PyTorch's defaults:

    MSE                 mean over all elements of (pred - target)²
    BinaryCrossEntropy  mean over all elements of -[t log p + (1 - t) log(1 - p)]
    CrossEntropy        mean over the batch of -log softmax(logits)[target]
                        (logits (N, T, C), targets (N, T): mean over all the steps)
"""
from __future__ import annotations

import numpy as np

from .ops import DTYPE, as_array


def one_hot(labels, n_classes: int) -> np.ndarray:
    """Integer labels -> rows with a 1.0 at the label's index."""
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
    rows = np.zeros((len(labels), n_classes), dtype=DTYPE)
    rows[np.arange(len(labels)), labels.astype(np.int64)] = 1.0
    return rows


class Loss:
    """Base class. `loss(pred, target)` is the same as `loss.forward(pred, target)`."""

    def __call__(self, pred, target) -> float:
        return self.forward(pred, target)

    def __repr__(self):
        return type(self).__name__ + "()"

    def _check_same_shape(self, pred, target):
        pred, target = as_array(pred), as_array(target)
        if pred.shape != target.shape:
            raise ValueError(f"{type(self).__name__}: predictions have shape {pred.shape} but targets have "
                             f"shape {target.shape}; they must match (for class labels use CrossEntropy, "
                             f"or one_hot(labels, n_classes))")
        return pred, target


class MSE(Loss):
    """Mean squared error: L = (1/n) Σ (p - t)², over all n elements.  dL/dp = 2 (p - t) / n."""

    def forward(self, pred, target):
        pred, target = self._check_same_shape(pred, target)
        self.diff = pred - target
        self.count = self.diff.size
        return float(np.sum(self.diff * self.diff) / self.count)

    def backward(self):
        return self.diff * (2.0 / self.count)


class BinaryCrossEntropy(Loss):
    """L = -(1/n) Σ [t log p + (1 - t) log(1 - p)], logs clamped at -100 as PyTorch does."""

    def forward(self, pred, target):
        pred, target = self._check_same_shape(pred, target)
        if np.any(~((pred >= 0.0) & (pred <= 1.0))):
            bad = pred[~((pred >= 0.0) & (pred <= 1.0))][0]
            raise ValueError(f"BinaryCrossEntropy: predictions must be probabilities in [0, 1], "
                             f"got {bad!r} (add a Sigmoid layer before this loss)")
        if np.any(~((target >= 0.0) & (target <= 1.0))):
            bad = target[~((target >= 0.0) & (target <= 1.0))][0]
            raise ValueError(f"BinaryCrossEntropy: targets must be in [0, 1], got {bad!r}")
        self.pred, self.target, self.count = pred, target, pred.size
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(pred), -100.0)
            log_1p = np.maximum(np.log1p(-pred), -100.0)
        return float(-np.sum(target * log_p + (1.0 - target) * log_1p) / self.count)

    def backward(self):
        p, t = self.pred, self.target
        return (p - t) / np.maximum(p * (1.0 - p), 1e-12) / self.count


class CrossEntropy(Loss):
    """Softmax + negative log-likelihood, from logits z (N, C) and integer targets y (N,).

        L = (1/N) Σ_n [ logsumexp(z_n) - z_n[y_n] ]
        dL/dz = (softmax(z) - onehot(y)) / N

    Sequences: logits (N, T, C) and targets (N, T) (or lists of N sequences of
    their own lengths) are read as Σ T_n rows with one target each; L is their
    mean and the gradient comes back in the logits' shape.
    """

    steps = None        # (lengths T_n, ragged?) when the logits are (N, T, C)

    def forward(self, pred, target):
        self.steps = None
        if _is_sequence_batch(pred):
            pred, target, self.steps = _steps_as_rows(pred, target)
        pred = as_array(pred)
        if pred.ndim != 2:
            raise ValueError(f"CrossEntropy: logits must have shape (N, classes), got {pred.shape}")
        n, classes = pred.shape
        target = _class_indices(target, n, classes)
        m = pred.max(axis=1, keepdims=True)
        exps = np.exp(pred - m)
        sum_exps = exps.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        self.probs, self.target = exps / sum_exps, target
        return float(np.sum(m[:, 0] + np.log(sum_exps[:, 0]) - pred[rows, target]) / n)

    def backward(self):
        n = len(self.probs)
        grad = self.probs / n
        grad[np.arange(n), self.target] -= 1.0 / n
        if self.steps is not None:      # back to sequences: rows of sequence 0 first
            lengths, ragged = self.steps
            if ragged:
                return np.split(grad, np.cumsum(lengths)[:-1])
            return grad.reshape(len(lengths), lengths[0], grad.shape[1])
        return grad


def _is_sequence_batch(pred) -> bool:
    """Logits of rank 3, (N, T, C): an array, or a list of sequences of rows."""
    if isinstance(pred, np.ndarray):
        return pred.ndim == 3
    return isinstance(pred, (list, tuple)) and len(pred) > 0 and np.ndim(pred[0]) == 2


def _steps_as_rows(pred, target):
    """Logits (N, T_n, C) and targets (N, T_n) as Σ T_n rows and Σ T_n targets, and (lengths, ragged?)."""
    if isinstance(target, (str, bytes)) or not hasattr(target, "__len__") or len(target) != len(pred):
        raise ValueError(f"CrossEntropy: {len(pred)} sequences of logits need {len(pred)} sequences of "
                         f"targets (one class per step), got {target!r:.60}")
    lengths = [len(logits) for logits in pred]
    for n, (length, classes) in enumerate(zip(lengths, target)):
        if length == 0:
            raise ValueError(f"CrossEntropy: sequence {n} of logits is empty")
        if np.ndim(classes) != 1 or len(classes) != length:
            got = len(classes) if np.ndim(classes) == 1 else f"shape {np.shape(classes)}"
            raise ValueError(f"CrossEntropy: sequence {n} has {length} steps of logits but {got} targets "
                             f"(logits (N, T, C) need targets (N, T), one class per step)")
    ragged = len(set(lengths)) > 1
    rows = np.concatenate([as_array(logits) for logits in pred]) if ragged or not isinstance(pred, np.ndarray) \
        else pred.reshape(-1, pred.shape[2])
    targets = np.concatenate([np.asarray(classes) for classes in target])
    return rows, targets, (lengths, ragged)


def _class_indices(target, n, classes) -> np.ndarray:
    """Check CrossEntropy targets: n integers in 0..classes-1."""
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


def get(name):
    """A loss by name ("mse", "bce", "cross_entropy") or the loss object itself."""
    if isinstance(name, Loss):
        return name
    names = {"mse": MSE, "bce": BinaryCrossEntropy, "binary_cross_entropy": BinaryCrossEntropy,
             "cross_entropy": CrossEntropy, "crossentropy": CrossEntropy}
    if str(name).lower() not in names:
        raise ValueError(f"unknown loss {name!r}; known: {', '.join(sorted(names))}")
    return names[str(name).lower()]()

