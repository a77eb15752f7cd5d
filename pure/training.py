"""The training loop: train_step is one step; fit repeats it over mini-batches and epochs.

One step of training is four lines (train_step, below):

    out = model.forward(x_batch)              # predictions
    loss_value = loss.forward(out, y_batch)   # how wrong they are
    model.backward(loss.backward())           # dL/dparam for every layer (chain rule)
    optimizer.step(model.layers)              # move each parameter against its gradient

fit calls train_step for every batch and keeps the books around it, each in a
small method of `Run`: shuffling, the epoch's mean loss and accuracy,
validation, learning-rate halving on a plateau, early stopping, checkpoints,
and, through two thin wrappers (FiniteLoss, ClippedOptimizer), the NaN watch
and gradient clipping. All randomness (the order of the examples) comes from
random.Random(seed), drawn in the same order in both twins, so both visit the
same batches.

The loop is written once, here, and drives both twins: it touches tensors only
through the model, the loss and the optimizer, and takes from `Parts` the few
functions that differ (how rows are taken from the data, how accuracy is
counted, the twin's checks and checkpoint converters). vectorized/training.py
supplies its own Parts and runs this same Run.
"""
from __future__ import annotations

import math
import os
import warnings
from typing import Dict, List, Optional, Union

from . import checkpoint as checkpoints
from . import checks
from .diagnostics import ARITHMETIC_ERRORS, TrainingError, Watch, first_bad_weights  # noqa: F401
from .losses import BinaryCrossEntropy, CrossEntropy, MSE
from .metrics import to_labels
from .modelfile import fspath, strerror
from .optimizers import clip_grads_by_norm, clip_grads_by_value
from .portable import Random
from .progress import Progress


def train_step(model, loss, optimizer, x, y):
    """One step of gradient descent on the batch (x, y); returns (the loss value, the model's output)."""
    out = model.forward(x)                                    # predictions
    loss_value = loss.forward(out, y)                         # how wrong they are
    model.backward(loss.backward(), need_input_grad=False)    # dL/dparam, layer by layer (the chain rule)
    optimizer.step(model.layers)                              # each parameter against its gradient
    return loss_value, out


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
    run = Run(Parts, model, x, y, loss, optimizer, epochs, batch_size, validation_data, seed, shuffle,
              early_stopping, min_delta, restore_best, lr_plateau, lr_factor, min_lr, clip_value, clip_norm,
              metrics, progress, verbose, callback, checkpoint, checkpoint_every, resume)
    return run.train()


class FiniteLoss:
    """The loss as fit's train_step sees it: the same numbers, and a loss that is not finite
    (NaN, infinity, or Python's OverflowError) stops training before backward runs, with the
    Watch's TrainingError naming where the first NaN or infinity appeared (diagnostics.py)."""

    def __init__(self, loss, watch):
        self.loss, self.watch = loss, watch
        self.finite = False              # has this step's loss been found finite? (fit resets it)

    def forward(self, out, y) -> float:
        try:
            value = float(self.loss.forward(out, y))
        except ARITHMETIC_ERRORS:                                 # Python's float overflow
            value = math.inf
        if not math.isfinite(value):
            raise self.watch.loss_not_finite(value)               # names where; last good weights back
        self.finite = True
        return value

    def backward(self):
        return self.loss.backward()


class ClippedOptimizer:
    """The optimizer as fit's train_step sees it: gradients clipped (clip_value, then clip_norm) before its step."""

    def __init__(self, optimizer, clip_value=None, clip_norm=None, parts=None):
        self.optimizer, self.clip_value, self.clip_norm = optimizer, clip_value, clip_norm
        self.parts = parts if parts is not None else Parts
        self.stepping = False            # has this step reached clipping and the update? (fit resets it)

    def step(self, layers) -> None:
        self.stepping = True
        if self.clip_value is not None:
            self.parts.clip_grads_by_value(layers, self.clip_value)
        if self.clip_norm is not None:
            self.parts.clip_grads_by_norm(layers, self.clip_norm)
        self.optimizer.step(layers)


class Run:
    """One call of fit: its settings, the state a checkpoint saves, and the loop cut into named steps."""

    def __init__(self, parts, model, x, y, loss, optimizer, epochs=1, batch_size=32, validation_data=None,
                 seed=None, shuffle=True, early_stopping=None, min_delta=0.0, restore_best=True, lr_plateau=None,
                 lr_factor=0.5, min_lr=0.0, clip_value=None, clip_norm=None, metrics=None, progress=None,
                 verbose=False, callback=None, checkpoint=None, checkpoint_every=1, resume=False):
        x, y, validation_data = parts.checks.check_fit_call(model, x, y, loss, optimizer, validation_data, metrics,
                                                            early_stopping, min_delta, lr_plateau, lr_factor, min_lr,
                                                            clip_value, clip_norm)
        x, y = parts.inputs(x), parts.targets(y)
        self.n = n = len(x)
        batch_size = parts.checks.check_fit_arguments(n, y, batch_size, epochs, optimizer, checkpoint,
                                                      checkpoint_every, resume)
        if metrics is None:
            metrics = ["accuracy"] if parts.is_classification(loss, y) else []
        self.parts, self.model, self.x, self.y, self.loss, self.optimizer = parts, model, x, y, loss, optimizer
        self.epochs, self.batch_size, self.validation_data, self.seed = epochs, batch_size, validation_data, seed
        self.shuffle, self.early_stopping, self.min_delta, self.restore_best = shuffle, early_stopping, min_delta, \
            restore_best
        self.lr_plateau, self.lr_factor, self.min_lr = lr_plateau, lr_factor, min_lr
        self.callback, self.checkpoint, self.checkpoint_every = callback, checkpoint, checkpoint_every
        self.track_accuracy = "accuracy" in metrics
        model.loss = loss

        self.rng = Random(seed)
        self.order = list(range(n))
        self.batches = (n + batch_size - 1) // batch_size
        self.history = new_history(self.track_accuracy, validation_data is not None)
        self.bar = parts.Progress(epochs, self.batches, n, live=progress, verbose=verbose)
        self.best, self.best_weights, self.since_best = math.inf, None, 0
        self.plateau_best, self.since_plateau_best = math.inf, 0
        self.start, self.stopped = 0, False
        self.initial_lr, self.data_id = optimizer.lr, None
        self.watch = parts.Watch(model, loss, self.batches, clip_value, clip_norm)   # diagnostics.py: where a NaN began
        self.finite_loss = FiniteLoss(loss, self.watch)
        self.clipped = ClippedOptimizer(optimizer, clip_value, clip_norm, parts)
        self.open_checkpoint(resume)

    def open_checkpoint(self, resume) -> None:
        """checkpoint= and resume=: refuse to overwrite another run, and continue a saved one."""
        source = self.checkpoint if resume is True else (resume or None)
        if self.checkpoint is None and source is None:
            return
        self.parts.checkpoints.check_target(self.checkpoint, resume)   # never over another run's unless resuming
        self.data_id = self.parts.checkpoints.fingerprint(self.x, self.y)
        if source is not None and (resume is not True or os.path.exists(source)):
            if resume is True:
                self.parts.checkpoints.remove_stale_temporaries(source)
            saved = self.parts.checkpoints.restore_training(
                source, self.model, self.optimizer, self.n, self.batch_size, self.shuffle, self.rng,
                history_keys=tuple(self.history), data=self.data_id, seed=self.seed, epochs=self.epochs)
            for name in ("order", "history", "stopped", "best", "since_best", "best_weights", "plateau_best",
                         "since_plateau_best", "seed", "initial_lr"):   # seed, initial_lr: the run's own
                setattr(self, name, saved[name])
            self.start = saved["epoch"]

    def train(self) -> Dict[str, List[float]]:
        """The epochs, from the first (or the one after a resumed checkpoint) to the last or an early stop."""
        for epoch in range(self.start + 1, self.epochs + 1):
            if self.stopped:
                break
            self.train_epoch(epoch)
            self.end_epoch(epoch)
        if self.best_weights is not None:
            self.model.set_weights(self.best_weights)
        self.model.eval()
        return self.history

    def train_epoch(self, epoch: int) -> None:
        """One pass over the data in shuffled batches: train_step on each; the epoch's loss and accuracy."""
        self.model.train()
        self.bar.start_epoch(epoch)
        if self.shuffle:
            self.rng.shuffle(self.order)
        total_loss, total_terms, correct = 0.0, 0, 0
        for b in range(self.batches):
            idx = self.order[b * self.batch_size:(b + 1) * self.batch_size]
            x_batch, y_batch = self.parts.take(self.x, idx), self.parts.take(self.y, idx)
            loss_value, out = self.step((epoch, b + 1), x_batch, y_batch)
            terms = self.parts.terms_averaged(self.loss, len(idx))   # the epoch's loss: the mean over examples
            total_loss += loss_value * terms
            total_terms += terms
            if self.track_accuracy:
                correct += self.parts.count_correct(out, y_batch)
            self.bar.update(b + 1, len(idx), loss_value)
        if self.parts.first_bad_weights(self.model) is not None:   # the epoch's last step broke the weights
            raise self.watch.weights_not_finite()
        self.history["loss"].append(total_loss / total_terms)
        if self.track_accuracy:
            self.history["accuracy"].append(correct / self.n)

    def step(self, at, x_batch, y_batch):
        """train_step on one batch, watched: a NaN, an infinity or an overflow becomes a TrainingError."""
        self.watch.before_step(at, x_batch, y_batch)                 # keeps references; checks nothing
        self.finite_loss.finite = self.clipped.stepping = False
        try:
            return train_step(self.model, self.finite_loss, self.clipped, x_batch, y_batch)
        except ARITHMETIC_ERRORS:
            if not self.finite_loss.finite:                          # the forward pass overflowed
                raise self.watch.loss_not_finite(math.inf) from None
            if self.clipped.stepping:                                # the optimizer's own: as it comes
                raise
            raise self.watch.backward_overflowed() from None

    def end_epoch(self, epoch: int) -> None:
        """After an epoch: lr and validation in the history, progress, plateau, early stop, callback, checkpoint."""
        history = self.history
        history["lr"].append(self.optimizer.lr)
        if self.validation_data is not None:
            results = self.model.evaluate(self.validation_data[0], self.validation_data[1], self.loss)
            history["val_loss"].append(results["loss"])
            if self.track_accuracy:
                history["val_accuracy"].append(results["accuracy"])
        self.bar.end_epoch({k: v[-1] for k, v in history.items() if k != "lr"})
        monitored = history["val_loss" if self.validation_data is not None else "loss"][-1]
        if self.lr_plateau is not None:
            self.lower_lr_on_plateau(monitored)
        if self.early_stopping is not None:
            self.stop_early(epoch, monitored)
        if not self.stopped and self.callback is not None and self.callback(epoch, history) is False:
            self.stopped = True
        self.parts.checks.check_lr_after_epoch(self.optimizer.lr, epoch)     # a callback may have set it
        if self.checkpoint is not None and (self.stopped or epoch == self.epochs or
                                            epoch % self.checkpoint_every == 0):
            self.save_checkpoint(epoch)

    def lower_lr_on_plateau(self, monitored: float) -> None:
        """lr times lr_factor (not below min_lr) after lr_plateau epochs without improvement."""
        if monitored < self.plateau_best - self.min_delta:
            self.plateau_best, self.since_plateau_best = monitored, 0
            return
        self.since_plateau_best += 1
        if self.since_plateau_best >= self.lr_plateau:
            self.optimizer.lr = max(self.optimizer.lr * self.lr_factor, self.min_lr)
            self.since_plateau_best = 0

    def stop_early(self, epoch: int, monitored: float) -> None:
        """Remember the best epoch (and its weights); stop after early_stopping epochs without improvement."""
        if monitored < self.best - self.min_delta:
            self.best, self.since_best = monitored, 0
            self.best_weights = self.model.get_weights() if self.restore_best else None
            self.history["best_epoch"] = [epoch]
            return
        self.since_best += 1
        if self.since_best >= self.early_stopping:
            self.history["stopped_epoch"] = [epoch]
            self.stopped = True

    def save_checkpoint(self, epoch: int) -> None:
        """The whole run to the checkpoint file; a failed write (a full disk) warns and training goes on."""
        state = {"epoch": epoch, "n": self.n, "batch_size": self.batch_size, "shuffle": self.shuffle,
                 "seed": self.seed, "order": self.order, "rng": self.rng, "history": self.history,
                 "stopped": self.stopped, "best": self.best, "since_best": self.since_best,
                 "best_weights": self.best_weights, "plateau_best": self.plateau_best,
                 "since_plateau_best": self.since_plateau_best, "data": self.data_id, "initial_lr": self.initial_lr}
        try:
            self.parts.checkpoints.save_training(self.checkpoint, self.model, self.optimizer, state)
        except OSError as e:     # a full disk: the previous checkpoint is intact, and training goes on
            warnings.warn(f"fit: could not write checkpoint {fspath(self.checkpoint)!r} at epoch {epoch} "
                          f"({strerror(e) or e}); training continues, the previous checkpoint "
                          f"is intact",
                          stacklevel=5)


def new_history(track_accuracy: bool, validating: bool) -> Dict[str, List[float]]:
    """The empty history, its keys in the order fit fills them."""
    history: Dict[str, List[float]] = {"loss": []}
    if track_accuracy:
        history["accuracy"] = []
    if validating:
        history["val_loss"] = []
        if track_accuracy:
            history["val_accuracy"] = []
    history["lr"] = []
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


def count_correct(out, y_batch) -> int:
    """How many of the batch's outputs name the target's class."""
    return sum(1 for p, t in zip(to_labels(out), to_labels(y_batch)) if p == t)


class Parts:
    """What the fit loop (Run) takes from a twin: these are the pure twin's; vectorized/training.py
    gives numpy's (arrays in, rows taken by fancy indexing, accuracy counted with np.sum)."""

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
        """The training inputs as the loop takes rows from them (here: as given)."""
        return x

    @staticmethod
    def targets(y):
        """The targets as the loop takes rows from them (here: as given)."""
        return y
