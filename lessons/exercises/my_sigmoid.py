"""Exercise 2: the sigmoid, written yourself and graded against the reference.

    python3 -m conformance grade lessons/exercises/my_sigmoid.py

Replace each `raise NotImplementedError(...)` with what its docstring asks for, in plain Python
(nested lists of floats), and grade again until the report says PASS. grade also feeds your
layer values of +-1000: math.exp(1000) overflows (OverflowError), so write the sigmoid so that
it never takes e to a large positive power.
"""
import math  # noqa: F401 - for you: math.exp

GRADE = {"name": "MySigmoid", "like": "Sigmoid", "order": 2}


class MySigmoid:
    """y = 1 / (1 + e^-x), element by element. No weights."""

    def __init__(self):
        self.params = {}
        self.grads = {}

    def forward(self, x):
        """x: (N, D) nested lists. Return y (N, D): y = 1 / (1 + e^-x) for each element.

        For x < 0, e^-x is huge: write the same number as e^x / (1 + e^x) there (multiply top and
        bottom by e^x). Keep y on self: backward needs it.
        """
        raise NotImplementedError("MySigmoid.forward: y = 1 / (1 + e^-x), without overflow for x = -1000")

    def backward(self, grad_out):
        """grad_out: dL/dy (N, D). Return dL/dx (N, D).

        Derive dy/dx from y = (1 + e^-x)^-1: dy/dx = e^-x / (1 + e^-x)^2, which is y (1 - y).
        Then dL/dx = grad_out * y (1 - y), element by element.
        """
        raise NotImplementedError("MySigmoid.backward: dL/dx = grad_out * y * (1 - y)")

