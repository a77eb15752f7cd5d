"""The model file: the JSON format shared with the pure twin, and this twin's two converters.

The format, its checks and the atomic write are in pure/modelfile.py (read it
there); the numbers in a file are nested lists of doubles, so this twin only
turns its arrays into lists when writing and lists into float64 arrays when
reading (io.py for models, checkpoint.py for training runs).
"""
from __future__ import annotations

import numpy as np

from pure.modelfile import (FORMAT, MAX_PARAMS, VERSION, ModelFileError, attach_training_record,  # noqa: F401
                            build_layers, check_save_arguments, layer_types, model_to_dict, read_model_dict,
                            write_model_dict)


def to_list(a):
    """An array (of any float dtype) as the nested lists of doubles a file holds."""
    return np.asarray(a, dtype=np.float64).tolist()


def from_list(t):
    """Nested lists from a file as a float64 array."""
    return np.asarray(t, dtype=np.float64)
