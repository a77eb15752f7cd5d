"""An exercise: write Dense yourself, then grade it against the reference.

    python -m conformance grade lessons/exercises/my_dense.py:MyDense --like Dense      # PASS
    python -m conformance grade lessons/exercises/my_dense.py:BuggyDense --like Dense   # FAIL: the bug is named
    python -m conformance grade lessons/exercises/my_dense.py:ListDense --like Dense    # PASS, plain Python

The contract a layer follows (the same as pure/layers.py and vectorized/layers.py):
`params` (W of shape (n_in, n_out), b of shape (n_out,)), `grads` (the same names,
filled by backward), forward(x) -> x W + b, backward(grad_out) -> dL/dx.
grade builds your layer as MyDense(n_in=..., n_out=...), copies the reference's
W and b into your params, and compares everything.
"""
import numpy as np


class MyDense:
    """y = x W + b, in numpy: the correct solution."""

    def __init__(self, n_in, n_out):
        self.params = {"W": np.zeros((n_in, n_out)), "b": np.zeros(n_out)}
        self.grads = {"W": None, "b": None}

    def forward(self, x):
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, grad_out):
        self.grads["W"] = self.x.T @ grad_out          # dL/dW = xᵀ · grad_out: summed over the batch
        self.grads["b"] = grad_out.sum(axis=0)         # dL/db = Σ_N grad_out
        return grad_out @ self.params["W"].T           # dL/dx = grad_out · Wᵀ


class BuggyDense(MyDense):
    """The same, with a classic mistake: dL/dW averaged over the batch.

    The loss already divides by the batch size (CrossEntropy and MSE take the
    mean), so dividing again makes every weight gradient N times too small.
    On a batch of one it cannot be seen; grade's batch of 3 catches it.
    """

    def backward(self, grad_out):
        grad_in = super().backward(grad_out)
        self.grads["W"] = self.x.T @ grad_out / len(self.x)     # the bug: / N
        return grad_in


class ListDense:
    """The correct solution again, in plain Python (nested lists), as the pure twin writes it."""

    def __init__(self, n_in, n_out):
        self.params = {"W": [[0.0] * n_out for _ in range(n_in)], "b": [0.0] * n_out}
        self.grads = {"W": None, "b": None}

    def forward(self, x):
        self.x = x
        W, b = self.params["W"], self.params["b"]
        return [[sum(row[i] * W[i][j] for i in range(len(row))) + b[j] for j in range(len(b))] for row in x]

    def backward(self, grad_out):
        W, x = self.params["W"], self.x
        n_in, n_out = len(W), len(W[0])
        self.grads["W"] = [[sum(x[n][i] * grad_out[n][j] for n in range(len(x))) for j in range(n_out)]
                           for i in range(n_in)]
        self.grads["b"] = [sum(g[j] for g in grad_out) for j in range(n_out)]
        return [[sum(g[j] * W[i][j] for j in range(n_out)) for i in range(n_in)] for g in grad_out]
