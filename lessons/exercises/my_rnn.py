"""Exercise 8: a recurrent layer (Elman RNN) and backpropagation through time, graded.

    python3 -m conformance grade lessons/exercises/my_rnn.py

grade builds MyRNN(n_in=3, n_hidden=4) (its output: each sequence's last state) and MyRNN(2, 3,
return_sequences=True) (the state after every step), copies the reference's Wxh, Whh and b into
your params and compares forward, dL/dx and the three weight gradients. Replace each
`raise NotImplementedError(...)` with what its docstring asks for, in plain Python.
"""
import math  # noqa: F401 - for you: math.tanh

GRADE = {"name": "MyRNN", "like": "RNN", "order": 8}


def matvec(h, M):
    """The row vector h times the matrix M: [Σ_i h[i] M[i][j] for each j]."""
    return [sum(h[i] * M[i][j] for i in range(len(h))) for j in range(len(M[0]))]


class MyRNN:
    """h_t = tanh(x_t Wxh + h_{t-1} Whh + b), h_0 = 0.

    params: Wxh (n_in, n_hidden), Whh (n_hidden, n_hidden), b (n_hidden,).
    """

    def __init__(self, n_in, n_hidden, return_sequences=False):
        self.n_hidden, self.return_sequences = n_hidden, return_sequences
        self.params = {"Wxh": [[0.0] * n_hidden for _ in range(n_in)],
                       "Whh": [[0.0] * n_hidden for _ in range(n_hidden)],
                       "b": [0.0] * n_hidden}
        self.grads = {"Wxh": None, "Whh": None, "b": None}

    def forward(self, x):
        """x: (N, T, n_in), N sequences of T steps. For each sequence, from h_0 = [0.0] * n_hidden:

            h_t = tanh(x_t Wxh + h_{t-1} Whh + b)          for t = 1 .. T

        Return (N, n_hidden), each sequence's h_T; with return_sequences, (N, T, n_hidden): h_1 .. h_T.
        Keep x and every state h_0 .. h_T on self: backward needs them.
        """
        raise NotImplementedError("MyRNN.forward: h_t = tanh(x_t Wxh + h_(t-1) Whh + b) from h_0 = 0")

    def backward(self, grad_out):
        """grad_out: dL/d(output), the shape forward returned. Fill self.grads; return dL/dx (N, T, n_in).

        Backpropagation through time: walk the steps from T back to 1, carrying dL/dh back through
        h_{t-1}. With a_t = x_t Wxh + h_{t-1} Whh + b:
            dL/dh_t  = (grad_out at step t, if step t is an output) + dL/da_{t+1} · Whhᵀ  (0 after T)
            dL/da_t  = dL/dh_t · (1 - h_t²)                                       (tanh' = 1 - tanh²)
            dL/dWxh += x_tᵀ · dL/da_t     dL/dWhh += h_{t-1}ᵀ · dL/da_t     dL/db += dL/da_t
            dL/dx_t  = dL/da_t · Wxhᵀ
        summed over every step of every sequence.
        """
        raise NotImplementedError("MyRNN.backward: backpropagation through time, from step T back to 1")
