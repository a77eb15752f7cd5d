"""Loss functions: a number saying how wrong the predictions are, and its gradient.

The numpy twin of pure/losses.py. Reductions follow PyTorch's defaults:

    MSE                 mean over all elements of (pred - target)²
    BinaryCrossEntropy  mean over all elements of -[t log p + (1 - t) log(1 - p)]
    CrossEntropy        mean over the batch of -log softmax(logits)[target]
                        (logits (N, T, C), targets (N, T): mean over all the steps)
"""
from __future__ import annotations

import numpy as np

from . import checks
from .ops import DTYPE, as_array


class Loss:
    """Base class. `loss(pred, target)` is the same as `loss.forward(pred, target)`."""

    def __call__(self, pred, target) -> float:
        return self.forward(pred, target)

    count = probs = None    # set by forward(); backward() needs them

    def __repr__(self):
        return type(self).__name__ + "()"


class MSE(Loss):
    """Mean squared error: L = (1/n) Σ (p - t)², over all n elements.  dL/dp = 2 (p - t) / n."""

    def forward(self, pred, target):
        pred, target = checks.check_same_shape("MSE", pred, target)
        self.diff = pred - target
        self.count = self.diff.size
        return float(np.sum(self.diff * self.diff) / self.count)

    def backward(self):
        checks.require_forward("MSE", self.count)
        return self.diff * (2.0 / self.count)


class BinaryCrossEntropy(Loss):
    """L = -(1/n) Σ [t log p + (1 - t) log(1 - p)], logs clamped at -100 as PyTorch does."""

    def forward(self, pred, target):
        pred, target = checks.check_same_shape("BinaryCrossEntropy", pred, target)
        checks.check_probabilities(pred, target)
        self.pred, self.target, self.count = pred, target, pred.size
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(pred), -100.0)
            log_1p = np.maximum(np.log1p(-pred), -100.0)
        return float(-np.sum(target * log_p + (1.0 - target) * log_1p) / self.count)

    def backward(self):
        checks.require_forward("BinaryCrossEntropy", self.count)
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
        checks.check_logits(pred.shape)
        n, classes = pred.shape
        target = checks.class_indices(target, n, classes)
        m = pred.max(axis=1, keepdims=True)
        exps = np.exp(pred - m)
        sum_exps = exps.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        self.probs, self.target = exps / sum_exps, target
        return float(np.sum(m[:, 0] + np.log(sum_exps[:, 0]) - pred[rows, target]) / n)

    def backward(self):
        checks.require_forward("CrossEntropy", self.probs)
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
    checks.check_sequence_targets(pred, target)
    lengths = [len(logits) for logits in pred]
    ragged = len(set(lengths)) > 1
    rows = np.concatenate([as_array(logits) for logits in pred]) if ragged or not isinstance(pred, np.ndarray) \
        else pred.reshape(-1, pred.shape[2])
    targets = np.concatenate([np.asarray(classes) for classes in target])
    return rows, targets, (lengths, ragged)


def one_hot(labels, n_classes: int) -> np.ndarray:
    """Integer labels -> rows with a 1.0 at the label's index.

    >>> one_hot([2, 0], 3).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    labels = checks.one_hot_indices(labels, n_classes)
    rows = np.zeros((len(labels), n_classes), dtype=DTYPE)
    rows[np.arange(len(labels)), labels] = 1.0
    return rows


def get(name):
    """A loss by name ("mse", "bce", "cross_entropy") or the loss object itself."""
    if isinstance(name, Loss):
        return name
    names = {"mse": MSE, "bce": BinaryCrossEntropy, "binary_cross_entropy": BinaryCrossEntropy,
             "cross_entropy": CrossEntropy, "crossentropy": CrossEntropy}
    if str(name).lower() not in names:
        raise ValueError(f"unknown loss {name!r}; known: {', '.join(sorted(names))}")
    return names[str(name).lower()]()

