"""Series D, post 3: regression vs classification, and why a step neuron cannot learn XOR.

A step neuron outputs 1 when x·w + b > 0, else 0: a straight line splits the
plane. The perceptron rule (w += lr (target - output) x) finds such a line
for AND and OR, but no line puts (0,1) and (1,0) on one side and (0,0) and
(1,1) on the other: on XOR it can never get all four right. The step has no
useful derivative, so this rule replaces backpropagation here.
"""
import data

from .common import Result, tensor, to_list

NAME = "d3-step-neuron"
TITLE = "A step neuron learns AND and OR but never XOR"
REPORTED = "a step neuron cannot learn XOR"


def perceptron(nn, X, y, epochs=50, lr=0.1):
    """Train a step neuron with the perceptron rule; returns its best accuracy over the epochs."""
    neuron = nn.Dense(2, 1, init="zeros")
    best = 0.0
    for _ in range(epochs):
        for x, t in zip(X, y):
            out = 1 if to_list(neuron.forward([x]))[0][0] > 0 else 0
            error = t - out
            W, b = to_list(neuron.params["W"]), to_list(neuron.params["b"])
            neuron.params["W"] = tensor(nn, [[W[0][0] + lr * error * x[0]], [W[1][0] + lr * error * x[1]]])
            neuron.params["b"] = tensor(nn, [b[0] + lr * error])
        outputs = [1 if v[0] > 0 else 0 for v in to_list(neuron.forward(X))]
        best = max(best, sum(o == t for o, t in zip(outputs, y)) / len(y))
    return best


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    X, xor = data.xor_table()
    AND = [int(a and b) for a, b in X]
    OR = [int(a or b) for a, b in X]
    scores = {name: perceptron(nn, X, y, epochs=20 if quick else 100) for name, y in
              (("AND", AND), ("OR", OR), ("XOR", xor))}
    result.check("AND learned", scores["AND"] == 1.0)
    result.check("OR learned", scores["OR"] == 1.0)
    result.check("XOR never above 3 of 4", scores["XOR"] <= 0.75)
    return result.finish(", ".join(f"{k} best accuracy {v:.0%}" for k, v in scores.items()))
