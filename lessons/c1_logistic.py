"""Series C, step 1: logistic regression is a one-neuron network.

p = sigmoid(x·w + b), trained with binary cross-entropy by full-batch gradient
descent (every step uses every training example), then thresholded at 0.5.
We report accuracy, recall (how many 8s are found) and specificity (how many
non-8s are rightly rejected) with the confusion matrix.
The original divides the cost by the number of features instead of the
number of examples; we divide by the number of examples (the mean), which
is what the gradient formula assumes.

Before training, the lesson works the gradient by hand on one example and
shows why sigmoid and binary cross-entropy go together: for
L = -(t ln p + (1 - t) ln(1 - p)) and p = sigmoid(z),

    dL/dp = -t/p + (1 - t)/(1 - p) = (p - t) / (p (1 - p))      dp/dz = p (1 - p)
    dL/dz = dL/dp * dp/dz = p - t                                dL/dw = (p - t) x,  dL/db = p - t

each printed next to BinaryCrossEntropy.backward, Sigmoid.backward,
Dense.backward and a central finite difference.
"""
import math

import pictures

from . import binary_task
from .common import Result, agreement, output_dir, tensor, to_list
from .handstep import fmt, largest_difference

X, W, B = [2.0, -1.0], [0.5, 1.0], -0.5          # one example and a neuron small enough for paper: z = -0.5


def neuron(nn):
    dense = nn.Dense(len(X), 1, seed=0)
    dense.params.update(W=tensor(nn, [[w] for w in W]), b=tensor(nn, [B]))
    return dense, nn.Sigmoid(), nn.BinaryCrossEntropy()


def loss_at(nn, t, z=None, w=None):
    """L for target t, from z directly (z given) or from x through the neuron with weights w."""
    dense, sigmoid, bce = neuron(nn)
    if w is not None:
        dense.params["W"] = tensor(nn, [[v] for v in w])
    zz = tensor(nn, [[z]]) if z is not None else dense.forward(tensor(nn, [X]))
    return bce.forward(sigmoid.forward(zz), tensor(nn, [[t]]))


def derive_p_minus_t(nn, result, eps=1e-6):
    """Sigmoid + binary cross-entropy by hand for t = 1 and t = 0, next to the layers and finite differences."""
    z = sum(x * w for x, w in zip(X, W)) + B
    p = 1.0 / (1.0 + math.exp(-z))
    result.lines.append(f"sigmoid + binary cross-entropy by hand, one example x = {fmt(X)}, w = {fmt(W)}, b = {B:g}: "
                        f"z = x·w + b = {z:g}, p = sigmoid(z) = {p:.6g}")
    worst_backward, worst_numeric, found = 0.0, 0.0, {}
    for t in (1.0, 0.0):
        loss = -(t * math.log(p) + (1.0 - t) * math.log(1.0 - p))
        dL_dp = -t / p + (1.0 - t) / (1.0 - p)
        dp_dz = p * (1.0 - p)
        dL_dz = dL_dp * dp_dz
        dL_dw = [(p - t) * x for x in X]
        dense, sigmoid, bce = neuron(nn)
        twin_loss = bce.forward(sigmoid.forward(dense.forward(tensor(nn, [X]))), tensor(nn, [[t]]))
        twin_dp = to_list(bce.backward())[0][0]
        twin_dz = sigmoid.backward(tensor(nn, [[twin_dp]]))
        dense.backward(twin_dz)
        twin_dz, twin_dw = to_list(twin_dz)[0][0], [row[0] for row in to_list(dense.grads["W"])]
        fd_dz = (loss_at(nn, t, z=z + eps) - loss_at(nn, t, z=z - eps)) / (2 * eps)
        fd_dw = [(loss_at(nn, t, w=[v + eps * (k == i) for k, v in enumerate(W)])
                  - loss_at(nn, t, w=[v - eps * (k == i) for k, v in enumerate(W)])) / (2 * eps) for i in range(len(W))]
        worst_backward = max(worst_backward, largest_difference([loss, dL_dp, dL_dz] + dL_dw,
                                                                [twin_loss, twin_dp, twin_dz] + twin_dw))
        worst_numeric = max(worst_numeric, largest_difference([dL_dz] + dL_dw, [fd_dz] + fd_dw, floor=1e-3))
        found[t] = {"loss": loss, "dL/dp": dL_dp, "dp/dz": dp_dz, "dL/dz": dL_dz, "dL/dw": dL_dw}
        result.lines += [
            f"  t = {t:g}: L = -(t ln p + (1 - t) ln(1 - p)) = {loss:.6g} (the twin's: {twin_loss:.6g})",
            f"    dL/dp = -t/p + (1 - t)/(1 - p) = {dL_dp:.6g} (BinaryCrossEntropy.backward: {twin_dp:.6g}); "
            f"dp/dz = p (1 - p) = {dp_dz:.6g}",
            f"    dL/dz = dL/dp * dp/dz = {dL_dp:.6g} * {dp_dz:.6g} = {dL_dz:.6g} = p - t = {p - t:.6g} | "
            f"Sigmoid.backward {twin_dz:.6g} | finite difference {fd_dz:.6g}",
            f"    dL/dw = (p - t) x = {fmt(dL_dw)} | Dense.backward {fmt(twin_dw)} | finite difference {fmt(fd_dw)}"]
    result.lines.append(f"  hand vs backward: {agreement(worst_backward, '1e-12')}; hand vs finite difference: "
                        f"{agreement(worst_numeric, '1e-6')}; the p (1 - p) cancels, so the gradient never "
                        f"vanishes when p is confidently wrong")
    result.numbers.update({"p - t": found, "bce hand vs backward": worst_backward,
                           "bce hand vs finite difference": worst_numeric})
    result.check("dL/dp * dp/dz equals p - t, BinaryCrossEntropy.backward and Sigmoid.backward (within 1e-12)",
                 worst_backward < 1e-12 and all(abs(v["dL/dz"] - (p - t)) < 1e-15 for t, v in found.items()))
    result.check("and central finite differences (within 1e-6)", worst_numeric < 1e-6)

NAME = "c1-logistic"
TITLE = "Logistic regression as a one-neuron network, recall and specificity"
REPORTED = "~88% validation accuracy (the original's photo task)"


def run(nn, quick=False, out=None, data_dir=None):
    result = Result(NAME, REPORTED)
    derive_p_minus_t(nn, result)
    x_train, t_train, x_test, t_test = binary_task.load(nn, 400 if quick else 3000, 300 if quick else 2000,
                                                          directory=data_dir, result=result)
    model = nn.Sequential([nn.Dense(784, 1, init="zeros"), nn.Sigmoid()])
    history = model.fit(x_train, t_train, loss=nn.BinaryCrossEntropy(), optimizer=nn.SGD(0.5),
                        epochs=80 if quick else 200, batch_size=None, seed=0, progress=False)
    r = binary_task.report(nn, model, x_test, t_test)
    result.check("the loss falls below half its start", history["loss"][-1] < history["loss"][0] / 2)
    result.check("accuracy above the 90% of always saying no", r["accuracy"] > 0.9)
    result.check("recall above 15%" if quick else "recall above 40%", r["recall"] > (0.15 if quick else 0.4))
    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.line_chart(f"{folder}/loss.svg", {"training loss": history["loss"]},
                                           title="Logistic regression, full-batch gradient descent",
                                           y_label="binary cross-entropy"))
        result.picture(pictures.confusion_matrix(f"{folder}/confusion.svg", r["confusion_matrix"],
                                                 class_names=["not 8", "8"], title="Is it an 8?"))
    return result.finish(f"test accuracy {r['accuracy']:.1%}, recall {r['recall']:.1%}, specificity "
                         f"{r['specificity']:.1%} (digit 8 vs rest)")
