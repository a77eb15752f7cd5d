"""Checkpoints: save a training run at the end of an epoch and continue it later, exactly.

The format, its checks and the atomic write are in pure/checkpoint.py (read it
there); this module only converts between arrays and lists. A checkpoint written
by one twin resumes in the other.
"""
from __future__ import annotations

import numpy as np

from pure.checkpoint import (FORMAT, VERSION, CheckpointError, check_target, fingerprint,  # noqa: F401
                             read_checkpoint, remove_stale_temporaries)
from pure import checkpoint as _shared
from pure.modelfile import MAX_PARAMS

from .modelfile import from_list as _from_list
from .modelfile import to_list as _to_list


def save_training(path, model, optimizer, state: dict) -> None:
    """Write a checkpoint atomically (the previous file survives a crash at any moment)."""
    _shared.save_training(path, model, optimizer, state, twin="vectorized", to_list=_to_list)


def restore_training(path, model, optimizer, n, batch_size, shuffle, rng, history_keys=None, **checks) -> dict:
    """Read a checkpoint and put its state into model, optimizer and rng (see pure/checkpoint.py).

    The file holds doubles; a model cast to float32 (model.astype) stays float32, and so
    does the optimizer state of its parameters, so a float32 run resumes exactly too."""
    dtypes = {(i, name): np.asarray(p).dtype
              for i, layer in enumerate(model.layers) for name, p in layer.params.items()}
    saved = _shared.restore_training(path, model, optimizer, n, batch_size, shuffle, rng, twin="vectorized",
                                     from_list=_from_list, shape_of=np.shape, history_keys=history_keys, **checks)
    for (i, name), dtype in dtypes.items():
        params = model.layers[i].params
        params[name] = params[name].astype(dtype, copy=False)
        if saved["best_weights"] is not None:
            best = saved["best_weights"][i]
            best[name] = best[name].astype(dtype, copy=False)
    for key, value in optimizer.state.items():
        dtype = dtypes.get(key, np.float64)
        optimizer.state[key] = (tuple(t.astype(dtype, copy=False) for t in value) if isinstance(value, tuple)
                                else value.astype(dtype, copy=False))
    return saved


def load_model(path, max_params: int = MAX_PARAMS, **build):
    """The model stored in a checkpoint, as load() would build it from a model file (build names
    the `sequential`; io.load_checkpoint(path) is the call for a user)."""
    return _shared.load_model(path, "vectorized", max_params, from_list=_from_list, shape_of=np.shape, **build)
