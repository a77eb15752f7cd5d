"""Series C, step 3: a deep network with 5 hidden layers, and what depth changes.

784 -> 32 -> 32 -> 32 -> 32 -> 32 -> 1 (five hidden layers). Depth brings two
things to see: (1) the gradient reaching the first layer. Going back through
a sigmoid layer, the gradient is multiplied by the sigmoid's derivative,
which is at most 0.25, and by that layer's weights, which can shrink or
grow it. The lesson prints the measured ratio |dL/dW| of each layer to the
next one's: with sigmoid units and Xavier initialisation every ratio is
below 1 (we measured 0.25 to 0.47, not at most 0.25: the weights, and each
layer's inputs, since dL/dW = input x delta, also enter the ratio), so the
first layer's gradient is hundreds of times smaller than the last's; with
ReLU and He initialisation it keeps its size. (2) the accuracy: on this small
task (3,000 training digits) the deep ReLU network does about as well as the
shallow one of c2, not better (we measured 96.3% against c2's 96.4%): depth
pays on harder tasks and with more data, not on "is it an 8?". The series
does not report a figure for its deep network that we could compare with.
"""
import pictures

from . import binary_task
from .common import Result, head, output_dir, to_list


def build(nn, activation, init):
    layers, width = [], 784
    for i in range(5):
        layers += [nn.Dense(width, 32, init=init, seed=i), getattr(nn, activation)()]
        width = 32
    return nn.Sequential(layers + [nn.Dense(32, 1, seed=5), nn.Sigmoid()])


def gradient_norms(nn, model, x, t):
    """The size of dL/dW for each Dense layer, first to last, at the current weights."""
    loss = nn.BinaryCrossEntropy()
    loss.forward(model.forward(x), t)
    model.backward(loss.backward())
    norms = []
    for layer in model.layers:
        if "W" in layer.params:
            flat = [v for row in to_list(layer.grads["W"]) for v in row]
            norms.append(sum(v * v for v in flat) ** 0.5)
    return norms


NAME = "c3-deep"
TITLE = "A deep network with 5 hidden layers: what depth changes"
REPORTED = "(no figure reported for the deep network)"


def run(nn, quick=False, out=None, data_dir=None):
    result = Result(NAME, REPORTED)
    x_train, t_train, x_test, t_test = binary_task.load(nn, 400 if quick else 3000, 300 if quick else 2000,
                                                          directory=data_dir, result=result)
    x_probe, t_probe = head(x_train, 200), t_train[:200]
    sigmoid_norms = gradient_norms(nn, build(nn, "Sigmoid", "xavier"), x_probe, t_probe)
    model = build(nn, "ReLU", "he")
    relu_norms = gradient_norms(nn, model, x_probe, t_probe)
    result.check("with sigmoid units the first layer's gradient is 10x smaller than the last's",
                 sigmoid_norms[0] < sigmoid_norms[-1] / 10)
    result.check("with ReLU + He it is not", relu_norms[0] > relu_norms[-1] / 10)
    history = model.fit(x_train, t_train, loss=nn.BinaryCrossEntropy(), optimizer=nn.SGD(0.1, momentum=0.9),
                        epochs=25 if quick else 150, batch_size=None, seed=0, progress=False)
    r = binary_task.report(nn, model, x_test, t_test)
    result.check("accuracy above 92%", r["accuracy"] > 0.92)
    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.line_chart(
            f"{folder}/gradient_norms.svg",
            {"sigmoid + xavier": [(i + 1, v) for i, v in enumerate(sigmoid_norms)],
             "ReLU + he": [(i + 1, v) for i, v in enumerate(relu_norms)]},
            title="|dL/dW| per layer at initialisation", x_label="layer", y_label="gradient norm", log_y=True))
        result.picture(pictures.line_chart(f"{folder}/loss.svg", {"training loss": history["loss"]},
                                           title="Deep network (5 hidden layers)", y_label="binary cross-entropy"))
    first, last = sigmoid_norms[0], sigmoid_norms[-1]
    ratios = [a / b for a, b in zip(sigmoid_norms, sigmoid_norms[1:])]
    result.numbers["sigmoid ratios"] = ratios
    result.check("with sigmoid units every layer's gradient is smaller than the next one's",
                 all(r < 1 for r in ratios))
    result.lines.append("sigmoid + xavier: |dL/dW| of each layer / the next layer's (measured at initialisation): "
                        + ", ".join(f"{r:.2f}" for r in ratios) + "; ReLU + he: "
                        + ", ".join(f"{a / b:.2f}" for a, b in zip(relu_norms, relu_norms[1:])))
    return result.finish(f"test accuracy {r['accuracy']:.1%}, recall {r['recall']:.1%}, specificity "
                         f"{r['specificity']:.1%}; sigmoid gradient first/last layer {first / last:.2g}, "
                         f"ReLU {relu_norms[0] / relu_norms[-1]:.2g}")
