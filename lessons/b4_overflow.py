"""Series B: unscaled pixels overflow; dividing by 255 fixes it.

Pixels range over 0..255. Fed unscaled, the first layer's sums are 255 times
larger, the logits reach the hundreds, and the gradient steps are 255 times
too big for the first layer: the weights explode and the loss becomes NaN
within a few steps (fit stops with TrainingError and keeps the last good
weights). The series saw the overflow inside its softmax (e^logit); our
CrossEntropy uses log-sum-exp and cannot overflow by itself, but the
training still diverges. Scaling the inputs to [0, 1] fixes it.

Part 1, a 784-16-16-10 network (He initialisation), cross-entropy, per-sample
SGD lr 0.01, one pass over 5,000 digits: unscaled it diverges, scaled it trains.

Part 2, the series' baseline from its student-teacher post: a single 784-10
layer with LeakyReLU(0.1), initialised as the series does (lesson b3),
trained directly on the labels with cross-entropy, per-sample SGD lr 0.03,
60,000 steps in file order (one pass over 60,000, or six over the shipped
10,000). Scaled, it reaches about 90%, as the series reports. Unscaled, the
series' network produced NaN outputs: its softmax computes e^z, which
overflows for z above 709. From then on its weights are NaN; numpy's argmax
of a row of NaNs is 0, so it answered "0" for every test image, and 980 of
the 10,000 test digits are zeros: 9.80%. Our cross-entropy never computes
e^z of a large z (log-sum-exp), so we train the unscaled network in chunks
of 10 steps and stop at the first chunk after which some output passes 709:
that is where the series' run turned to NaN. (Left to run all 60,000 steps
with logits in the tens of thousands, the unscaled network ends at an
accuracy that depends on rounding: we measured 84.3% on one twin and 85.6%
on the other, which agree to 1e-12 on any single step. Chaos of this kind
is one more reason to scale the inputs.)
"""
import math

import pictures

from .b3_mnist_mse import series_dense, series_passes
from .common import Result, mnist, output_dir, to_list

NAME = "b4-overflow"
TITLE = "Unscaled inputs overflow to NaN; scaling by 1/255 fixes it (Serrão)"
REPORTED = ("unscaled 0-255 inputs with cross-entropy -> NaN; scaled by 1/255 -> trains; "
            "784-10 trained directly: about 90% (9.80% unscaled)")


def build(nn):
    return nn.Sequential([nn.Dense(784, 16, init="he", seed=0), nn.LeakyReLU(0.1),
                          nn.Dense(16, 16, init="he", seed=1), nn.LeakyReLU(0.1),
                          nn.Dense(16, 10, init="he", seed=2)])


OVERFLOW = 709.0          # e^z overflows a double for z above about 709.78


def naive_softmax_overflows(logits):
    """Does the textbook formula e^z / Σ e^z (without subtracting the maximum) fail on these logits?

    It fails when some e^z overflows (z > 709: numpy gives inf, then inf/inf = NaN)
    or when every e^z underflows to 0 (z < -745: 0/0 = NaN).
    """
    try:
        exps = [math.exp(z) for z in logits]
        return not all(math.isfinite(e / sum(exps)) for e in exps)
    except (OverflowError, ZeroDivisionError):
        return True


def run(nn, quick=False, out=None, data_dir=None):
    result = Result(NAME, REPORTED)
    x, y = mnist(nn, "train", limit=400 if quick else 5000, scale="raw", directory=data_dir, result=result)
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

    x_scaled, _ = mnist(nn, "train", limit=400 if quick else 5000, scale="unit", directory=data_dir)
    model = build(nn)
    history = model.fit(x_scaled, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.01), epochs=1, batch_size=1,
                        seed=0, progress=False)
    result.check("scaled inputs train (accuracy above 30%)", history["accuracy"][-1] > 0.30)

    baseline = baseline_784_10(nn, result, quick, data_dir, output_dir(out, NAME))
    return result.finish(f"784-16-16-10: unscaled: initial logits up to {largest:.0f}, {stopped}; scaled: training "
                         f"accuracy {history['accuracy'][-1]:.1%} after one pass. " + baseline)


def baseline_784_10(nn, result, quick, data_dir, folder=None):
    """The series' 784-10 LeakyReLU network trained on the labels: scaled inputs, then unscaled ones."""
    limit = 500 if quick else None
    x_train, y_train = mnist(nn, "train", limit=limit, directory=data_dir)
    x_test, y_test = mnist(nn, "test", limit=200 if quick else None, directory=data_dir)
    passes = series_passes(len(y_train), quick, 2)
    model = build_baseline(nn)
    model.fit(x_train, y_train, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.03), epochs=passes, batch_size=1,
              shuffle=False, progress=False)
    scaled = nn.accuracy(y_test, model.predict(x_test))
    if folder:
        weights = to_list(model.layers[0].params["W"])
        result.picture(pictures.weight_tiles(
            f"{folder}/digit_units.png", [[row[j] for row in weights] for j in range(10)], cols=5, scale=3,
            title="The scaled 784-10 network: the 784 weights of each output unit (digits 0-9, left to right, "
                  "top to bottom)"))

    # Unscaled: the same training, watched in chunks (per-sample SGD without shuffling or momentum
    # gives exactly the same weights in chunks as in one run) until some output passes 709, where the
    # series' e^z overflows.
    x_raw, _ = mnist(nn, "train", limit=limit, scale="raw", directory=data_dir)
    model = build_baseline(nn)
    chunk, steps, largest = 10, 0, 0.0
    while steps < passes * len(y_train) and largest <= OVERFLOW:
        start = steps % len(y_train)
        part = (x_raw[start:start + chunk], y_train[start:start + chunk])
        model.fit(part[0], part[1], loss=nn.CrossEntropy(), optimizer=nn.SGD(0.03), epochs=1, batch_size=1,
                  shuffle=False, progress=False)
        steps += len(part[1])
        largest = max(abs(v) for row in to_list(model.predict(part[0])) for v in row)
    zeros_share = sum(1 for label in y_test if label == 0) / len(y_test)
    result.numbers.update({"baseline unit": scaled, "unscaled steps to overflow": steps,
                           "largest raw logit": largest, "always 0": zeros_share})
    result.check("the scaled 784-10 baseline learns (> 50%)" if quick else "the scaled 784-10 baseline reaches 88%",
                 scaled > (0.5 if quick else 0.88))
    result.check("unscaled, some output passes 709 (a naive softmax gives NaN)", largest > OVERFLOW)
    if folder:
        result.picture(pictures.bar_chart(
            f"{folder}/baseline.svg", {"scaled 0..1": scaled, "unscaled (NaN: answers 0)": zeros_share},
            title="784-10 trained on the labels: test accuracy", y_label="test accuracy"))
    return (f"784-10 baseline: scaled {scaled:.2%} after {passes * len(y_train):,} steps; unscaled, an output "
            f"passes 709 within the first {steps:,} steps (largest {largest:,.0f}): the series' softmax gives NaN "
            f"there, and a network answering 0 for every digit (argmax of NaNs) scores {zeros_share:.2%}"
            + ("" if len(y_test) == 10_000 else f" on these {len(y_test)} test digits (9.80% on all 10,000)"))


def build_baseline(nn):
    return nn.Sequential([series_dense(nn, 784, 10, 0), nn.LeakyReLU(0.1)])
