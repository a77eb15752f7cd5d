"""lessons/exercises/my_relu.py, solved; and its classic bugs."""


class MyReLU:
    def __init__(self):
        self.params = {}
        self.grads = {}

    def forward(self, x):
        self.x = x
        return [[v if v > 0.0 else 0.0 for v in row] for row in x]

    def backward(self, grad_out):
        return [[g if v > 0.0 else 0.0 for v, g in zip(x_row, g_row)] for x_row, g_row in zip(self.x, grad_out)]


class PassesEveryGradient(MyReLU):
    """Forgot the mask: dL/dx = grad_out everywhere."""

    def backward(self, grad_out):
        return [list(row) for row in grad_out]


class SlopeOneAtZero(MyReLU):
    """dy/dx taken as 1 at x = 0 (x >= 0): the reference (and PyTorch) take 0."""

    def backward(self, grad_out):
        return [[g if v >= 0.0 else 0.0 for v, g in zip(x_row, g_row)] for x_row, g_row in zip(self.x, grad_out)]


class ReturnsTheMask(MyReLU):
    """Forward returns 1 or 0 (the derivative) instead of max(0, x)."""

    def forward(self, x):
        self.x = x
        return [[1.0 if v > 0.0 else 0.0 for v in row] for row in x]


BUGS = {
    "PassesEveryGradient": ["The first disagreement: dL/dx", "the bug is in backward()"],
    "SlopeOneAtZero": ["The first disagreement: dL/dx", 'case "ReLU(), zeros"'],
    "ReturnsTheMask": ["The first disagreement: forward", "The bug is in forward()"],
}
