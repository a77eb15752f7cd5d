"""The training loop: mini-batches, shuffling, validation, early stopping, learning-rate halving.

One step of training is four lines:

    out = model.forward(x_batch)              # predictions
    loss_value = loss.forward(out, y_batch)   # how wrong they are
    model.backward(loss.backward())           # dL/dparam for every layer (chain rule)
    optimizer.step(model.layers)              # move each parameter against its gradient

Everything else here is bookkeeping around those four lines. All randomness
(the order of the examples) comes from random.Random(seed), drawn in the same
order as in the vectorized twin, so both twins visit the same batches.
"""
from __future__ import annotations

import math
import os
import random
import warnings
from typing import Dict, List, Optional, Union

from . import checks
from .diagnostics import ARITHMETIC_ERRORS, TrainingError, Watch, first_bad_weights  # noqa: F401
from .losses import BinaryCrossEntropy, CrossEntropy, MSE
from .metrics import to_labels
from .optimizers import clip_grads_by_norm, clip_grads_by_value
from .progress import Progress


def fit(model, x, y, loss, optimizer, epochs: int = 1, batch_size: int = 32,
        validation_data=None, seed: Optional[int] = None, shuffle: bool = True,
        early_stopping: Optional[int] = None, min_delta: float = 0.0, restore_best: bool = True,
        lr_plateau: Optional[int] = None, lr_factor: float = 0.5, min_lr: float = 0.0,
        clip_value: Optional[float] = None, clip_norm: Optional[float] = None,
        metrics=None, progress=None, verbose: bool = False, callback=None,
        checkpoint=None, checkpoint_every: int = 1,
        resume: Union[bool, str, "os.PathLike"] = False) -> Dict[str, List[float]]:
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
    checkpoint        a file to save the whole run to (weights, optimizer state, random
                      generators, epoch, history, lr: see checkpoint.py), atomically,
                      every `checkpoint_every` epochs and after the last one
    resume            True: continue from the `checkpoint` file if it exists (else start
                      afresh); a path: continue from that file. The resumed run ends with
                      exactly the weights of one that was never interrupted

    History keys: "loss", "accuracy" (if measured), "val_loss", "val_accuracy"
    (with validation_data), "lr". Training loss and accuracy are averaged over the
    epoch's batches, as the weights change (Keras's convention).

    If a NaN or infinity appears (in the loss, or in the weights at the end of an
    epoch), training stops with TrainingError naming the epoch, batch and layer where
    it first appeared, and the model keeps the last weights that gave a finite loss.
    """
    x, y, validation_data = checks.check_fit_call(model, x, y, loss, optimizer, validation_data, metrics,
                                                  early_stopping, min_delta, lr_plateau, lr_factor, min_lr,
                                                  clip_value, clip_norm)
    n = len(x)
    batch_size = checks.check_fit_arguments(n, y, batch_size, epochs, optimizer, checkpoint, checkpoint_every,
                                            resume)
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
    start, stopped = 0, False
    source = checkpoint if resume is True else (resume or None)
    initial_lr, data_id = optimizer.lr, None
    if checkpoint is not None or source is not None:
        from . import checkpoint as checkpoints      # (imported here: it imports io, which imports us)
        checkpoints.check_target(checkpoint, resume)   # never over another run's checkpoint unless resuming
        data_id = checkpoints.fingerprint(x, y)
    if source is not None and (resume is not True or os.path.exists(source)):
        if resume is True:
            checkpoints.remove_stale_temporaries(source)
        saved = checkpoints.restore_training(source, model, optimizer, n, batch_size, shuffle, rng,
                                             history_keys=tuple(history), data=data_id, seed=seed, epochs=epochs)
        start, order, history, stopped = saved["epoch"], saved["order"], saved["history"], saved["stopped"]
        best, since_best, best_weights = saved["best"], saved["since_best"], saved["best_weights"]
        plateau_best, since_plateau_best = saved["plateau_best"], saved["since_plateau_best"]
        seed, initial_lr = saved["seed"], saved["initial_lr"]      # the run's own, kept in its checkpoint

    def save_checkpoint(epoch, stopped):
        state = {"epoch": epoch, "n": n, "batch_size": batch_size, "shuffle": shuffle, "seed": seed,
                 "order": order, "rng": rng, "history": history, "stopped": stopped,
                 "best": best, "since_best": since_best, "best_weights": best_weights,
                 "plateau_best": plateau_best, "since_plateau_best": since_plateau_best,
                 "data": data_id, "initial_lr": initial_lr}
        try:
            checkpoints.save_training(checkpoint, model, optimizer, state)
        except OSError as e:     # a full disk: the previous checkpoint is intact, and training goes on
            warnings.warn(f"fit: could not write checkpoint {os.fspath(checkpoint)!r} at epoch {epoch} "
                          f"({e.strerror or e}); training continues, the previous checkpoint is intact",
                          stacklevel=3)

    watch = Watch(model, loss, batches, clip_value, clip_norm)     # diagnostics.py: where a NaN began
    for epoch in range(start + 1, epochs + 1):
        if stopped:
            break
        model.train()
        bar.start_epoch(epoch)
        if shuffle:
            rng.shuffle(order)
        total_loss, total_terms, correct = 0.0, 0, 0
        for b in range(batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            x_batch, y_batch = take(x, idx), take(y, idx)
            watch.before_step((epoch, b + 1), x_batch, y_batch)     # keeps references; checks nothing

            try:
                out = model.forward(x_batch)                          # predictions
                loss_value = float(loss.forward(out, y_batch))        # how wrong they are
            except ARITHMETIC_ERRORS:                                 # Python's float overflow
                loss_value = math.inf
            if not math.isfinite(loss_value):
                raise watch.loss_not_finite(loss_value)               # names where; last good weights back
            try:
                model.backward(loss.backward(), need_input_grad=False)  # dL/dparam, layer by layer
            except ARITHMETIC_ERRORS:
                raise watch.backward_overflowed() from None
            if clip_value is not None:
                clip_grads_by_value(model.layers, clip_value)
            if clip_norm is not None:
                clip_grads_by_norm(model.layers, clip_norm)
            optimizer.step(model.layers)                              # each parameter against its gradient

            terms = terms_averaged(loss, len(idx))       # the epoch's loss is the mean over examples (steps)
            total_loss += loss_value * terms
            total_terms += terms
            if track_accuracy:
                correct += sum(1 for p, t in zip(to_labels(out), to_labels(y_batch)) if p == t)
            bar.update(b + 1, len(idx), loss_value)

        if first_bad_weights(model) is not None:            # the epoch's last step broke the weights
            raise watch.weights_not_finite()
        history["loss"].append(total_loss / total_terms)
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
                    stopped = True
        if not stopped and callback is not None and callback(epoch, history) is False:
            stopped = True
        checks.check_lr_after_epoch(optimizer.lr, epoch)     # a callback may have set it
        if checkpoint is not None and (stopped or epoch == epochs or epoch % checkpoint_every == 0):
            save_checkpoint(epoch, stopped)
    if best_weights is not None:
        model.set_weights(best_weights)
    model.eval()
    return history


def take(data, indices):
    """The rows of `data` at `indices`, as a list (data may be a list, bytes or data.Images)."""
    return [data[i] for i in indices]


def as_list(data):
    """Targets as a list (bytes of labels become ints)."""
    return list(data)


def is_classification(loss, y, pred=None) -> bool:
    """Does accuracy make sense? Yes for CrossEntropy/BinaryCrossEntropy and class-like targets."""
    if isinstance(loss, CrossEntropy) and len(y) and isinstance(y[0], (list, tuple)):
        return False                     # a class per time step (sequence targets): no per-example accuracy
    if isinstance(loss, CrossEntropy):
        return True
    first = y[0] if len(y) else None
    if isinstance(loss, BinaryCrossEntropy):
        return first is None or _class_like(first)            # 0/1 targets, not soft probabilities
    if isinstance(loss, MSE) or loss is None:
        return isinstance(first, (list, tuple)) and len(first) > 1 and _class_like(first)   # one-hot rows
    return False


def _class_like(target) -> bool:
    """A 0/1 target or a one-hot row (judged on the first target): accuracy can be measured against it."""
    values = list(target) if isinstance(target, (list, tuple)) else [target]
    return all(v in (0, 1) for v in values) and (len(values) == 1 or sum(values) == 1)


def terms_averaged(loss, examples: int) -> int:
    """How many terms the loss's last forward() averaged: one per step for CrossEntropy on
    sequences of logits (Σ T_n), else the batch's examples (the other losses average the same
    number of values per example, so weighting by examples is weighting by values)."""
    steps = getattr(loss, "steps", None)
    return examples if steps is None else sum(steps)


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
