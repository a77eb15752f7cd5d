"""Checkpoints: save a training run at the end of an epoch and continue it later, exactly.

    model.fit(x, y, loss, optimizer, epochs=20, seed=0,
              checkpoint="run.ckpt.json", checkpoint_every=1, resume=True)

With `checkpoint=` fit writes the run's whole state to that file every
`checkpoint_every` epochs (and after the last one); with `resume=True` it first
looks for that file and, if it is there, continues from it (`resume="other.json"`
continues from another file). An interrupted run that is resumed ends with exactly
the weights of a run that was never interrupted: same seed, same batches, same
numbers, bit for bit.

What "the whole state" is (a JSON file, like a model file, never pickle):

    model        the model file's own description: layer types, configs, weights
    optimizer    its type, lr (fit may have lowered it), hyperparameters, step count
                 and per-parameter memory (SGD's velocity, Adam's m and v)
    rng          the state of the random.Random that shuffles, and the order it
                 left the examples in (rng.shuffle works in place on that order)
    layer_rngs   the state of each Dropout layer's own random.Random
    epoch        epochs completed; history; early-stopping and lr-plateau counters
                 (and the best weights early stopping would restore)
    n, batch_size, shuffle   checked on resume: other data means other batches
    data         a fingerprint of the training data (SHA-256 of every target and of 256
                 inputs spread evenly over it): resuming with other data of the same
                 size is refused too
    initial_lr   the learning rate the run started with: a resume says which arguments it
                 ignores (a new seed or lr: the run continues with the saved state)

fit refuses to start a run over an existing checkpoint without resume=True (it would
be overwritten after one epoch), and a checkpoint that cannot be written (a full
disk) is a warning: training goes on, and the previous checkpoint stays intact.

Writes are atomic (pure.modelfile.atomic_write_text: a temporary file, fsync, rename), so
killing the process while it saves leaves the previous checkpoint intact. Reading
checks every field before touching the model: a damaged or forged file raises
CheckpointError (a ModelFileError) naming what is wrong, and nothing is changed.

The vectorized twin uses these functions with numpy converters (vectorized/checkpoint.py);
a checkpoint written by one twin resumes in the other.
"""
from __future__ import annotations

import binascii
import glob
import hashlib
import math
import os
import random
import struct
import warnings

from .modelfile import (BYTES_PER_PARAM, MAX_PARAMS, ModelFileError, atomic_write_text, build_layers, check_format,
                        check_max_params, check_model_description, compact_json, excerpt, fspath, has_shape,
                        is_finite_number, layer_types, model_to_dict, read_json, realpath, temporary_name,
                        writable_target)
from .checks import check_lr
from .ops import copy, shape
from .portable import Random

FORMAT = "twinnet-checkpoint"
VERSION = 1


class CheckpointError(ModelFileError):
    """A checkpoint that cannot be resumed (damaged, forged, or from another model or data)."""


# ---------------------------------------------------------------- numbers and generators


def encode_number(x):
    """JSON has no NaN or infinity: write them as the strings "nan", "inf", "-inf"."""
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)
    return x


def decode_number(x, where):
    if isinstance(x, str) and x in ("nan", "inf", "-inf"):
        return float(x)
    if isinstance(x, float) or is_finite_number(x):         # (an int too big for a double is not)
        return x
    raise CheckpointError(f"{where}: expected a number, found {excerpt(x, 40)}")


def rng_state(rng: random.Random) -> list:
    """A random.Random's state as JSON: [version, [625 ints], gauss_next]."""
    version, internal, gauss_next = rng.getstate()
    return [version, list(internal), gauss_next]


def set_rng_state(rng: random.Random, saved, where) -> None:
    """Put a state from rng_state() back, after checking it is one."""
    ok = (isinstance(saved, list) and len(saved) == 3 and isinstance(saved[0], int)
          and isinstance(saved[1], list) and len(saved[1]) == 625
          and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**32 for v in saved[1])
          and saved[1][-1] <= 624
          and (saved[2] is None or (isinstance(saved[2], float) and math.isfinite(saved[2]))))
    if ok:
        try:
            rng.setstate((saved[0], tuple(saved[1]), saved[2]))
            return
        except (ValueError, TypeError):
            pass
    raise CheckpointError(f"{where}: not the state of a random number generator")


# ---------------------------------------------------------------- the training data's fingerprint


def _numbers(value, out):
    """Append the numbers of one example (nested lists, tuples, arrays) to out; returns its shape."""
    if hasattr(value, "tolist"):                # a numpy array or scalar, without importing numpy
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        shapes = [_numbers(v, out) for v in value]
        return (len(value),) + (shapes[0] if shapes else ())
    out.append(float(value))
    return ()


def fingerprint(x, y, inputs: int = 256):
    """SHA-256 of the training data: its size, every target and `inputs` examples spread evenly.

    The same in both twins (a list of floats and an array of the same numbers give the
    same bytes). None when the data holds something that is not a number."""
    n = len(x)
    digest = hashlib.sha256(f"{n} examples".encode())
    picks = range(n) if n <= inputs else sorted({i * n // inputs for i in range(inputs)})
    try:
        for part, indices in ((y, range(len(y))), (x, picks)):
            for i in indices:
                values = []
                dims = _numbers(part[i], values)
                digest.update(repr(dims).encode() + struct.pack(f"<{len(values)}d", *values))
    except (TypeError, ValueError, OverflowError):
        return None
    return binascii.hexlify(digest.digest()).decode()     # hexdigest(), which MicroPython's sha256 lacks


def check_target(checkpoint, resume) -> None:
    """Before training: may fit write `checkpoint`? Not over an existing file without resume."""
    if checkpoint is None:
        return
    writable_target(checkpoint, "checkpoint")
    if os.path.lexists(checkpoint) and resume is not True and not (
            resume and os.path.abspath(fspath(resume)) == os.path.abspath(fspath(checkpoint))):
        raise ValueError(f"fit: checkpoint={fspath(checkpoint)!r} already exists (another run's checkpoint?) "
                         f"and would be overwritten after the first epoch; pass resume=True to continue it, or "
                         f"remove it (or choose another path) to start afresh")


# ---------------------------------------------------------------- the optimizer's memory


def optimizer_state_to_dict(optimizer, to_list=copy) -> dict:
    """Everything needed to continue exactly where an optimizer is: type, lr, counters and
    the per-parameter tensors (its SLOTS), keyed by (layer position, parameter name)."""
    entries = []
    for (i, name), value in sorted(optimizer.state.items()):
        tensors = value if len(optimizer.SLOTS) > 1 else (value,)
        entry = {"layer": i, "param": name}
        entry.update({slot: to_list(t) for slot, t in zip(optimizer.SLOTS, tensors)})
        entries.append(entry)
    return {"type": type(optimizer).__name__, "lr": optimizer.lr, "hyperparameters": optimizer.hyperparameters(),
            "counters": {c: getattr(optimizer, c) for c in optimizer.COUNTERS}, "state": entries}


def load_optimizer_state(optimizer, saved: dict, from_list=copy) -> None:
    """Put the state from optimizer_state_to_dict() into `optimizer` (ValueError if it is not this
    kind of optimizer, or was made with other hyperparameters). Tensor shapes are the caller's to check."""
    kind = type(optimizer).__name__
    if not isinstance(saved, dict) or saved.get("type") != kind:
        found = saved.get("type") if isinstance(saved, dict) else saved
        raise ValueError(f"the saved optimizer state is for {found!r:.40}, not {kind}")
    if saved.get("hyperparameters") != optimizer.hyperparameters():
        raise ValueError(f"the saved {kind} had hyperparameters {saved.get('hyperparameters')!r:.200}, "
                         f"this one has {optimizer.hyperparameters()!r}")
    lr = check_lr(kind, saved.get("lr"))
    counters = saved.get("counters")
    if not isinstance(counters, dict) or set(counters) != set(optimizer.COUNTERS) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in counters.values()):
        raise ValueError(f"the saved {kind} state has bad counters {counters!r:.100}")
    entries = saved.get("state")
    if not isinstance(entries, list):
        raise ValueError(f"the saved {kind} state has no list of per-parameter entries")
    state = {}
    for entry in entries:
        if (not isinstance(entry, dict) or set(entry) != {"layer", "param"} | set(optimizer.SLOTS)
                or not isinstance(entry["layer"], int) or isinstance(entry["layer"], bool)
                or not isinstance(entry["param"], str)):
            raise ValueError(f"the saved {kind} state has a bad entry {entry!r:.100}")
        for slot in optimizer.NONNEGATIVE:
            if not _nonnegative(entry[slot]):
                raise ValueError(f"the saved {kind} {slot!r} of layer {entry['layer']} {entry['param']!r} "
                                 f"holds negative numbers (it is a mean of squares)")
        tensors = tuple(from_list(entry[slot]) for slot in optimizer.SLOTS)
        state[(entry["layer"], entry["param"])] = tensors if len(tensors) > 1 else tensors[0]
    optimizer.lr, optimizer.state = lr, state
    for name, value in counters.items():
        setattr(optimizer, name, value)


def _nonnegative(values) -> bool:
    """No negative number anywhere in nested lists (non-numbers are left for the shape check)."""
    if isinstance(values, list):
        return all(_nonnegative(v) for v in values)
    return not (isinstance(values, (int, float)) and values < 0)


# ---------------------------------------------------------------- writing


def training_state_to_dict(model, optimizer, state: dict, twin: str, to_list=copy) -> dict:
    """The checkpoint description of a run. `state` is fit's own bookkeeping:

    epoch, n, batch_size, shuffle, seed, order, rng, history, stopped,
    best, since_best, best_weights, plateau_best, since_plateau_best
    """
    best_weights = state.get("best_weights")
    return {
        "format": FORMAT, "version": VERSION, "saved_by": twin,
        "epoch": state["epoch"], "n": state["n"], "batch_size": state["batch_size"],
        "shuffle": bool(state["shuffle"]), "seed": state.get("seed"), "stopped": bool(state.get("stopped")),
        "data": state.get("data"), "initial_lr": state.get("initial_lr"),
        "model": model_to_dict(model, twin, to_list),
        "optimizer": optimizer_state_to_dict(optimizer, to_list),
        "rng": rng_state(state["rng"]),
        "order": list(state["order"]),
        "layer_rngs": [{"layer": i, "state": rng_state(layer.rng)} for i, layer in enumerate(model.layers)
                       if isinstance(getattr(layer, "rng", None), Random)],
        "history": {key: [encode_number(v) for v in values] for key, values in state["history"].items()},
        "early_stopping": {"best": encode_number(state["best"]), "since_best": state["since_best"],
                           "best_weights": None if best_weights is None else
                           [{name: to_list(p) for name, p in params.items()} for params in best_weights]},
        "plateau": {"best": encode_number(state["plateau_best"]), "since_best": state["since_plateau_best"]},
    }


def save_training(path, model, optimizer, state: dict, twin: str = "pure", to_list=copy) -> None:
    """Write a checkpoint atomically (the previous file survives a crash at any moment)."""
    text = compact_json(training_state_to_dict(model, optimizer, state, twin, to_list))
    atomic_write_text(path, text, "checkpoint")


def remove_stale_temporaries(path) -> int:
    """Delete the temporary files a killed writer of `path` left behind; returns how many.

    Only call this when no other process is writing `path` (fit calls it on resume). A symbolic
    link is followed, as atomic_write_bytes follows it: the leftovers are next to the file it points to."""
    pattern = temporary_name(glob.escape(realpath(fspath(path))), "*")
    removed = 0
    for leftover in glob.glob(pattern):
        try:
            os.unlink(leftover)
            removed += 1
        except OSError:
            pass
    return removed


# ---------------------------------------------------------------- reading


def read_checkpoint(path, twin: str = "pure", max_params: int = MAX_PARAMS) -> dict:
    """Read and check the structure of a checkpoint file; returns the dict.

    The model part is checked exactly as a model file is (pure.modelfile.read_model_dict);
    the rest field by field. Raises CheckpointError naming the problem. A checkpoint
    holds the weights up to four times (weights, best weights, two optimizer slots),
    plus the example order: its size is bounded by that many numbers within max_params."""
    check_max_params(max_params)
    path = fspath(path)
    try:
        description = read_json(path, "checkpoint", max_bytes=5 * BYTES_PER_PARAM * max_params + (64 << 20))
        check_format(description, path, FORMAT, VERSION)
        check_model_description(description.get("model"), layer_types(twin), f"{path} (its model)")
    except CheckpointError:
        raise
    except ModelFileError as e:
        raise CheckpointError(str(e)) from None
    where = f"{path!r}"

    def integer(value, name, low=0):
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise CheckpointError(f"{where}: {name} must be an integer >= {low}, found {value!r:.40}")
        return value
    integer(description.get("epoch"), "epoch")
    n = integer(description.get("n"), "n", 1)
    integer(description.get("batch_size"), "batch_size", 1)
    order = description.get("order")
    if not isinstance(order, list) or len(order) != n or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in order) or sorted(order) != list(range(n)):
        raise CheckpointError(f"{where}: \"order\" must be a permutation of 0..{n - 1}")
    set_rng_state(Random(), description.get("rng"), f"{where}, rng")
    layer_rngs = description.get("layer_rngs")
    if not isinstance(layer_rngs, list) or not all(
            isinstance(e, dict) and isinstance(e.get("layer"), int) for e in layer_rngs):
        raise CheckpointError(f"{where}: \"layer_rngs\" must be a list of {{\"layer\", \"state\"}}")
    history = description.get("history")
    if not isinstance(history, dict) or not all(isinstance(v, list) for v in history.values()):
        raise CheckpointError(f"{where}: \"history\" must be an object of lists")
    for key, values in history.items():
        for v in values:
            decode_number(v, f"{where}, history {key!r}")
    for part, keys in (("early_stopping", ("best", "since_best", "best_weights")),
                       ("plateau", ("best", "since_best"))):
        section = description.get(part)
        if not isinstance(section, dict) or set(section) != set(keys):
            raise CheckpointError(f"{where}: \"{part}\" must be an object with {', '.join(keys)}")
        decode_number(section["best"], f"{where}, {part} best")
        integer(section["since_best"], f"{part} since_best")
    if not isinstance(description.get("optimizer"), dict):
        raise CheckpointError(f"{where}: \"optimizer\" must be an object")
    if description.get("data") is not None and not (isinstance(description["data"], str)
                                                    and len(description["data"]) == 64):
        raise CheckpointError(f"{where}: \"data\" must be a SHA-256 fingerprint, found "
                              f"{excerpt(description['data'], 40)}")
    if description.get("initial_lr") is not None and not is_finite_number(description["initial_lr"]):
        raise CheckpointError(f"{where}: \"initial_lr\" must be a number, found "
                              f"{excerpt(description['initial_lr'], 40)}")
    return description


def _check_same_model(model, saved_layers, where, shape_of):
    if len(saved_layers) != len(model.layers):
        raise CheckpointError(f"{where}: the checkpoint's model has {len(saved_layers)} layers, "
                              f"this model {len(model.layers)}")
    for i, (layer, entry) in enumerate(zip(model.layers, saved_layers)):
        kind = type(layer).__name__
        if entry["type"] != kind or entry.get("config", {}) != layer.config():
            raise CheckpointError(f"{where}: layer {i} is {entry['type']}({entry.get('config', {})!r:.100}) "
                                  f"in the checkpoint but {layer!r} in this model")
        _check_weights(layer, entry.get("params", {}), f"{where}, layer {i} ({kind})", shape_of)


def _check_weights(layer, params, where, shape_of):
    if not isinstance(params, dict) or set(params) != set(layer.params):
        raise CheckpointError(f"{where}: parameters {sorted(params) if isinstance(params, dict) else params!r:.80} "
                              f"do not match the layer's {sorted(layer.params)}")
    for name, value in params.items():
        expected = tuple(shape_of(layer.params[name]))
        if not has_shape(value, expected):
            raise CheckpointError(f"{where}: parameter {name!r} should be {expected} finite numbers; "
                                  f"found shape {shape(value)} or a non-number")


def restore_training(path, model, optimizer, n: int, batch_size: int, shuffle: bool, rng: random.Random,
                     twin: str = "pure", from_list=copy, shape_of=shape, history_keys=None,
                     data=None, seed=None, epochs=None) -> dict:
    """Read a checkpoint and put its state into model, optimizer and rng.

    Everything is checked before anything is changed. Returns fit's bookkeeping
    (epoch, order, history, stopped, best, since_best, best_weights, plateau_best,
    since_plateau_best). Raises CheckpointError when the file is damaged or belongs
    to another model, optimizer or data set. `history_keys`: the per-epoch lists this
    run records (loss, accuracy, val_loss, ...): the checkpoint must record the same.
    `data`: this run's fingerprint() (refused if the checkpoint's differs). A warning
    says what the resume ignores: a different `seed` or learning rate (the run goes on
    with the saved generators and lr), and that a finished run (`epochs` reached, or
    stopped early) has nothing left to train."""
    saved = read_checkpoint(path, twin)
    where = f"{fspath(path)!r}"
    for name, value in (("n", n), ("batch_size", batch_size), ("shuffle", bool(shuffle))):
        if saved.get(name) != value:
            what = {"n": "training examples", "batch_size": "batch size", "shuffle": "shuffle"}[name]
            raise CheckpointError(f"{where}: the checkpoint was written with {what} {saved.get(name)!r}, "
                                  f"this run has {value!r}; resuming would not continue the same run")
    if data is not None and saved.get("data") is not None and saved["data"] != data:
        raise CheckpointError(f"{where}: the checkpoint was written for other training data ({saved['n']} "
                              f"examples too, but not these: their fingerprints differ); resuming would not "
                              f"continue the same run")
    _check_same_model(model, saved["model"]["layers"], where, shape_of)
    if history_keys is not None:
        found = set(saved["history"]) - {"best_epoch", "stopped_epoch"}
        if found != set(history_keys):
            raise CheckpointError(f"{where}: the checkpoint's history records {sorted(found)}, this run records "
                                  f"{sorted(history_keys)}: resume with the same validation_data and metrics")
        short = [key for key in history_keys if len(saved["history"][key]) != saved["epoch"]]
        if short:
            raise CheckpointError(f"{where}: history {short} should hold one value per epoch ({saved['epoch']})")
    best_weights = saved["early_stopping"]["best_weights"]
    if best_weights is not None:
        if not isinstance(best_weights, list) or len(best_weights) != len(model.layers):
            raise CheckpointError(f"{where}: \"best_weights\" must hold one entry per layer")
        for i, (layer, params) in enumerate(zip(model.layers, best_weights)):
            _check_weights(layer, params, f"{where}, best weights of layer {i}", shape_of)
    try:                    # first the optimizer checks its type and hyperparameters itself
        spare = object.__new__(type(optimizer))
        copy_attributes(optimizer, spare)
        load_optimizer_state(spare, saved["optimizer"], from_list)
    except (ValueError, TypeError) as e:
        raise CheckpointError(f"{where}: {e}") from None
    param_shapes = {(i, name): tuple(shape_of(p)) for i, layer in enumerate(model.layers)
                    for name, p in layer.params.items()}
    entries = saved["optimizer"].get("state")
    slots = getattr(optimizer, "SLOTS", ())
    for entry in entries if isinstance(entries, list) else []:
        key = (entry.get("layer"), entry.get("param")) if isinstance(entry, dict) else None
        if key not in param_shapes:
            raise CheckpointError(f"{where}: optimizer state for {key!r:.60}, which this model does not have")
        for slot in slots:
            if not has_shape(entry.get(slot), param_shapes[key]):
                raise CheckpointError(f"{where}: optimizer {slot!r} of layer {key[0]} {key[1]!r} should be "
                                      f"{param_shapes[key]} finite numbers")
    rngs = {}
    for entry in saved["layer_rngs"]:
        i = entry["layer"]
        if not 0 <= i < len(model.layers) or not isinstance(getattr(model.layers[i], "rng", None), Random):
            raise CheckpointError(f"{where}: a generator state for layer {i}, which has no generator here")
        set_rng_state(Random(), entry.get("state"), f"{where}, generator of layer {i}")
        rngs[i] = entry["state"]
    missing = [i for i, layer in enumerate(model.layers)
               if isinstance(getattr(layer, "rng", None), Random) and i not in rngs]
    if missing:
        raise CheckpointError(f"{where}: no generator state for layer(s) {missing}")

    # Everything checked: say what the resume ignores, then change things.
    ignored, lr_asked = [], optimizer.lr
    if seed is not None and saved.get("seed") is not None and seed != saved["seed"]:
        ignored.append(f"seed={seed!r} (the run continues with the generators seed {saved['seed']!r} left)")
    if saved.get("initial_lr") is not None and optimizer.lr != saved["initial_lr"]:
        ignored.append(f"the learning rate {optimizer.lr!r} (the run started with {saved['initial_lr']!r} and "
                       f"continues with its saved lr {spare.lr!r})")
    if ignored:
        warnings.warn(f"resuming {where}: ignoring " + " and ".join(ignored), stacklevel=5)
    if saved.get("stopped") or (epochs is not None and saved["epoch"] >= epochs):
        how = "stopped early" if saved.get("stopped") else f"all {epochs} epochs done"
        warnings.warn(f"resuming {where}: the run had already finished at epoch {saved['epoch']} ({how}); "
                      f"nothing left to train", stacklevel=5)
    copy_attributes(spare, optimizer)
    for layer, entry in zip(model.layers, saved["model"]["layers"]):
        for name, value in entry.get("params", {}).items():
            layer.params[name] = from_list(value)
    for i, state in rngs.items():
        set_rng_state(model.layers[i].rng, state, where)
    set_rng_state(rng, saved["rng"], where)
    early, plateau = saved["early_stopping"], saved["plateau"]
    return {
        "epoch": saved["epoch"], "order": list(saved["order"]), "stopped": bool(saved.get("stopped")),
        "history": {key: [decode_number(v, where) for v in values] for key, values in saved["history"].items()},
        "best": decode_number(early["best"], where), "since_best": early["since_best"],
        "best_weights": None if best_weights is None else
        [{name: from_list(p) for name, p in params.items()} for params in best_weights],
        "plateau_best": decode_number(plateau["best"], where), "since_plateau_best": plateau["since_best"],
        "seed": saved.get("seed", seed), "initial_lr": saved.get("initial_lr") or lr_asked,
    }


def copy_attributes(source, target) -> None:
    """target.__dict__.update(source.__dict__), one setattr each (MicroPython's __dict__ is read-only)."""
    for name, value in source.__dict__.items():
        setattr(target, name, value)


def load_model(path, twin: str = "pure", max_params: int = MAX_PARAMS, **build):
    """The model stored in a checkpoint, as load() would build it from a model file (build names the
    twin's `sequential` and its converters; io.load_checkpoint(path) is the call for a user)."""
    description = read_checkpoint(path, twin, max_params)
    known = layer_types(twin)
    return build_layers(description["model"], known, path, max_params=max_params, **build)
