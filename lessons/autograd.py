"""From hand-derived gradients to autograd: a scalar `Value` that does backpropagation by itself.

Lessons a1, b1 and d5 write each layer's backward formula by hand. Autograd
(PyTorch's, or micrograd's, which this follows) never writes a layer's
backward: every arithmetic operation records where its result came from and
how to pass a gradient back to its inputs (its local derivative), and
`backward()` walks that graph from the loss down:

    a * b   ->  a.grad += b * out.grad     b.grad += a * out.grad
    a + b   ->  a.grad += out.grad         b.grad += out.grad
    tanh(a) ->  a.grad += (1 - tanh(a)²) * out.grad
    exp(a)  ->  a.grad += exp(a) * out.grad

`backward()` first sorts the graph so that every node comes after the nodes
it was computed from (a topological order), sets the loss's grad to 1 and
calls each node's little backward function in reverse. A value used twice
receives the sum of both gradients (hence +=): the lesson shows it on
c = tanh(a*b + exp(a)), where a feeds two branches, draws that graph as
text, and works dc/da by hand, path by path, next to backward() and a
finite difference.

The lesson builds a 2-3-1 network out of Values (a tanh hidden layer, a
linear output), and checks on the same numbers that its gradients equal what
the twin's `Dense.backward` and `Tanh.backward` compute. Then it trains the
Value network on XOR (targets -1 and +1, squared error, plain gradient
descent) and prints the loss every tenth of the run, then the four outputs. It is slow (one
Python object per number), which is exactly why the twins write whole layers.
"""
import math
import random

from .common import Result, agreement, tensor, to_list

NAME = "autograd"
TITLE = "A scalar autograd Value (+, *, tanh, exp, backward) checked against the layers"
REPORTED = "(new in this project; in the spirit of micrograd) the graph's gradients equal the layers' backward"


class Value:
    """One number, its gradient, and how it was computed (the graph autograd walks backwards)."""

    def __init__(self, data, parents=(), op="", label=""):
        self.data, self.grad = float(data), 0.0
        self._parents, self._op, self.label = parents, op, label
        self._backward = lambda: None          # passes self.grad on to the parents

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        e = math.exp(self.data)
        out = Value(e, (self,), "exp")

        def _backward():
            self.grad += e * out.grad
        out._backward = _backward
        return out

    def backward(self):
        """d(self)/d(every node of the graph), into each node's .grad."""
        order, seen = [], set()

        def visit(node):                        # topological order: parents before children
            if id(node) not in seen:
                seen.add(id(node))
                for parent in node._parents:
                    visit(parent)
                order.append(node)
        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    __radd__ = __add__
    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other if isinstance(other, Value) else Value(-other))

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"


def drawing(node):
    """The graph under `node` as text, one line per use of a node, with its value and grad.

    A node used more than once (a value feeding two branches) appears under each
    of its users and is marked: its grad is the sum over those uses."""
    uses = {}

    def count(n, seen):
        for parent in n._parents:
            uses[id(parent)] = uses.get(id(parent), 0) + 1
            if id(parent) not in seen:
                seen.add(id(parent))
                count(parent, seen)
    count(node, set())
    lines = []

    def draw(n, prefix, branch):
        name = n.label or n._op
        shared = f"   <- used {uses[id(n)]} times: grad adds every path" if uses.get(id(n), 0) > 1 else ""
        lines.append(f"{prefix}{branch}{name} = {n.data:.6g}   grad {n.grad:.6g}{shared}")
        below = prefix + {"": "", "└── ": "    "}.get(branch, "│   ")
        for k, parent in enumerate(n._parents):
            draw(parent, below, "└── " if k == len(n._parents) - 1 else "├── ")
    draw(node, "", "")
    return lines


def used_twice(result):
    """c = tanh(a*b + exp(a)): a feeds two branches, so dc/da is the sum of two paths. Returns (a.grad, hand)."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = (a * b + a.exp()).tanh()
    c.label = "c = tanh"
    c.backward()
    outer = 1.0 - c.data ** 2                                      # dc/d(a*b + exp(a)) = 1 - tanh²
    through_product, through_exp = outer * b.data, outer * math.exp(a.data)
    hand = through_product + through_exp

    def f(x):
        return math.tanh(x * b.data + math.exp(x))
    eps = 1e-6
    numeric = (f(a.data + eps) - f(a.data - eps)) / (2 * eps)
    result.lines.append("a value used twice: c = tanh(a*b + exp(a)) at a = 2, b = -3; the graph, from c down "
                        "(each node's value and grad after c.backward()):")
    result.lines += ["    " + line for line in drawing(c)]
    result.lines += [
        f"  dc/da by hand, one term per path from c to a: through a*b, (1 - c²)·b = {outer:.6g}·(-3) = "
        f"{through_product:.6g}; through exp(a), (1 - c²)·e^a = {outer:.6g}·{math.exp(a.data):.6g} = {through_exp:.6g}",
        f"  sum {hand:.6g} | backward() {a.grad:.6g} (a.grad, accumulated with +=) | finite difference {numeric:.6g}; "
        f"with = instead of += a would keep one path only"]
    result.check("a value used twice gets the sum of both paths: equal to the hand sum (within 1e-12)",
                 abs(a.grad - hand) < 1e-12)
    result.check("and to a central finite difference (within 1e-6)", abs(a.grad - numeric) < 1e-6)
    result.numbers.update({"used twice": {"c": c.data, "through product": through_product,
                                          "through exp": through_exp, "a.grad": a.grad, "numeric": numeric}})
    return a.grad, hand


def layer(x, W, b, activation=None):
    """One dense layer out of Values: z[j] = Σ_i x[i] W[i][j] + b[j], then tanh if asked."""
    z = []
    for j in range(len(b)):
        total = x[0] * W[0][j]
        for i in range(1, len(x)):
            total = total + x[i] * W[i][j]
        z.append(total + b[j])
    return [v.tanh() for v in z] if activation == "tanh" else z


def squared_error(y, t):
    """Mean of (y - t)² over the outputs, as the twins' MSE for one example."""
    total = (y[0] - t[0]) * (y[0] - t[0])
    for yi, ti in zip(y[1:], t[1:]):
        total = total + (yi - ti) * (yi - ti)
    return total * (1.0 / len(y))


def pre_activations(hidden):
    """The Values that went into each tanh (their .grad is dL/dz, filled in by backward)."""
    return [h._parents[0] for h in hidden]


def network(rng, sizes=(2, 3, 1)):
    """Weights as Values, drawn from N(0, 1) with the generator `rng`: [(W, b), ...]."""
    return [([[Value(rng.gauss(0.0, 1.0)) for _ in range(n_out)] for _ in range(n_in)],
             [Value(0.0) for _ in range(n_out)]) for n_in, n_out in zip(sizes, sizes[1:])]


def parameters(params):
    """Every weight and bias Value of the network, in one list."""
    return [v for W, b in params for v in [w for row in W for w in row] + b]


def forward(params, x):
    (W1, b1), (W2, b2) = params
    return layer(layer([Value(v) for v in x], W1, b1, "tanh"), W2, b2)


def compare_with_layers(nn, params, x, t):
    """The Value graph's gradients next to Dense.backward and Tanh.backward on the same numbers."""
    for v in parameters(params):
        v.grad = 0.0
    inputs = [Value(v) for v in x]
    (W1, b1), (W2, b2) = params
    hidden = layer(inputs, W1, b1, "tanh")
    loss = squared_error(layer(hidden, W2, b2), t)
    loss.backward()

    data = lambda m: [[v.data for v in row] for row in m]          # noqa: E731
    dense1, tanh, dense2 = nn.Dense(len(x), len(b1)), nn.Tanh(), nn.Dense(len(b1), len(b2))
    dense1.params.update(W=tensor(nn, data(W1)), b=tensor(nn, [v.data for v in b1]))
    dense2.params.update(W=tensor(nn, data(W2)), b=tensor(nn, [v.data for v in b2]))
    mse = nn.MSE()
    value = mse.forward(dense2.forward(tanh.forward(dense1.forward(tensor(nn, [list(x)])))), tensor(nn, [list(t)]))
    grad_hidden = dense2.backward(mse.backward())
    grad_z1 = tanh.backward(grad_hidden)
    grad_x = dense1.backward(grad_z1)
    pairs = {
        "loss": ([loss.data], [value]),
        "dL/dW2 (Dense.backward)": ([g.grad for row in W2 for g in row], to_list(dense2.grads["W"])),
        "dL/db2": ([g.grad for g in b2], to_list(dense2.grads["b"])),
        "dL/dh, the tanh outputs' gradient": ([h.grad for h in hidden], to_list(grad_hidden)[0]),
        "dL/dz1 (Tanh.backward)": ([z.grad for z in pre_activations(hidden)], to_list(grad_z1)[0]),
        "dL/dW1 (Dense.backward)": ([g.grad for row in W1 for g in row], to_list(dense1.grads["W"])),
        "dL/db1": ([g.grad for g in b1], to_list(dense1.grads["b"])),
        "dL/dx": ([v.grad for v in inputs], to_list(grad_x)[0]),
    }
    return {name: (ours, [v for row in theirs for v in (row if isinstance(row, list) else [row])])
            for name, (ours, theirs) in pairs.items()}


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    used_twice(result)

    rng = random.Random(0)
    params = network(rng)
    X, T = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [[-1.0], [1.0], [1.0], [-1.0]]
    worst = 0.0
    for name, (ours, theirs) in compare_with_layers(nn, params, X[1], T[1]).items():
        difference = max(abs(p - q) for p, q in zip(ours, theirs))
        worst = max(worst, difference)
        result.lines.append(f"  {name}: Value graph {[round(v, 6) for v in ours]} | layers "
                            f"{[round(v, 6) for v in theirs]}")
    result.numbers["largest difference"] = worst
    result.check("the Value graph's gradients equal Dense.backward and Tanh.backward (within 1e-12)", worst < 1e-12)

    losses = []
    steps = 60 if quick else 300
    for _ in range(steps):
        for v in parameters(params):           # zero the gradients, then one full-batch step
            v.grad = 0.0
        total = None
        for x, t in zip(X, T):
            loss = squared_error(forward(params, x), t)
            total = loss if total is None else total + loss
        total = total * (1.0 / len(X))
        total.backward()
        for v in parameters(params):
            v.data -= 0.1 * v.grad
        losses.append(total.data)
    every = steps // 10
    result.lines.append(f"XOR with Values, full-batch gradient descent (lr 0.1), the loss every {every} steps: "
                        + ", ".join(f"{k}: {losses[k - 1]:.4g}" for k in [1] + list(range(every, steps + 1, every))))
    outputs = [forward(params, x)[0].data for x in X]
    result.numbers.update({"first loss": losses[0], "last loss": losses[-1], "outputs": outputs})
    result.check("training with the Value graph lowers the loss 5-fold" if not quick else "the loss falls",
                 losses[-1] < (losses[0] / 5 if not quick else losses[0]))
    if not quick:
        result.check("and gets XOR's four signs right", all((o > 0) == (t[0] > 0) for o, t in zip(outputs, T)))
    return result.finish(f"Value graph vs layers: {agreement(worst, '1e-12')}; XOR trained with Values: loss "
                         f"{losses[0]:.4f} -> {losses[-1]:.4f} in {steps} steps, outputs "
                         + ", ".join(f"{o:+.3f}" for o in outputs) + " for targets -1, +1, +1, -1")
