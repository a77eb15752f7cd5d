"""The model file: one versioned JSON format shared by both twins (save and load are in io.py).

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
A save writes only to a regular file or a new name: a symbolic link is followed
(the link stays, the file it points to is replaced), and a folder or a device
(/dev/full, /dev/null) is refused, never replaced, even when run as root. New
files get the usual permissions (0o666 less the umask); a replaced file keeps
its own. JSON has no NaN or infinity: a model holding one is refused, naming
the layer and parameter (checkpoints, which may record a diverged history,
write them as the strings "nan", "inf", "-inf").

Loading is bounded: every layer's declared sizes are counted against a
parameter budget (MAX_PARAMS, raised with load(path, max_params=N)) and checked
against the numbers in the file before any layer is built, and a file longer
than the budget allows is refused before it is read. Only a regular file is
read: a pipe nobody writes to, a device (/dev/zero) or a folder is refused at once.

The format checks and the atomic write live here, below the network: io.py
(save, load) and checkpoint.py (a whole training run) both build on them, and
the vectorized twin imports them and only converts between arrays and lists.
Nothing here knows Sequential: whoever builds a model passes its class.
"""
from __future__ import annotations

import importlib
import json
import math
import numbers
import os
import stat

from . import checks
from .ops import shape

# MicroPython's os has no fspath, PathLike, fstat, realpath, fsync or file descriptors: a path is a
# str there, and a model file is written and read as a plain file (POSIX is False).
POSIX = hasattr(os, "fsync")
PATH_TYPES = (str, bytes, os.PathLike) if POSIX else (str, bytes)
fspath = os.fspath if POSIX else str
realpath = os.path.realpath if POSIX else str           # (links are not followed there: a save writes to path)
# Nor has it these exceptions: its json raises ValueError, its deepest recursion RuntimeError.
UNICODE_ERROR = UnicodeDecodeError if POSIX else ()
JSON_ERROR = json.JSONDecodeError if POSIX else ()
RECURSION_ERROR = RecursionError if POSIX else RuntimeError


def strerror(e: OSError):
    """What went wrong, as the system says it (MicroPython's OSError has no strerror: there ENOENT...)."""
    if POSIX:
        return e.strerror
    import errno
    return errno.errorcode.get(e.args[0], str(e)) if e.args else str(e)


FORMAT = "twinnet-model"
VERSION = 1

# A forged file may declare a layer of any size: sizes are checked against this budget
# before anything is allocated. load(path, max_params=...) raises it for a bigger model.
MAX_PARAMS = 20_000_000
# A number takes at most ~25 characters in the file (repr of a double, a comma): a
# file longer than this many bytes per allowed parameter is refused before it is read.
BYTES_PER_PARAM = 32


class ModelFileError(ValueError):
    """A file that is not a valid model file, or a path a model cannot be saved to
    (a folder, a device): names the file and what was wrong."""


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


def special_kind(mode) -> str:
    """What a file that is not a regular file is, from its st_mode: "a folder", "a device", "a pipe"..."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a pipe" if stat.S_ISFIFO(mode) else "a socket or other special file"


def writable_target(path, what: str = "model") -> str:
    """Where a save to `path` writes, after checking it may: a regular file or a new name.

    A symbolic link is followed (the link stays; the file it points to is replaced),
    so the target is judged by what the link points to. A folder, a device (such as
    /dev/null or /dev/full), a pipe or a socket is refused: a save replaces a file,
    never a device, even when run as root. Raises ModelFileError naming the path.
    """
    if isinstance(path, bool) or not isinstance(path, PATH_TYPES):
        raise TypeError(f"save: path must be a file name (str or os.PathLike), got {excerpt(path, 60)}")
    path = fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not path:
        raise ModelFileError("save: path is empty")
    if not POSIX:
        return path
    target = os.path.realpath(path)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        folder = os.path.dirname(target)
        if not os.path.isdir(folder):
            raise ModelFileError(f"cannot save the {what} to {path!r}: folder {folder!r} does not exist") from None
        return target
    except OSError as e:
        raise ModelFileError(f"cannot save the {what} to {path!r}: {strerror(e)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ModelFileError(f"cannot save the {what} to {path!r}: it is a folder")
    if not stat.S_ISREG(info.st_mode):
        kind = special_kind(info.st_mode)
        link = f" (a link to {target!r})" if target != os.path.abspath(path) else ""
        raise ModelFileError(f"cannot save the {what} to {path!r}{link}: it is {kind}, not a regular file; "
                             f"a save never replaces one")
    return target


def temporary_name(target: str, tag: str) -> str:
    """The temporary file a save to `target` writes first: ".NAME.TAG.tmp" in the same folder.

    checkpoint.remove_stale_temporaries finds a killed writer's leftovers with tag "*"."""
    folder, name = os.path.split(target)
    return os.path.join(folder, f".{name}.{tag}.tmp")


def atomic_write_text(path, text: str, what: str = "model") -> None:
    """Write text (UTF-8) to path atomically; see atomic_write_bytes."""
    atomic_write_bytes(path, text.encode("utf-8"), what)


def atomic_write_bytes(path, data: bytes, what: str = "model") -> None:
    """Write bytes to path atomically: a temporary file in the same folder, fsync, rename.

    `path` must be a regular file or a new name (see writable_target; a symbolic link
    is followed). A new file gets the usual permissions (0o666 less the umask, like
    any file a program creates); a replaced file keeps its own permission bits.
    """
    target = writable_target(path, what)
    if not POSIX:                       # MicroPython: the temporary file, then a rename over the target
        tmp = temporary_name(target, "tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, target)
        return
    folder = os.path.dirname(target)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = None
    for _attempt in range(100):
        tmp = temporary_name(target, f"{os.getpid()}-{os.urandom(4).hex()}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)     # the umask applies
            break
        except FileExistsError:
            continue
        except OSError as e:            # a folder no file can be made in (read-only, no permission, /proc)
            raise type(e)(e.errno, f"cannot save the {what} to {path!r}: {strerror(e)}") from None
    else:
        raise FileExistsError(f"cannot create a temporary file next to {target!r}")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if mode is not None:
                os.chmod(tmp, mode)
            os.fsync(f.fileno())
        os.replace(tmp, target)
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
    description = {"format": FORMAT, "version": VERSION, "saved_by": twin, "layers": entries}
    if getattr(model, "loss", None) is not None:
        description["loss"] = {"type": type(model.loss).__name__}
    if getattr(model, "trained_on", None):
        description["trained_on"] = {key: None if isinstance(value, float) and not math.isfinite(value) else value
                                     for key, value in model.trained_on.items()}   # JSON has no NaN
    return description


# The losses a model file may record (the one it was trained with), in each twin's losses module.
LOSSES = ("MSE", "BinaryCrossEntropy", "CrossEntropy")


def attach_training_record(model, description: dict, twin: str, path):
    """Give a loaded model the loss and the training record its file holds (both optional).

    "loss": {"type": "CrossEntropy"} becomes model.loss, so that load(path).evaluate(x, y)
    measures with the loss the model was trained with; "trained_on" (what the main command
    trained it on, and the test accuracy it printed) becomes the dict model.trained_on.
    """
    path = fspath(path)
    record = description.get("loss")
    if record is not None:
        kind = record.get("type") if isinstance(record, dict) else None
        if kind not in LOSSES:
            raise ModelFileError(f"{path!r}: \"loss\" must be {{\"type\": one of {', '.join(LOSSES)}}}, "
                                 f"found {excerpt(record)}")
        model.loss = getattr(importlib.import_module(f"{twin}.losses"), kind)()
    trained_on = description.get("trained_on")
    if trained_on is not None:
        if not isinstance(trained_on, dict) or not all(
                isinstance(k, str) and (v is None or isinstance(v, (str, bool)) or is_finite_number(v))
                for k, v in trained_on.items()):
            raise ModelFileError(f"{path!r}: \"trained_on\" must map names to numbers or text, "
                                 f"found {excerpt(trained_on)}")
        model.trained_on = dict(trained_on)
    return model


def first_non_finite(description: dict):
    """(layer index, parameter name) of the first parameter holding NaN or infinity, or None."""
    def finite(t):
        return all(finite(v) for v in t) if isinstance(t, list) else math.isfinite(t)
    for i, entry in enumerate(description["layers"]):
        for name, p in entry["params"].items():
            if not finite(p):
                return i, name
    return None


def compact_json(value) -> str:
    """json.dumps(value, allow_nan=False, separators=(",", ":")): ValueError for a NaN or infinity anywhere
    (MicroPython's json has no allow_nan and would write them: it is checked here first)."""
    if POSIX:
        return json.dumps(value, allow_nan=False, separators=(",", ":"))

    def finite(v):
        if isinstance(v, dict):
            return all(finite(item) for item in v.values())
        if isinstance(v, (list, tuple)):
            return all(finite(item) for item in v)
        return not isinstance(v, float) or math.isfinite(v)
    if not finite(value):
        raise ValueError("Out of range float values are not JSON compliant")
    return json.dumps(value, separators=(",", ":"))


def write_model_dict(description: dict, path) -> None:
    """Write a model description to `path` as JSON. NaN or infinity in a weight is refused,
    naming the layer (JSON has no such numbers; a model file holds finite weights only).
    The path is checked by atomic_write_text (save() checks it first, before any conversion)."""
    try:
        text = compact_json(description)
    except ValueError:
        bad = first_non_finite(description)
        if bad is None:
            raise
        entry = description["layers"][bad[0]]
        raise ValueError(f"save: layer {bad[0]} ({entry['type']}) parameter {bad[1]!r} holds NaN or infinity; "
                         f"a model file holds finite weights only, so nothing was written to {path!r}. "
                         f"(A diverged run? Train again with a smaller learning rate.)") from None
    atomic_write_text(path, text)


def check_save_arguments(model, path, sequential) -> None:
    """save(model, path): a Sequential of this twin and a file name, else TypeError naming the argument."""
    if not isinstance(model, sequential):
        hint = " (wrap a layer: Sequential([layer]))" if hasattr(model, "params") else ""
        raise TypeError(f"save: model must be a Sequential, got {excerpt(model, 60)}{hint}")
    writable_target(path)
    known = layer_types(sequential.__module__.split(".")[0])
    for i, layer in enumerate(model.layers):
        for part in (layer, getattr(layer, "layer", None)) if type(layer).__name__ == "TimeDistributed" else (layer,):
            kind = type(part).__name__
            if known.get(kind) is not type(part):
                raise ValueError(f"save: layer {i} ({kind}) is not a layer a model file can describe (it names "
                                 f"one of {', '.join(sorted(known))} of this twin); nothing was written to "
                                 f"{fspath(path)!r}")


def is_finite_number(value) -> bool:
    """A real number (not a bool) that fits a double and is finite: 1 followed by 400 zeros is not."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:           # an int too large for a float
        return False


def has_shape(tensor, dims) -> bool:
    """True when tensor is nested lists of exactly this shape holding finite numbers."""
    if not dims:
        return is_finite_number(tensor)
    if not isinstance(tensor, list) or len(tensor) != dims[0]:
        return False
    if len(dims) == 1:      # a row: the common case, floats, checked without the slow ABC test
        return all((type(v) is float and math.isfinite(v)) or has_shape(v, ()) for v in tensor)
    return all(has_shape(v, dims[1:]) for v in tensor)


def excerpt(value, limit: int = 60) -> str:
    """repr(value), cut to `limit` characters: error messages quote at most this much of a file."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def open_regular(path, what: str):
    """Open `path` for reading in binary, only if it is a regular file: a folder, a device (/dev/zero)
    or a pipe nobody writes to is refused at once (opened without waiting, then looked at), never read.
    Raises ModelFileError naming the file. (MicroPython: no such checks; a plain open.)"""
    if not POSIX:
        return open(path, "rb")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))     # a pipe does not block the open
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise ModelFileError(f"cannot read {what} {path!r}: it is {special_kind(info.st_mode)}, not a "
                             f"regular file")
    return os.fdopen(fd, "rb")


def read_bytes(path, what: str, max_bytes: int) -> bytes:
    """The bytes of a JSON file, refusing (before reading) anything longer than max_bytes.

    Only a regular file is read (see open_regular): its size is known before reading. On
    MicroPython, which cannot tell, the file is read in pieces, and refused as soon as it
    cannot be a JSON object (the first byte that is not white space must be "{") or passes
    max_bytes."""
    try:
        with open_regular(path, what) as f:
            if POSIX:
                size = os.fstat(f.fileno()).st_size
                if size > max_bytes:
                    raise ModelFileError(f"{path!r}: {size:,} bytes, more than a {what} within the "
                                         f"parameter budget can hold ({max_bytes:,}); if it is genuine, raise "
                                         f"max_params")
                return f.read()
            pieces, total = [], 0
            while True:
                piece = f.read(1 << 16)
                if not piece:
                    break
                if not pieces and piece.lstrip()[:1] not in (b"{", b""):
                    raise ModelFileError(f"{path!r} is not a {what}: it does not start with \"{{\" "
                                         f"(starts with {excerpt(piece[:16], 40)})")
                total += len(piece)
                if total > max_bytes:
                    raise ModelFileError(f"{path!r}: more than {max_bytes:,} bytes, more than a {what} "
                                         f"within the parameter budget can hold; if it is genuine, raise "
                                         f"max_params")
                pieces.append(piece)
            return b"".join(pieces)
    except OSError as e:
        raise ModelFileError(f"cannot read {what} {path!r}: {strerror(e)}") from None


def read_json(path, what: str = "model file", *, max_bytes: int):
    """Read a JSON file of at most max_bytes; ModelFileError (naming the file) if unreadable, too long,
    not UTF-8 or not JSON."""
    if isinstance(path, bool) or not isinstance(path, PATH_TYPES):
        raise TypeError(f"load: path must be a file name (str or os.PathLike), got {excerpt(path, 60)}")
    path = fspath(path)
    raw = read_bytes(path, what, max_bytes)
    try:
        return json.loads(raw.decode("utf-8"))
    except UNICODE_ERROR as e:
        raise ModelFileError(f"{path!r} is not a {what}: not UTF-8 text (byte {e.start})") from None
    except JSON_ERROR as e:
        raise ModelFileError(f"{path!r} is not a valid {what}: broken or truncated JSON "
                             f"({e.msg} at line {e.lineno}, column {e.colno})") from None
    except (ValueError, RECURSION_ERROR) as e:  # e.g. an integer of 5,000 digits, nesting 100,000 deep
        raise ModelFileError(f"{path!r} is not a valid {what}: {type(e).__name__}: {e}"[:300]) from None


def check_format(description, path, fmt: str = FORMAT, version: int = VERSION) -> None:
    """The "format" and "version" fields: this kind of file, and not from a newer program."""
    if not isinstance(description, dict) or description.get("format") != fmt:
        raise ModelFileError(f"{path!r} is JSON but not a {fmt} file (no \"format\": \"{fmt}\")")
    found = description.get("version")
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        raise ModelFileError(f"{path!r}: missing or invalid format version {excerpt(found, 40)} "
                             f"(versions start at 1)")
    if found > version:
        raise ModelFileError(f"{path!r} uses format version {found}; this program reads up to "
                             f"version {version}. Upgrade to load it.")


def is_identifier(key: str) -> bool:
    """key.isidentifier(); MicroPython's str has no isidentifier: there, ASCII letters, digits and "_"."""
    if hasattr(key, "isidentifier"):
        return key.isidentifier()
    return (key[:1].isalpha() or key[:1] == "_") and all(c.isalpha() or c.isdigit() or c == "_" for c in key)


def check_model_description(description, known_types, path) -> dict:
    """Check a model description (a model file's contents); returns it. Raises ModelFileError."""
    path = fspath(path)
    check_format(description, path)
    entries = description.get("layers")
    if not isinstance(entries, list) or not entries:
        raise ModelFileError(f"{path!r}: \"layers\" must be a non-empty list")
    for i, entry in enumerate(entries):
        where = f"{path!r}, layer {i}"
        if not isinstance(entry, dict):
            raise ModelFileError(f"{where}: expected an object, found {excerpt(entry, 40)}")
        kind = entry.get("type")
        if not isinstance(kind, str) or kind not in known_types:
            saved_by = description.get("saved_by")
            origin = (f" (the file was saved by the {saved_by} twin, which may have layer types this one lacks)"
                      if isinstance(saved_by, str) and saved_by.isidentifier() and len(saved_by) <= 30 else "")
            raise ModelFileError(f"{where}: unknown layer type {excerpt(kind)}; this twin knows "
                                 f"{', '.join(sorted(known_types))}{origin}")
        if not isinstance(entry.get("config", {}), dict) or not isinstance(entry.get("params", {}), dict):
            raise ModelFileError(f"{where} ({kind}): \"config\" and \"params\" must be objects")
    return description


def check_max_params(max_params) -> None:
    """load(..., max_params=N): N a positive integer (the budget of parameters), else ValueError."""
    if isinstance(max_params, bool) or not isinstance(max_params, int) or max_params < 1:
        raise ValueError(f"load: max_params must be a positive integer (a number of parameters), "
                         f"got {excerpt(max_params, 40)}")


def read_model_dict(path, known_types, max_params: int = MAX_PARAMS) -> dict:
    """Read and check a model file; returns the dict. Raises ModelFileError naming the problem."""
    check_max_params(max_params)
    max_bytes = BYTES_PER_PARAM * max_params + (1 << 20)
    return check_model_description(read_json(path, max_bytes=max_bytes), known_types, path)


def _positive_ints(config, *names):
    """The named config values if all are positive ints, else None (let the constructor complain)."""
    values = [config.get(name) for name in names]
    if all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
        return values
    return None


def _with_bias(config, shapes, n):
    if config.get("bias", True) is not False:
        shapes["b"] = (n,)
    return shapes


def _dense_shapes(config):
    dims = _positive_ints(config, "n_in", "n_out")
    return None if dims is None else _with_bias(config, {"W": tuple(dims)}, dims[1])


def _conv2d_shapes(config):
    dims = _positive_ints(config, "in_channels", "out_channels")
    kernel = config.get("kernel_size")
    kernel = list(kernel) if isinstance(kernel, list) else [kernel, kernel]
    if dims is None or len(kernel) != 2 or _positive_ints({"h": kernel[0], "w": kernel[1]}, "h", "w") is None:
        return None
    c_in, c_out = dims
    return _with_bias(config, {"W": (c_out, c_in, kernel[0], kernel[1])}, c_out)


def _rnn_shapes(config):
    dims = _positive_ints(config, "n_in", "n_hidden")
    if dims is None:
        return None
    n_in, n_hidden = dims
    return {"Wxh": (n_in, n_hidden), "Whh": (n_hidden, n_hidden), "b": (n_hidden,)}


def _lstm_shapes(config):
    dims = _positive_ints(config, "n_in", "n_hidden")
    if dims is None:
        return None
    n_in, h = dims
    return {"Wx": (n_in, 4 * h), "Wh": (h, 4 * h), "b": (4 * h,)}


def _embedding_shapes(config):
    dims = _positive_ints(config, "vocab_size", "dim")
    return None if dims is None else {"W": tuple(dims)}


def _time_distributed_shapes(config):
    inner = config.get("layer")
    if not isinstance(inner, dict) or inner.get("type") not in PARAM_SHAPES or inner.get("type") in (
            "RNN", "LSTM", "Embedding", "TimeDistributed") or not isinstance(inner.get("config", {}), dict):
        return None
    return PARAM_SHAPES[inner["type"]](inner.get("config", {}))


def _no_params(config):
    return {}


# The parameter shapes a layer's config implies, for EVERY layer type a file may name,
# checked against the file (and against the parameter budget) BEFORE any layer is
# built, so a forged config such as LSTM(n_in=10**6, ...) is refused before anything
# is allocated (the numbers in the file are already in memory; the config's are
# not). A rule returns None when the config is malformed: the constructor then says
# what is wrong, and every constructor checks its sizes before allocating.
PARAM_SHAPES = {"Dense": _dense_shapes, "Conv2D": _conv2d_shapes, "RNN": _rnn_shapes, "LSTM": _lstm_shapes,
                "Embedding": _embedding_shapes, "TimeDistributed": _time_distributed_shapes}
for _names in LAYER_MODULES.values():
    for _name in _names:
        PARAM_SHAPES.setdefault(_name, _no_params)       # activations, Dropout, Flatten, pools


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


def count(shapes) -> int:
    """How many numbers tensors of these shapes hold."""
    total = 0
    for dims in shapes.values():
        n = 1
        for d in dims:
            n *= d
        total += n
    return total


def _check_params(where, params, expected):
    if set(params) != set(expected):
        raise ModelFileError(f"{where}: parameters {excerpt(sorted(map(str, params)), 80)} do not match "
                             f"the layer's {sorted(expected)}")
    for name, value in params.items():
        if not has_shape(value, expected[name]):
            raise ModelFileError(f"{where}: parameter {name!r} should be {expected[name]} finite numbers "
                                 f"(each fitting a double); found shape {shape(value)} or a non-number")


def build_layers(description: dict, known_types, path, *, sequential, from_list=lambda t: t, shape_of=shape,
                 max_params: int = MAX_PARAMS):
    """Construct the layers a checked description names and put its parameters in.

    First, for every layer, the sizes its config declares are counted against
    `max_params` and the parameters in the file checked against them (see
    PARAM_SHAPES): nothing is allocated for a forged file. Then the layers are
    constructed, and their parameters checked again against the built layer's, and
    `sequential` (the twin's Sequential) stacks them.
    """
    path = fspath(path)
    total = 0
    for i, entry in enumerate(description["layers"]):
        kind = entry["type"]
        where = f"{path!r}, layer {i} ({kind})"
        config = entry.get("config", {})
        if any(not isinstance(key, str) or not is_identifier(key) for key in config):
            raise ModelFileError(f"{where}: bad config keys {excerpt(sorted(map(str, config)), 100)}")
        expected = expected_param_shapes(kind, known_types[kind], config)
        if expected is not None:
            total += count(expected)
            if total > max_params:
                raise ModelFileError(f"{where}: the model declares more than {max_params:,} parameters (the "
                                     f"budget); a forged or damaged file? To load a genuine model this big, "
                                     f"pass max_params")
            _check_params(where, entry.get("params", {}), expected)
    built = []
    budget = checks.MAX_LAYER_PARAMS        # the constructors' own budget yields to max_params (checked above)
    checks.MAX_LAYER_PARAMS = max(budget, max_params)
    try:
        for i, entry in enumerate(description["layers"]):
            built.append(_build_layer(entry, known_types, f"{path!r}, layer {i} ({entry['type']})", from_list,
                                      shape_of))
    finally:
        checks.MAX_LAYER_PARAMS = budget
    try:
        return sequential(built)
    except ValueError as e:
        raise ModelFileError(f"{path!r}: layers do not fit together: {str(e)[:300]}") from None


def _build_layer(entry, known_types, where, from_list, shape_of):
    """One layer of a checked description, constructed from its config, with the file's parameters."""
    kind = entry["type"]
    config = entry.get("config", {})
    params = entry.get("params", {})
    try:
        layer = known_types[kind](**config)
    except Exception as e:  # anything the constructor refuses is a problem of the file
        reason = str(e) or type(e).__name__
        raise ModelFileError(f"{where}: bad config {excerpt(config, 200)}: {reason[:300]}") from None
    _check_params(where, params, {name: tuple(shape_of(p)) for name, p in layer.params.items()})
    for name, value in params.items():
        layer.params[name] = from_list(value)
    return layer
