"""Input checks, kept in one place so that the layers can show their math first.

A layer, loss or optimizer checks what it is given with one call to a function
here, e.g. `check_batch(x, self.label, self.n_in)` at the top of Dense.forward.
Each check either returns quietly (some return what they measured, such as a
shape) or raises ValueError with a message that names the layer, argument or
example and says what was wrong. None of them changes its input.

The vectorized twin has a module of the same name with the same functions
(the same messages) for numpy arrays. New checks belong here too, in the
section of the module that uses them.
"""
from __future__ import annotations

import array
import math
import numbers
import os
import warnings
from typing import List, Optional, Tuple

from .base import Layer
from .ops import flatten, shape

# ---------------------------------------------------------------- what a value is (the same on every Python)

# MicroPython's built-in sequences answer hasattr(x, "__len__") and hasattr(x, "__getitem__") with False:
# they are named here (on CPython they have both, so the answers do not change).
SEQUENCES = (list, tuple, bytes, bytearray, range, array.array)


def has_len(x) -> bool:
    """True when len(x) is defined (a list, tuple, bytes, array, or any object with __len__)."""
    return isinstance(x, SEQUENCES) or hasattr(x, "__len__")


def has_getitem(x) -> bool:
    """True when x[i] is defined (a list, tuple, bytes, array, or any object with __getitem__)."""
    return isinstance(x, SEQUENCES) or hasattr(x, "__getitem__")


def is_whole(v: float) -> bool:
    """float.is_integer (which MicroPython's float lacks): finite with no fractional part.

    >>> is_whole(2.0), is_whole(2.5), is_whole(math.inf)
    (True, False, False)
    """
    return math.isfinite(v) and v == math.floor(v)

# ---------------------------------------------------------------- tensors (all layers)


def check_rectangular(x, name: str) -> tuple:
    """Return shape(x) after checking that every row has the same length.

    A ragged batch (one row shorter than the others) would otherwise be read
    silently and wrongly; this names the offending row instead.

    >>> check_rectangular([[1.0, 2.0], [3.0, 4.0]], "Dense(2, 1)")
    (2, 2)
    """
    dims = shape(x)
    if len(dims) >= 2:
        for i, row in enumerate(x):
            if not isinstance(row, (list, tuple)) or len(row) != dims[1]:
                got = len(row) if isinstance(row, (list, tuple)) else type(row).__name__
                raise ValueError(f"{name}: row {i} has length {got}, expected {dims[1]} "
                                 f"(input must be a rectangular batch of shape {dims})")
    return dims


def check_nonempty_batch(x, label: str) -> None:
    """An activation's input: a non-empty batch (nested lists)."""
    if not isinstance(x, list) or not x:
        raise ValueError(f"{label}: expected a non-empty batch, got {x!r:.60}")


def require_forward(label: str, memory) -> None:
    """RuntimeError when backward() runs before forward() left what backward needs (None or False)."""
    if memory is None or memory is False:
        raise RuntimeError(f"{label}: backward() called before forward()")


def check_same_shape_as_output(grad_out, y, label: str) -> None:
    """backward(grad_out) of an element-wise layer: forward() ran, and grad_out has the output's shape."""
    require_forward(label, y)
    if shape(grad_out) != shape(y):
        raise ValueError(f"{label}: grad_out has shape {shape(grad_out)}, "
                         f"but the output had shape {shape(y)}")


# ---------------------------------------------------------------- layers.py


def check_dense_sizes(n_in, n_out) -> None:
    """Dense(n_in, n_out): two positive integers, and W (n_in, n_out) and b (n_out,) within the budget."""
    for name, value in (("n_in", n_in), ("n_out", n_out)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"Dense: {name} must be a positive integer, got {value!r}")
    check_param_budget(f"Dense({n_in}, {n_out})", (n_in, n_out), (n_out,))


def check_dense_params(label: str, params: dict, n_in: int, n_out: int) -> None:
    """Dense.forward: W is still (n_in, n_out) and b (n_out,) (someone may have replaced params['W']).

    Only the outer lengths and the first row are looked at: a cheap check, once per batch."""
    for name, dims in (("W", (n_in, n_out)), ("b", (n_out,))):
        found = tuple(getattr(params[name], "shape", None) or shape(params[name])) if name in params else dims
        if found != dims:
            raise ValueError(f"{label}: params[{name!r}] has shape {found}, but the layer "
                             f"needs {dims} (was it replaced by a tensor of another shape?)")


def check_batch(x, label: str, features: int, params=None, n_out: int = None):
    """Dense.forward: x is a rectangular batch of shape (N, features) holding numbers; returns it
    (a numpy array as its values). With params: W is still (features, n_out) and b (n_out,)."""
    if params is not None:
        check_dense_params(label, params, features, n_out)
    x = as_values(x)
    dims = check_rectangular(x, label)
    if len(dims) != 2 or dims[1] != features:
        raise ValueError(f"{label}: expected input of shape (N, {features}), got {dims}")
    for i, row in enumerate(x):
        bad = _bad_number(row)
        if bad is not None:
            raise ValueError(f"{label}: example {i} of the batch holds {_describe(bad[0])} "
                             f"({type(bad[0]).__name__}), not a number")
    return x


def check_backward(grad_out, label: str, x, features: int) -> None:
    """Dense.backward: forward() ran first (it kept x), and grad_out has the shape (N, features)."""
    if x is None:
        raise RuntimeError(f"{label}: backward() called before forward()")
    expected = (len(x), features)
    if shape(grad_out) != expected:
        raise ValueError(f"{label}: expected grad_out of shape {expected}, got {shape(grad_out)}")


def check_dropout_rate(p) -> None:
    if not (isinstance(p, (int, float)) and 0.0 <= p < 1.0):
        raise ValueError(f"Dropout: p must be in [0, 1), got {p!r}")


def check_flatten_input(dims: tuple, label: str) -> None:
    if len(dims) < 2:
        raise ValueError(f"{label}: expected a batch of shape (N, ...), got {dims}")


def check_features(input_shape, label: str, features: int) -> None:
    """Sequential, when built: the previous layer gives `features` numbers per example."""
    if input_shape is not None and tuple(input_shape) != (features,):
        raise ValueError(f"{label}: expects {features} features per example, "
                         f"but the previous layer gives shape {tuple(input_shape)}")


# ---------------------------------------------------------------- losses.py


def check_same_shape(loss: str, pred, target):
    """MSE, BinaryCrossEntropy: predictions and targets of one shape, not empty; returns them
    (numpy arrays as their values)."""
    pred, target = as_values(pred), as_values(target)
    p = check_rectangular(pred, f"{loss} predictions")
    if not p or p[0] == 0:
        raise ValueError(f"{loss}: an empty batch (no predictions); the mean over no examples is undefined")
    t = shape(target)
    if p != t:
        raise ValueError(f"{loss}: predictions have shape {p} but targets have "
                         f"shape {t}; they must match (for class labels use CrossEntropy, "
                         f"or one_hot(labels, n_classes))")
    return pred, target


def check_probabilities(pred, target) -> None:
    """BinaryCrossEntropy: predictions and targets in [0, 1]."""
    p_flat, t_flat = flatten(pred), flatten(target)
    for p in p_flat:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"BinaryCrossEntropy: predictions must be probabilities in [0, 1], "
                             f"got {p!r} (add a Sigmoid layer before this loss)")
    for t in t_flat:
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"BinaryCrossEntropy: targets must be in [0, 1], got {t!r}")


def check_logits(dims: tuple) -> None:
    if not dims or dims[0] == 0:
        raise ValueError("CrossEntropy: an empty batch (no logits); the mean over no examples is undefined")
    if len(dims) != 2:
        raise ValueError(f"CrossEntropy: logits must have shape (N, classes), got {dims}")


def check_sequence_targets(pred, target) -> None:
    """CrossEntropy on sequences: N sequences of logits (T_n, C) and N sequences of T_n classes."""
    if isinstance(target, (str, bytes)) or not has_len(target) or len(target) != len(pred):
        raise ValueError(f"CrossEntropy: {len(pred)} sequences of logits need {len(pred)} sequences of "
                         f"targets (one class per step), got {target!r:.60}")
    for n, (logits, classes) in enumerate(zip(pred, target)):
        if not isinstance(logits, (list, tuple)) or not logits:
            raise ValueError(f"CrossEntropy: sequence {n} of logits is empty or not a sequence of rows")
        if not isinstance(classes, (list, tuple)) or len(classes) != len(logits):
            got = len(classes) if isinstance(classes, (list, tuple)) else repr(classes)
            raise ValueError(f"CrossEntropy: sequence {n} has {len(logits)} steps of logits but {got} targets "
                             f"(logits (N, T, C) need targets (N, T), one class per step)")


def class_indices(target, n: int, classes: int) -> List[int]:
    """CrossEntropy targets, checked: n integers in 0..classes-1 (bytes and array('B') work).

    >>> class_indices([2, 0.0], 2, 3)
    [2, 0]
    """
    if isinstance(target, (str, float)) or not has_len(target):
        raise ValueError(f"CrossEntropy: targets must be a sequence of integer class indices, got {target!r:.60}")
    if len(target) != n:
        raise ValueError(f"CrossEntropy: {n} rows of logits but {len(target)} targets")
    out = []
    for i, y in enumerate(target):
        if isinstance(y, bool) or not isinstance(y, numbers.Integral):
            if isinstance(y, float) and is_whole(y):
                y = int(y)
            else:
                kind = "a row (one-hot?)" if isinstance(y, (list, tuple)) else repr(y)
                raise ValueError(f"CrossEntropy: target {i} is {kind}; targets must be integer "
                                 f"class indices (use MSE with one-hot rows, or argmax them)")
        if not 0 <= y < classes:
            raise ValueError(f"CrossEntropy: target {i} is {y}, outside the {classes} classes 0..{classes - 1}")
        out.append(int(y))
    return out


def one_hot_indices(labels, n_classes: int) -> List[int]:
    """one_hot's labels, checked: integer classes in 0..n_classes-1 (2.0 counts as 2).

    >>> one_hot_indices([1, 2.0], 3)
    [1, 2]
    """
    out = []
    for i, label in enumerate(labels):
        if isinstance(label, float) and is_whole(label):
            label = int(label)                       # 2.0 is class 2, as in CrossEntropy
        if isinstance(label, bool) or not isinstance(label, numbers.Integral):
            raise ValueError(f"one_hot: label {label!r} at index {i} is not an integer class index")
        if not (0 <= label < n_classes):
            raise ValueError(f"one_hot: label {label!r} at index {i} is outside 0..{n_classes - 1}")
        out.append(label)
    return out


# ---------------------------------------------------------------- optimizers.py and init.py


def check_lr(name: str, lr) -> float:
    """A learning rate: a positive finite number (returned as a float)."""
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0 or not math.isfinite(lr):
        raise ValueError(f"{name}: learning rate must be a positive finite number, got {lr!r}")
    return float(lr)


def check_fraction(owner: str, name: str, value) -> None:
    """A momentum or a beta: in [0, 1)."""
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{owner}: {name} must be in [0, 1), got {value!r}")


def check_nonnegative(owner: str, name: str, value) -> None:
    if not value >= 0.0:
        raise ValueError(f"{owner}: {name} must be >= 0, got {value!r}")


def check_positive(owner: str, name: str, value) -> None:
    if not value > 0:
        raise ValueError(f"{owner}: {name} must be > 0, got {value!r}")


def check_alpha(owner: str, alpha) -> float:
    """LeakyReLU's and ELU's alpha: a finite real number; returns it as a float."""
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not math.isfinite(alpha):
        raise ValueError(f"{owner}: alpha must be a finite number, got {alpha!r:.40}")
    return float(alpha)


def check_uniform_bounds(a, b) -> None:
    if not a <= b:
        raise ValueError(f"Uniform initializer: need a <= b, got a={a!r}, b={b!r}")


# ---------------------------------------------------------------- training.py


def check_fit_arguments(n: int, y, batch_size, epochs, optimizer, checkpoint, checkpoint_every, resume) -> int:
    """fit's arguments; returns the batch size (None means the whole set in one batch)."""
    if n == 0:
        raise ValueError("fit: no training examples")
    if len(y) != n:
        raise ValueError(f"fit: {n} inputs but {len(y)} targets")
    if batch_size is None:
        batch_size = n
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"fit: batch_size must be a positive integer, got {batch_size!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive integer (the passes over the data), got {epochs!r}")
    if not optimizer.lr > 0:
        raise ValueError(f"fit: learning rate must be positive, got {optimizer.lr!r}")
    if isinstance(checkpoint_every, bool) or not isinstance(checkpoint_every, int) or checkpoint_every < 1:
        raise ValueError(f"fit: checkpoint_every must be a positive integer, got {checkpoint_every!r}")
    if checkpoint is not None and not os.path.isdir(os.path.dirname(os.path.abspath(checkpoint))):
        raise ValueError(f"fit: the folder of checkpoint={os.fspath(checkpoint)!r} does not exist")
    if resume is True and checkpoint is None:
        raise ValueError("fit: resume=True continues from the checkpoint= file; give checkpoint= too "
                         "(or resume=<path of a checkpoint>)")
    return batch_size


# ---------------------------------------------------------------- conv.py and recurrent.py: shared


def check_sizes(name: str, **sizes) -> None:
    """Each size must be a positive integer: check_sizes("RNN", n_in=3, n_hidden=0) raises.

    >>> check_sizes("RNN", n_in=3, n_hidden=0)
    Traceback (most recent call last):
    ValueError: RNN: n_hidden must be a positive integer, got 0
    """
    for key, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}: {key} must be a positive integer, got {value!r}")


# The most parameters one layer may have. A typo such as Dense(10**6, 10**6) (10**12 weights) would
# otherwise fill all memory, over minutes, before failing. Both twins read this one setting:
# for a genuine bigger layer, raise it:  import pure.checks; pure.checks.MAX_LAYER_PARAMS = 10**9
MAX_LAYER_PARAMS = 20_000_000


def check_param_budget(label: str, *shapes) -> None:
    """A layer about to allocate tensors of these shapes: at most MAX_LAYER_PARAMS numbers in all.

    >>> check_param_budget("RNN(5000, 5000)", (5000, 5000), (5000, 5000), (5000,))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: RNN(5000, 5000): 50,005,000 parameters, more than the budget of 20,000,000 per layer ...
    """
    total = 0
    for dims in shapes:
        n = 1
        for d in dims:
            n *= d
        total += n
    if total > MAX_LAYER_PARAMS:
        raise ValueError(f"{label}: {total:,} parameters, more than the budget of {MAX_LAYER_PARAMS:,} per layer "
                         f"(pure.checks.MAX_LAYER_PARAMS); a typo? For a genuine layer this big, raise "
                         f"pure.checks.MAX_LAYER_PARAMS (both twins read it)")


def check_grad_shape(label: str, grad_out, expected: tuple) -> None:
    """grad_out must have the shape of the output it is the gradient of."""
    if shape(grad_out) != expected:
        raise ValueError(f"{label}: expected grad_out of shape {expected}, got {shape(grad_out)}")


# ---------------------------------------------------------------- conv.py


def pair(value, name: str, owner: str, minimum: int = 1) -> Tuple[int, int]:
    """A size given as one int or as (height, width), as a pair.

    >>> pair(3, "kernel_size", "Conv2D"), pair((3, 5), "kernel_size", "Conv2D")
    ((3, 3), (3, 5))
    """
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) and v >= minimum
                                   for v in values):
        raise ValueError(f"{owner}: {name} must be an integer >= {minimum} or a pair (height, width) "
                         f"of them, got {value!r}")
    return values


def output_size(size: int, kernel: int, stride: int, padding: int = 0) -> int:
    """How many positions a window of `kernel` takes along `size` (+ padding both sides), `stride` apart.

    >>> output_size(28, 3, 1), output_size(26, 2, 2), output_size(32, 3, 2, padding=1)
    (26, 13, 16)
    """
    return (size + 2 * padding - kernel) // stride + 1


def _per_example(label: str, input_shape, what: str) -> Tuple[int, int, int]:
    dims = tuple(input_shape)
    if len(dims) != 3:
        raise ValueError(f"{label}: expects images, shape (C, H, W) per example (batches (N, C, H, W)); "
                         f"{what} shape {dims} per example")
    return dims


def conv_output_shape(label: str, input_shape, in_channels: int, out_channels: int,
                      kernel: Tuple[int, int], stride: Tuple[int, int], padding: Tuple[int, int]):
    """Per-example output shape (out_channels, H', W') of a convolution, or ValueError naming the layer."""
    if input_shape is None:
        return (out_channels, None, None)          # image size unknown until the first batch
    c, h, w = _per_example(label, input_shape, "the previous layer gives")
    if c != in_channels:
        raise ValueError(f"{label}: expects {in_channels} input channel(s), but the input has {c} "
                         f"(shape {(c, h, w)} per example)")
    if h is None or w is None:
        return (out_channels, None, None)
    (kh, kw), (ph, pw) = kernel, padding
    if kh > h + 2 * ph or kw > w + 2 * pw:
        raise ValueError(f"{label}: kernel {kh}x{kw} is larger than the padded image "
                         f"{h + 2 * ph}x{w + 2 * pw} (image {h}x{w}, padding {ph}, {pw})")
    return (out_channels, output_size(h, kh, stride[0], ph), output_size(w, kw, stride[1], pw))


def pool_output_shape(label: str, input_shape, size: Tuple[int, int], stride: Tuple[int, int]):
    """Per-example output shape (C, H', W') of a pooling layer, or ValueError naming the layer."""
    if input_shape is None:
        return None
    c, h, w = _per_example(label, input_shape, "the previous layer gives")
    if h is None or w is None:
        return (c, None, None)
    if size[0] > h or size[1] > w:
        raise ValueError(f"{label}: window {size[0]}x{size[1]} is larger than the image {h}x{w}")
    return (c, output_size(h, size[0], stride[0]), output_size(w, size[1], stride[1]))


def check_images(x, label: str) -> Tuple[int, int, int, int]:
    """(N, C, H, W) of a batch of images, after checking it is one (rank 4, no ragged rows)."""
    dims = shape(x)
    if len(dims) != 4 or 0 in dims:
        raise ValueError(f"{label}: expected a batch of images of shape (N, C, H, W), got shape {dims}")
    n, c, h, w = dims
    for example in x:
        if (not isinstance(example, (list, tuple)) or len(example) != c
                or any(not isinstance(plane, (list, tuple)) or len(plane) != h
                       or any(not isinstance(row, (list, tuple)) or len(row) != w for row in plane)
                       for plane in example)):
            raise ValueError(f"{label}: ragged batch: every example must be {c} x {h} x {w} "
                             f"(channels x rows x columns), like the first")
    return dims


# ---------------------------------------------------------------- recurrent.py


def describe(x) -> str:
    """A short description of a bad input for a message: its shape, or the start of its repr."""
    return f"shape {shape(x)}" if isinstance(x, list) else repr(x)[:60]


def check_sequences(x, label: str, n_features: Optional[int]) -> List[int]:
    """Check a batch of sequences of shape (N, T_n, n_features) and return the lengths T_n.

    n_features=None accepts any number of features (the same at every step).

    >>> check_sequences([[[1.0, 0.0], [0.0, 1.0]], [[0.5, 0.5]]], "RNN(2, 4)", 2)
    [2, 1]
    """
    if not isinstance(x, (list, tuple)) or not x:
        raise ValueError(f"{label}: expected a non-empty batch of sequences (N, T, features), "
                         f"got {describe(x)}")
    lengths = []
    for n, sequence in enumerate(x):
        if not isinstance(sequence, (list, tuple)):
            raise ValueError(f"{label}: expected a batch of sequences (N, T, features), but example {n} "
                             f"is {sequence!r:.40}, not a sequence (one sequence alone? wrap it: [sequence])")
        if not sequence:
            raise ValueError(f"{label}: sequence {n} is empty; every sequence needs at least one step")
        for t, step in enumerate(sequence):
            if not isinstance(step, (list, tuple)):
                raise ValueError(f"{label}: expected a batch of sequences (N, T, features), but sequence {n} "
                                 f"step {t} is the number {step!r:.40} (rank-2 input: token ids need an "
                                 f"Embedding first; one sequence of vectors needs wrapping: [sequence])")
            if step and isinstance(step[0], (list, tuple)):
                raise ValueError(f"{label}: expected a batch of sequences (N, T, features), got rank "
                                 f"{len(shape(x))} input of shape {shape(x)}")
            if n_features is None:
                n_features = len(step)
            if len(step) != n_features:
                raise ValueError(f"{label}: expected {n_features} features per step, but sequence {n} "
                                 f"step {t} has {len(step)}")
        lengths.append(len(sequence))
    return lengths


def check_token_ids(x, label: str, vocab_size: int) -> List[int]:
    """Check a batch of token-id sequences (N, T_n) and return the lengths T_n.

    An id is an integer in 0..vocab_size-1 (a float with an integer value, such
    as 3.0, is accepted too: that is what a numpy array of ids turns into).
    """
    if not isinstance(x, (list, tuple)) or not x:
        raise ValueError(f"{label}: expected a non-empty batch of token-id sequences (N, T), got {describe(x)}")
    lengths = []
    for n, sequence in enumerate(x):
        if not isinstance(sequence, (list, tuple)):
            raise ValueError(f"{label}: expected a batch of token-id sequences (N, T), but example {n} is "
                             f"{sequence!r:.40} (one sequence alone? wrap it: [ids])")
        if not sequence:
            raise ValueError(f"{label}: sequence {n} is empty; every sequence needs at least one token")
        for t, token in enumerate(sequence):
            if isinstance(token, (list, tuple)):
                raise ValueError(f"{label}: expected token ids (N, T), but sequence {n} step {t} is a vector "
                                 f"(rank-3 input; one-hot or feature vectors go straight into RNN/LSTM)")
            if isinstance(token, bool) or not (isinstance(token, numbers.Integral)
                                               or (isinstance(token, float) and is_whole(token))):
                raise ValueError(f"{label}: token ids must be integers, but sequence {n} step {t} is {token!r}")
            if not 0 <= token < vocab_size:
                raise ValueError(f"{label}: token id {token!r} at sequence {n} step {t} is outside the "
                                 f"vocabulary 0..{vocab_size - 1}")
        lengths.append(len(sequence))
    return lengths


def check_steps_like(grad_out, lengths: List[int], width: int, label: str) -> None:
    """Check that grad_out has the shape of a sequence output: N sequences of lengths[n] rows of width."""
    if not isinstance(grad_out, (list, tuple)) or len(grad_out) != len(lengths):
        raise ValueError(f"{label}: grad_out must hold {len(lengths)} sequences like the output, "
                         f"got {describe(grad_out)}")
    for n, (sequence, length) in enumerate(zip(grad_out, lengths)):
        if not isinstance(sequence, (list, tuple)) or len(sequence) != length:
            got = len(sequence) if isinstance(sequence, (list, tuple)) else sequence
            raise ValueError(f"{label}: grad_out sequence {n} has {got!r:.20} steps, but the output had {length}")
        for t, row in enumerate(sequence):
            if not isinstance(row, (list, tuple)) or len(row) != width:
                raise ValueError(f"{label}: grad_out sequence {n} step {t} should hold {width} numbers")


def check_rows_like(grad_out, n: int, width: int, label: str) -> None:
    """Check that grad_out has shape (n, width), like a many-to-one output."""
    if shape(grad_out) != (n, width) or any(not isinstance(row, (list, tuple)) or len(row) != width
                                            for row in grad_out):
        raise ValueError(f"{label}: expected grad_out of shape {(n, width)}, got {describe(grad_out)}")


def check_recurrent_grad(layer, grad_out) -> None:
    """An RNN's or LSTM's grad_out: every step's (return_sequences) or the last state's, (N, n_hidden)."""
    if layer.return_sequences:
        check_steps_like(grad_out, layer.lengths, layer.n_hidden, layer.label)
    else:
        check_rows_like(grad_out, len(layer.lengths), layer.n_hidden, layer.label)


def recurrent_output_shape(layer, input_shape):
    """One example's output shape for RNN and LSTM; None when the number of steps is unknown."""
    if input_shape is not None and (len(input_shape) != 2 or input_shape[-1] != layer.n_in):
        raise ValueError(f"{layer.label}: expects sequences of steps with {layer.n_in} features, (T, {layer.n_in}) "
                         f"per example, but the previous layer gives shape {tuple(input_shape)}")
    if not layer.return_sequences:
        return (layer.n_hidden,)
    return None if input_shape is None else (input_shape[0], layer.n_hidden)


def embedding_output_shape(layer, input_shape):
    """One example's output shape for Embedding: (T, dim) for (T,) token ids."""
    if input_shape is not None and len(input_shape) != 1:
        raise ValueError(f"{layer.label}: expects token ids, (T,) per example, but the previous layer "
                         f"gives shape {tuple(input_shape)}")
    return None if input_shape is None else (input_shape[0], layer.dim)


def check_row_layer(layer, excluded: tuple):
    """TimeDistributed's inner layer: one that works on rows (not a sequence layer)."""
    if not isinstance(layer, Layer) or isinstance(layer, excluded):
        raise ValueError(f"TimeDistributed: expected a layer that works on rows (Dense, an activation, "
                         f"Dropout), got {layer!r:.60}")


def check_lengths_like(grad_out, lengths: List[int], label: str) -> None:
    """TimeDistributed's grad_out: sequences of the output's lengths."""
    if not isinstance(grad_out, (list, tuple)) or len(grad_out) != len(lengths) or \
            [len(g) if isinstance(g, (list, tuple)) else -1 for g in grad_out] != lengths:
        raise ValueError(f"{label}: grad_out must hold sequences of lengths {lengths}, "
                         f"like the output, got {describe(grad_out)}")

# ---------------------------------------------------------------- network.py and training.py: the data and arguments


def _describe(value, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def as_values(data):
    """A numpy array given to the pure twin is used as its values (nested lists); anything else as is."""
    if hasattr(data, "tolist") and not isinstance(data, (list, tuple)):
        return data.tolist()
    return data


def check_collection(data, name: str, where: str) -> None:
    """`data` must hold examples by index, with a length: a list, tuple, array, bytes of labels, data.Images.

    None, a dict, a string, a set or a generator is a TypeError naming the argument."""
    if (data is None or isinstance(data, (str, dict, set, frozenset)) or not has_len(data)
            or not has_getitem(data)):
        kind = "a generator or iterator (make it a list)" if hasattr(data, "__next__") else _describe(data)
        raise TypeError(f"{where}: {name} must be a list (or array) of examples, got {kind}")


def _bad_number(value):
    """The first thing in an example that is not a real number (None when all are), recursively."""
    if isinstance(value, (list, tuple)):
        if type(value) is list and all(type(v) is float for v in value):     # the common case, fast
            return None
        for v in value:
            bad = _bad_number(v)
            if bad is not None:
                return bad
        return None
    if isinstance(value, numbers.Real):
        return None
    return (value,)


def check_examples(data, name: str, where: str, same_shape: bool = True) -> None:
    """Every example holds only numbers, and (same_shape) has the shape of example 0.

    Names the example by its index in `data` (its place in the caller's data, not
    in a shuffled batch). Lists, tuples and arrays are read example by example; a
    loader's own sequence type (data.Images: pixels from bytes) holds numbers of one
    shape by construction and is not read twice."""
    if not isinstance(data, (list, tuple)) and not hasattr(data, "tolist"):
        return
    first = None
    for i in range(len(data)):
        example = as_values(data[i])
        bad = _bad_number(example)
        if bad is not None:
            raise ValueError(f"{where}: {name} example {i} holds {_describe(bad[0])} "
                             f"({type(bad[0]).__name__}), not a number")
        if same_shape:
            dims = shape(example)
            if first is None:
                first = dims
            if dims != first or not _is_rectangular(example, dims):
                raise ValueError(f"{where}: {name} example {i} has shape {dims}, but example 0 has shape {first}: "
                                 f"every example must have the same shape")


def _is_rectangular(value, dims) -> bool:
    if not dims:
        return not isinstance(value, (list, tuple))
    if not isinstance(value, (list, tuple)) or len(value) != dims[0]:
        return False
    if len(dims) == 1:
        return not value or not isinstance(value[0], (list, tuple))
    return all(_is_rectangular(v, dims[1:]) for v in value)


def check_class_targets(y, classes, where: str, name: str = "y") -> None:
    """CrossEntropy targets: an integer class index per example (or per time step), in 0..classes-1."""
    for i in range(len(y)):
        target = as_values(y[i])
        for t in (target if isinstance(target, (list, tuple)) else [target]):
            if isinstance(t, bool) or not isinstance(t, numbers.Real) or (
                    not isinstance(t, numbers.Integral) and not is_whole(float(t))):
                raise ValueError(f"{where}: {name} example {i} is {_describe(target)}, not a class index "
                                 f"(an integer 0..{'C-1' if classes is None else classes - 1})")
            if t < 0 or (classes is not None and t >= classes):
                raise ValueError(f"{where}: {name} example {i} is class {_describe(t)}, outside the "
                                 f"{'' if classes is None else f'{classes} '}classes "
                                 f"0..{'C-1' if classes is None else classes - 1}")


def output_classes(model, example_dims):
    """How many classes (the last output size) the model gives for an example of these dims, or None."""
    features = tuple(example_dims) or None
    try:
        for layer in model.layers:
            features = layer.output_shape(features)
    except (ValueError, TypeError):
        return None
    return features[-1] if features and features[-1] is not None else None


def check_loss_object(loss, where: str) -> None:
    """A loss object such as CrossEntropy(): not its class, not a string."""
    if isinstance(loss, type):
        raise TypeError(f"{where}: loss must be a loss object, got the class {loss.__name__}: "
                        f"write {loss.__name__}() (with parentheses)")
    if not (hasattr(loss, "forward") and hasattr(loss, "backward")):
        raise TypeError(f"{where}: loss must be a loss object such as MSE(), BinaryCrossEntropy() or "
                        f"CrossEntropy(), got {_describe(loss)}")


def check_optimizer_object(optimizer, where: str) -> None:
    """An optimizer object such as SGD(0.1): not its class, not a string."""
    if isinstance(optimizer, type):
        raise TypeError(f"{where}: optimizer must be an optimizer object, got the class {optimizer.__name__}: "
                        f"write e.g. {optimizer.__name__}(0.01)")
    if not (hasattr(optimizer, "step") and hasattr(optimizer, "lr")):
        raise TypeError(f"{where}: optimizer must be an optimizer object such as SGD(0.1) or Adam(0.001), "
                        f"got {_describe(optimizer)}")


def check_optimizer_fits(optimizer, model, where: str) -> None:
    """An optimizer's memory (momentum, Adam's moments) must belong to this model's parameters."""
    for (i, name), value in getattr(optimizer, "state", {}).items():
        parts = value if isinstance(value, tuple) else (value,)
        has = i < len(model.layers) and name in model.layers[i].params
        if not has or shape(as_values(parts[0])) != shape(as_values(model.layers[i].params[name])):
            found = shape(as_values(model.layers[i].params[name])) if has else "no such parameter"
            raise ValueError(f"{where}: the optimizer holds state (momentum or moments) for another model: layer {i} "
                             f"parameter {name!r} is {found} here but {shape(as_values(parts[0]))} in its state. "
                             f"Use a new optimizer for each model")


def check_positive_int(where: str, name: str, value, optional: bool = True) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: {name} must be a positive integer{' or None' if optional else ''}, "
                         f"got {_describe(value)}")


def check_number(where: str, name: str, value, low=None, high=None, low_open=False, high_open=False,
                 optional: bool = False) -> None:
    """A finite real number within [low, high] (an end excluded when *_open); None allowed when optional."""
    if value is None and optional:
        return
    ok = (isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
          and (low is None or (value > low if low_open else value >= low))
          and (high is None or (value < high if high_open else value <= high)))
    if not ok:
        lo = "" if low is None else f"{'>' if low_open else '>='} {low}"
        hi = "" if high is None else f"{'<' if high_open else '<='} {high}"
        raise ValueError(f"{where}: {name} must be a finite number {' and '.join(p for p in (lo, hi) if p)}, "
                         f"got {_describe(value)}")


KNOWN_METRICS = ("accuracy",)


def check_fit_options(metrics, validation_data, early_stopping, min_delta, lr_plateau, lr_factor, min_lr,
                      clip_value, clip_norm) -> None:
    """fit's keyword options, all at once, before anything is trained."""
    where = "fit"
    if metrics is not None:
        if isinstance(metrics, str) or not isinstance(metrics, (list, tuple)):
            raise TypeError(f"fit: metrics must be a list such as ['accuracy'] or [], got {_describe(metrics)}")
        unknown = [m for m in metrics if m not in KNOWN_METRICS]
        if unknown:
            raise ValueError(f"fit: metrics {unknown} unknown; this library measures {list(KNOWN_METRICS)}")
    if validation_data is not None and (not isinstance(validation_data, (list, tuple)) or len(validation_data) != 2):
        raise TypeError(f"fit: validation_data must be a pair (x_val, y_val), got {_describe(validation_data)}")
    check_positive_int(where, "early_stopping", early_stopping)
    check_positive_int(where, "lr_plateau", lr_plateau)
    check_number(where, "min_delta", min_delta, low=0)
    check_number(where, "lr_factor", lr_factor, low=0, high=1, low_open=True, high_open=True)
    check_number(where, "min_lr", min_lr, low=0)
    check_number(where, "clip_value", clip_value, low=0, low_open=True, optional=True)
    check_number(where, "clip_norm", clip_norm, low=0, low_open=True, optional=True)


def check_lr_after_epoch(lr, epoch: int) -> None:
    """After a callback ran: the learning rate must still be a positive finite number."""
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not (0 < lr < math.inf):
        raise ValueError(f"fit: after epoch {epoch} the learning rate is {_describe(lr)} (set by the callback?); "
                         f"it must be a positive finite number")


def check_batch_size(where: str, batch_size) -> None:
    check_positive_int(where, "batch_size", batch_size, optional=False)


SEQUENCE_LAYERS = ("RNN", "LSTM", "Embedding", "TimeDistributed")


def takes_sequences(model) -> bool:
    """Does the model take sequences of different lengths (then examples may differ in shape)?"""
    return any(type(layer).__name__ in SEQUENCE_LAYERS for layer in model.layers)


def check_inputs(model, x, where: str, name: str = "x", scan=check_examples, convert=as_values):
    """x for predict/fit/evaluate: a collection of examples holding numbers, of one shape (unless the
    model takes sequences). Returns convert(x): a numpy array given to the pure twin becomes its values."""
    check_collection(x, name, where)
    scan(x, name, where, same_shape=not takes_sequences(model))
    return convert(x)


def check_targets(model, x, y, loss, where: str, name: str = "y", convert=as_values):
    """y: as many targets as examples; class indices in range for CrossEntropy, numbers otherwise.
    Returns convert(y)."""
    check_collection(y, name, where)
    values = as_values(y)
    if len(values) != len(x):
        whose = "" if name == "y" else f"{name.split()[0]} has "
        raise ValueError(f"{where}: {whose}{len(x)} inputs but {len(values)} targets")
    if type(loss).__name__ == "CrossEntropy":
        classes = output_classes(model, shape(as_values(x[0]))) if len(x) else None
        check_class_targets(values, classes, where, name)
    else:
        check_examples(values, name, where, same_shape=False)
    return convert(y)


def check_layer_list(layers) -> list:
    """Sequential's argument: a list (or tuple) of layer objects."""
    if not isinstance(layers, (list, tuple)):
        raise TypeError(f"Sequential: expected a list of layers, got {_describe(layers)}; "
                        f"write Sequential([layer, ...])")
    for i, layer in enumerate(layers):
        if isinstance(layer, type):
            raise TypeError(f"Sequential: item {i} is the class {layer.__name__}, not a layer: "
                            f"write {layer.__name__}() (with parentheses)")
    return list(layers)


def check_predict_call(model, x, batch_size, scan=check_examples, convert=as_values):
    """predict(x, batch_size): returns convert(x)."""
    check_batch_size("predict", batch_size)
    return check_inputs(model, x, "predict", scan=scan, convert=convert)


def check_evaluate_call(model, x, y, loss, batch_size, convert=as_values):
    """evaluate(x, y, loss, batch_size) before it predicts (predict checks x itself): returns convert(y)."""
    check_loss_object(loss, "evaluate")
    check_batch_size("evaluate", batch_size)
    check_collection(x, "x", "evaluate")
    if len(x) == 0:
        raise ValueError("evaluate: x holds no examples; a mean loss and an accuracy over none are undefined")
    return check_targets(model, x, y, loss, "evaluate", convert=convert)


def check_fit_call(model, x, y, loss, optimizer, validation_data, metrics, early_stopping, min_delta, lr_plateau,
                   lr_factor, min_lr, clip_value, clip_norm, scan=check_examples, convert=as_values):
    """Everything fit is given, checked before anything is trained (no weight changes on bad input).

    Returns x, y and validation_data, converted (the pure twin uses a numpy array as its values)."""
    check_loss_object(loss, "fit")
    check_optimizer_object(optimizer, "fit")
    check_fit_options(metrics, validation_data, early_stopping, min_delta, lr_plateau, lr_factor, min_lr,
                      clip_value, clip_norm)
    x = check_inputs(model, x, "fit", scan=scan, convert=convert)
    y = check_targets(model, x, y, loss, "fit", convert=convert)
    if validation_data is not None:
        x_val = check_inputs(model, validation_data[0], "fit", "validation_data x", scan=scan, convert=convert)
        if len(x_val) == 0:
            raise ValueError("fit: validation_data holds no examples; pass None for no validation")
        y_val = check_targets(model, x_val, validation_data[1], loss, "fit", "validation_data y", convert=convert)
        validation_data = (x_val, y_val)
    check_optimizer_fits(optimizer, model, "fit")
    if type(loss).__name__ == "CrossEntropy" and type(model.layers[-1]).__name__ == "Softmax":
        warnings.warn("fit: the model ends with Softmax and the loss is CrossEntropy, which applies softmax to "
                      "logits itself: a double softmax (it learns slowly and badly). Remove the Softmax layer; "
                      "argmax of the logits gives the same predictions", stacklevel=5)     # a UserWarning
    return x, y, validation_data
