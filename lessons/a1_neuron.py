"""Series A, part 1 (Victor Zhou): a neuron, a tiny network, and training it.

A neuron computes sigmoid(w·x + b). With w = [0, 1], b = 4 and x = [2, 3]:
sigmoid(0*2 + 1*3 + 4) = sigmoid(7) = 0.9990889488055994.
A network of such neurons (2 inputs -> 2 hidden -> 1 output, every w = [0, 1],
b = 0) gives 0.7216325609518421 for x = [2, 3]. Trained with MSE and
per-sample SGD (lr 0.1, 1000 epochs) on four people (weight - 135 lb,
height - 66 in; 1 = female) it predicts Emily (-7, -3) and Frank (20, 2).

Before handing over to `fit`, the lesson works one training step by hand,
on the series' own example: every weight 1, every bias 0, Alice
(x = [-2, -1], female: target 1). Forward: h = sigmoid(-2 - 1) = 0.0474 for
both hidden units, y = sigmoid(0.0474 + 0.0474) = 0.524, L = (1 - 0.524)².
Backward: dL/dy = -2 (1 - y) = -0.952, and the chain rule down to the first
weight gives dL/dw1 = 0.02147 (our W[0][0] of the first layer; the series,
rounding each factor to three digits, -0.952 * 0.249 * -0.0904, writes 0.0214).
Every gradient is printed by hand, next to the layer's `backward` result and
a central finite difference (lessons/handstep.py spells out the formulas),
then the series' own chain of factors for w1, each factor printed:

    dL/dw1 = dL/dypred * dypred/dh1 * dh1/dw1
           = -2 (1 - ypred) * w5 ypred (1 - ypred) * x1 h1 (1 - h1)

Then the step (lr 0.1, the series' rate): every weight moves by -0.1 times
its gradient, by hand next to SGD's, and the loss on Alice before and after.
"""
import data
import pictures

from . import handstep
from .common import Result, output_dir, tensor, to_list

NAME = "a1-neuron"
TITLE = "A neuron and a tiny network (Zhou, part 1)"
REPORTED = "neuron 0.9990889488055994, network 0.7216325609518421, dL/dw1 0.0214, Emily 0.951, Frank 0.039"


def series_chain(hand, x1, w5):
    """Zhou's factors of dL/dw1 from the hand-worked forward values (h1: the first hidden unit, ypred: the
    output): dL/dypred = -2 (1 - ypred), dypred/dh1 = w5 f'(z_o) = w5 ypred (1 - ypred),
    dh1/dw1 = x1 f'(z_h1) = x1 h1 (1 - h1)."""
    ypred, h1 = hand["a"][2][0], hand["a"][1][0]
    return -2.0 * (1.0 - ypred), w5 * ypred * (1.0 - ypred), x1 * h1 * (1.0 - h1)


def show_chain(factors, dw1, hand):
    """The series' chain, each factor in full, then as the series works it: ypred rounded to 0.524 first,
    each derivative to three digits (f'(z) = f(z) (1 - f(z)): 0.249 at the output, 0.0452 at h1)."""
    a, b, c = factors
    ypred, h1 = hand["a"][2][0], hand["a"][1][0]
    y3 = float(f"{ypred:.3g}")
    series = [-2.0 * (1.0 - y3), float(f"{ypred * (1.0 - ypred):.3g}"), -2.0 * float(f"{h1 * (1.0 - h1):.3g}")]
    return ["  the series' chain: dL/dw1 = dL/dypred * dypred/dh1 * dh1/dw1 = -2 (1 - ypred) * w5 ypred (1 - ypred)"
            " * x1 h1 (1 - h1)",
            f"    = {a:.10g} * {b:.10g} * {c:.10g} = {a * b * c:.10g} (the layers' dL/dw1: {dw1:.10g})",
            f"    as the series works it (ypred rounded to {y3:g}, each derivative to three digits): "
            f"{series[0]:.3g} * {series[1]:.3g} * {series[2]:.3g} = {series[0] * series[1] * series[2]:.4f}"]


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    neuron = nn.Sequential([nn.Dense(2, 1), nn.Sigmoid()])
    neuron.layers[0].params["W"] = tensor(nn, [[0.0], [1.0]])
    neuron.layers[0].params["b"] = tensor(nn, [4.0])
    neuron_out = to_list(neuron.forward([[2.0, 3.0]]))[0][0]
    result.check("the neuron gives exactly 0.9990889488055994", neuron_out == 0.9990889488055994)

    network = nn.Sequential([nn.Dense(2, 2), nn.Sigmoid(), nn.Dense(2, 1), nn.Sigmoid()])
    network.layers[0].params["W"] = tensor(nn, [[0.0, 0.0], [1.0, 1.0]])
    network.layers[0].params["b"] = tensor(nn, [0.0, 0.0])
    network.layers[2].params["W"] = tensor(nn, [[0.0], [1.0]])
    network.layers[2].params["b"] = tensor(nn, [0.0])
    network_out = to_list(network.forward([[2.0, 3.0]]))[0][0]
    result.check("the network gives exactly 0.7216325609518421", network_out == 0.7216325609518421)
    mse = nn.MSE().forward([[1.0], [0.0], [0.0], [1.0]], [[0.0]] * 4)
    result.check("MSE of [1, 0, 0, 1] against zeros is 0.5", mse == 0.5)

    worked = nn.Sequential([nn.Dense(2, 2), nn.Sigmoid(), nn.Dense(2, 1), nn.Sigmoid()])
    worked.layers[0].params["W"] = tensor(nn, [[1.0, 1.0], [1.0, 1.0]])
    worked.layers[0].params["b"] = tensor(nn, [0.0, 0.0])
    worked.layers[2].params["W"] = tensor(nn, [[1.0], [1.0]])
    worked.layers[2].params["b"] = tensor(nn, [0.0])
    hand = handstep.show(nn, result, worked, [-2.0, -1.0], [1.0], "Alice, every weight 1 and every bias 0", lr=0.1)
    dw1 = hand["dL/dW"][0][0][0]
    factors = series_chain(hand, x1=-2.0, w5=1.0)
    result.lines += show_chain(factors, dw1, hand)
    result.numbers.update({"dL/dw1": dw1, "chain": factors})
    result.check("dL/dw1 is the series' 0.0214 (within its rounding, 1e-4)", abs(dw1 - 0.0214) < 1e-4)
    result.check("the series' three factors multiply to dL/dw1 (within 1e-15)",
                 abs(factors[0] * factors[1] * factors[2] - dw1) < 1e-15)
    result.check("one step at lr 0.1 lowers Alice's loss", hand["loss after"] < hand["loss"])

    X, y = data.people()
    targets = [[float(t)] for t in y]
    model = nn.Sequential([nn.Dense(2, 2, init="normal(1.0)", seed=0), nn.Sigmoid(),
                           nn.Dense(2, 1, init="normal(1.0)", seed=1), nn.Sigmoid()])
    history = model.fit(X, targets, loss=nn.MSE(), optimizer=nn.SGD(0.1), epochs=200 if quick else 1000,
                        batch_size=1, seed=0, progress=False)
    emily, frank = (row[0] for row in to_list(model.predict([[-7.0, -3.0], [20.0, 2.0]])))
    result.check("Emily is predicted female (> 0.9)", emily > 0.9)
    result.check("Frank is predicted male (< 0.1)", frank < 0.1)
    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.line_chart(f"{folder}/loss.svg", {"training MSE": history["loss"]},
                                           title="Zhou's network: loss per epoch", y_label="MSE"))
    return result.finish(f"neuron {neuron_out!r}, network {network_out!r}, dL/dw1 {dw1:.5f}, Emily {emily:.3f}, "
                         f"Frank {frank:.3f}")
