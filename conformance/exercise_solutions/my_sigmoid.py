"""lessons/exercises/my_sigmoid.py, solved; and its classic bugs."""
import math


def sigmoid(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


class MySigmoid:
    def __init__(self):
        self.params = {}
        self.grads = {}

    def forward(self, x):
        self.y = [[sigmoid(v) for v in row] for row in x]
        return self.y

    def backward(self, grad_out):
        return [[g * y * (1.0 - y) for y, g in zip(y_row, g_row)] for y_row, g_row in zip(self.y, grad_out)]


class Overflows(MySigmoid):
    """1 / (1 + e^-x) as written: e^1000 overflows (math.exp raises OverflowError)."""

    def forward(self, x):
        self.y = [[1.0 / (1.0 + math.exp(-v)) for v in row] for row in x]
        return self.y


class DerivativeOfX(MySigmoid):
    """dy/dx written x (1 - x) instead of y (1 - y)."""

    def forward(self, x):
        self.x = x
        return super().forward(x)

    def backward(self, grad_out):
        return [[g * v * (1.0 - v) for v, g in zip(x_row, g_row)] for x_row, g_row in zip(self.x, grad_out)]


BUGS = {
    "Overflows": ["your forward() raised OverflowError", "extreme values"],
    "DerivativeOfX": ["The first disagreement: dL/dx", "the bug is in backward()"],
}
