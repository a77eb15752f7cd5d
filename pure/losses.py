"""Loss functions: a number saying how wrong the predictions are, and its gradient.

Each loss has `forward(pred, target) -> float` and `backward() -> dL/dpred`
(same shape as pred). Reductions follow PyTorch's defaults:

    MSE                 mean over all elements of (pred - target)²
    BinaryCrossEntropy  mean over all elements of -[t log p + (1 - t) log(1 - p)]
    CrossEntropy        mean over the batch of -log softmax(logits)[target]

CrossEntropy takes raw scores (logits) and integer class indices; it fuses
softmax with the logarithm through log-sum-exp, so it is exact and finite for
logits of any size. Do not put a Softmax layer before it. For sequences it
also takes logits (N, T, C) with targets (N, T), a class per step (sequences
may differ in length): every step counts as one example, so the loss is the
mean over all the steps of the batch.
"""
from __future__ import annotations

import math
from typing import List, Sequence

from . import checks
from .ops import elementwise2, flatten, map_rows
from .portable import log1p


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
        self.diff = elementwise2(lambda p, t: p - t, pred, target)
        flat = flatten(self.diff)
        self.count = len(flat)
        return sum([d * d for d in flat]) / self.count

    def backward(self):
        checks.require_forward("MSE", self.count)
        scale = 2.0 / self.count
        return map_rows(lambda row: [d * scale for d in row], self.diff)


class BinaryCrossEntropy(Loss):
    """L = -(1/n) Σ [t log p + (1 - t) log(1 - p)], p = predicted probability in [0, 1].

    As PyTorch does, each log is clamped at -100 so p = 0 or 1 gives a large
    finite loss, and the gradient (p - t) / (p (1 - p) n) divides by at least 1e-12.
    Put a Sigmoid layer before this loss.
    """

    def forward(self, pred, target):
        pred, target = checks.check_same_shape("BinaryCrossEntropy", pred, target)
        checks.check_probabilities(pred, target)
        p_flat, t_flat = flatten(pred), flatten(target)
        self.pred, self.target, self.count = pred, target, len(p_flat)
        total = 0.0
        for p, t in zip(p_flat, t_flat):
            log_p = max(math.log(p), -100.0) if p > 0 else -100.0
            log_1p = max(log1p(-p), -100.0) if p < 1 else -100.0
            total -= t * log_p + (1.0 - t) * log_1p
        return total / self.count

    def backward(self):
        checks.require_forward("BinaryCrossEntropy", self.count)
        n = self.count
        return elementwise2(lambda p, t: (p - t) / max(p * (1.0 - p), 1e-12) / n,
                            self.pred, self.target)


class CrossEntropy(Loss):
    """Softmax + negative log-likelihood, from logits z (N, C) and integer targets y (N,).

        L = (1/N) Σ_n [ logsumexp(z_n) - z_n[y_n] ]
        dL/dz = (softmax(z) - onehot(y)) / N

    logsumexp(z) = m + log Σ e^(z - m) with m = max(z): exact for any logits.

    Sequences: logits (N, T, C) and targets (N, T), sequence n with its own T_n
    steps, are read as Σ T_n rows of logits with one target each; L is their
    mean and the gradient comes back in the logits' shape.
    """

    steps = None        # the sequence lengths T_n when the logits are (N, T, C)

    def forward(self, pred, target):
        self.steps = None
        if _is_sequence_batch(pred):
            pred, target, self.steps = _steps_as_rows(pred, target)
        dims = checks.check_rectangular(pred, "CrossEntropy logits")
        checks.check_logits(dims)
        n, classes = dims
        target = checks.class_indices(target, n, classes)
        self.probs, self.target = [], target
        total = 0.0
        for z, y in zip(pred, target):
            m = max(z)
            exps = [math.exp(v - m) for v in z]
            sum_exps = sum(exps)
            total += m + math.log(sum_exps) - z[y]
            self.probs.append([e / sum_exps for e in exps])
        return total / n

    def backward(self):
        checks.require_forward("CrossEntropy", self.probs)
        n = len(self.probs)
        grad = []
        for p_row, y in zip(self.probs, self.target):
            row = [p / n for p in p_row]
            row[y] -= 1.0 / n
            grad.append(row)
        if self.steps is not None:      # back to sequences: rows of sequence 0 first
            rows = iter(grad)
            grad = [[next(rows) for _ in range(length)] for length in self.steps]
        return grad


def _is_sequence_batch(pred) -> bool:
    """Logits of rank 3, (N, T, C): a list of sequences of rows."""
    return (isinstance(pred, (list, tuple)) and len(pred) > 0 and isinstance(pred[0], (list, tuple))
            and len(pred[0]) > 0 and isinstance(pred[0][0], (list, tuple)))


def _steps_as_rows(pred, target):
    """Logits (N, T_n, C) and targets (N, T_n) as Σ T_n rows and Σ T_n targets, and the lengths T_n."""
    checks.check_sequence_targets(pred, target)
    rows, targets, lengths = [], [], []
    for logits, classes in zip(pred, target):
        rows.extend(logits)
        targets.extend(classes)
        lengths.append(len(logits))
    return rows, targets, lengths


def one_hot(labels: Sequence[int], n_classes: int) -> List[List[float]]:
    """Integer labels -> rows with a 1.0 at the label's index.

    >>> one_hot([2, 0], 3)
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    rows = []
    for label in checks.one_hot_indices(labels, n_classes):
        row = [0.0] * n_classes
        row[label] = 1.0
        rows.append(row)
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
