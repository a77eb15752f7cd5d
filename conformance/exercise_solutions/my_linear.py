"""lessons/exercises/my_linear.py, solved; and its classic bugs."""


class MyLinear:
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


class ForgotTheTranspose(MyLinear):
    """dL/dW = grad_outᵀ x, shape (n_out, n_in), instead of xᵀ grad_out."""

    def backward(self, grad_out):
        grad_in = super().backward(grad_out)
        x = self.x
        self.grads["W"] = [[sum(grad_out[n][j] * x[n][i] for n in range(len(x))) for i in range(len(x[0]))]
                           for j in range(len(grad_out[0]))]
        return grad_in


class BiasOfTheFirstExampleOnly(MyLinear):
    """dL/db = grad_out[0]: forgot to sum over the batch."""

    def backward(self, grad_out):
        grad_in = super().backward(grad_out)
        self.grads["b"] = list(grad_out[0])
        return grad_in


class NoBiasGradient(MyLinear):
    """backward forgets dL/db altogether."""

    def backward(self, grad_out):
        grad_in = super().backward(grad_out)
        self.grads["b"] = None
        return grad_in


class WrongSignInput(MyLinear):
    """dL/dx with the sign flipped."""

    def backward(self, grad_out):
        return [[-v for v in row] for row in super().backward(grad_out)]


class AveragedWeightGradient(MyLinear):
    """dL/dW divided by the batch size: the loss has already taken the mean."""

    def backward(self, grad_out):
        grad_in = super().backward(grad_out)
        self.grads["W"] = [[v / len(self.x) for v in row] for row in self.grads["W"]]
        return grad_in


BUGS = {
    "ForgotTheTranspose": ["The first disagreement: dL/dW", "your shape is the reference's transposed"],
    "BiasOfTheFirstExampleOnly": ["The first disagreement: dL/db", "the bug is in backward()"],
    "NoBiasGradient": ["The first disagreement: dL/db", "your backward() left no grads['b']"],
    "WrongSignInput": ["The first disagreement: dL/dx", "a sign flipped?"],
    "AveragedWeightGradient": ["The first disagreement: dL/dW", "0.333333 times the reference everywhere"],
}
