"""Input checks, kept in one place so that the layers can show their math first.

The numpy twin of pure/checks.py: the same functions and the same messages.
Checks of plain numbers (sizes, rates, fit's arguments) are the pure twin's
own functions, imported; checks of tensors are written here for arrays.
"""
from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from pure import checks as _pure
from pure.checks import (check_alpha,  # noqa: F401
                         check_dense_sizes, check_dropout_rate, check_features, check_fit_arguments,  # noqa: F401
                         check_flatten_input, check_fraction, check_logits, check_lr, check_nonnegative,
                         check_param_budget, check_positive, check_sizes, check_uniform_bounds, conv_output_shape,
                         embedding_output_shape, output_size, pair, pool_output_shape, recurrent_output_shape,
                         require_forward)

from .base import Layer
from .ops import DTYPE, as_array, is_ragged

# ---------------------------------------------------------------- tensors (all layers)


def check_rectangular(x, name: str) -> tuple:
    """Return the shape of x, which must be numeric and rectangular (no ragged rows).

    >>> check_rectangular([[1.0, 2.0], [3.0, 4.0]], "Dense(2, 1)")
    (2, 2)
    """
    if isinstance(x, np.ndarray):
        return x.shape
    try:
        arr = np.asarray(x, dtype=DTYPE)
    except (ValueError, TypeError):
        raise ValueError(f"{name}: input is not a rectangular batch of numbers") from None
    return arr.shape


def check_nonempty_batch(x, label: str) -> None:
    """An activation's input: a non-empty batch (an array of rank >= 1)."""
    if x.ndim == 0 or x.size == 0:
        raise ValueError(f"{label}: expected a non-empty batch, got shape {x.shape}")


def check_same_shape_as_output(grad_out, y, label: str) -> None:
    """backward(grad_out) of an element-wise layer: forward() ran, and grad_out has the output's shape."""
    require_forward(label, y)
    if grad_out.shape != y.shape:
        raise ValueError(f"{label}: grad_out has shape {grad_out.shape}, "
                         f"but the output had shape {y.shape}")


# ---------------------------------------------------------------- layers.py


def as_numbers(x, label: str) -> np.ndarray:
    """x as a float array, refusing what is not numbers (numpy would parse the string "1.5")."""
    if isinstance(x, np.ndarray) and x.dtype.kind in "fiub":
        return as_array(x)
    try:
        array = np.asarray(x)
    except (ValueError, TypeError):
        raise ValueError(f"{label}: input is not a rectangular batch of numbers") from None
    if array.dtype.kind not in "fiub":
        bad = next((v for v in array.ravel() if isinstance(v, (str, bytes)) or v is None
                    or not isinstance(v, numbers.Real)), array.ravel()[0] if array.size else None)
        row = int(np.argmax([_pure._bad_number(_pure.as_values(r)) is not None for r in array])) \
            if array.ndim >= 1 and len(array) else 0
        raise ValueError(f"{label}: example {row} of the batch holds {bad!r:.40} ({type(bad).__name__}), "
                         f"not a number")
    return as_array(array)


def check_batch(x, label: str, features: int, params=None, n_out: int = None) -> np.ndarray:
    """Dense.forward: x is a batch of shape (N, features) holding numbers; returns it as an array.
    With params: W is still (features, n_out) and b (n_out,)."""
    if params is not None:
        check_dense_params(label, params, features, n_out)
    x = as_numbers(x, label)
    if x.ndim != 2 or x.shape[1] != features:
        raise ValueError(f"{label}: expected input of shape (N, {features}), got {x.shape}")
    return x


def check_dense_params(label: str, params: dict, n_in: int, n_out: int) -> None:
    """Dense.forward: W is still (n_in, n_out) and b (n_out,) (someone may have replaced params['W'])."""
    for name, dims in (("W", (n_in, n_out)), ("b", (n_out,))):
        found = tuple(np.shape(params[name])) if name in params else dims
        if found != dims:
            raise ValueError(f"{label}: params[{name!r}] has shape {found}, but the layer "
                             f"needs {dims} (was it replaced by a tensor of another shape?)")


def check_backward(grad_out, label: str, x, features: int) -> None:
    """Dense.backward: forward() ran first (it kept x), and grad_out has the shape (N, features)."""
    if x is None:
        raise RuntimeError(f"{label}: backward() called before forward()")
    expected = (len(x), features)
    if grad_out.shape != expected:
        raise ValueError(f"{label}: expected grad_out of shape {expected}, got {grad_out.shape}")


# ---------------------------------------------------------------- losses.py


def check_same_shape(loss: str, pred, target):
    """MSE, BinaryCrossEntropy: predictions and targets of one shape; returns them as arrays."""
    pred, target = as_array(pred), as_array(target)
    if pred.ndim == 0 or len(pred) == 0:
        raise ValueError(f"{loss}: an empty batch (no predictions); the mean over no examples is undefined")
    if pred.shape != target.shape:
        raise ValueError(f"{loss}: predictions have shape {pred.shape} but targets have "
                         f"shape {target.shape}; they must match (for class labels use CrossEntropy, "
                         f"or one_hot(labels, n_classes))")
    return pred, target


def check_probabilities(pred, target) -> None:
    """BinaryCrossEntropy: predictions and targets in [0, 1]."""
    if np.any(~((pred >= 0.0) & (pred <= 1.0))):
        bad = pred[~((pred >= 0.0) & (pred <= 1.0))][0]
        raise ValueError(f"BinaryCrossEntropy: predictions must be probabilities in [0, 1], "
                         f"got {bad!r} (add a Sigmoid layer before this loss)")
    if np.any(~((target >= 0.0) & (target <= 1.0))):
        bad = target[~((target >= 0.0) & (target <= 1.0))][0]
        raise ValueError(f"BinaryCrossEntropy: targets must be in [0, 1], got {bad!r}")


def check_sequence_targets(pred, target) -> None:
    """CrossEntropy on sequences: N sequences of logits (T_n, C) and N sequences of T_n classes."""
    if isinstance(target, (str, bytes)) or not hasattr(target, "__len__") or len(target) != len(pred):
        raise ValueError(f"CrossEntropy: {len(pred)} sequences of logits need {len(pred)} sequences of "
                         f"targets (one class per step), got {target!r:.60}")
    for n, (logits, classes) in enumerate(zip(pred, target)):
        length = len(logits)
        if length == 0:
            raise ValueError(f"CrossEntropy: sequence {n} of logits is empty")
        if np.ndim(classes) != 1 or len(classes) != length:
            got = len(classes) if np.ndim(classes) == 1 else f"shape {np.shape(classes)}"
            raise ValueError(f"CrossEntropy: sequence {n} has {length} steps of logits but {got} targets "
                             f"(logits (N, T, C) need targets (N, T), one class per step)")


def class_indices(target, n: int, classes: int) -> np.ndarray:
    """CrossEntropy targets, checked: n integers in 0..classes-1, as an int64 array.

    >>> class_indices([2, 0.0], 2, 3).tolist()
    [2, 0]
    """
    if isinstance(target, (str, float)) or not hasattr(target, "__len__"):
        raise ValueError(f"CrossEntropy: targets must be a sequence of integer class indices, got {target!r:.60}")
    if isinstance(target, (bytes, bytearray)):
        target = np.frombuffer(bytes(target), dtype=np.uint8)
    if isinstance(target, (list, tuple)):           # numpy would read [0, True] as the integers [0, 1]
        flags = [isinstance(y, (bool, np.bool_)) for y in target]
        if any(flags):
            i = flags.index(True)
            raise ValueError(f"CrossEntropy: target {i} is {target[i]!r}; targets must be integer "
                             f"class indices (use MSE with one-hot rows, or argmax them)")
    arr = np.asarray(target) if not isinstance(target, list) or not target or \
        not isinstance(target[0], (list, tuple)) else None
    if arr is None or arr.ndim != 1:
        raise ValueError("CrossEntropy: targets must be integer class indices, one per row (got rows, "
                         "one-hot?); use MSE with one-hot rows, or argmax them")
    if len(arr) != n:
        raise ValueError(f"CrossEntropy: {n} rows of logits but {len(arr)} targets")
    if arr.dtype.kind == "f":
        if not np.all(arr == np.floor(arr)):
            i = int(np.flatnonzero(arr != np.floor(arr))[0])
            raise ValueError(f"CrossEntropy: target {i} is {arr[i]!r}; targets must be integer class indices")
    elif arr.dtype.kind not in "iu" or arr.dtype == np.bool_:
        raise ValueError(f"CrossEntropy: targets must be integer class indices, got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    bad = np.flatnonzero((arr < 0) | (arr >= classes))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"CrossEntropy: target {i} is {arr[i]}, outside the {classes} classes 0..{classes - 1}")
    return arr


def one_hot_indices(labels, n_classes: int) -> np.ndarray:
    """one_hot's labels, checked: integer classes in 0..n_classes-1 (2.0 counts as 2), as int64.

    >>> one_hot_indices([1, 2.0], 3).tolist()
    [1, 2]
    """
    labels = np.asarray(list(labels) if isinstance(labels, (bytes, bytearray)) else labels)
    if labels.dtype.kind not in "iuf" or labels.dtype == np.bool_:
        raise ValueError(f"one_hot: labels must be integer class indices, got dtype {labels.dtype}")
    not_integer = np.flatnonzero(labels != np.floor(labels))
    if not_integer.size:
        i = int(not_integer[0])
        raise ValueError(f"one_hot: label {labels[i]!r} at index {i} is not an integer class index")
    bad = np.flatnonzero((labels < 0) | (labels >= n_classes))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"one_hot: label {labels[i]!r} at index {i} is outside 0..{n_classes - 1}")
    return labels.astype(np.int64)


# ---------------------------------------------------------------- conv.py and recurrent.py: shared


def check_grad_shape(label: str, grad_out, expected: tuple) -> np.ndarray:
    """grad_out as an array, which must have the shape of the output it is the gradient of."""
    grad_out = as_array(grad_out)
    if grad_out.shape != expected:
        raise ValueError(f"{label}: expected grad_out of shape {expected}, got {grad_out.shape}")
    return grad_out


# ---------------------------------------------------------------- conv.py


def check_images(x, label: str) -> np.ndarray:
    """x as an array of shape (N, C, H, W), after checking it is one (rank 4, not ragged, not empty)."""
    dims = check_rectangular(x, label)
    if len(dims) != 4 or 0 in dims:
        raise ValueError(f"{label}: expected a batch of images of shape (N, C, H, W), got shape {tuple(dims)}")
    return as_array(x)


# ---------------------------------------------------------------- recurrent.py


def describe(x) -> str:
    """A short description of a bad input for a message: its shape."""
    try:
        return f"shape {np.shape(x)}"
    except ValueError:
        return f"a ragged list of {len(x)} items"


def _ragged_parts(x, label: str, rank: int, what: str) -> list:
    """The sequences of a ragged list as arrays of the given rank (1: ids, 2: steps of features)."""
    parts = []
    for n, sequence in enumerate(x):
        try:
            part = np.asarray(sequence)
        except ValueError:
            raise ValueError(f"{label}: sequence {n} is not a rectangular array of numbers") from None
        if part.dtype.kind in "SU":          # numpy would read "1.5" as 1.5; strings are not numbers
            raise TypeError(f"{label}: sequence {n} holds strings, not numbers")
        if part.ndim >= 1 and len(part) == 0:
            raise ValueError(f"{label}: sequence {n} is empty; every sequence needs at least one step")
        if part.ndim != rank:
            if part.ndim == rank - 1 and rank == 2:
                raise ValueError(f"{label}: expected a batch of sequences (N, T, features), but sequence {n} has "
                                 f"shape {part.shape} (rank-2 input: token ids need an Embedding first)")
            raise ValueError(f"{label}: expected {what}, but sequence {n} has shape {part.shape}")
        parts.append(part)
    return parts


def check_sequences(x, label: str, n_features: Optional[int]):
    """A batch of sequences (N, T_n, n_features) as (padded array (N, T, F), lengths (N,), ragged?).

    n_features=None accepts any number of features (the same at every step).
    """
    padded = None
    if not is_ragged(x):
        if isinstance(x, (list, tuple)) and not x:
            raise ValueError(f"{label}: expected a non-empty batch of sequences (N, T, features), got an empty list")
        try:
            padded = as_array(x)
        except (ValueError, TypeError):
            padded = None        # not one array (steps of different widths?): checked sequence by sequence below
    if padded is None:
        parts = _ragged_parts(x, label, 2, "a batch of sequences (N, T, features)")
        lengths = np.array([len(p) for p in parts], dtype=np.int64)
        width = parts[0].shape[1] if n_features is None else n_features
        for n, part in enumerate(parts):
            if part.shape[1] != width:
                raise ValueError(f"{label}: expected {width} features per step, but sequence {n} has "
                                 f"{part.shape[1]}")
        padded = np.zeros((len(parts), int(lengths.max()), width), dtype=DTYPE)
        for n, part in enumerate(parts):
            padded[n, :len(part)] = part
        return padded, lengths, True
    if padded.ndim != 3:
        hint = " (token ids need an Embedding first; one sequence alone needs wrapping: [sequence])" \
            if padded.ndim == 2 else ""
        raise ValueError(f"{label}: expected a batch of sequences (N, T, features), got rank {padded.ndim} "
                         f"input of shape {padded.shape}{hint}")
    if padded.shape[0] == 0:
        raise ValueError(f"{label}: expected a non-empty batch of sequences (N, T, features), got shape "
                         f"{padded.shape}")
    if padded.shape[1] == 0:
        raise ValueError(f"{label}: sequence 0 is empty; every sequence needs at least one step")
    if n_features is not None and padded.shape[2] != n_features:
        raise ValueError(f"{label}: expected {n_features} features per step, but sequence 0 step 0 has "
                         f"{padded.shape[2]}")
    return padded, np.full(len(padded), padded.shape[1], dtype=np.int64), False


def check_token_ids(x, label: str, vocab_size: int):
    """A batch of token ids (N, T_n) as (padded int array (N, T), lengths (N,), ragged?).

    Padding uses id 0; the mask keeps it out of every result. Floats with
    integer values (3.0) are accepted, as in the pure twin.
    """
    if is_ragged(x):
        parts = _ragged_parts(x, label, 1, "token ids (N, T)")
        lengths = np.array([len(p) for p in parts], dtype=np.int64)
        ids = np.zeros((len(parts), int(lengths.max())), dtype=np.int64)
        for n, part in enumerate(parts):
            ids[n, :len(part)] = _integer_ids(part, label, vocab_size, n)
        return ids, lengths, True
    if isinstance(x, (list, tuple)) and not x:
        raise ValueError(f"{label}: expected a non-empty batch of token-id sequences (N, T), got an empty list")
    try:
        arr = np.asarray(x)
    except ValueError:
        raise ValueError(f"{label}: expected a batch of token-id sequences (N, T), got a ragged nest") from None
    if arr.ndim != 2:
        hint = " (one-hot or feature vectors go straight into RNN/LSTM)" if arr.ndim == 3 else ""
        raise ValueError(f"{label}: expected token ids (N, T), got rank {arr.ndim} input of shape "
                         f"{arr.shape}{hint}")
    if arr.shape[0] == 0:
        raise ValueError(f"{label}: expected a non-empty batch of token-id sequences (N, T), got shape {arr.shape}")
    if arr.shape[1] == 0:
        raise ValueError(f"{label}: sequence 0 is empty; every sequence needs at least one token")
    ids = np.stack([_integer_ids(row, label, vocab_size, n) for n, row in enumerate(arr)])
    return ids, np.full(len(arr), arr.shape[1], dtype=np.int64), False


def _integer_ids(part, label, vocab_size, n):
    """One sequence of ids checked: integers (or integer-valued floats) in 0..vocab_size-1."""
    if part.dtype == np.bool_ or part.dtype.kind not in "iuf":
        raise ValueError(f"{label}: token ids must be integers, but sequence {n} holds {part.dtype} values")
    if part.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(part) | (part != np.floor(part)))
        if bad.size:
            raise ValueError(f"{label}: token ids must be integers, but sequence {n} step {int(bad[0])} "
                             f"is {part[bad[0]]!r}")
    outside = np.flatnonzero((part < 0) | (part >= vocab_size))
    if outside.size:
        t = int(outside[0])
        value = part[t].item()
        raise ValueError(f"{label}: token id {int(value) if float(value).is_integer() else value!r} at "
                         f"sequence {n} step {t} is outside the vocabulary 0..{vocab_size - 1}")
    return part.astype(np.int64)


def check_steps_like(grad_out, lengths, width: int, label: str) -> np.ndarray:
    """grad_out shaped like a sequence output (lengths[n] steps of width), padded to (N, T, width)."""
    try:
        padded, got, _ = check_sequences(grad_out, label, width)
    except ValueError as e:
        raise ValueError(f"{label}: grad_out does not have the output's shape: {e}") from None
    if len(got) != len(lengths) or np.any(got != lengths):
        raise ValueError(f"{label}: grad_out has sequences of lengths {got.tolist()}, but the output had "
                         f"{lengths.tolist()}")
    return padded


def check_rows_like(grad_out, n: int, width: int, label: str) -> np.ndarray:
    """grad_out of shape (n, width), like a many-to-one output."""
    try:
        grad_out = as_array(grad_out)
    except (ValueError, TypeError):
        raise ValueError(f"{label}: expected grad_out of shape {(n, width)}, got a ragged nest") from None
    if grad_out.shape != (n, width):
        raise ValueError(f"{label}: expected grad_out of shape {(n, width)}, got shape {grad_out.shape}")
    return grad_out


def check_recurrent_grad(layer, grad_out) -> np.ndarray:
    """An RNN's or LSTM's grad_out as a padded array: every step's (N, T, H), or the last state's (N, H)."""
    if layer.return_sequences:
        return check_steps_like(grad_out, layer.lengths, layer.n_hidden, layer.label)
    return check_rows_like(grad_out, len(layer.lengths), layer.n_hidden, layer.label)


def check_row_layer(layer, excluded: tuple):
    """TimeDistributed's inner layer: one that works on rows (not a sequence layer)."""
    if not isinstance(layer, Layer) or isinstance(layer, excluded):
        raise ValueError(f"TimeDistributed: expected a layer that works on rows (Dense, an activation, "
                         f"Dropout), got {layer!r:.60}")


def check_lengths_like(grad_out, lengths, label: str):
    """TimeDistributed's grad_out as (padded array, lengths): sequences of the output's lengths."""
    padded, got, _ = check_sequences(grad_out, label, None)
    if len(got) != len(lengths) or np.any(got != lengths):
        raise ValueError(f"{label}: grad_out must hold sequences of lengths {lengths.tolist()}, "
                         f"like the output, got lengths {got.tolist()}")
    return padded, got

# ---------------------------------------------------------------- network.py and training.py: the data and arguments
# The same checks and messages as the pure twin's (pure/checks.py); only the scan of the
# inputs differs: an array of numbers passes at once, anything else is read example by
# example to name the first bad one. Arrays are kept as they are (no conversion).


def check_examples(data, name: str, where: str, same_shape: bool = True) -> None:
    """Every example holds only numbers, and (same_shape) has the shape of example 0 (see pure/checks.py)."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "fiub":
        return
    if same_shape and isinstance(data, (list, tuple)):
        try:
            if np.asarray(data).dtype.kind in "fiub":
                return
        except (ValueError, TypeError):      # ragged: the example by example scan names the first odd one
            pass
    _pure.check_examples(data, name, where, same_shape)


def _keep(data):
    return data


def check_fit_call(model, x, y, loss, optimizer, validation_data, *options):
    return _pure.check_fit_call(model, x, y, loss, optimizer, validation_data, *options, scan=check_examples,
                                convert=_keep)


def check_predict_call(model, x, batch_size):
    return _pure.check_predict_call(model, x, batch_size, scan=check_examples, convert=_keep)


def check_evaluate_call(model, x, y, loss, batch_size):
    return _pure.check_evaluate_call(model, x, y, loss, batch_size, convert=_keep)


check_layer_list = _pure.check_layer_list
check_lr_after_epoch = _pure.check_lr_after_epoch
