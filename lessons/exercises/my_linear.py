"""Exercise 3: the dense (linear, fully connected) layer y = x W + b, graded against the reference.

    python3 -m conformance grade lessons/exercises/my_linear.py

Replace each `raise NotImplementedError(...)` with what its docstring asks for, in plain Python
(nested lists of floats), and grade again until the report says PASS. grade builds your layer as
MyLinear(n_in=5, n_out=3) (and other sizes), COPIES the reference's weights into
self.params["W"] and self.params["b"], so read them from there, and compares forward, dL/dx,
dL/dW and dL/db. (my_dense.py beside this file is a worked answer in numpy: look at it after.)
"""

GRADE = {"name": "MyLinear", "like": "Dense", "order": 3}


class MyLinear:
    """y = x W + b. params: W of shape (n_in, n_out), b of shape (n_out,); grads: the same names."""

    def __init__(self, n_in, n_out):
        self.params = {"W": [[0.0] * n_out for _ in range(n_in)], "b": [0.0] * n_out}
        self.grads = {"W": None, "b": None}

    def forward(self, x):
        """x: (N, n_in). Return y (N, n_out): y[n][j] = Σ_i x[n][i] W[i][j] + b[j].

        Keep x on self: backward needs it.
        """
        raise NotImplementedError("MyLinear.forward: y[n][j] = sum_i x[n][i] * W[i][j] + b[j]")

    def backward(self, grad_out):
        """grad_out: dL/dy (N, n_out). Fill self.grads["W"] and self.grads["b"], return dL/dx (N, n_in).

        Derive them from y[n][j] = Σ_i x[n][i] W[i][j] + b[j]:
            dL/dW[i][j] = Σ_n x[n][i] grad_out[n][j]      (xᵀ · grad_out, shape (n_in, n_out))
            dL/db[j]    = Σ_n grad_out[n][j]              (summed over the batch, not averaged:
                                                           the loss has already taken the mean)
            dL/dx[n][i] = Σ_j grad_out[n][j] W[i][j]      (grad_out · Wᵀ, shape (N, n_in))
        """
        raise NotImplementedError("MyLinear.backward: grads W = x^T grad_out, b = sum over the batch; "
                                  "return grad_out W^T")
