"""Exercise 1: ReLU, the simplest layer, written yourself and graded against the reference.

    python3 -m conformance grade lessons/exercises/my_relu.py

Replace each `raise NotImplementedError(...)` below with what its docstring asks for, in plain
Python (nested lists of floats; no numpy needed), and grade again until the report says PASS.
Until then it says which quantity differs first (forward, dL/dx), on which input, and a hint.
grade builds your layer as MyReLU(), runs it beside the reference (pure.ReLU) on batches of
random numbers, zeros and values of +-1000, and checks your backward against finite differences
of your own forward.
"""

GRADE = {"name": "MyReLU", "like": "ReLU", "order": 1}


class MyReLU:
    """y = max(0, x), element by element. No weights: params and grads stay empty."""

    def __init__(self):
        self.params = {}
        self.grads = {}

    def forward(self, x):
        """x: a batch, N rows of D numbers (N, D). Return y, the same shape: y[n][d] = max(0, x[n][d]).

        Keep what backward will need (x) on self, e.g. self.x = x.
        """
        raise NotImplementedError("MyReLU.forward: return max(0, x) for every element of x")

    def backward(self, grad_out):
        """grad_out: dL/dy, shape (N, D). Return dL/dx, shape (N, D).

        Derive it: dy/dx is 1 where x > 0 and 0 where x < 0 (at x = 0 take 0, as PyTorch does);
        the chain rule gives dL/dx[n][d] = grad_out[n][d] * dy/dx at x[n][d].
        """
        raise NotImplementedError("MyReLU.backward: return grad_out where x > 0, else 0")
