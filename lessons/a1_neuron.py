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
a central finite difference (lessons/handstep.py spells out the formulas).
"""
import data
import pictures

from . import handstep
from .common import Result, output_dir, tensor, to_list

NAME = "a1-neuron"
TITLE = "A neuron and a tiny network (Zhou, part 1)"
REPORTED = "neuron 0.9990889488055994, network 0.7216325609518421, dL/dw1 0.0214, Emily 0.951, Frank 0.039"


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
    hand = handstep.show(nn, result, worked, [-2.0, -1.0], [1.0], "Alice, every weight 1 and every bias 0")
    dw1 = hand["dL/dW"][0][0][0]
    result.numbers["dL/dw1"] = dw1
    result.check("dL/dw1 is the series' 0.0214 (within its rounding, 1e-4)", abs(dw1 - 0.0214) < 1e-4)

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
