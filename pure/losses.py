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
import numbers
from typing import List, Sequence

from .ops import check_rectangular, elementwise2, flatten, shape


def one_hot(labels: Sequence[int], n_classes: int) -> List[List[float]]:
    """Integer labels -> rows with a 1.0 at the label's index: [2] -> [[0, 0, 1, ...]]."""
    rows = []
    for i, label in enumerate(labels):
        if isinstance(label, float) and label.is_integer():
            label = int(label)                       # 2.0 is class 2, as in CrossEntropy
        if isinstance(label, bool) or not isinstance(label, numbers.Integral):
            raise ValueError(f"one_hot: label {label!r} at index {i} is not an integer class index")
        if not (0 <= label < n_classes):
            raise ValueError(f"one_hot: label {label!r} at index {i} is outside 0..{n_classes - 1}")
        row = [0.0] * n_classes
        row[label] = 1.0
        rows.append(row)
    return rows


class Loss:
    """Base class. `loss(pred, target)` is the same as `loss.forward(pred, target)`."""

    def __call__(self, pred, target) -> float:
        return self.forward(pred, target)

    def __repr__(self):
        return type(self).__name__ + "()"

    def _check_same_shape(self, pred, target):
        p = check_rectangular(pred, f"{type(self).__name__} predictions")
        t = shape(target)
        if p != t:
            raise ValueError(f"{type(self).__name__}: predictions have shape {p} but targets have "
                             f"shape {t}; they must match (for class labels use CrossEntropy, "
                             f"or one_hot(labels, n_classes))")


class MSE(Loss):
    """Mean squared error: L = (1/n) Σ (p - t)², over all n elements.  dL/dp = 2 (p - t) / n."""

    def forward(self, pred, target):
        self._check_same_shape(pred, target)
        self.diff = elementwise2(lambda p, t: p - t, pred, target)
        flat = flatten(self.diff)
        self.count = len(flat)
        return sum([d * d for d in flat]) / self.count

    def backward(self):
        scale = 2.0 / self.count
        return _scale(self.diff, scale)


def _scale(x, s):
    if x and isinstance(x[0], list):
        return [_scale(row, s) for row in x]
    return [v * s for v in x]


class BinaryCrossEntropy(Loss):
    """L = -(1/n) Σ [t log p + (1 - t) log(1 - p)], p = predicted probability in [0, 1].

    As PyTorch does, each log is clamped at -100 so p = 0 or 1 gives a large
    finite loss, and the gradient (p - t) / (p (1 - p) n) divides by at least 1e-12.
    Put a Sigmoid layer before this loss.
    """

    def forward(self, pred, target):
        self._check_same_shape(pred, target)
        p_flat, t_flat = flatten(pred), flatten(target)
        for p in p_flat:
            if not 0.0 <= p <= 1.0:
                raise ValueError(f"BinaryCrossEntropy: predictions must be probabilities in [0, 1], "
                                 f"got {p!r} (add a Sigmoid layer before this loss)")
        for t in t_flat:
            if not 0.0 <= t <= 1.0:
                raise ValueError(f"BinaryCrossEntropy: targets must be in [0, 1], got {t!r}")
        self.pred, self.target, self.count = pred, target, len(p_flat)
        total = 0.0
        for p, t in zip(p_flat, t_flat):
            log_p = max(math.log(p), -100.0) if p > 0 else -100.0
            log_1p = max(math.log1p(-p), -100.0) if p < 1 else -100.0
            total -= t * log_p + (1.0 - t) * log_1p
        return total / self.count

    def backward(self):
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
        dims = check_rectangular(pred, "CrossEntropy logits")
        if len(dims) != 2:
            raise ValueError(f"CrossEntropy: logits must have shape (N, classes), got {dims}")
        n, classes = dims
        target = _class_indices(target, n, classes)
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
    if isinstance(target, (str, bytes)) or not hasattr(target, "__len__") or len(target) != len(pred):
        raise ValueError(f"CrossEntropy: {len(pred)} sequences of logits need {len(pred)} sequences of "
                         f"targets (one class per step), got {target!r:.60}")
    rows, targets, lengths = [], [], []
    for n, (logits, classes) in enumerate(zip(pred, target)):
        if not isinstance(logits, (list, tuple)) or not logits:
            raise ValueError(f"CrossEntropy: sequence {n} of logits is empty or not a sequence of rows")
        if not isinstance(classes, (list, tuple)) or len(classes) != len(logits):
            got = len(classes) if isinstance(classes, (list, tuple)) else repr(classes)
            raise ValueError(f"CrossEntropy: sequence {n} has {len(logits)} steps of logits but {got} targets "
                             f"(logits (N, T, C) need targets (N, T), one class per step)")
        rows.extend(logits)
        targets.extend(classes)
        lengths.append(len(logits))
    return rows, targets, lengths


def _class_indices(target, n, classes) -> List[int]:
    """Check CrossEntropy targets: n integers in 0..classes-1 (bytes and array('B') work)."""
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


def get(name):
    """A loss by name ("mse", "bce", "cross_entropy") or the loss object itself."""
    if isinstance(name, Loss):
        return name
    names = {"mse": MSE, "bce": BinaryCrossEntropy, "binary_cross_entropy": BinaryCrossEntropy,
             "cross_entropy": CrossEntropy, "crossentropy": CrossEntropy}
    if str(name).lower() not in names:
        raise ValueError(f"unknown loss {name!r}; known: {', '.join(sorted(names))}")
    return names[str(name).lower()]()
