"""Recurrent layers: RNN, LSTM, Embedding, and TimeDistributed to put a layer on every step.

A recurrent layer reads a sequence one step at a time, carrying a state h from
each step to the next with the same weights: h_t = f(x_t, h_{t-1}); backward is
backpropagation through time (see RNN). A batch is a list of N sequences of T_n
steps, a step a list of n_in numbers (for Embedding, one integer token id); the
sequences may differ in length, each processed as if alone (h_0 = 0, T_n steps):

>>> x = [[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]],    # sequence 0: 3 steps of 2 features
...      [[0.5, 0.5]]]                            # sequence 1: 1 step
>>> [len(h) for h in RNN(2, 4, seed=0).forward(x)]                       # each sequence's last state
[4, 4]
>>> [len(hs) for hs in RNN(2, 4, return_sequences=True, seed=0).forward(x)]   # every state: T_n of them
[3, 1]

Notes on lengths, initial weights and token ids: at the end of this file.
"""
from __future__ import annotations

import math
import random
from typing import List, Optional

from . import init as initializers
from . import ops
from .activations import sigmoid
from .checks import (check_lengths_like, check_param_budget, check_recurrent_grad, check_row_layer, check_sequences,
                     check_sizes, check_steps_like, check_token_ids, embedding_output_shape, recurrent_output_shape,
                     require_forward)
from .base import Layer
from .ops import column_sums, elementwise2, zeros
from .portable import add


class RNN(Layer):
    """Vanilla (Elman) recurrent layer: h_t = tanh(x_t Wxh + h_{t-1} Whh + b), with h_0 = 0.

    Shapes: x (N, T, n_in), Wxh (n_in, n_hidden), Whh (n_hidden, n_hidden), b (n_hidden,).
    Output: (N, n_hidden), each sequence's last state (many-to-one), or, with
    return_sequences=True, (N, T, n_hidden), the state after every step (many-to-many).

    Backpropagation through time (BPTT). The layer is one layer applied T times
    with the same weights, so backward walks the steps in reverse, from the last
    to the first, carrying dL/dh back through h_{t-1}: at each step the gradient
    arriving from above (the output at that step, if it is one) adds to the
    gradient from the future. Nothing is truncated. For one sequence, with
    a_t = x_t Wxh + h_{t-1} Whh + b:
        dL/dh_t  = (grad_out at step t, if step t is an output) + dL/da_{t+1} · Whhᵀ
        dL/da_t  = dL/dh_t ⊙ (1 - h_t²)                       (tanh' = 1 - tanh²)
        dL/dWxh  = Σ_t x_tᵀ · dL/da_t      dL/dWhh = Σ_t h_{t-1}ᵀ · dL/da_t      dL/db = Σ_t dL/da_t
        dL/dx_t  = dL/da_t · Wxhᵀ
    Once dL/da_t is known at every step, the weight gradients are Dense's,
    summed over every step of every sequence in the batch.

    Initial weights, drawn in this order: Wxh with `init` (default xavier),
    Whh with `recurrent_init` (default: the same as init), b with `bias_init`
    (default zeros, which draws nothing).
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
        self.params["Wxh"] = initializers.get(init)((n_in, n_hidden), n_in, n_hidden, rng)
        self.params["Whh"] = initializers.get(recurrent_init)((n_hidden, n_hidden), n_hidden, n_hidden, rng)
        self.params["b"] = initializers.get(bias_init)((n_hidden,), n_in, n_hidden, rng)
        self.grads = {name: None for name in self.params}
        self.x, self.states = None, None

    def forward(self, x):
        self.lengths = check_sequences(x, self.label, self.n_in)
        Wxh, Whh, b = self.params["Wxh"], self.params["Whh"], self.params["b"]
        self.x, self.states = x, []
        for sequence in x:
            xw = ops.matmul(sequence, Wxh)           # x_t Wxh for all the steps at once: (T, n_hidden)
            h = [0.0] * self.n_hidden            # h_0 = 0
            states = [h]
            for xw_t in xw:
                hw = ops.matmul([h], Whh)[0]         # h_{t-1} Whh
                h = [math.tanh(p + q + c) for p, q, c in zip(xw_t, hw, b)]
                states.append(h)
            self.states.append(states)           # h_0 ... h_T: T + 1 rows
        if self.return_sequences:
            return [states[1:] for states in self.states]
        return [states[-1] for states in self.states]

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.states)
        check_recurrent_grad(self, grad_out)
        H, Wxh, Whh = self.n_hidden, self.params["Wxh"], self.params["Whh"]
        dWxh, dWhh, db = zeros(self.n_in, H), zeros(H, H), [0.0] * H
        grad_in = []
        for n, states in enumerate(self.states):
            T = len(states) - 1
            da = [None] * T                      # dL/da_t, filled from the last step back to the first
            # dL/dh_T from "the future": nothing, or, many-to-one, the gradient of the output h_T
            dh_next = [0.0] * H if self.return_sequences else grad_out[n]
            for t in reversed(range(T)):
                dh = [p + q for p, q in zip(dh_next, grad_out[n][t])] if self.return_sequences else dh_next
                da[t] = [g * (1.0 - h * h) for g, h in zip(dh, states[t + 1])]
                dh_next = ops.matmul_nt([da[t]], Whh)[0]          # dL/da_t · Whhᵀ flows back to h_{t-1}
            # With dL/da_t known at every step, the weights get Dense's gradients, summed over the steps:
            dWxh = elementwise2(add, dWxh, ops.matmul_tn(self.x[n], da))      # Σ_t x_tᵀ · da_t
            dWhh = elementwise2(add, dWhh, ops.matmul_tn(states[:-1], da))    # Σ_t h_{t-1}ᵀ · da_t
            db = [p + q for p, q in zip(db, column_sums(da))]
            if need_input_grad:
                grad_in.append(ops.matmul_nt(da, Wxh))           # dL/dx_t = da_t · Wxhᵀ
        self.grads["Wxh"], self.grads["Whh"], self.grads["b"] = dWxh, dWhh, db
        return grad_in if need_input_grad else None

    def output_shape(self, input_shape):
        return recurrent_output_shape(self, input_shape)

    def config(self):
        return {"n_in": self.n_in, "n_hidden": self.n_hidden, "return_sequences": self.return_sequences}

    def __repr__(self):
        return f"RNN({self.n_in}, {self.n_hidden}{', return_sequences=True' if self.return_sequences else ''})"


class LSTM(Layer):
    """Long short-term memory: a cell state c carried along by gates (Hochreiter & Schmidhuber, 1997).

    At each step, z_t = x_t Wx + h_{t-1} Wh + b holds four blocks of n_hidden
    numbers, in the gate order i, f, g, o (PyTorch's order):
        i = σ(z[0:H])      input gate: how much of the candidate to write
        f = σ(z[H:2H])     forget gate: how much of the old cell to keep
        g = tanh(z[2H:3H]) candidate cell values
        o = σ(z[3H:4H])    output gate: how much of the cell to show
        c_t = f ⊙ c_{t-1} + i ⊙ g        h_t = o ⊙ tanh(c_t)        h_0 = c_0 = 0

    Shapes: x (N, T, n_in), Wx (n_in, 4 n_hidden), Wh (n_hidden, 4 n_hidden),
    b (4 n_hidden,); column block k of Wx, Wh and b belongs to gate k of (i, f, g, o).
    Output: (N, n_hidden), each sequence's last h, or (N, T, n_hidden) with return_sequences=True.

    Backward at step t, with dh = dL/dh_t (from above and from step t + 1) and
    dc_next = dL/dc_t from step t + 1:
        do = dh ⊙ tanh(c_t)
        dc = dc_next + dh ⊙ o ⊙ (1 - tanh²(c_t))
        di = dc ⊙ g     df = dc ⊙ c_{t-1}     dg = dc ⊙ i     dL/dc_{t-1} = dc ⊙ f
        dz = [di ⊙ i(1 - i), df ⊙ f(1 - f), dg ⊙ (1 - g²), do ⊙ o(1 - o)]
        dL/dh_{t-1} = dz · Whᵀ
    and then, as for Dense summed over the steps: dL/dWx = Σ_t x_tᵀ dz_t,
    dL/dWh = Σ_t h_{t-1}ᵀ dz_t, dL/db = Σ_t dz_t, dL/dx_t = dz_t · Wxᵀ.

    Initial weights, drawn in this order: Wx with `init` (default xavier, with
    fan_in n_in and fan_out n_hidden: each gate is a Dense(n_in, n_hidden)),
    Wh with `recurrent_init` (default: the same as init), b with `bias_init`
    (default zeros); then `forget_bias` (default 1.0) is added to the forget
    gate's block of b, so a new LSTM starts by remembering rather than
    forgetting (Gers et al., 2000; Jozefowicz et al., 2015).
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
        self.params["Wx"] = initializers.get(init)((n_in, 4 * H), n_in, H, rng)
        self.params["Wh"] = initializers.get(recurrent_init)((H, 4 * H), H, H, rng)
        b = initializers.get(bias_init)((4 * H,), n_in, H, rng)
        self.params["b"] = b[:H] + [v + forget_bias for v in b[H:2 * H]] + b[2 * H:]
        self.grads = {name: None for name in self.params}
        self.x, self.steps = None, None

    def forward(self, x):
        self.lengths = check_sequences(x, self.label, self.n_in)
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        H = self.n_hidden
        self.x, self.steps = x, []
        for sequence in x:
            xw = ops.matmul(sequence, Wx)            # x_t Wx for all the steps at once: (T, 4 n_hidden)
            h, c = [0.0] * H, [0.0] * H          # h_0 = c_0 = 0
            hs, cs, gates, tanh_cs = [h], [c], [], []
            for xw_t in xw:
                z = [p + q + r for p, q, r in zip(xw_t, ops.matmul([h], Wh)[0], b)]
                i = [sigmoid(v) for v in z[:H]]
                f = [sigmoid(v) for v in z[H:2 * H]]
                g = [math.tanh(v) for v in z[2 * H:3 * H]]
                o = [sigmoid(v) for v in z[3 * H:]]
                c = [fv * cv + iv * gv for fv, cv, iv, gv in zip(f, c, i, g)]
                tanh_c = [math.tanh(v) for v in c]
                h = [ov * tv for ov, tv in zip(o, tanh_c)]
                hs.append(h)
                cs.append(c)
                gates.append((i, f, g, o))
                tanh_cs.append(tanh_c)
            self.steps.append((hs, cs, gates, tanh_cs))
        if self.return_sequences:
            return [hs[1:] for hs, _, _, _ in self.steps]
        return [hs[-1] for hs, _, _, _ in self.steps]

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.steps)
        check_recurrent_grad(self, grad_out)
        H, Wx, Wh = self.n_hidden, self.params["Wx"], self.params["Wh"]
        dWx, dWh, db = zeros(self.n_in, 4 * H), zeros(H, 4 * H), [0.0] * (4 * H)
        grad_in = []
        for n, (hs, cs, gates, tanh_cs) in enumerate(self.steps):
            T = len(gates)
            dz = [None] * T                      # dL/dz_t, filled from the last step back to the first
            dh_next = [0.0] * H if self.return_sequences else grad_out[n]   # as in RNN.backward
            dc_next = [0.0] * H
            for t in reversed(range(T)):
                dh = [p + q for p, q in zip(dh_next, grad_out[n][t])] if self.return_sequences else dh_next
                i, f, g, o = gates[t]
                tanh_c, c_prev = tanh_cs[t], cs[t]
                do = [a * tv for a, tv in zip(dh, tanh_c)]
                dc = [d + a * ov * (1.0 - tv * tv) for d, a, ov, tv in zip(dc_next, dh, o, tanh_c)]
                di = [d * gv for d, gv in zip(dc, g)]
                df = [d * cv for d, cv in zip(dc, c_prev)]
                dg = [d * iv for d, iv in zip(dc, i)]
                dc_next = [d * fv for d, fv in zip(dc, f)]                   # to c_{t-1}
                dz[t] = ([d * v * (1.0 - v) for d, v in zip(di, i)]          # through σ' = σ(1 - σ)
                         + [d * v * (1.0 - v) for d, v in zip(df, f)]
                         + [d * (1.0 - v * v) for d, v in zip(dg, g)]        # through tanh' = 1 - tanh²
                         + [d * v * (1.0 - v) for d, v in zip(do, o)])
                dh_next = ops.matmul_nt([dz[t]], Wh)[0]                          # to h_{t-1}: dz · Whᵀ
            dWx = elementwise2(add, dWx, ops.matmul_tn(self.x[n], dz))        # Σ_t x_tᵀ · dz_t
            dWh = elementwise2(add, dWh, ops.matmul_tn(hs[:-1], dz))          # Σ_t h_{t-1}ᵀ · dz_t
            db = [p + q for p, q in zip(db, column_sums(dz))]
            if need_input_grad:
                grad_in.append(ops.matmul_nt(dz, Wx))            # dL/dx_t = dz_t · Wxᵀ
        self.grads["Wx"], self.grads["Wh"], self.grads["b"] = dWx, dWh, db
        return grad_in if need_input_grad else None

    def output_shape(self, input_shape):
        return recurrent_output_shape(self, input_shape)

    def config(self):
        return {"n_in": self.n_in, "n_hidden": self.n_hidden, "return_sequences": self.return_sequences}

    def __repr__(self):
        return f"LSTM({self.n_in}, {self.n_hidden}{', return_sequences=True' if self.return_sequences else ''})"


class Embedding(Layer):
    """Token ids -> learned vectors: token v becomes row W[v] of a table.

    Shapes: ids (N, T) integers in 0..vocab_size-1 (sequences may differ in
    length), W (vocab_size, dim), output (N, T, dim). The same as one_hot(id) · W,
    without ever building the one-hot vectors.

    Backward: dL/dW[v] = Σ of grad_out[n][t] over the positions (n, t) that hold
    token v (a token used twice gets both rows added). Token ids are integers,
    so there is no gradient with respect to them: backward returns None.

    Initial weights: W drawn with `init` (default normal(1.0), as PyTorch does).
    """

    def __init__(self, vocab_size: int, dim: int, init="normal(1.0)", seed: Optional[int] = None,
                 rng: Optional[random.Random] = None):
        check_sizes("Embedding", vocab_size=vocab_size, dim=dim)
        check_param_budget(f"Embedding({vocab_size}, {dim})", (vocab_size, dim))
        self.vocab_size, self.dim = vocab_size, dim
        super().__init__()
        rng = initializers.make_rng(seed, rng)
        self.params["W"] = initializers.get(init)((vocab_size, dim), vocab_size, dim, rng)
        self.grads = {"W": None}
        self.ids = None

    def forward(self, x):
        self.lengths = check_token_ids(x, self.label, self.vocab_size)
        self.ids = [[int(token) for token in sequence] for sequence in x]
        W = self.params["W"]
        return [[list(W[token]) for token in sequence] for sequence in self.ids]

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.ids)
        check_steps_like(grad_out, self.lengths, self.dim, self.label)
        dW = zeros(self.vocab_size, self.dim)                           # (vocab_size, dim)
        for sequence, grads in zip(self.ids, grad_out):
            for token, g in zip(sequence, grads):
                dW[token] = [p + q for p, q in zip(dW[token], g)]     # rows of repeated tokens add up
        self.grads["W"] = dW
        return None                                                     # no gradient for integer ids

    def output_shape(self, input_shape):
        return embedding_output_shape(self, input_shape)

    def config(self):
        return {"vocab_size": self.vocab_size, "dim": self.dim}

    def __repr__(self):
        return f"Embedding({self.vocab_size}, {self.dim})"


class TimeDistributed(Layer):
    """Apply one layer to every step of every sequence: (N, T, n_in) -> (N, T, n_out).

    >>> from pure import Dense
    >>> TimeDistributed(Dense(64, 27))      # a score per character at every step of an LSTM's output
    TimeDistributed(Dense(64, 27))

    The wrapped layer sees the steps of all sequences as one batch of Σ T_n rows
    (sequence 0's steps first), so a Dense inside shares its weights over time and
    its gradients sum over every step. Sequences may differ in length; the
    output has the lengths of the input. `params` and `grads` are the wrapped
    layer's own dicts: the optimizer, save and load see its W and b.
    `layer` may also be a model file's {"type": ..., "config": ...} entry.
    """

    def __init__(self, layer):
        if isinstance(layer, dict):
            layer = _layer_from_entry(layer, "pure")
        check_row_layer(layer, (RNN, LSTM, Embedding, TimeDistributed))
        self.layer = layer
        super().__init__()
        self.params, self.grads = layer.params, layer.grads      # the same dicts, not copies
        self.lengths = None

    def forward(self, x):
        self.lengths = check_sequences(x, self.label, None)
        self.layer.label = f"{self.label}, inner {self.layer!r}"
        rows = [step for sequence in x for step in sequence]     # (Σ T_n, n_in)
        return split_steps(self.layer.forward(rows), self.lengths)

    def backward(self, grad_out, need_input_grad=True):
        require_forward(self.label, self.lengths)
        check_lengths_like(grad_out, self.lengths, self.label)
        rows = [step for sequence in grad_out for step in sequence]
        grad_in = self.layer.backward(rows, need_input_grad)
        return None if grad_in is None else split_steps(grad_in, self.lengths)

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


# ----------------------------------------------------------------------------- notes
#
# Variable lengths. A batch may hold sequences of different lengths (a "ragged"
# batch): there is nothing to pad and no mask to pass, since the lengths travel
# with the data itself. Each sequence's state starts at h_0 = 0 and runs over
# its own T_n steps, and many-to-one output is the state after its own last
# step, so a batch gives exactly the outputs and gradients of its sequences
# taken one by one (the tests check it). Outputs keep the input's lengths. This
# twin loops over each sequence's own steps; the vectorized twin pads the batch
# to its longest sequence and masks the padded steps (they carry the state
# through unchanged and receive no gradient), which gives the same numbers. A
# padded array with known lengths becomes a ragged batch with
# [x[n][:length[n]] for n ...]. An empty sequence (T_n = 0) is refused: it has
# no last state.
#
# Initial weights are drawn, as for Dense, from one random.Random (`seed=` or
# `rng=`) through the named initializers of init.py, in the fixed order of the
# parameters listed in each class (RNN: Wxh, Whh, b; LSTM: Wx, Wh, b;
# Embedding: W), so both twins start from the same numbers.
#
# Integer token ids have no gradient: Embedding.backward fills grads["W"] and
# returns None, so an Embedding must come first in a model (and gradcheck it
# with check_input=False).


def split_steps(rows, lengths: List[int]):
    """Cut a list of Σ T_n rows back into N sequences of lengths[n] rows each.

    >>> split_steps([[1.0], [2.0], [3.0]], [2, 1])
    [[[1.0], [2.0]], [[3.0]]]
    """
    out, start = [], 0
    for length in lengths:
        out.append(rows[start:start + length])
        start += length
    return out


def _layer_from_entry(entry: dict, twin: str) -> Layer:
    """Build the layer a model file's {"type", "config"} entry names, from io's table of layer types."""
    from .modelfile import layer_types           # here, not at the top: modelfile imports the layer modules
    known = layer_types(twin)
    kind = entry.get("type")
    if kind not in known or not isinstance(entry.get("config", {}), dict):
        raise ValueError(f"TimeDistributed: cannot build the inner layer {entry!r:.80}")
    return known[kind](**entry.get("config", {}))
