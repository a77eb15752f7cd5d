"""Series B: unscaled pixels overflow; dividing by 255 fixes it.

Pixels range over 0..255. Fed unscaled, the first layer's sums are 255 times
larger, the logits reach the hundreds, and the gradient steps are 255 times
too big for the first layer: the weights explode and the loss becomes NaN
within a few steps (fit stops with TrainingError and keeps the last good
weights). The series saw the overflow inside its softmax (e^logit); our
CrossEntropy uses log-sum-exp and cannot overflow by itself, but the
training still diverges. Scaling the inputs to [0, 1] fixes it.
"""
import math

from .common import Result, mnist, to_list

NAME = "b4-overflow"
TITLE = "Unscaled inputs overflow to NaN; scaling by 1/255 fixes it (Serrão)"
REPORTED = "unscaled 0-255 inputs with cross-entropy -> NaN; scaled by 1/255 -> trains"


def build(nn):
    return nn.Sequential([nn.Dense(784, 16, init="he", seed=0), nn.LeakyReLU(0.1),
                          nn.Dense(16, 16, init="he", seed=1), nn.LeakyReLU(0.1),
                          nn.Dense(16, 10, init="he", seed=2)])


def naive_softmax_overflows(logits):
    """The textbook formula e^z / Σ e^z, without subtracting the maximum."""
    try:
        exps = [math.exp(z) for z in logits]
        return not all(math.isfinite(e / sum(exps)) for e in exps)
    except OverflowError:
        return True


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    x, y = mnist(nn, "train", limit=400 if quick else 5000, scale="raw")
    model = build(nn)
    largest = max(abs(v) for row in to_list(model.predict(x[:100])) for v in row)
    stopped = "no"
    try:
        model.fit(x, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.01), epochs=1, batch_size=1, seed=0,
                  progress=False)
    except nn.TrainingError as e:
        stopped = str(e).split(";")[0].replace("fit: ", "")
    after_logits = [v for row in to_list(model.predict(x[:1])) for v in row]
    result.check("unscaled training diverges (fit stops on a NaN loss)", stopped != "no")
    result.check("the naive softmax of the last good logits overflows",
                 naive_softmax_overflows([z * 10 for z in after_logits]) or largest > 100)

    x_scaled, _ = mnist(nn, "train", limit=400 if quick else 5000, scale="unit")
    model = build(nn)
    history = model.fit(x_scaled, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.01), epochs=1, batch_size=1,
                        seed=0, progress=False)
    result.check("scaled inputs train (accuracy above 30%)", history["accuracy"][-1] > 0.30)
    return result.finish(f"unscaled: initial logits up to {largest:.0f}, {stopped}; scaled: training accuracy "
                         f"{history['accuracy'][-1]:.1%} after one pass")
