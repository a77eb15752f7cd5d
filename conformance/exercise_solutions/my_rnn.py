"""lessons/exercises/my_rnn.py, solved; and its classic bugs."""
import math


def matvec(h, M):
    """The row vector h times the matrix M: [Σ_i h[i] M[i][j] for each j]."""
    return [sum(h[i] * M[i][j] for i in range(len(h))) for j in range(len(M[0]))]


class MyRNN:
    def __init__(self, n_in, n_hidden, return_sequences=False):
        self.n_hidden, self.return_sequences = n_hidden, return_sequences
        self.params = {"Wxh": [[0.0] * n_hidden for _ in range(n_in)],
                       "Whh": [[0.0] * n_hidden for _ in range(n_hidden)],
                       "b": [0.0] * n_hidden}
        self.grads = {"Wxh": None, "Whh": None, "b": None}

    def forward(self, x):
        Wxh, Whh, b = self.params["Wxh"], self.params["Whh"], self.params["b"]
        self.x, self.states = x, []
        for sequence in x:
            h = [0.0] * self.n_hidden
            states = [h]
            for x_t in sequence:
                a = [p + q + c for p, q, c in zip(matvec(x_t, Wxh), matvec(h, Whh), b)]
                h = [math.tanh(v) for v in a]
                states.append(h)
            self.states.append(states)
        if self.return_sequences:
            return [states[1:] for states in self.states]
        return [states[-1] for states in self.states]

    def backward(self, grad_out):
        Wxh, Whh = self.params["Wxh"], self.params["Whh"]
        H, n_in = self.n_hidden, len(Wxh)
        dWxh = [[0.0] * H for _ in range(n_in)]
        dWhh = [[0.0] * H for _ in range(H)]
        db = [0.0] * H
        grad_in = []
        for n, states in enumerate(self.states):
            T = len(states) - 1
            dh_next = [0.0] * H if self.return_sequences else list(grad_out[n])
            dx = [None] * T
            for t in reversed(range(T)):
                dh = [p + q for p, q in zip(dh_next, grad_out[n][t])] if self.return_sequences else dh_next
                da = [g * (1.0 - h * h) for g, h in zip(dh, states[t + 1])]
                for i in range(n_in):
                    for j in range(H):
                        dWxh[i][j] += self.x[n][t][i] * da[j]
                for i in range(H):
                    for j in range(H):
                        dWhh[i][j] += states[t][i] * da[j]
                db = [p + q for p, q in zip(db, da)]
                dx[t] = [sum(da[j] * Wxh[i][j] for j in range(H)) for i in range(n_in)]
                dh_next = [sum(da[j] * Whh[i][j] for j in range(H)) for i in range(H)]
            grad_in.append(dx)
        self.grads = {"Wxh": dWxh, "Whh": dWhh, "b": db}
        return grad_in


class NoGradientThroughTime(MyRNN):
    """dL/dh_{t-1} not carried back: each step's gradient stops at its own step (truncated to 1)."""

    def backward(self, grad_out):
        Whh = self.params["Whh"]
        saved = [row[:] for row in Whh]
        self.params["Whh"] = [[0.0] * len(row) for row in Whh]      # nothing flows back through h_{t-1}
        try:
            grad_in = super().backward(grad_out)
        finally:
            self.params["Whh"] = saved
        return grad_in


class NewStateInWhh(MyRNN):
    """dL/dWhh summed with h_t where h_{t-1} belongs."""

    def backward(self, grad_out):
        Wxh, Whh = self.params["Wxh"], self.params["Whh"]
        H, n_in = self.n_hidden, len(Wxh)
        dWxh = [[0.0] * H for _ in range(n_in)]
        dWhh = [[0.0] * H for _ in range(H)]
        db = [0.0] * H
        grad_in = []
        for n, states in enumerate(self.states):
            T = len(states) - 1
            dh_next = [0.0] * H if self.return_sequences else list(grad_out[n])
            dx = [None] * T
            for t in reversed(range(T)):
                dh = [p + q for p, q in zip(dh_next, grad_out[n][t])] if self.return_sequences else dh_next
                da = [g * (1.0 - h * h) for g, h in zip(dh, states[t + 1])]
                for i in range(n_in):
                    for j in range(H):
                        dWxh[i][j] += self.x[n][t][i] * da[j]
                for i in range(H):
                    for j in range(H):
                        dWhh[i][j] += states[t + 1][i] * da[j]      # the bug: h_t, not h_{t-1}
                db = [p + q for p, q in zip(db, da)]
                dx[t] = [sum(da[j] * Wxh[i][j] for j in range(H)) for i in range(n_in)]
                dh_next = [sum(da[j] * Whh[i][j] for j in range(H)) for i in range(H)]
            grad_in.append(dx)
        self.grads = {"Wxh": dWxh, "Whh": dWhh, "b": db}
        return grad_in


BUGS = {
    "NoGradientThroughTime": ["The first disagreement: dL/dx", "the bug is in backward()"],
    "NewStateInWhh": ["The first disagreement: dL/dWhh", "the bug is in backward()"],
}
