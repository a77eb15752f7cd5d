"""One training step worked by hand, next to what the layers' `backward` says and a finite difference.

Lessons a1, b1 and d5 show backpropagation instead of only calling it. For a
stack of Dense layers, each followed by an activation, trained on one
example with the mean squared error, `by_hand` computes in plain Python:

    forward, layer by layer:   z = x·W + b      a = f(z)       (a is the next layer's x)
    the loss:                  L = (1/n) Σ (y - t)²            (y = the last a, n outputs)
    its gradient:              dL/dy = 2 (y - t) / n
    backward, last layer first:
        dL/dz = dL/da * f'(z)                 (the activation: one number per unit)
        dL/dW[i][j] = x[i] * dL/dz[j]         (each weight: its input times its unit's error)
        dL/db[j] = dL/dz[j]
        dL/dx[i] = Σ_j W[i][j] * dL/dz[j]     (the error handed to the layer below: its dL/da)

`through_layers` runs the same example through the twin's own layers
(forward, then each layer's `backward`, last to first), and
`finite_difference` nudges one number by ±eps and watches the loss move:
(L(w + eps) - L(w - eps)) / (2 eps). The three must agree: the hand formulas
and `backward` to rounding (1e-12), the finite difference to about 1e-7.

Then the step itself, plain SGD on the one example:

    W' = W - lr * dL/dW        b' = b - lr * dL/db

worked by hand (`step_by_hand`) next to what `nn.SGD(lr).step` makes of a
copy of the model, and the loss before and after the step (a forward pass by
hand with the new weights, next to the twin's).
"""
import copy
import math

from .common import agreement, tensor, to_list

ACTIVATIONS = {
    # name: (f(z), f'(z) written from f(z) and z)
    "sigmoid": (lambda z: 1.0 / (1.0 + math.exp(-z)), lambda z, a: a * (1.0 - a)),
    "leaky": (lambda z: z if z > 0 else 0.1 * z, lambda z, a: 1.0 if z > 0 else 0.1),
}


def by_hand(x, target, layers):
    """layers: [(W, b, activation name)], W as rows W[i][j] (input i -> unit j). One example.

    Returns a dict: "a" (each layer's output, the input first), "z", "loss", "dL/dy",
    and per layer (first to last) "dL/dz", "dL/dW", "dL/db", "dL/dx".
    """
    a, zs = [list(x)], []
    for W, b, name in layers:                                        # forward
        f = ACTIVATIONS[name][0]
        z = [sum(a[-1][i] * W[i][j] for i in range(len(W))) + b[j] for j in range(len(b))]
        zs.append(z)
        a.append([f(v) for v in z])
    y, n = a[-1], len(target)
    loss = sum((yi - ti) ** 2 for yi, ti in zip(y, target)) / n
    grad = [2.0 * (yi - ti) / n for yi, ti in zip(y, target)]        # dL/dy
    found = {"a": a, "z": zs, "loss": loss, "dL/dy": grad, "dL/dz": [], "dL/dW": [], "dL/db": [], "dL/dx": []}
    for k in reversed(range(len(layers))):                           # backward, last layer first
        W, b, name = layers[k]
        derivative = ACTIVATIONS[name][1]
        x_k = a[k]
        dz = [grad[j] * derivative(zs[k][j], a[k + 1][j]) for j in range(len(b))]
        dW = [[x_k[i] * dz[j] for j in range(len(b))] for i in range(len(W))]
        dx = [sum(W[i][j] * dz[j] for j in range(len(b))) for i in range(len(W))]
        for key, value in (("dL/dz", dz), ("dL/dW", dW), ("dL/db", list(dz)), ("dL/dx", dx)):
            found[key].insert(0, value)
        grad = dx                                                    # the layer below's dL/da
    return found


def weights_of(model):
    """[(W, b, activation)] as plain lists from a Sequential of Dense, activation pairs."""
    stack = []
    for dense, activation in zip(model.layers[::2], model.layers[1::2]):
        name = "sigmoid" if type(activation).__name__ == "Sigmoid" else "leaky"
        stack.append((to_list(dense.params["W"]), to_list(dense.params["b"]), name))
    return stack


def through_layers(nn, model, x, target):
    """The twin's own numbers for one example: each Dense layer's dL/dW, dL/db, dL/dx from its backward."""
    loss = nn.MSE()
    out = tensor(nn, [list(x)])
    for layer in model.layers:
        out = layer.forward(out)
    value = loss.forward(out, tensor(nn, [list(target)]))
    grad = loss.backward()
    found = {"loss": value, "dL/dy": to_list(grad)[0], "dL/dW": [], "dL/db": [], "dL/dx": []}
    for layer in reversed(model.layers):
        grad = layer.backward(grad)                 # need_input_grad: we want dL/dx of the first layer too
        if "W" in layer.params:
            found["dL/dW"].insert(0, to_list(layer.grads["W"]))
            found["dL/db"].insert(0, to_list(layer.grads["b"]))
            found["dL/dx"].insert(0, to_list(grad)[0])
    return found


def finite_difference(nn, model, x, target, eps=1e-6):
    """dL/dW, dL/db per Dense layer and dL/dx of the input, from (L(+eps) - L(-eps)) / (2 eps)."""
    loss = nn.MSE()

    def loss_at(inputs, first=0):
        """The loss when `inputs` enter layer `first` of the model (0: the network's input)."""
        out = tensor(nn, [inputs])
        for layer in model.layers[first:]:
            out = layer.forward(out)
        return loss.forward(out, tensor(nn, [list(target)]))

    found = {"dL/dW": [], "dL/db": []}
    for layer in model.layers:
        if "W" not in layer.params:
            continue
        for name in ("W", "b"):
            values = to_list(layer.params[name])
            rows = values if name == "W" else [values]          # b as a matrix of one row
            grads = [[0.0] * len(row) for row in rows]
            for i, row in enumerate(rows):
                for j in range(len(row)):
                    moved = []
                    for sign in (1, -1):
                        nudged = [list(r) for r in rows]
                        nudged[i][j] += sign * eps
                        layer.params[name] = tensor(nn, nudged if name == "W" else nudged[0])
                        moved.append(loss_at(list(x)))
                    grads[i][j] = (moved[0] - moved[1]) / (2 * eps)
            layer.params[name] = tensor(nn, values)
            found["dL/d" + name].append(grads if name == "W" else grads[0])
    found["dL/dx"] = []                                 # each Dense layer's input, nudged one entry at a time
    inputs = list(x)
    for position, layer in enumerate(model.layers):
        if "W" in layer.params:
            found["dL/dx"].append([(loss_at([v + eps if k == i else v for k, v in enumerate(inputs)], position)
                                    - loss_at([v - eps if k == i else v for k, v in enumerate(inputs)], position))
                                   / (2 * eps) for i in range(len(inputs))])
        inputs = to_list(layer.forward(tensor(nn, [inputs])))[0]
    return found


def step_by_hand(stack, hand, lr):
    """The weights after one plain SGD step: W' = W - lr * dL/dW, b' = b - lr * dL/db, layer by layer."""
    return [([[w - lr * g for w, g in zip(row, grads)] for row, grads in zip(W, hand["dL/dW"][k])],
             [v - lr * g for v, g in zip(b, hand["dL/db"][k])], name)
            for k, (W, b, name) in enumerate(stack)]


def step_through_optimizer(nn, model, x, target, lr):
    """A copy of the model after one nn.SGD(lr) step on the example: ([(W, b, activation)], its loss).

    The model itself is left as it was (the lesson trains it afterwards)."""
    moved = copy.deepcopy(model)
    through_layers(nn, moved, x, target)                 # fills every layer's grads
    nn.SGD(lr).step(moved.layers)
    out = tensor(nn, [list(x)])
    for layer in moved.layers:
        out = layer.forward(out)
    return weights_of(moved), nn.MSE().forward(out, tensor(nn, [list(target)]))


def flat(value):
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in flat(item)]
    return [value]


def largest_difference(a, b, floor=1e-8):
    """The largest |a - b| relative to max(floor, |b|) over matching entries."""
    return max(abs(p - q) / max(floor, abs(q)) for p, q in zip(flat(a), flat(b)))


def fmt(value):
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    return f"{value:.6g}"


def show(nn, result, model, x, target, description, lr):
    """Work one step by hand, print it next to backward and finite differences, and check they agree;
    then apply the SGD step with learning rate `lr` by hand, next to nn.SGD's, and the loss before and after.

    Adds lines to `result` and the checks; returns the hand numbers (with "step": the weights after the
    step and "loss after").
    """
    stack = weights_of(model)
    hand = by_hand(x, target, stack)
    layers = through_layers(nn, model, x, target)
    numeric = finite_difference(nn, model, x, target)
    lines = [f"one training step by hand, on {description}: x = {fmt(list(x))}, target t = {fmt(list(target))}"]
    for k, (z, a) in enumerate(zip(hand["z"], hand["a"][1:])):
        f = stack[k][2]
        lines.append(f"  layer {k + 1}: z = x·W + b = {fmt(z)};  a = {'sigmoid' if f == 'sigmoid' else 'LeakyReLU'}"
                     f"(z) = {fmt(a)}")
    lines.append(f"  loss L = mean (y - t)² = {hand['loss']:.10g}   (the twin's MSE: {layers['loss']:.10g})")
    lines.append(f"  dL/dy = 2 (y - t) / n = {fmt(hand['dL/dy'])}   (MSE.backward: {fmt(layers['dL/dy'])})")
    worst_backward, worst_numeric = 0.0, 0.0
    for k in reversed(range(len(stack))):
        lines.append(f"  layer {k + 1} (Dense {len(stack[k][0])} -> {len(stack[k][1])}), dL/dz = dL/da * f'(z) = "
                     f"{fmt(hand['dL/dz'][k])}")
        for key in ("dL/dW", "dL/db", "dL/dx"):
            theirs = layers[key][k]
            mine = hand[key][k]
            fd = numeric[key][k]
            worst_backward = max(worst_backward, largest_difference(mine, theirs))
            worst_numeric = max(worst_numeric, largest_difference(mine, fd, floor=1e-3))
            lines.append(f"    {key} by hand {fmt(mine)} | backward {fmt(theirs)} | finite difference {fmt(fd)}")
    lines.append(f"  hand vs backward: {agreement(worst_backward, '1e-12')}; hand vs finite difference: "
                 f"{agreement(worst_numeric, '1e-6')} (relative; absolute where below 1e-3)")
    moved = step_by_hand(stack, hand, lr)
    after = by_hand(x, target, moved)["loss"]
    sgd_stack, sgd_loss = step_through_optimizer(nn, model, x, target, lr)
    lines.append(f"  the step, lr = {lr:g}: W' = W - lr * dL/dW, b' = b - lr * dL/db")
    worst_step = 0.0
    for k in range(len(stack)):
        for i, key in ((0, "W"), (1, "b")):
            worst_step = max(worst_step, largest_difference(moved[k][i], sgd_stack[k][i]))
            lines.append(f"    layer {k + 1} {key}' by hand {fmt(moved[k][i])} | SGD.step {fmt(sgd_stack[k][i])}")
    worst_step = max(worst_step, largest_difference([after], [sgd_loss]))
    lines.append(f"  loss before the step {hand['loss']:.10g}, after {after:.10g} (forward by hand with the new "
                 f"weights; the twin's after SGD.step: {sgd_loss:.10g})")
    lines.append("  `fit` repeats this step (averaging the gradients over a mini-batch).")
    result.lines += lines
    hand.update({"step": moved, "loss after": after})
    result.numbers.update({"hand vs backward": worst_backward, "hand vs finite difference": worst_numeric,
                           "hand step vs SGD.step": worst_step, "hand": hand})
    result.check("the hand-derived gradients equal each layer's backward (within 1e-12)", worst_backward < 1e-12)
    result.check("and central finite differences (within 1e-6)", worst_numeric < 1e-6)
    result.check("the step by hand gives SGD.step's weights and loss (within 1e-12)", worst_step < 1e-12)
    return hand
