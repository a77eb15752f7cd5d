"""Recurrent layers: RNN, LSTM, Embedding, and TimeDistributed to put a layer on every step.

The numpy twin of pure/recurrent.py: the same classes, arguments, parameter
names, drawing order and results; read the pure twin's docstring for the
math. A batch of sequences is an array (N, T, n_in) (token ids: (N, T)), or
a list of N sequences (arrays or lists) that may differ in length.

Variable lengths. Where the pure twin loops over each sequence's own steps,
this twin pads a ragged batch to its longest sequence, T = max T_n, and
keeps a mask (N, T), True on real steps, to run all the sequences at once:

    forward   at a padded step the state is carried through unchanged,
              h_t = where(mask_t, new h_t, h_{t-1}), so the last state of a
              sequence is its state after its own last step;
    backward  a padded step passes dL/dh straight through to h_{t-1} and
              gets dL/da_t = 0, so it adds nothing to any gradient.

So padding changes no output and no gradient: a batch gives what its
sequences give one by one. Outputs come back in the input's form: an array
for an array (or a list of equal-length sequences), a list of N arrays
(T_n, ...) for a ragged list.
"""
from __future__ import annotations

import random
from typing import Optional

import numpy as np

from . import init as initializers
from .activations import sigmoid
from .checks import (check_lengths_like, check_param_budget, check_recurrent_grad, check_row_layer, check_sequences,
                     check_sizes, check_steps_like, check_token_ids, embedding_output_shape, recurrent_output_shape,
                     require_forward)
from .base import Layer
from .ops import DTYPE


def split_steps(rows, lengths) -> list:
    """Cut an array of Σ T_n rows back into N arrays of lengths[n] rows each."""
    return np.split(rows, np.cumsum(lengths)[:-1])


def steps_mask(lengths, T: int) -> np.ndarray:
    """(N, T) booleans: True where step t is a real step of sequence n (t < lengths[n])."""
    return np.arange(T)[None, :] < np.asarray(lengths)[:, None]


def as_sequences(padded, lengths, ragged: bool):
    """A padded (N, T, ...) result in the input's form: the array itself, or N arrays of their own lengths."""
    if not ragged:
        return padded
    return [padded[n, :length] for n, length in enumerate(lengths)]


def _array(nested) -> np.ndarray:
    return np.asarray(nested, dtype=DTYPE)


class RNN(Layer):
    """Vanilla (Elman) recurrent layer: h_t = tanh(x_t Wxh + h_{t-1} Whh + b), with h_0 = 0.

    Shapes: x (N, T, n_in), Wxh (n_in, n_hidden), Whh (n_hidden, n_hidden), b (n_hidden,).
    Output: (N, n_hidden), each sequence's last state, or (N, T, n_hidden) with return_sequences=True.
    BPTT: dL/dh_t = grad_out_t + dL/da_{t+1} · Whhᵀ,  dL/da_t = dL/dh_t ⊙ (1 - h_t²),
    dL/dWxh = Σ_t x_tᵀ da_t,  dL/dWhh = Σ_t h_{t-1}ᵀ da_t,  dL/db = Σ_t da_t,  dL/dx_t = da_t · Wxhᵀ.
    Initial weights drawn in the order Wxh (init), Whh (recurrent_init, default init), b (bias_init).
    """

    def __init__(self, n_in: int, n_hidden: int, return_sequences: bool = False, init="xavier",
                 recurrent_init=None, bias_init="zeros", seed: Optional[int] = None,
                 rng: Optional[random.Random] = None):
        check_sizes("RNN", n_in=n_in, n_hidden=n_hidden)
        check_param_budget(f"RNN({n_in}, {n_hidden})", (n_in, n_hidden), (n_hidden, n_hidden), (n_hidden,))
        self.n_in, self.n_hidden, self.return_sequences = n_in, n_hidden, bool(return_sequences)
        super().__init__()
        rng = initializers.make_rng(seed, rng)
        recurrent_init = init if recurrent_init is None else recurrent_init
        self.params["Wxh"] = _array(initializers.get(init)((n_in, n_hidden), n_in, n_hidden, rng))
        self.params["Whh"] = _array(initializers.get(recurrent_init)((n_hidden, n_hidden), n_hidden, n_hidden, rng))
        self.params["b"] = _array(initializers.get(bias_init)((n_hidden,), n_in, n_hidden, rng))
        self.grads = {name: None for name in self.params}
        self.x, self.states = None, None

    def forward(self, x):
        self.x, self.lengths, self.ragged = check_sequences(x, self.label, self.n_in)   # x padded: (N, T, n_in)
        Wxh, Whh, b = self.params["Wxh"], self.params["Whh"], self.params["b"]
        N, T, _ = self.x.shape
        self.mask = steps_mask(self.lengths, T)
        xw = self.x @ Wxh                        # x_t Wxh for every step at once: (N, T, n_hidden)
        h = np.zeros((N, self.n_hidden), dtype=xw.dtype)                 # h_0 = 0
        self.states = np.zeros((N, T + 1, self.n_hidden), dtype=xw.dtype)   # h_0 ... h_T
        for t in range(T):
            h_new = np.tanh(xw[:, t] + h @ Whh + b)
            h = np.where(self.mask[:, t, None], h_new, h)   # past its end, a sequence keeps its last state
            self.states[:, t + 1] = h
        if self.return_sequences:
            return as_sequences(self.states[:, 1:], self.lengths, self.ragged)
        return h

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.states)
        grad_out = check_recurrent_grad(self, grad_out)            # padded: (N, T, H), or (N, H)
        H, Wxh, Whh = self.n_hidden, self.params["Wxh"], self.params["Whh"]
        N, T = self.mask.shape
        da = np.zeros((N, T, H))                 # dL/da_t, filled from the last step back to the first
        # dL/dh_T from "the future": nothing, or, many-to-one, the gradient of the output h_T
        dh_next = np.zeros((N, H)) if self.return_sequences else grad_out
        for t in reversed(range(T)):
            dh = dh_next + grad_out[:, t] if self.return_sequences else dh_next
            real = self.mask[:, t, None]
            da[:, t] = np.where(real, dh * (1.0 - self.states[:, t + 1] ** 2), 0.0)
            dh_next = np.where(real, da[:, t] @ Whh.T, dh)   # a padded step passes dL/dh straight through
        # With dL/da_t known at every step, the weights get Dense's gradients, summed over the steps:
        da_rows = da.reshape(-1, H)                                              # (N T, H)
        self.grads["Wxh"] = self.x.reshape(-1, self.n_in).T @ da_rows            # Σ x_tᵀ · da_t
        self.grads["Whh"] = _real(self.states[:, :-1], self.mask).reshape(-1, H).T @ da_rows   # Σ h_{t-1}ᵀ · da_t
        self.grads["b"] = da_rows.sum(axis=0)
        if not need_input_grad:
            return None
        return as_sequences(da @ Wxh.T, self.lengths, self.ragged)            # dL/dx_t = da_t · Wxhᵀ

    def output_shape(self, input_shape):
        return recurrent_output_shape(self, input_shape)

    def config(self):
        return {"n_in": self.n_in, "n_hidden": self.n_hidden, "return_sequences": self.return_sequences}

    def __repr__(self):
        return f"RNN({self.n_in}, {self.n_hidden}{', return_sequences=True' if self.return_sequences else ''})"


class LSTM(Layer):
    """Long short-term memory; gate order i, f, g, o in the column blocks of Wx, Wh and b.

    z_t = x_t Wx + h_{t-1} Wh + b;  i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o);
    c_t = f ⊙ c_{t-1} + i ⊙ g;  h_t = o ⊙ tanh(c_t);  h_0 = c_0 = 0.
    Shapes: x (N, T, n_in), Wx (n_in, 4 n_hidden), Wh (n_hidden, 4 n_hidden), b (4 n_hidden,).
    Initial weights drawn in the order Wx (init), Wh (recurrent_init, default init), b (bias_init),
    then forget_bias (default 1.0) added to the forget gate's block of b. Backward: see pure/recurrent.py.
    """

    def __init__(self, n_in: int, n_hidden: int, return_sequences: bool = False, init="xavier",
                 recurrent_init=None, bias_init="zeros", forget_bias: float = 1.0, seed: Optional[int] = None,
                 rng: Optional[random.Random] = None):
        check_sizes("LSTM", n_in=n_in, n_hidden=n_hidden)
        check_param_budget(f"LSTM({n_in}, {n_hidden})", (n_in, 4 * n_hidden), (n_hidden, 4 * n_hidden), (4 * n_hidden,))
        self.n_in, self.n_hidden, self.return_sequences = n_in, n_hidden, bool(return_sequences)
        super().__init__()
        H = n_hidden
        rng = initializers.make_rng(seed, rng)
        recurrent_init = init if recurrent_init is None else recurrent_init
        self.params["Wx"] = _array(initializers.get(init)((n_in, 4 * H), n_in, H, rng))
        self.params["Wh"] = _array(initializers.get(recurrent_init)((H, 4 * H), H, H, rng))
        b = _array(initializers.get(bias_init)((4 * H,), n_in, H, rng))
        b[H:2 * H] += forget_bias
        self.params["b"] = b
        self.grads = {name: None for name in self.params}
        self.x, self.hs = None, None

    def forward(self, x):
        self.x, self.lengths, self.ragged = check_sequences(x, self.label, self.n_in)   # x padded: (N, T, n_in)
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        N, T, _ = self.x.shape
        H = self.n_hidden
        self.mask = steps_mask(self.lengths, T)
        xw = self.x @ Wx                         # x_t Wx for every step at once: (N, T, 4 n_hidden)
        h, c = np.zeros((N, H), dtype=xw.dtype), np.zeros((N, H), dtype=xw.dtype)
        self.hs = np.zeros((N, T + 1, H), dtype=xw.dtype)          # h_0 ... h_T
        self.cs = np.zeros((N, T + 1, H), dtype=xw.dtype)          # c_0 ... c_T
        self.gates = np.zeros((N, T, 4 * H), dtype=xw.dtype)       # i, f, g, o after their activations
        self.tanh_cs = np.zeros((N, T, H), dtype=xw.dtype)
        for t in range(T):
            z = xw[:, t] + h @ Wh + b
            i, f = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H])
            g, o = np.tanh(z[:, 2 * H:3 * H]), sigmoid(z[:, 3 * H:])
            c_new = f * c + i * g
            tanh_c = np.tanh(c_new)
            real = self.mask[:, t, None]
            c = np.where(real, c_new, c)         # past its end, a sequence keeps its last h and c
            h = np.where(real, o * tanh_c, h)
            self.hs[:, t + 1], self.cs[:, t + 1] = h, c
            self.gates[:, t] = np.concatenate([i, f, g, o], axis=1)
            self.tanh_cs[:, t] = tanh_c
        if self.return_sequences:
            return as_sequences(self.hs[:, 1:], self.lengths, self.ragged)
        return h

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.hs)
        grad_out = check_recurrent_grad(self, grad_out)            # padded: (N, T, H), or (N, H)
        H, Wx, Wh = self.n_hidden, self.params["Wx"], self.params["Wh"]
        N, T = self.mask.shape
        dz = np.zeros((N, T, 4 * H))             # dL/dz_t, filled from the last step back to the first
        dh_next = np.zeros((N, H)) if self.return_sequences else grad_out   # as in RNN.backward
        dc_next = np.zeros((N, H))
        for t in reversed(range(T)):
            dh = dh_next + grad_out[:, t] if self.return_sequences else dh_next
            gates = self.gates[:, t]
            i, f, g, o = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
            tanh_c, c_prev = self.tanh_cs[:, t], self.cs[:, t]
            do = dh * tanh_c
            dc = dc_next + dh * o * (1.0 - tanh_c * tanh_c)
            di, df, dg = dc * g, dc * c_prev, dc * i
            dz_t = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f), dg * (1.0 - g * g),
                                   do * o * (1.0 - o)], axis=1)
            real = self.mask[:, t, None]
            dz[:, t] = np.where(real, dz_t, 0.0)
            dh_next = np.where(real, dz[:, t] @ Wh.T, dh)      # a padded step passes dL/dh and dL/dc through
            dc_next = np.where(real, dc * f, dc_next)
        dz_rows = dz.reshape(-1, 4 * H)
        self.grads["Wx"] = self.x.reshape(-1, self.n_in).T @ dz_rows            # Σ x_tᵀ · dz_t
        self.grads["Wh"] = _real(self.hs[:, :-1], self.mask).reshape(-1, H).T @ dz_rows   # Σ h_{t-1}ᵀ · dz_t
        self.grads["b"] = dz_rows.sum(axis=0)
        if not need_input_grad:
            return None
        return as_sequences(dz @ Wx.T, self.lengths, self.ragged)              # dL/dx_t = dz_t · Wxᵀ

    def output_shape(self, input_shape):
        return recurrent_output_shape(self, input_shape)

    def config(self):
        return {"n_in": self.n_in, "n_hidden": self.n_hidden, "return_sequences": self.return_sequences}

    def __repr__(self):
        return f"LSTM({self.n_in}, {self.n_hidden}{', return_sequences=True' if self.return_sequences else ''})"


def _real(states, mask):
    """h_{t-1} for the weight gradient, 0 at padded steps: a state carried past a sequence's end (NaN,
    say) must not meet their dL/da = 0 there, a product the pure twin, which has no such step, never makes."""
    return np.where(mask[:, :, None], states, 0.0)


class Embedding(Layer):
    """Token ids -> learned vectors: token v becomes row W[v] of a table (the same as one_hot(v) · W).

    Shapes: ids (N, T) integers in 0..vocab_size-1, W (vocab_size, dim), output (N, T, dim).
    Backward: dL/dW[v] = Σ grad_out[n, t] over the positions holding token v (np.add.at adds
    repeated rows); no gradient for integer ids: returns None. W drawn with init (normal(1.0)).
    """

    def __init__(self, vocab_size: int, dim: int, init="normal(1.0)", seed: Optional[int] = None,
                 rng: Optional[random.Random] = None):
        check_sizes("Embedding", vocab_size=vocab_size, dim=dim)
        check_param_budget(f"Embedding({vocab_size}, {dim})", (vocab_size, dim))
        self.vocab_size, self.dim = vocab_size, dim
        super().__init__()
        rng = initializers.make_rng(seed, rng)
        self.params["W"] = _array(initializers.get(init)((vocab_size, dim), vocab_size, dim, rng))
        self.grads = {"W": None}
        self.ids = None

    def forward(self, x):
        self.ids, self.lengths, self.ragged = check_token_ids(x, self.label, self.vocab_size)   # padded with 0
        self.mask = steps_mask(self.lengths, self.ids.shape[1])
        return as_sequences(self.params["W"][self.ids], self.lengths, self.ragged)   # (N, T, dim)

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.ids)
        grad_steps = check_steps_like(grad_out, self.lengths, self.dim, self.label)
        dW = np.zeros((self.vocab_size, self.dim))
        np.add.at(dW, self.ids[self.mask], grad_steps[self.mask])     # rows of repeated tokens add up
        self.grads["W"] = dW
        return None                                                    # no gradient for integer ids

    def output_shape(self, input_shape):
        return embedding_output_shape(self, input_shape)

    def config(self):
        return {"vocab_size": self.vocab_size, "dim": self.dim}

    def __repr__(self):
        return f"Embedding({self.vocab_size}, {self.dim})"


class TimeDistributed(Layer):
    """Apply one layer to every step of every sequence: (N, T, n_in) -> (N, T, n_out).

    The wrapped layer sees all the real steps as one batch of Σ T_n rows (sequence
    0's steps first, as in the pure twin); params and grads are its own dicts.
    """

    def __init__(self, layer):
        if isinstance(layer, dict):
            layer = _layer_from_entry(layer, "vectorized")
        check_row_layer(layer, (RNN, LSTM, Embedding, TimeDistributed))
        self.layer = layer
        super().__init__()
        self.params, self.grads = layer.params, layer.grads      # the same dicts, not copies
        self.lengths = None

    def forward(self, x):
        padded, self.lengths, self.ragged = check_sequences(x, self.label, None)
        self.layer.label = f"{self.label}, inner {self.layer!r}"
        rows = padded[steps_mask(self.lengths, padded.shape[1])]       # the real steps: (Σ T_n, n_in)
        out = self.layer.forward(rows)
        return split_steps(out, self.lengths) if self.ragged else out.reshape(padded.shape[:2] + out.shape[1:])

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.lengths)
        padded, got = check_lengths_like(grad_out, self.lengths, self.label)
        grad_in = self.layer.backward(padded[steps_mask(got, padded.shape[1])], need_input_grad)
        if grad_in is None:
            return None
        return split_steps(grad_in, self.lengths) if self.ragged else \
            grad_in.reshape(padded.shape[:2] + grad_in.shape[1:])

    def train(self):
        self.layer.train()
        return super().train()

    def eval(self):
        self.layer.eval()
        return super().eval()

    def output_shape(self, input_shape):
        if input_shape is None:
            self.layer.output_shape(None)
            return None
        inner = self.layer.output_shape(tuple(input_shape[1:]))
        return None if inner is None else (input_shape[0],) + tuple(inner)

    def config(self):
        return {"layer": {"type": type(self.layer).__name__, "config": self.layer.config()}}

    def __repr__(self):
        return f"TimeDistributed({self.layer!r})"


def _layer_from_entry(entry: dict, twin: str) -> Layer:
    """Build the layer a model file's {"type", "config"} entry names, from io's table of layer types."""
    from pure.modelfile import layer_types       # the one table, shared with the pure twin
    known = layer_types(twin)
    kind = entry.get("type")
    if kind not in known or not isinstance(entry.get("config", {}), dict):
        raise ValueError(f"TimeDistributed: cannot build the inner layer {entry!r:.80}")
    return known[kind](**entry.get("config", {}))

