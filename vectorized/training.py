"""The training loop: train_step is one step; fit repeats it over mini-batches and epochs.

The loop is pure/training.py's, written once (read it there): train_step and
the Run that drives fit touch tensors only through the model, the loss and the
optimizer, so they run this twin's arrays unchanged. This module supplies what
differs, as its Parts: inputs become float64 arrays, batches are gathered with
fancy indexing (x[indices]) instead of a list comprehension, accuracy is
counted with np.sum, and the checks, checkpoint converters, NaN watch and
clipping are numpy's. All randomness comes from the same random.Random(seed),
drawn in the same order, so both twins visit the same batches.
"""
from __future__ import annotations

import inspect

import numpy as np

from pure import training as _shared
from pure.training import ClippedOptimizer, FiniteLoss, Run, new_history, train_step  # noqa: F401

from . import checkpoint as checkpoints
from . import checks
from .diagnostics import ARITHMETIC_ERRORS, TrainingError, Watch, first_bad_weights  # noqa: F401
from .losses import BinaryCrossEntropy, CrossEntropy, MSE
from .metrics import to_labels
from .ops import is_ragged
from .optimizers import clip_grads_by_norm, clip_grads_by_value
from .progress import Progress


def fit(model, x, y, loss, optimizer, epochs: int = 1, batch_size: int = 32, **options):
    """Train `model` on (x, y) and return the history: pure/training.py's fit, with this twin's Parts.

    The options, their defaults and the history are those of pure.training.fit (its signature is
    this function's, below)."""
    return Run(Parts, model, x, y, loss, optimizer, epochs, batch_size, **options).train()


fit.__signature__ = inspect.signature(_shared.fit)


def take(data, indices):
    """The rows of `data` at `indices`, as an array (data may be an array, a list or bytes)."""
    if isinstance(data, np.ndarray):
        return data[np.asarray(indices, dtype=np.int64)]
    if isinstance(data, (bytes, bytearray)):
        return np.frombuffer(bytes(data), dtype=np.uint8)[np.asarray(indices, dtype=np.int64)]
    rows = [data[i] for i in indices]
    return rows if is_ragged(rows) else np.asarray(rows)    # sequences of different lengths stay a list


def as_list(data):
    """Targets as an array (bytes of labels become integers)."""
    if isinstance(data, (bytes, bytearray)):
        return np.frombuffer(bytes(data), dtype=np.uint8).astype(np.int64)
    if is_ragged(data):                  # one target per step of sequences of different lengths
        return list(data)
    return np.asarray(data)


def is_classification(loss, y, pred=None) -> bool:
    """Does accuracy make sense? Yes for CrossEntropy/BinaryCrossEntropy and class-like targets."""
    if isinstance(loss, CrossEntropy) and len(y) and np.ndim(y[0]) > 0:
        return False                     # a class per time step (sequence targets): no per-example accuracy
    if isinstance(loss, CrossEntropy):
        return True
    if isinstance(loss, BinaryCrossEntropy):
        return not len(y) or _class_like(y[0])                         # 0/1 targets, not soft probabilities
    if isinstance(loss, MSE) or loss is None:
        return np.ndim(y) == 2 and np.shape(y)[1] > 1 and _class_like(y[0])   # one-hot rows
    return False


def _class_like(target) -> bool:
    """A 0/1 target or a one-hot row (judged on the first target): accuracy can be measured against it."""
    values = np.ravel(np.asarray(target, dtype=np.float64))
    return bool(np.all((values == 0) | (values == 1)) and (values.size == 1 or values.sum() == 1))


def terms_averaged(loss, examples: int) -> int:
    """How many terms the loss's last forward() averaged: one per step for CrossEntropy on
    sequences of logits (Σ T_n), else the batch's examples (the other losses average the same
    number of values per example, so weighting by examples is weighting by values)."""
    steps = getattr(loss, "steps", None)
    return examples if steps is None else int(sum(steps[0]))      # steps = (lengths, ragged)


def batched_loss(loss, pred, y, batch_size: int = 256) -> float:
    """Mean loss over all examples (over all steps, for sequences), computed batch by batch:
    each batch's mean weighted by the number of terms in it, so any batch size gives the value
    of one batch holding everything."""
    total, count, n = 0.0, 0, len(pred)
    for start in range(0, n, batch_size):
        idx = range(start, min(start + batch_size, n))
        value = loss.forward(take(pred, idx), take(y, idx))
        weight = terms_averaged(loss, len(idx))
        total += value * weight
        count += weight
    return total / count


def count_correct(out, y_batch) -> int:
    """How many of the batch's outputs name the target's class."""
    return int(np.sum(to_labels(out) == to_labels(y_batch)))


class Parts(_shared.Parts):
    """What the fit loop takes from this twin (pure/training.py's Parts, numpy's versions)."""

    checks = checks
    checkpoints = checkpoints
    Watch = Watch
    Progress = Progress
    first_bad_weights = staticmethod(first_bad_weights)
    clip_grads_by_value = staticmethod(clip_grads_by_value)
    clip_grads_by_norm = staticmethod(clip_grads_by_norm)
    take = staticmethod(take)
    is_classification = staticmethod(is_classification)
    terms_averaged = staticmethod(terms_averaged)
    count_correct = staticmethod(count_correct)

    @staticmethod
    def inputs(x):
        """Inputs as one float64 array (a ragged batch of sequences stays a list)."""
        if not isinstance(x, np.ndarray) and not is_ragged(x):
            x = np.asarray(x, dtype=np.float64)
        return x

    @staticmethod
    def targets(y):
        """Targets as an array (bytes of labels become integers)."""
        return y if isinstance(y, np.ndarray) else as_list(y)
