"""Exercise 4: the mean squared error loss, written yourself and graded against the reference.

    python3 -m conformance grade lessons/exercises/my_mse.py

A loss has no weights: forward(pred, target) returns one number, backward() returns dL/dpred.
Replace each `raise NotImplementedError(...)` with what its docstring asks for, in plain Python
(nested lists of floats), and grade again until the report says PASS.
"""

GRADE = {"name": "MyMSE", "like": "MSE", "order": 4}


class MyMSE:
    """L = (1/n) Σ (pred - target)², the mean over all n = N x D numbers."""

    def forward(self, pred, target):
        """pred, target: (N, D) nested lists. Return L, one float: the mean of (pred - target)² over
        every element (n = N x D of them). Keep what backward needs (pred - target, n) on self.
        """
        raise NotImplementedError("MyMSE.forward: the mean of (pred - target)^2 over all N x D elements")

    def backward(self):
        """Return dL/dpred (N, D).

        Derive it: each element appears once in the sum, so dL/dpred = 2 (pred - target) / n.
        """
        raise NotImplementedError("MyMSE.backward: 2 * (pred - target) / n, element by element")
