"""A neural network in one file: the core of twinnet's pure twin and nothing else.

Dense layers, a sigmoid, softmax with cross-entropy, and stochastic gradient
descent, in plain Python lists. It does the same arithmetic in the same order,
and draws the same random numbers, as the `pure` package, so for the same seed
it trains to the same weights (tests/test_tiny_network.py checks it, number for
number). It leaves out what makes a library safe to use: checks, saving, diagnostics.

    python lessons/tiny_network.py       # 784-32-10 on the shipped MNIST digits (a minute or two)
"""
import gzip
import math
import os
import random
import struct


class Dense:
    """y = x W + b for a batch x of shape (N, n_in); W is (n_in, n_out)."""

    def __init__(self, n_in, n_out, seed):
        rng = random.Random(seed)
        a = math.sqrt(6.0 / (n_in + n_out))           # Xavier: uniform on [-a, a], row by row
        self.W = [[rng.uniform(-a, a) for _ in range(n_out)] for _ in range(n_in)]
        self.b = [0.0] * n_out

    def forward(self, x):
        self.x = x
        out = []
        for x_row in x:
            y = [0.0] * len(self.b)
            for x_k, W_k in zip(x_row, self.W):       # y = Σ_k x_k · (row k of W)
                y = [y_j + x_k * w for y_j, w in zip(y, W_k)]
            out.append([y_j + b_j for y_j, b_j in zip(y, self.b)])
        return out

    def backward(self, grad):
        """grad = dL/dy (N, n_out) -> dL/dx; keeps dL/dW = xᵀ grad and dL/db = Σ_n grad."""
        self.dW = [[0.0] * len(self.b) for _ in self.W]
        for x_row, g_row in zip(self.x, grad):        # each example adds the outer product x_nᵀ g_n
            for i, x_i in enumerate(x_row):
                self.dW[i] = [d + x_i * g for d, g in zip(self.dW[i], g_row)]
        self.db = [sum(column) for column in zip(*grad)]
        return [[sum([g * w for g, w in zip(g_row, W_i)]) for W_i in self.W] for g_row in grad]

    def step(self, lr):                                # gradient descent: p = p - lr dL/dp
        self.W = [[w - lr * d for w, d in zip(W_i, dW_i)] for W_i, dW_i in zip(self.W, self.dW)]
        self.b = [b - lr * d for b, d in zip(self.b, self.db)]


def sigmoid(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)                                    # never exp of a large positive number
    return e / (1.0 + e)


class Sigmoid:
    """y = 1 / (1 + e^-x), element by element; dy/dx = y (1 - y)."""

    def forward(self, x):
        self.y = [[sigmoid(v) for v in row] for row in x]
        return self.y

    def backward(self, grad):
        return [[g * y * (1.0 - y) for y, g in zip(y_row, g_row)] for y_row, g_row in zip(self.y, grad)]

    def step(self, lr):
        pass


class CrossEntropy:
    """Softmax and the negative log-likelihood of the right class, from the logits z:

        L = (1/N) Σ_n [log Σ_j e^(z_nj) - z_n,y_n],   dL/dz = (softmax(z) - onehot(y)) / N
    """

    def forward(self, z, y):
        self.y, self.probs, total = y, [], 0.0
        for z_row, label in zip(z, y):
            m = max(z_row)                             # e^(z - m) <= 1: no overflow
            exps = [math.exp(v - m) for v in z_row]
            s = sum(exps)
            total += m + math.log(s) - z_row[label]
            self.probs.append([e / s for e in exps])
        return total / len(z)

    def backward(self):
        n, grad = len(self.probs), []
        for p_row, label in zip(self.probs, self.y):
            row = [p / n for p in p_row]
            row[label] -= 1.0 / n
            grad.append(row)
        return grad


def train(layers, x, y, epochs, batch_size, lr, seed):
    """Mini-batch SGD; returns the mean loss of each epoch. The same batches as pure's fit(seed=seed)."""
    loss, order, rng, history = CrossEntropy(), list(range(len(x))), random.Random(seed), []
    for _ in range(epochs):
        rng.shuffle(order)
        total = 0.0
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            out = [x[i] for i in idx]
            for layer in layers:                       # forward
                out = layer.forward(out)
            value = loss.forward(out, [y[i] for i in idx])
            grad = loss.backward()
            for layer in reversed(layers):             # backward: the chain rule, layer by layer
                grad = layer.backward(grad)
            for layer in layers:
                layer.step(lr)
            total += value * len(idx)
        history.append(total / len(x))
    return history


def accuracy(layers, x, y):
    right = 0
    for x_row, label in zip(x, y):
        out = [x_row]
        for layer in layers:
            out = layer.forward(out)
        right += max(range(len(out[0])), key=out[0].__getitem__) == label
    return right / len(x)


def read_idx(path):
    """An MNIST file (gzip-compressed IDX): the list of images (pixels / 255) or of labels."""
    with gzip.open(path) as f:
        raw = f.read()
    dims = struct.unpack(f">{raw[3]}I", raw[4:4 + 4 * raw[3]])
    body = raw[4 + 4 * raw[3]:]
    if len(dims) == 1:
        return list(body)
    size = dims[1] * dims[2]
    return [[p / 255.0 for p in body[i * size:(i + 1) * size]] for i in range(dims[0])]


if __name__ == "__main__":
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "mnist")
    x = read_idx(os.path.join(folder, "train-10k-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(folder, "train-10k-labels-idx1-ubyte.gz"))
    x_test = read_idx(os.path.join(folder, "t10k-images-idx3-ubyte.gz"))
    y_test = read_idx(os.path.join(folder, "t10k-labels-idx1-ubyte.gz"))
    network = [Dense(784, 32, seed=0), Sigmoid(), Dense(32, 10, seed=1)]
    for epoch, value in enumerate(train(network, x, y, epochs=3, batch_size=10, lr=0.5, seed=0), 1):
        print(f"epoch {epoch}: mean loss {value:.4f}")
    print(f"test accuracy: {accuracy(network, x_test, y_test):.2%}")
