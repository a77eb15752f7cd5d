"""Backpropagation through time worked by hand on a tiny RNN, next to RNN.backward and a finite difference.

Lesson a2 runs this before training. The RNN has 1 input and 2 hidden units
and reads 3 steps (numbers small enough to follow with a calculator); the
loss is the mean squared error of the last state against a target:

    forward, t = 1, 2, 3:   a_t = x_t Wxh + h_{t-1} Whh + b      h_t = tanh(a_t)      h_0 = 0
    the loss:               L = (1/2) Σ_j (h_3[j] - target[j])²      dL/dh_3 = h_3 - target
    backward, t = 3, 2, 1:  dL/da_t     = dL/dh_t ⊙ (1 - h_t²)                  (tanh' = 1 - tanh²)
                            dL/dh_{t-1} = dL/da_t · Whhᵀ,  i.e. Σ_j dL/da_t[j] Whh[i][j] for unit i
    then, summed over the steps (the same weights act at every step):
        dL/dWxh[i][j] = Σ_t x_t[i] dL/da_t[j]     dL/dWhh[i][j] = Σ_t h_{t-1}[i] dL/da_t[j]
        dL/db[j] = Σ_t dL/da_t[j]                  dL/dx_t[i] = Σ_j dL/da_t[j] Wxh[i][j]

Unit i of h_{t-1} fed unit j of a_t through Whh[i][j], so it gets back
dL/da_t[j] times that weight: row i of Whh, which is the product with Whhᵀ.
The series' code multiplies by Whh itself (Σ_j dL/da_t[j] Whh[j][i]); the
lesson works that too and shows its gradients disagree with the finite
difference (they agree only when Whh is symmetric, and Whh here is not).
"""
import math

from .common import agreement, tensor, to_list
from .handstep import fmt, largest_difference

XS = [[1.0], [-1.0], [0.5]]                  # 3 steps of 1 input
WXH = [[0.5, -0.5]]                          # (1, 2)
WHH = [[0.2, -0.4], [0.6, 0.1]]              # (2, 2), not symmetric: Whh and Whhᵀ differ
B = [0.0, 0.1]
TARGET = [1.0, -1.0]


def by_hand(xs, Wxh, Whh, b, target, transpose=True):
    """Forward and backward through time in plain Python. transpose=False: the series' dL/da_t · Whh.

    Returns a dict: "a", "h" (h_0 .. h_T), "loss", "dL/dh" (per step, t = 1..T), "dL/da", "dL/dWxh",
    "dL/dWhh", "dL/db", "dL/dx".
    """
    H, T = len(b), len(xs)
    hs, As = [[0.0] * H], []
    for x in xs:
        a = [sum(x[i] * Wxh[i][j] for i in range(len(x))) + sum(hs[-1][k] * Whh[k][j] for k in range(H)) + b[j]
             for j in range(H)]
        As.append(a)
        hs.append([math.tanh(v) for v in a])
    loss = sum((h - t) ** 2 for h, t in zip(hs[-1], target)) / H
    dh = [2.0 * (h - t) / H for h, t in zip(hs[-1], target)]           # dL/dh_T
    dhs, das = [None] * T, [None] * T
    for t in reversed(range(T)):                                         # step t + 1 of the text, 0-based here
        dhs[t] = dh
        das[t] = [dh[j] * (1.0 - hs[t + 1][j] ** 2) for j in range(H)]
        if transpose:
            dh = [sum(das[t][j] * Whh[i][j] for j in range(H)) for i in range(H)]     # dL/da_t · Whhᵀ
        else:
            dh = [sum(das[t][j] * Whh[j][i] for j in range(H)) for i in range(H)]     # the series: dL/da_t · Whh
    n_in = len(xs[0])
    return {"a": As, "h": hs, "loss": loss, "dL/dh": dhs, "dL/da": das,
            "dL/dWxh": [[sum(xs[t][i] * das[t][j] for t in range(T)) for j in range(H)] for i in range(n_in)],
            "dL/dWhh": [[sum(hs[t][i] * das[t][j] for t in range(T)) for j in range(H)] for i in range(H)],
            "dL/db": [sum(das[t][j] for t in range(T)) for j in range(H)],
            "dL/dx": [[sum(das[t][j] * Wxh[i][j] for j in range(H)) for i in range(n_in)] for t in range(T)]}


def layer_with(nn, Wxh, Whh, b):
    rnn = nn.RNN(len(Wxh), len(b), seed=0)
    rnn.params.update(Wxh=tensor(nn, Wxh), Whh=tensor(nn, Whh), b=tensor(nn, b))
    return rnn


def through_layer(nn, xs, Wxh, Whh, b, target):
    """The twin's own numbers: RNN.forward, MSE, MSE.backward, RNN.backward."""
    rnn, mse = layer_with(nn, Wxh, Whh, b), nn.MSE()
    loss = mse.forward(rnn.forward(tensor(nn, [xs])), tensor(nn, [target]))
    dx = rnn.backward(mse.backward())
    found = {"loss": loss, "dL/dx": to_list(dx)[0]}
    found.update({"dL/d" + name: to_list(rnn.grads[name]) for name in ("Wxh", "Whh", "b")})
    return found


def finite_difference(nn, xs, Wxh, Whh, b, target, eps=1e-6):
    """(L(+eps) - L(-eps)) / (2 eps) for every weight, bias and input, one number nudged at a time."""
    def loss_at(xs, Wxh, Whh, b):
        rnn = layer_with(nn, Wxh, Whh, b)
        return nn.MSE().forward(rnn.forward(tensor(nn, [xs])), tensor(nn, [target]))

    values = {"Wxh": Wxh, "Whh": Whh, "b": [b], "x": xs}             # b as one row
    found = {}
    for name, rows in values.items():
        grads = [[0.0] * len(row) for row in rows]
        for i, row in enumerate(rows):
            for j in range(len(row)):
                moved = []
                for sign in (1, -1):
                    nudged = dict(values)
                    nudged[name] = [list(r) for r in rows]
                    nudged[name][i][j] += sign * eps
                    moved.append(loss_at(nudged["x"], nudged["Wxh"], nudged["Whh"], nudged["b"][0]))
                grads[i][j] = (moved[0] - moved[1]) / (2 * eps)
        found["dL/d" + name] = grads[0] if name == "b" else grads
    return found


def sum_of_products(left, right, names):
    """'0.5·(-0.1) + ...' for Σ_t left[t] right[t], each product written out, and the total."""
    def number(v):
        return f"({fmt(v)})" if v < 0 else fmt(v)
    terms = " + ".join(f"{number(p)}·{number(q)}" for p, q in zip(left, right))
    return f"{names} = {terms} = {fmt(sum(p * q for p, q in zip(left, right)))}"


def show(nn, result):
    """Print BPTT by hand next to RNN.backward and finite differences, then the series' Whh mistake; add checks."""
    hand = by_hand(XS, WXH, WHH, B, TARGET)
    series = by_hand(XS, WXH, WHH, B, TARGET, transpose=False)
    layer = through_layer(nn, XS, WXH, WHH, B, TARGET)
    numeric = finite_difference(nn, XS, WXH, WHH, B, TARGET)
    T, H = len(XS), len(B)
    lines = [f"backpropagation through time by hand: an RNN with 1 input and {H} hidden units reads {T} steps, "
             f"x = {fmt([x[0] for x in XS])}; Wxh = {fmt(WXH)}, Whh = {fmt(WHH)}, b = {fmt(B)}, "
             f"target {fmt(TARGET)}",
             "  forward: a_t = x_t Wxh + h_{t-1} Whh + b, h_t = tanh(a_t), h_0 = [0, 0]"]
    for t in range(T):
        lines.append(f"    t = {t + 1}: a = {fmt(hand['a'][t])}, h = {fmt(hand['h'][t + 1])}")
    lines.append(f"  loss L = mean (h_3 - target)² = {hand['loss']:.10g} (the twin's MSE: {layer['loss']:.10g}); "
                 f"dL/dh_3 = h_3 - target = {fmt(hand['dL/dh'][-1])}")
    lines.append("  backward, last step first: dL/da_t = dL/dh_t ⊙ (1 - h_t²); dL/dh_{t-1} = dL/da_t · Whhᵀ")
    for t in reversed(range(T)):
        before = hand["dL/dh"][t - 1] if t else None
        lines.append(f"    t = {t + 1}: dL/dh = {fmt(hand['dL/dh'][t])}, dL/da = {fmt(hand['dL/da'][t])}"
                     + (f", dL/dh_{t} = {fmt(before)}" if before is not None else ""))
    da = hand["dL/da"]
    lines.append("  the weights' gradients, summed over the 3 steps:")
    for j in range(H):
        lines.append("    " + sum_of_products([x[0] for x in XS], [d[j] for d in da], f"dL/dWxh[0][{j}]"))
    for i in range(H):
        for j in range(H):
            lines.append("    " + sum_of_products([h[i] for h in hand["h"][:T]], [d[j] for d in da],
                                                  f"dL/dWhh[{i}][{j}]"))
    worst_backward, worst_numeric = 0.0, 0.0
    for key in ("dL/dWxh", "dL/dWhh", "dL/db", "dL/dx"):
        worst_backward = max(worst_backward, largest_difference(hand[key], layer[key]))
        worst_numeric = max(worst_numeric, largest_difference(hand[key], numeric[key], floor=1e-3))
        lines.append(f"    {key} by hand {fmt(hand[key])} | RNN.backward {fmt(layer[key])} | "
                     f"finite difference {fmt(numeric[key])}")
    worst_backward = max(worst_backward, largest_difference([hand["loss"]], [layer["loss"]]))
    lines.append(f"  hand vs RNN.backward: {agreement(worst_backward, '1e-12')}; hand vs finite difference: "
                 f"{agreement(worst_numeric, '1e-6')}")
    series_off = max(largest_difference(series[key], numeric[key], floor=1e-3) for key in ("dL/dWxh", "dL/dWhh"))
    lines.append("  the series' backward multiplies by Whh instead of Whhᵀ (dL/dh_{t-1} = dL/da_t · Whh):")
    lines.append(f"    t = 3: dL/dh_2 = {fmt(series['dL/dh'][1])} instead of {fmt(hand['dL/dh'][1])}")
    for key in ("dL/dWxh", "dL/dWhh"):
        lines.append(f"    {key} the series' way {fmt(series[key])} | finite difference {fmt(numeric[key])}")
    lines.append(f"    wrong by up to {series_off:.0%} (relative): the last step's terms are right "
                 f"(dL/da_3 needs no Whh), every earlier step's are not")
    result.lines += lines
    result.numbers.update({"bptt hand": hand, "bptt series": series, "bptt hand vs backward": worst_backward,
                           "bptt hand vs finite difference": worst_numeric, "bptt series off": series_off})
    result.check("BPTT by hand equals RNN.backward (within 1e-12)", worst_backward < 1e-12)
    result.check("and central finite differences (within 1e-6)", worst_numeric < 1e-6)
    result.check("the series' Whh (not Whhᵀ) gives gradients off by more than 1%", series_off > 0.01)
    return hand
