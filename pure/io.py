"""Saving and loading models: one versioned JSON format shared by both twins.

A model file looks like this (numbers are written with Python's repr, which
round-trips every double exactly):

    {"format": "twinnet-model", "version": 1, "saved_by": "pure",
     "layers": [{"type": "Dense", "config": {"n_in": 2, "n_out": 1},
                 "params": {"W": [[0.5], [-0.25]], "b": [0.0]}},
                {"type": "Sigmoid", "config": {}, "params": {}}]}

A model saved by either twin loads in the other and predicts the same.
Loading never executes anything from the file: it reads JSON, checks every
field, and builds layers from a fixed table of known types. Saving writes a
temporary file next to the target and renames it over the target, so a crash
or a full disk never leaves a half-written model (the old file stays intact).

The format checks and the atomic write live here; the vectorized twin
imports them and only converts between arrays and lists.
"""
from __future__ import annotations

import importlib
import json
import math
import numbers
import os
import tempfile

from .network import Sequential
from .ops import shape

FORMAT = "twinnet-model"
VERSION = 1


class ModelFileError(ValueError):
    """A file that is not a valid model file (names the file and what was wrong)."""


# Every layer a model file may name, by the module of the twin that defines it.
# A new layer type is added here (once: both twins read this table).
LAYER_MODULES = {
    "layers": ("Dense", "Dropout", "Flatten"),
    "conv": ("Conv2D", "MaxPool2D", "AvgPool2D"),
    "activations": ("Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Softplus", "ArcTan", "Identity", "Softmax"),
    "recurrent": ("RNN", "LSTM", "Embedding", "TimeDistributed"),
}


def layer_types(twin: str) -> dict:
    """The table name -> class of the layers a model file may name, for twin "pure" or "vectorized"."""
    table = {}
    for module_name, names in LAYER_MODULES.items():
        module = importlib.import_module(f"{twin}.{module_name}")
        for name in names:
            table[name] = getattr(module, name)
    return table


def _sync_folder(folder) -> None:
    """Make the rename itself durable (a power cut right after it keeps the new file); POSIX only."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_text(path, text: str) -> None:
    """Write text to path atomically: a temporary file in the same folder, fsync, rename."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _sync_folder(folder)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def model_to_dict(model, twin: str, to_list=lambda t: t) -> dict:
    """The JSON-ready description of a Sequential; `to_list` turns a tensor into nested lists."""
    entries = []
    for layer in model.layers:
        entries.append({"type": type(layer).__name__, "config": layer.config(),
                        "params": {name: to_list(p) for name, p in layer.params.items()}})
    return {"format": FORMAT, "version": VERSION, "saved_by": twin, "layers": entries}


def write_model_dict(description: dict, path) -> None:
    text = json.dumps(description, allow_nan=False, separators=(",", ":"))
    atomic_write_text(path, text)


def has_shape(tensor, dims) -> bool:
    """True when tensor is nested lists of exactly this shape holding finite numbers."""
    if not dims:
        return (isinstance(tensor, numbers.Real) and not isinstance(tensor, bool)
                and math.isfinite(tensor))
    if not isinstance(tensor, list) or len(tensor) != dims[0]:
        return False
    if len(dims) == 1:      # a row: the common case, floats, checked without the slow ABC test
        return all((type(v) is float and math.isfinite(v)) or has_shape(v, ()) for v in tensor)
    return all(has_shape(v, dims[1:]) for v in tensor)


def read_json(path, what: str = "model file"):
    """Read a JSON file; ModelFileError (naming the file) if unreadable, not UTF-8 or not JSON."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ModelFileError(f"cannot read {what} {path!r}: {e.strerror}") from None
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ModelFileError(f"{path!r} is not a {what}: not UTF-8 text (byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise ModelFileError(f"{path!r} is not a valid {what}: broken or truncated JSON "
                             f"({e.msg} at line {e.lineno}, column {e.colno})") from None
    except (ValueError, RecursionError) as e:  # e.g. an integer of 5,000 digits, nesting 100,000 deep
        raise ModelFileError(f"{path!r} is not a valid {what}: {type(e).__name__}: {e}"[:300]) from None


def check_format(description, path, fmt: str = FORMAT, version: int = VERSION) -> None:
    """The "format" and "version" fields: this kind of file, and not from a newer program."""
    if not isinstance(description, dict) or description.get("format") != fmt:
        raise ModelFileError(f"{path!r} is JSON but not a {fmt} file (no \"format\": \"{fmt}\")")
    found = description.get("version")
    if not isinstance(found, int) or isinstance(found, bool):
        raise ModelFileError(f"{path!r}: missing or invalid format version {found!r:.40}")
    if found > version:
        raise ModelFileError(f"{path!r} uses format version {found}; this program reads up to "
                             f"version {version}. Upgrade to load it.")


def check_model_description(description, known_types, path) -> dict:
    """Check a model description (a model file's contents); returns it. Raises ModelFileError."""
    path = os.fspath(path)
    check_format(description, path)
    entries = description.get("layers")
    if not isinstance(entries, list) or not entries:
        raise ModelFileError(f"{path!r}: \"layers\" must be a non-empty list")
    for i, entry in enumerate(entries):
        where = f"{path!r}, layer {i}"
        if not isinstance(entry, dict):
            raise ModelFileError(f"{where}: expected an object, found {entry!r:.40}")
        kind = entry.get("type")
        if not isinstance(kind, str) or kind not in known_types:
            saved_by = description.get("saved_by")
            origin = (f" (the file was saved by the {saved_by} twin, which may have layer types this one lacks)"
                      if isinstance(saved_by, str) and saved_by.isidentifier() else "")
            raise ModelFileError(f"{where}: unknown layer type {kind!r:.60}; this twin knows "
                                 f"{', '.join(sorted(known_types))}{origin}")
        if not isinstance(entry.get("config", {}), dict) or not isinstance(entry.get("params", {}), dict):
            raise ModelFileError(f"{where} ({kind}): \"config\" and \"params\" must be objects")
    return description


def read_model_dict(path, known_types) -> dict:
    """Read and check a model file; returns the dict. Raises ModelFileError naming the problem."""
    return check_model_description(read_json(path), known_types, path)


def _positive_ints(config, *names):
    """The named config values if all are positive ints, else None (let the constructor complain)."""
    values = [config.get(name) for name in names]
    if all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
        return values
    return None


def _dense_shapes(config):
    dims = _positive_ints(config, "n_in", "n_out")
    if dims is None:
        return None
    shapes = {"W": tuple(dims)}
    if config.get("bias", True) is not False:
        shapes["b"] = (dims[1],)
    return shapes


def _conv2d_shapes(config):
    dims = _positive_ints(config, "in_channels", "out_channels", "kernel_size")
    if dims is None:
        return None
    c_in, c_out, k = dims
    shapes = {"W": (c_out, c_in, k, k)}
    if config.get("bias", True) is not False:
        shapes["b"] = (c_out,)
    return shapes


def _rnn_shapes(config):
    dims = _positive_ints(config, "n_in", "n_hidden")
    if dims is None:
        return None
    n_in, n_hidden = dims
    return {"Wxh": (n_in, n_hidden), "Whh": (n_hidden, n_hidden), "b": (n_hidden,)}


# The parameter shapes a layer's config implies, checked against the file BEFORE the
# layer is built, so a forged config such as Dense(n_in=10**9, ...) is refused before
# anything is allocated (the numbers in the file are already in memory; the config's
# are not). A shape function returns None when it cannot tell; a layer class may also
# offer a classmethod `param_shapes(config)`. Types with neither are built first and
# checked after (fine for layers without parameters).
PARAM_SHAPES = {"Dense": _dense_shapes, "Conv2D": _conv2d_shapes, "RNN": _rnn_shapes}


def expected_param_shapes(kind, cls, config):
    """{name: shape} implied by a layer's config, or None when unknown."""
    rule = getattr(cls, "param_shapes", None) or PARAM_SHAPES.get(kind)
    if rule is None:
        return None
    try:
        shapes = rule(config)
    except Exception:  # a malformed config: the constructor will say what is wrong
        return None
    return None if shapes is None else {name: tuple(dims) for name, dims in shapes.items()}


def _check_params(where, params, expected):
    if set(params) != set(expected):
        raise ModelFileError(f"{where}: parameters {sorted(params)} do not match the layer's "
                             f"{sorted(expected)}")
    for name, value in params.items():
        if not has_shape(value, expected[name]):
            raise ModelFileError(f"{where}: parameter {name!r} should be {expected[name]} finite "
                                 f"numbers; found shape {shape(value)} or a non-number")


def build_layers(description: dict, known_types, path, from_list=lambda t: t, shape_of=shape,
                 sequential=Sequential):
    """Construct the layers a checked description names and put its parameters in.

    The parameters in the file are checked against the shapes the config implies
    before the layer is constructed (see PARAM_SHAPES), and again against the
    constructed layer's own parameters.
    """
    built = []
    for i, entry in enumerate(description["layers"]):
        kind = entry["type"]
        where = f"{os.fspath(path)!r}, layer {i} ({kind})"
        config = entry.get("config", {})
        params = entry.get("params", {})
        if any(not isinstance(key, str) or not key.isidentifier() for key in config):
            raise ModelFileError(f"{where}: bad config keys {sorted(map(str, config))!r:.200}")
        expected = expected_param_shapes(kind, known_types[kind], config)
        if expected is not None:
            _check_params(where, params, expected)
        try:
            layer = known_types[kind](**config)
        except Exception as e:  # anything the constructor refuses is a problem of the file
            raise ModelFileError(f"{where}: bad config {config!r:.200}: {e}") from None
        _check_params(where, params, {name: tuple(shape_of(p)) for name, p in layer.params.items()})
        for name, value in params.items():
            layer.params[name] = from_list(value)
        built.append(layer)
    try:
        return sequential(built)
    except ValueError as e:
        raise ModelFileError(f"{os.fspath(path)!r}: layers do not fit together: {e}") from None


def save(model, path) -> None:
    """Save a Sequential to `path` as JSON (atomically: the old file survives any failure)."""
    write_model_dict(model_to_dict(model, "pure"), path)


def load(path) -> Sequential:
    """Load a model saved by either twin. Raises ModelFileError for anything that is not one."""
    known = layer_types("pure")
    return build_layers(read_model_dict(path, known), known, path)
