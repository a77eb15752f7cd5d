"""A re-implementation of micrograd, for speed comparison only.

micrograd is Andrej Karpathy's tiny scalar autograd engine and neural-network
library (https://github.com/karpathy/micrograd, MIT licence, (c) 2020 Andrej
Karpathy), the best-known pure-Python teaching code for backpropagation.
This file re-implements its `Value` (engine.py) and `Neuron`/`Layer`/`MLP`
(nn.py) faithfully, written from the published code; it is not imported
from micrograd and is not part of the project's API.

Differences from micrograd, all marked "# added":
- `exp()` and `log()`, in micrograd's style, so the benchmark can use the
  same cross-entropy loss as the twins (micrograd's demo uses a hinge loss;
  Karpathy adds exp() in his lecture).
- `Neuron`/`MLP` accept an `rng` so weights can be seeded (micrograd uses the
  global `random`), and `backward()` builds its topological order with an
  explicit stack instead of recursion, because a 784-input neuron makes a
  chain of 784 additions that overflows Python's default recursion limit.
  The order visited is the same as micrograd's recursive build_topo.
"""
import math
import random


class Value:
    """ stores a single scalar value and its gradient """

    def __init__(self, data, _children=(), _op=''):
        self.data = data
        self.grad = 0
        # internal variables used for autograd graph construction
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op  # the op that produced this node, for graphviz / debugging / etc

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward

        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward

        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = Value(self.data**other, (self,), f'**{other}')

        def _backward():
            self.grad += (other * self.data**(other - 1)) * out.grad
        out._backward = _backward

        return out

    def relu(self):
        out = Value(0 if self.data < 0 else self.data, (self,), 'ReLU')

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward

        return out

    def exp(self):  # added
        out = Value(math.exp(self.data), (self,), 'exp')

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward

        return out

    def log(self):  # added
        out = Value(math.log(self.data), (self,), 'log')

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward

        return out

    def backward(self):

        # topological order all of the children in the graph
        # (added: an explicit stack, same order as micrograd's recursive build_topo)
        topo = []
        visited = set()
        stack = [(self, iter(self._prev))]
        visited.add(self)
        while stack:
            v, children = stack[-1]
            for child in children:
                if child not in visited:
                    visited.add(child)
                    stack.append((child, iter(child._prev)))
                    break
            else:
                stack.pop()
                topo.append(v)

        # go one variable at a time and apply the chain rule to get its gradient
        self.grad = 1
        for v in reversed(topo):
            v._backward()

    def __neg__(self):  # -self
        return self * -1

    def __radd__(self, other):  # other + self
        return self + other

    def __sub__(self, other):  # self - other
        return self + (-other)

    def __rsub__(self, other):  # other - self
        return other + (-self)

    def __rmul__(self, other):  # other * self
        return self * other

    def __truediv__(self, other):  # self / other
        return self * other**-1

    def __rtruediv__(self, other):  # other / self
        return other * self**-1

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"


class Module:

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0

    def parameters(self):
        return []


class Neuron(Module):

    def __init__(self, nin, nonlin=True, rng=random):  # added: rng
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):

    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):

    def __init__(self, nin, nouts, rng=random):  # added: rng
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1, rng=rng) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


# ---------------------------------------------------------------- benchmark glue (not micrograd)

def cross_entropy(logits, target):
    """-log softmax(logits)[target], built from Values (max subtracted as a constant)."""
    m = max(z.data for z in logits)
    shifted = [z - m for z in logits]
    return sum(z.exp() for z in shifted).log() - shifted[target]


def train_step(model, xs, ys, lr):
    """One SGD step on a batch, the way micrograd's demo trains: build the graph of
    the whole batch's mean loss, zero_grad, backward, p.data -= lr * p.grad."""
    losses = [cross_entropy(model(x), y) for x, y in zip(xs, ys)]
    loss = sum(losses) * (1.0 / len(losses))
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data


def copy_weights_from(model, layers):
    """Set the micrograd MLP's weights to those of a pure Sequential's Dense layers,
    so both compute the same function (W is (n_in, n_out): neuron j reads column j)."""
    dense = [layer for layer in layers if "W" in layer.params]
    for mg_layer, d in zip(model.layers, dense):
        W, b = d.params["W"], d.params["b"]
        for j, neuron in enumerate(mg_layer.neurons):
            for i, w in enumerate(neuron.w):
                w.data = W[i][j]
            neuron.b.data = b[j]
