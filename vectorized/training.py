"""The training loop: mini-batches, shuffling, validation, early stopping, learning-rate halving.

One step of training is four lines:

    out = model.forward(x_batch)              # predictions
    loss_value = loss.forward(out, y_batch)   # how wrong they are
    model.backward(loss.backward())           # dL/dparam for every layer (chain rule)
    optimizer.step(model.layers)              # move each parameter against its gradient

Everything else here is bookkeeping around those four lines. All randomness
(the order of the examples) comes from random.Random(seed), drawn in the same
order as in the pure twin, so both twins visit the same batches.

The numpy twin of pure/training.py: the loop is the same; batches are
gathered with fancy indexing (x[indices]) instead of a list comprehension.
"""
from __future__ import annotations

import math
import random
from typing import Dict, List, Optional

import numpy as np

from .losses import BinaryCrossEntropy, CrossEntropy, MSE
from .metrics import to_labels
from .optimizers import clip_grads_by_norm, clip_grads_by_value
from .progress import Progress


class TrainingError(ArithmeticError):
    """Raised when the loss becomes NaN or infinite; the model keeps its last good weights."""


def take(data, indices):
    """The rows of `data` at `indices`, as an array (data may be an array, a list or bytes)."""
    if isinstance(data, np.ndarray):
        return data[np.asarray(indices, dtype=np.int64)]
    if isinstance(data, (bytes, bytearray)):
        return np.frombuffer(bytes(data), dtype=np.uint8)[np.asarray(indices, dtype=np.int64)]
    return np.asarray([data[i] for i in indices])


def as_list(data):
    """Targets as an array (bytes of labels become integers)."""
    if isinstance(data, (bytes, bytearray)):
        return np.frombuffer(bytes(data), dtype=np.uint8).astype(np.int64)
    return np.asarray(data)


def is_classification(loss, y, pred=None) -> bool:
    """Does accuracy make sense? Yes for CrossEntropy/BinaryCrossEntropy and class-like targets."""
    if isinstance(loss, (CrossEntropy, BinaryCrossEntropy)):
        return True
    if isinstance(loss, MSE) or loss is None:
        return np.ndim(y) == 2 and np.shape(y)[1] > 1                 # one-hot rows
    return False


def batched_loss(loss, pred, y, batch_size: int = 256) -> float:
    """Mean loss over all examples, computed batch by batch."""
    total, n = 0.0, len(pred)
    for start in range(0, n, batch_size):
        idx = range(start, min(start + batch_size, n))
        total += loss.forward(take(pred, idx), take(y, idx)) * len(idx)
    return total / n


def _shallow_weights(model):
    """References to every parameter tensor. Optimizers replace tensors rather than
    change them in place, so holding the references keeps the old values."""
    return [dict(layer.params) for layer in model.layers]


def _restore(model, weights):
    for layer, params in zip(model.layers, weights):
        layer.params.update(params)


def fit(model, x, y, loss, optimizer, epochs: int = 1, batch_size: int = 32,
        validation_data=None, seed: Optional[int] = None, shuffle: bool = True,
        early_stopping: Optional[int] = None, min_delta: float = 0.0, restore_best: bool = True,
        lr_plateau: Optional[int] = None, lr_factor: float = 0.5, min_lr: float = 0.0,
        clip_value: Optional[float] = None, clip_norm: Optional[float] = None,
        metrics=None, progress=None, verbose: bool = False, callback=None) -> Dict[str, List[float]]:
    """Train `model` on (x, y) and return the history: a dict of per-epoch lists.

    x, y              inputs and targets (targets as the loss expects them)
    loss, optimizer   a loss object (MSE(), CrossEntropy(), ...) and an optimizer
    epochs            passes over the data
    batch_size        examples per step: 1 is per-sample SGD, len(x) (or None) is full batch
    validation_data   (x_val, y_val), evaluated after every epoch
    seed              seeds the shuffling; same seed, same batches (in both twins)
    early_stopping    stop after this many epochs without improvement of the monitored
                      loss (val_loss if validation_data is given, else loss) by more than
                      min_delta; with restore_best the best epoch's weights are put back
    lr_plateau        halve the learning rate (times lr_factor, not below min_lr) after
                      this many epochs without improvement
    clip_value        clamp each gradient entry to [-clip_value, clip_value]
    clip_norm         rescale all gradients so their global L2 norm is at most clip_norm
    metrics           ["accuracy"] or []; default: accuracy for classification
    progress          live progress line: None = when stderr is a terminal, True, False
    verbose           print one summary line per epoch even when not on a terminal
    callback          called as callback(epoch, history) after each epoch; return
                      False to stop training

    History keys: "loss", "accuracy" (if measured), "val_loss", "val_accuracy"
    (with validation_data), "lr". Training loss and accuracy are averaged over the
    epoch's batches, as the weights change (Keras's convention).

    If the loss becomes NaN or infinite, training stops with TrainingError and
    the model keeps the last weights that gave a finite loss.
    """
    if not isinstance(x, np.ndarray):
        x = np.asarray(x, dtype=np.float64)
    if not isinstance(y, np.ndarray):
        y = as_list(y)
    n = len(x)
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
    if metrics is None:
        metrics = ["accuracy"] if is_classification(loss, y) else []
    track_accuracy = "accuracy" in metrics
    model.loss = loss

    rng = random.Random(seed)
    order = list(range(n))
    batches = (n + batch_size - 1) // batch_size
    history: Dict[str, List[float]] = {"loss": []}
    if track_accuracy:
        history["accuracy"] = []
    if validation_data is not None:
        history["val_loss"] = []
        if track_accuracy:
            history["val_accuracy"] = []
    history["lr"] = []
    bar = Progress(epochs, batches, n, live=progress, verbose=verbose)

    best, best_weights, since_best = math.inf, None, 0
    plateau_best, since_plateau_best = math.inf, 0
    for epoch in range(1, epochs + 1):
        model.train()
        bar.start_epoch(epoch)
        if shuffle:
            rng.shuffle(order)
        total_loss, correct = 0.0, 0
        for b in range(batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            x_batch, y_batch = take(x, idx), take(y, idx)
            last_good = _shallow_weights(model)
            out = model.forward(x_batch)
            loss_value = loss.forward(out, y_batch)
            if not math.isfinite(loss_value):
                _restore(model, last_good)
                raise TrainingError(
                    f"fit: the loss became {loss_value} at epoch {epoch}, batch {b + 1} of {batches}; "
                    f"stopped, keeping the last weights that gave a finite loss. Try a smaller "
                    f"learning rate, scaled inputs (for pixels: divide by 255) or gradient clipping.")
            model.backward(loss.backward(), need_input_grad=False)
            if clip_value is not None:
                clip_grads_by_value(model.layers, clip_value)
            if clip_norm is not None:
                clip_grads_by_norm(model.layers, clip_norm)
            optimizer.step(model.layers)
            total_loss += loss_value * len(idx)
            if track_accuracy:
                correct += int(np.sum(to_labels(out) == to_labels(y_batch)))
            bar.update(b + 1, len(idx), loss_value)

        history["loss"].append(total_loss / n)
        if track_accuracy:
            history["accuracy"].append(correct / n)
        history["lr"].append(optimizer.lr)
        if validation_data is not None:
            results = model.evaluate(validation_data[0], validation_data[1], loss)
            history["val_loss"].append(results["loss"])
            if track_accuracy:
                history["val_accuracy"].append(results["accuracy"])
        bar.end_epoch({k: v[-1] for k, v in history.items() if k != "lr"})

        monitored = history["val_loss" if validation_data is not None else "loss"][-1]
        if lr_plateau is not None:
            if monitored < plateau_best - min_delta:
                plateau_best, since_plateau_best = monitored, 0
            else:
                since_plateau_best += 1
                if since_plateau_best >= lr_plateau:
                    optimizer.lr = max(optimizer.lr * lr_factor, min_lr)
                    since_plateau_best = 0
        if early_stopping is not None:
            if monitored < best - min_delta:
                best, since_best = monitored, 0
                best_weights = model.get_weights() if restore_best else None
                history["best_epoch"] = [epoch]
            else:
                since_best += 1
                if since_best >= early_stopping:
                    history["stopped_epoch"] = [epoch]
                    break
        if callback is not None and callback(epoch, history) is False:
            break
    if best_weights is not None:
        model.set_weights(best_weights)
    model.eval()
    return history
