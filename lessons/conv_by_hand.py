"""Conv2D and max-pool backward worked by hand on a 4x4 image, next to the layers' backward and a finite difference.

Lesson a3 runs this before training. One channel, one 2x2 filter, no bias
(the series' convolution has none), whole numbers so every step can be
checked on paper:

    convolution (3x3 out):  y[i][j] = Σ_p Σ_q W[p][q] x[i+p][j+q]
    max-pool 2x2, stride 1: m[i][j] = the largest of y[i][j], y[i][j+1], y[i+1][j], y[i+1][j+1]
                            (the series' pool moves 2 at a time; moving 1 gives a 3x3 map four windows)
    the loss:               L = (1/4) Σ (m - t)²              dL/dm = 2 (m - t) / 4
    max-pool backward:      dL/dm[i][j] goes to the one y that was the window's largest, 0 to the other
                            three; where windows share their largest, the gradients add
    convolution backward:   dL/dW[p][q] = Σ_i Σ_j dL/dy[i][j] x[i+p][j+q]
                            (each position's gradient times the pixel that met W[p][q] there)

Like the series' code, the filter gradient is all the first layer needs (no dL/dx).
"""
from .common import agreement, tensor, to_list
from .handstep import fmt, largest_difference

IMAGE = [[0.0, 0.0, 0.0, 2.0],
         [1.0, 2.0, 2.0, 1.0],
         [0.0, 1.0, 3.0, 3.0],
         [2.0, 3.0, 2.0, 0.0]]
FILTER = [[1.0, -1.0],
          [2.0, 0.0]]
TARGET = [[3.0, 5.0],
          [5.0, 6.0]]


def by_hand(x, W, target):
    """Forward and backward in plain Python: a dict with "y", "m", "argmax" (the y position each window's
    largest came from), "loss", "dL/dm", "dL/dy", "dL/dW" and "terms" (dL/dW[p][q]'s products, per entry:
    (dL/dy, the pixel's position, the pixel))."""
    k, n = len(W), len(x) - len(W) + 1                         # filter size, map size
    y = [[sum(W[p][q] * x[i + p][j + q] for p in range(k) for q in range(k)) for j in range(n)] for i in range(n)]
    m, argmax = [], []
    for i in range(n - 1):
        row, where = [], []
        for j in range(n - 1):
            window = [(y[i + p][j + q], (i + p, j + q)) for p in range(2) for q in range(2)]
            best = window[0]
            for value, position in window:
                if value > best[0]:                             # ties: the first, as MaxPool2D does
                    best = (value, position)
            row.append(best[0])
            where.append(best[1])
        m.append(row)
        argmax.append(where)
    count = len(m) * len(m[0])
    loss = sum((v - t) ** 2 for row, trow in zip(m, target) for v, t in zip(row, trow)) / count
    dm = [[2.0 * (v - t) / count for v, t in zip(row, trow)] for row, trow in zip(m, target)]
    dy = [[0.0] * n for _ in range(n)]
    for i in range(len(m)):
        for j in range(len(m[0])):
            a, b = argmax[i][j]
            dy[a][b] += dm[i][j]                                # routed to the window's largest
    terms = [[[(dy[i][j], (i + p, j + q), x[i + p][j + q]) for i in range(n) for j in range(n) if dy[i][j]]
              for q in range(k)] for p in range(k)]
    dW = [[sum(g * v for g, _, v in terms[p][q]) for q in range(k)] for p in range(k)]
    return {"y": y, "m": m, "argmax": argmax, "loss": loss, "dL/dm": dm, "dL/dy": dy, "dL/dW": dW, "terms": terms}


def layers(nn, W):
    conv = nn.Conv2D(1, 1, len(W), bias=False, seed=0)
    conv.params["W"] = tensor(nn, [[W]])
    return conv, nn.MaxPool2D(2, stride=1), nn.Flatten()


def loss_of(nn, x, W, target, from_map=None):
    """L for image x and filter W; with from_map, L when the 3x3 map y is `from_map` (the pool's input)."""
    conv, pool, flatten = layers(nn, W)
    y = tensor(nn, [[from_map]]) if from_map is not None else conv.forward(tensor(nn, [[x]]))
    out = flatten.forward(pool.forward(y))
    return nn.MSE().forward(out, tensor(nn, [[v for row in target for v in row]]))


def through_layers(nn, x, W, target):
    """The twin's own numbers: Conv2D, MaxPool2D, Flatten, MSE forward; then each backward."""
    conv, pool, flatten = layers(nn, W)
    mse = nn.MSE()
    loss = mse.forward(flatten.forward(pool.forward(conv.forward(tensor(nn, [[x]])))),
                       tensor(nn, [[v for row in target for v in row]]))
    dy = pool.backward(flatten.backward(mse.backward()))
    conv.backward(dy, need_input_grad=False)
    return {"loss": loss, "dL/dy": to_list(dy)[0][0], "dL/dW": to_list(conv.grads["W"])[0][0]}


def finite_difference(nn, x, W, target, y, eps=1e-6):
    """dL/dW and dL/dy (y: the 3x3 map) from (L(+eps) - L(-eps)) / (2 eps), one number nudged at a time."""
    def nudged(matrix, i, j, step):
        copy = [list(row) for row in matrix]
        copy[i][j] += step
        return copy

    dW = [[(loss_of(nn, x, nudged(W, p, q, eps), target) - loss_of(nn, x, nudged(W, p, q, -eps), target)) / (2 * eps)
           for q in range(len(W))] for p in range(len(W))]
    dy = [[(loss_of(nn, x, W, target, nudged(y, i, j, eps)) - loss_of(nn, x, W, target, nudged(y, i, j, -eps)))
           / (2 * eps) for j in range(len(y))] for i in range(len(y))]
    return {"dL/dW": dW, "dL/dy": dy}


def number(v):
    return f"({fmt(v)})" if v < 0 else fmt(v)


def show(nn, result):
    """Print the conv and max-pool backward by hand next to the layers and finite differences; add checks."""
    hand = by_hand(IMAGE, FILTER, TARGET)
    layer = through_layers(nn, IMAGE, FILTER, TARGET)
    numeric = finite_difference(nn, IMAGE, FILTER, TARGET, hand["y"])
    lines = ["conv and max-pool backward by hand, on a 4x4 image (one channel) and a 2x2 filter (no bias):",
             f"  image x = {fmt(IMAGE)}; filter W = {fmt(FILTER)}; target t = {fmt(TARGET)}",
             f"  forward: y[i][j] = Σ_p Σ_q W[p][q] x[i+p][j+q] = {fmt(hand['y'])}",
             f"  max-pool 2x2, stride 1: m = {fmt(hand['m'])}, the largest of each window, found at "
             + ", ".join(f"y[{a}][{b}]" for row in hand["argmax"] for a, b in row),
             f"  loss L = mean (m - t)² = {hand['loss']:.10g} (the twin's: {layer['loss']:.10g}); "
             f"dL/dm = 2 (m - t) / 4 = {fmt(hand['dL/dm'])}",
             "  max-pool backward: each dL/dm[i][j] goes to where its window's largest was (adding where windows share "
             "it), 0 elsewhere:",
             f"    dL/dy by hand {fmt(hand['dL/dy'])} | MaxPool2D.backward {fmt(layer['dL/dy'])} | "
             f"finite difference {fmt(numeric['dL/dy'])}",
             "  convolution backward: dL/dW[p][q] = Σ_i Σ_j dL/dy[i][j] x[i+p][j+q] (the terms where dL/dy is not 0):"]
    for p, row in enumerate(hand["terms"]):
        for q, terms in enumerate(row):
            named = " + ".join(f"{number(g)}·x[{a}][{b}]" for g, (a, b), _ in terms)
            products = " + ".join(f"{number(g)}·{fmt(v)}" for g, _, v in terms)
            lines.append(f"    dL/dW[{p}][{q}] = {named} = {products} = {fmt(hand['dL/dW'][p][q])}")
    lines.append(f"    dL/dW by hand {fmt(hand['dL/dW'])} | Conv2D.backward {fmt(layer['dL/dW'])} | "
                 f"finite difference {fmt(numeric['dL/dW'])}")
    worst_backward = max(largest_difference(hand[key], layer[key]) for key in ("dL/dy", "dL/dW"))
    worst_backward = max(worst_backward, largest_difference([hand["loss"]], [layer["loss"]]))
    worst_numeric = max(largest_difference(hand[key], numeric[key], floor=1e-3) for key in ("dL/dy", "dL/dW"))
    lines.append(f"  hand vs backward: {agreement(worst_backward, '1e-12')}; hand vs finite difference: "
                 f"{agreement(worst_numeric, '1e-6')}")
    result.lines += lines
    result.numbers.update({"conv hand": hand, "conv hand vs backward": worst_backward,
                           "conv hand vs finite difference": worst_numeric})
    result.check("conv and max-pool backward by hand equal the layers' backward (within 1e-12)",
                 worst_backward < 1e-12)
    result.check("and central finite differences (within 1e-6)", worst_numeric < 1e-6)
    return hand
