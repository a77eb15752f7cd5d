"""Saving and loading models: save(model, path), load(path), and the model inside a checkpoint.

    >>> import os, tempfile
    >>> from pure import Dense, Sequential, Sigmoid, load, save
    >>> model = Sequential([Dense(2, 1, seed=0), Sigmoid()])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> save(model, path)
    >>> load(path).get_weights() == model.get_weights()
    True

The file is JSON, one versioned format for both twins: a model saved by either
twin loads in the other and predicts the same. What a file holds, how it is
checked and how it is written atomically is in modelfile.py; this module only
joins that format to Sequential.
"""
from __future__ import annotations

from . import checkpoint
from .modelfile import (FORMAT, MAX_PARAMS, VERSION, ModelFileError, attach_training_record,  # noqa: F401
                        build_layers, check_save_arguments, layer_types, model_to_dict, read_model_dict,
                        write_model_dict)
from .network import Sequential


def save(model, path) -> None:
    """Save a Sequential to `path` as JSON (atomically: the old file survives any failure).

    `path` is a new name or a regular file (a symbolic link is followed); a folder or
    a device is refused. NaN or infinity in a weight is refused, naming the layer."""
    check_save_arguments(model, path, Sequential)
    write_model_dict(model_to_dict(model, "pure"), path)


def load(path, max_params: int = MAX_PARAMS) -> Sequential:
    """Load a model saved by either twin. Raises ModelFileError for anything that is not one.

    A file declaring more than `max_params` parameters (20 million by default) is refused
    before anything is allocated; raise it to load a genuine model that big."""
    known = layer_types("pure")
    description = read_model_dict(path, known, max_params)
    model = build_layers(description, known, path, sequential=Sequential, max_params=max_params)
    return attach_training_record(model, description, "pure", path)


def load_checkpoint(path, max_params: int = MAX_PARAMS) -> Sequential:
    """The model stored in a training checkpoint (fit's checkpoint=), as load() builds one from a model file."""
    return checkpoint.load_model(path, "pure", max_params, sequential=Sequential)
