"""Saving and loading models: save(model, path), load(path), and the model inside a checkpoint.

The format, its checks and the atomic write are in pure/modelfile.py (read it
there); this module converts arrays to lists when saving and lists to float64
arrays when loading (modelfile.py), and builds this twin's layers. A file
saved here loads in the pure twin, and the other way round.
"""
from __future__ import annotations

import numpy as np

from . import checkpoint
from .modelfile import (FORMAT, MAX_PARAMS, VERSION, ModelFileError, attach_training_record,  # noqa: F401
                        build_layers, check_save_arguments, from_list, layer_types, model_to_dict, read_model_dict,
                        to_list, write_model_dict)
from .network import Sequential


def save(model, path) -> None:
    """Save a Sequential to `path` as JSON (atomically: the old file survives any failure).

    `path` is a new name or a regular file (a symbolic link is followed); a folder or
    a device is refused. NaN or infinity in a weight is refused, naming the layer."""
    check_save_arguments(model, path, Sequential)
    write_model_dict(model_to_dict(model, "vectorized", to_list=to_list), path)


def load(path, max_params: int = MAX_PARAMS) -> Sequential:
    """Load a model saved by either twin. Raises ModelFileError for anything that is not one.

    A file declaring more than `max_params` parameters (20 million by default) is refused
    before anything is allocated; raise it to load a genuine model that big."""
    known = layer_types("vectorized")
    description = read_model_dict(path, known, max_params)
    model = build_layers(description, known, path, sequential=Sequential, from_list=from_list,
                         shape_of=np.shape, max_params=max_params)
    return attach_training_record(model, description, "vectorized", path)


def load_checkpoint(path, max_params: int = MAX_PARAMS) -> Sequential:
    """The model stored in a training checkpoint (fit's checkpoint=), as load() builds one from a model file."""
    return checkpoint.load_model(path, max_params, sequential=Sequential)
