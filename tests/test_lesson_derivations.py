"""The derivations the lessons print, each recomputed here by hand-written arithmetic, checked against the
lesson's numbers and found in its printed output (issue 21: lessons that derive every step they show).

Nothing here calls the lesson's hand-working functions to get the expected numbers: each is written out
from its formula, on the lesson's own small example, typed in again below.
"""
import functools
import importlib
import math

import pytest

from lessons.common import Result


def sig(z):
    return 1.0 / (1.0 + math.exp(-z))


def g6(v):
    """A number as the lessons print it in their tables (6 significant digits)."""
    return f"{v:.6g}"


@functools.lru_cache(maxsize=None)
def quick_run(twin, name):
    """Each lesson's --quick run once per twin (several tests read the same printed output)."""
    result = importlib.import_module(f"lessons.{name}").run(importlib.import_module(twin), quick=True)
    assert result.ok, str(result)
    return result, str(result)


# ----------------------------------------------------------------------------- a1: one full training step


def test_a1_applies_the_step_by_hand_and_shows_the_loss_before_and_after(nn):
    """Every weight 1, every bias 0, Alice x = (-2, -1), target 1, lr 0.1 (Zhou's worked example, then the step)."""
    result, printed = quick_run(nn.TWIN, "a1_neuron")
    h = sig(-2.0 - 1.0)                               # both hidden units: sigmoid(-2*1 + -1*1 + 0)
    y = sig(h + h)
    loss = (1.0 - y) ** 2
    dz2 = -2.0 * (1.0 - y) * y * (1.0 - y)            # dL/dy * sigmoid'(z2)
    dz1 = dz2 * 1.0 * h * (1.0 - h)                   # back through w5 = 1, then sigmoid'(z1)
    w1, w2 = 1.0 - 0.1 * (-2.0 * dz1), 1.0 - 0.1 * (-1.0 * dz1)     # x1 * dz1 and x2 * dz1
    b1, w5, b2 = 0.0 - 0.1 * dz1, 1.0 - 0.1 * (h * dz2), 0.0 - 0.1 * dz2
    h_after = sig(-2.0 * w1 + -1.0 * w2 + b1)
    y_after = sig(h_after * w5 + h_after * w5 + b2)
    loss_after = (1.0 - y_after) ** 2
    hand = result.numbers["hand"]
    assert abs(hand["loss"] - loss) < 1e-15 and abs(hand["loss after"] - loss_after) < 1e-15
    assert loss_after < loss
    assert hand["step"][0][0] == [[w1, w1], [w2, w2]] and hand["step"][1][0] == [[w5], [w5]]
    assert f"loss before the step {loss:.10g}, after {loss_after:.10g}" in printed
    assert f"the twin's after SGD.step: {loss_after:.10g}" in printed
    assert f"layer 1 W' by hand [[{g6(w1)}, {g6(w1)}], [{g6(w2)}, {g6(w2)}]] | SGD.step [[{g6(w1)}" in printed
    assert f"layer 2 b' by hand [{g6(b2)}] | SGD.step [{g6(b2)}]" in printed
    assert result.numbers["hand step vs SGD.step"] < 1e-12


def test_a1_prints_the_series_chain_of_factors(nn):
    result, printed = quick_run(nn.TWIN, "a1_neuron")
    h = sig(-3.0)
    y = sig(2.0 * h)
    factors = (-2.0 * (1.0 - y), 1.0 * y * (1.0 - y), -2.0 * h * (1.0 - h))
    product = factors[0] * factors[1] * factors[2]
    assert abs(product - 0.02147) < 1e-5
    assert f"= {factors[0]:.10g} * {factors[1]:.10g} * {factors[2]:.10g} = {product:.10g}" in printed
    # the series rounds ypred to 0.524 and each derivative to three digits: -0.952 * 0.249 * -0.0904 = 0.0214
    assert (round(y, 3), round(y * (1 - y), 3), round(h * (1 - h), 4)) == (0.524, 0.249, 0.0452)
    assert f"-0.952 * 0.249 * -0.0904 = {-0.952 * 0.249 * -0.0904:.4f}" in printed and "= 0.0214" in printed
    assert result.numbers["chain"] == pytest.approx(factors, rel=1e-15)


def starting_weights(nn, name):
    """The weights the lesson's hand step starts from, built again: [(W, b)] per Dense layer."""
    if name == "b1_backprop":
        from lessons.b1_backprop import build
        model = build(nn)
    else:                                  # d5: the first start, seeds 0 and 1
        model = nn.Sequential([nn.Dense(2, 2, init="normal(1.0)", seed=0), nn.Sigmoid(),
                               nn.Dense(2, 1, init="normal(1.0)", seed=1), nn.Sigmoid()])
    return [([[float(v) for v in row] for row in layer.params["W"]], [float(v) for v in layer.params["b"]])
            for layer in model.layers[::2]]


@pytest.mark.parametrize("name, lr", [("b1_backprop", 0.001), ("d5_backprop_xor", 2.0)])
def test_the_other_hand_steps_move_the_weights_by_minus_lr_times_the_gradient(nn, name, lr):
    result, printed = quick_run(nn.TWIN, name)
    hand = result.numbers["hand"]
    for k, ((W, b), (W_after, b_after, _)) in enumerate(zip(starting_weights(nn, name), hand["step"])):
        assert W_after == [[w - lr * g for w, g in zip(row, grads)] for row, grads in zip(W, hand["dL/dW"][k])]
        assert b_after == [v - lr * g for v, g in zip(b, hand["dL/db"][k])]
    assert f"the step, lr = {lr:g}: W' = W - lr * dL/dW" in printed
    assert f"after {hand['loss after']:.10g}" in printed and result.numbers["hand step vs SGD.step"] < 1e-12


# ----------------------------------------------------------------------------- a2: backpropagation through time

XS = [1.0, -1.0, 0.5]                   # the lesson's RNN: 1 input, 2 hidden units, 3 steps
WXH = [0.5, -0.5]
WHH = [[0.2, -0.4], [0.6, 0.1]]
B = [0.0, 0.1]
TARGET = [1.0, -1.0]


def bptt_written_out(transpose):
    """Forward and backward through the 3 steps, unit by unit (Whh[i][j]: from unit i of h_{t-1} to unit j)."""
    h = [[0.0, 0.0]]
    for x in XS:
        prev = h[-1]
        h.append([math.tanh(x * WXH[0] + prev[0] * WHH[0][0] + prev[1] * WHH[1][0] + B[0]),
                  math.tanh(x * WXH[1] + prev[0] * WHH[0][1] + prev[1] * WHH[1][1] + B[1])])
    dh = [h[3][0] - TARGET[0], h[3][1] - TARGET[1]]                  # 2 (h - t) / 2
    da = {}
    for t in (3, 2, 1):
        da[t] = [dh[0] * (1.0 - h[t][0] ** 2), dh[1] * (1.0 - h[t][1] ** 2)]
        if transpose:        # unit i of h_{t-1} gets back da[j] * Whh[i][j]
            dh = [da[t][0] * WHH[0][0] + da[t][1] * WHH[0][1], da[t][0] * WHH[1][0] + da[t][1] * WHH[1][1]]
        else:                # the series: da · Whh, unit i gets da[j] * Whh[j][i]
            dh = [da[t][0] * WHH[0][0] + da[t][1] * WHH[1][0], da[t][0] * WHH[0][1] + da[t][1] * WHH[1][1]]
    dWxh = [XS[0] * da[1][j] + XS[1] * da[2][j] + XS[2] * da[3][j] for j in (0, 1)]
    dWhh = [[h[0][i] * da[1][j] + h[1][i] * da[2][j] + h[2][i] * da[3][j] for j in (0, 1)] for i in (0, 1)]
    db = [da[1][j] + da[2][j] + da[3][j] for j in (0, 1)]
    return h, da, dWxh, dWhh, db


def test_a2_works_bptt_by_hand_and_shows_the_series_mistake(nn):
    result, printed = quick_run(nn.TWIN, "sentiment_rnn")
    h, da, dWxh, dWhh, db = bptt_written_out(transpose=True)
    hand = result.numbers["bptt hand"]
    assert hand["dL/dWxh"][0] == pytest.approx(dWxh, abs=1e-15)
    assert sum(hand["dL/dWhh"], []) == pytest.approx(sum(dWhh, []), abs=1e-15)
    assert hand["dL/db"] == pytest.approx(db, abs=1e-15)
    assert f"t = 3: a = [{g6(math.atanh(h[3][0]))}, {g6(math.atanh(h[3][1]))}], h = [{g6(h[3][0])}, {g6(h[3][1])}]" \
        in printed
    assert f"dL/dWhh by hand [[{g6(dWhh[0][0])}, {g6(dWhh[0][1])}], [{g6(dWhh[1][0])}, {g6(dWhh[1][1])}]] | " \
           f"RNN.backward [[{g6(dWhh[0][0])}" in printed
    assert f"dL/dWhh[1][0] = 0·{g6(da[1][0])} + ({g6(h[1][1])})·({g6(da[2][0])}) + {g6(h[2][1])}·({g6(da[3][0])}) " \
           f"= {g6(dWhh[1][0])}" in printed
    assert f"dL/db by hand [{g6(db[0])}, {g6(db[1])}] | RNN.backward [{g6(db[0])}, {g6(db[1])}] | finite difference" \
        in printed
    _, _, wrong_Wxh, wrong_Whh, _ = bptt_written_out(transpose=False)
    assert f"dL/dWxh the series' way [[{g6(wrong_Wxh[0])}, {g6(wrong_Wxh[1])}]] | finite difference " \
           f"[[{g6(dWxh[0])}, {g6(dWxh[1])}]]" in printed
    off = max(abs(p - q) / max(1e-3, abs(q)) for p, q in zip(wrong_Wxh + sum(wrong_Whh, []), dWxh + sum(dWhh, [])))
    assert off > 0.5 and result.numbers["bptt series off"] == pytest.approx(off, rel=1e-3)
    assert result.numbers["bptt hand vs backward"] < 1e-12 and result.numbers["bptt hand vs finite difference"] < 1e-6


def test_a2_starts_from_the_series_weights_randn_over_1000(nn):
    import random

    from lessons import sentiment_rnn
    model = sentiment_rnn.build(nn, 18, seed=0)
    rng = random.Random(0)                            # the RNN draws Wxh (18 x 64) then Whh (64 x 64), row by row
    first = [rng.gauss(0.0, 0.001) for _ in range(3)]
    Wxh = model.layers[0].params["Wxh"]
    assert [float(v) for v in list(Wxh[0])[:3]] == first
    weights = [float(v) for row in list(Wxh) + list(model.layers[0].params["Whh"]) for v in row]
    std = math.sqrt(sum(v * v for v in weights) / len(weights))
    assert 0.0009 < std < 0.0011 and [float(v) for v in model.layers[0].params["b"]] == [0.0] * 64


# ----------------------------------------------------------------------------- a3: conv and max-pool backward


def test_a3_works_conv_and_max_pool_backward_on_a_4x4_image(nn):
    result, printed = quick_run(nn.TWIN, "zhou_cnn")
    x = [[0, 0, 0, 2], [1, 2, 2, 1], [0, 1, 3, 3], [2, 3, 2, 0]]
    y = [[x[i][j] - x[i][j + 1] + 2 * x[i + 1][j] for j in range(3)] for i in range(3)]     # W = [[1, -1], [2, 0]]
    assert y == [[2, 4, 2], [-1, 2, 7], [3, 4, 4]]
    # windows of 2x2, stride 1: {2,4,-1,2} -> 4 at y[0][1]; {4,2,2,7} -> 7 at y[1][2]; {-1,2,3,4} -> 4 at y[2][1];
    # {2,7,4,4} -> 7 at y[1][2] again. Target [[3, 5], [5, 6]]: L = (1 + 4 + 1 + 1) / 4, dL/dm = 2 (m - t) / 4.
    dm = [[0.5, 1.0], [-0.5, 0.5]]
    dy = [[0.0, 0.5, 0.0], [0.0, 0.0, 1.0 + 0.5], [0.0, -0.5, 0.0]]
    dW = [[sum(dy[i][j] * x[i + p][j + q] for i in range(3) for j in range(3)) for q in range(2)] for p in range(2)]
    assert dW == [[0.5 * 0 + 1.5 * 2 - 0.5 * 1, 0.5 * 0 + 1.5 * 1 - 0.5 * 3],
                  [0.5 * 2 + 1.5 * 3 - 0.5 * 3, 0.5 * 2 + 1.5 * 3 - 0.5 * 2]] == [[2.5, 0.0], [4.0, 4.5]]
    hand = result.numbers["conv hand"]
    assert (hand["y"], hand["loss"], hand["dL/dm"], hand["dL/dy"], hand["dL/dW"]) == (y, 1.75, dm, dy, dW)
    assert "m = [[4, 7], [4, 7]], the largest of each window, found at y[0][1], y[1][2], y[2][1], y[1][2]" in printed
    assert "dL/dy by hand [[0, 0.5, 0], [0, 0, 1.5], [0, -0.5, 0]] | MaxPool2D.backward [[0, 0.5, 0], [0, 0, 1.5], " \
           "[0, -0.5, 0]] | finite difference" in printed
    assert "dL/dW[1][0] = 0.5·x[1][1] + 1.5·x[2][2] + (-0.5)·x[3][1] = 0.5·2 + 1.5·3 + (-0.5)·3 = 4" in printed
    assert "dL/dW by hand [[2.5, 0], [4, 4.5]] | Conv2D.backward [[2.5, 0], [4, 4.5]] | finite difference" in printed


def test_the_conv_layers_give_the_paper_numbers_exactly(nn):
    from lessons import conv_by_hand
    found = conv_by_hand.through_layers(nn, conv_by_hand.IMAGE, conv_by_hand.FILTER, conv_by_hand.TARGET)
    assert found["loss"] == 1.75 and found["dL/dW"] == [[2.5, 0.0], [4.0, 4.5]]
    assert found["dL/dy"] == [[0.0, 0.5, 0.0], [0.0, 0.0, 1.5], [0.0, -0.5, 0.0]]


# ----------------------------------------------------------------------------- c1: sigmoid + cross-entropy = p - t


def test_c1_shows_the_chain_reducing_to_p_minus_t(nn):
    from lessons import c1_logistic
    result = Result("c1", "")                  # the derivation c1 prints first (the pure twin's full run is slow)
    c1_logistic.derive_p_minus_t(nn, result)
    printed = str(result.finish(""))
    z = 2.0 * 0.5 + -1.0 * 1.0 - 0.5
    p = 1.0 / (1.0 + math.exp(0.5))
    assert z == -0.5 and p == sig(z)
    for t in (1.0, 0.0):
        dL_dp = -t / p + (1.0 - t) / (1.0 - p)
        dp_dz = p * (1.0 - p)
        assert abs(dL_dp * dp_dz - (p - t)) < 1e-15
        assert f"dL/dz = dL/dp * dp/dz = {g6(dL_dp)} * {g6(dp_dz)} = {g6(dL_dp * dp_dz)} = p - t = {g6(p - t)} | " \
               f"Sigmoid.backward {g6(p - t)} | finite difference {g6(p - t)}" in printed
        assert f"dL/dw = (p - t) x = [{g6(2 * (p - t))}, {g6(-(p - t))}] | Dense.backward [{g6(2 * (p - t))}" in printed
        assert f"L = -(t ln p + (1 - t) ln(1 - p)) = {g6(-math.log(p if t else 1 - p))}" in printed
        assert result.numbers["p - t"][t]["dL/dz"] == pytest.approx(p - t, abs=1e-15)
    assert result.ok


def test_c1_prints_the_derivation_before_training():
    pytest.importorskip("numpy")
    _, printed = quick_run("vectorized", "c1_logistic")
    assert "dL/dz = dL/dp * dp/dz" in printed and "= p - t = -0.622459" in printed


# ----------------------------------------------------------------------------- autograd: a value used twice


def test_autograd_shows_a_value_used_twice_and_its_graph(nn):
    result, printed = quick_run(nn.TWIN, "autograd")
    c = math.tanh(2.0 * -3.0 + math.exp(2.0))
    outer = 1.0 - c * c
    path_product, path_exp = outer * -3.0, outer * math.exp(2.0)
    assert f"through a*b, (1 - c²)·b = {g6(outer)}·(-3) = {g6(path_product)}" in printed
    assert f"through exp(a), (1 - c²)·e^a = {g6(outer)}·{g6(math.exp(2.0))} = {g6(path_exp)}" in printed
    assert f"sum {g6(path_product + path_exp)} | backward() {g6(path_product + path_exp)}" in printed
    graph = [f"c = tanh = {g6(c)}   grad 1",
             f"└── + = {g6(-6.0 + math.exp(2.0))}   grad {g6(outer)}",
             f"    ├── * = -6   grad {g6(outer)}",
             f"    │   ├── a = 2   grad {g6(path_product + path_exp)}   <- used 2 times: grad adds every path",
             f"    │   └── b = -3   grad {g6(outer * 2.0)}",
             f"    └── exp = {g6(math.exp(2.0))}   grad {g6(outer)}",
             f"        └── a = 2   grad {g6(path_product + path_exp)}   <- used 2 times: grad adds every path"]
    assert "\n".join("    " + line for line in graph) in printed
    assert result.numbers["used twice"]["a.grad"] == pytest.approx(path_product + path_exp, rel=1e-14)


def test_autograd_prints_the_loss_every_tenth_of_the_run(nn):
    result, printed = quick_run(nn.TWIN, "autograd")
    line = next(line for line in printed.splitlines() if "the loss every 6 steps" in line)
    steps = [int(item.split(":")[0]) for item in line.split("steps: ")[1].split(", ")]
    assert steps == [1, 6, 12, 18, 24, 30, 36, 42, 48, 54, 60]
    assert f"1: {result.numbers['first loss']:.4g}," in line and line.endswith(f"60: {result.numbers['last loss']:.4g}")
