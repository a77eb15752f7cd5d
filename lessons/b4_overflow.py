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
overflows for z above 709. We run exactly that: the same network and steps
with the series' softmax, e^z / sum e^z computed naively (in IEEE arithmetic,
as numpy does: e^z is infinity above 709.78, infinity / infinity is NaN),
and its gradient softmax - one_hot. On the shipped digits an output of about
9,600 appears at the second step and gives the first NaN; from the tenth
step on every weight is NaN (NaN is absorbing, so the lesson stops training
there). numpy's argmax of a row of NaNs is 0, so the network answers "0" for
every test digit, and we measure its test accuracy: 9.80%, which is the
share of zeros among the 10,000 test digits (980). The picture shows both
measured accuracies. (Our own CrossEntropy uses log-sum-exp and never
overflows; trained with it, the unscaled network runs all 60,000 steps with
logits in the tens of thousands and ends at an accuracy that depends on
rounding: we measured 84.3% on one twin and 85.6% on the other, which agree
to 1e-12 on any single step. Chaos of this kind is one more reason to scale
the inputs.)
"""
import math

import pictures

from .b3_mnist_mse import series_dense, series_passes
from .common import Result, mnist, output_dir, tensor, to_list

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
    result.check("the naive softmax of the last good weights' outputs (first image) fails",
                 naive_softmax_overflows(after_logits))

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
            captions=[f"DIGIT {d}" for d in range(10)],
            title="The scaled 784-10 network: the 784 weights of each output unit"))

    # Unscaled, as the series ran it: the same network and steps, its softmax computed naively (see
    # series_training), so the overflow happens where it happened in the series, and we measure what follows.
    x_raw, _ = mnist(nn, "train", limit=limit, scale="raw", directory=data_dir)
    model = build_baseline(nn)
    run = series_training(nn, model, x_raw, y_train, passes * len(y_train), 0.03)
    x_test_raw, _ = mnist(nn, "test", limit=200 if quick else None, scale="raw", directory=data_dir)
    answers = [series_argmax(row) for row in to_list(model.predict(x_test_raw))]
    unscaled = sum(a == t for a, t in zip(answers, y_test)) / len(y_test)
    zeros_share = sum(1 for label in y_test if label == 0) / len(y_test)
    result.numbers.update({"baseline unit": scaled, "unscaled first NaN step": run["first NaN"],
                           "unscaled all NaN step": run["all NaN"], "largest raw logit": run["largest"],
                           "unscaled": unscaled, "always 0": zeros_share})
    result.check("the scaled 784-10 baseline learns (> 50%)" if quick else "the scaled 784-10 baseline reaches 88%",
                 scaled > (0.5 if quick else 0.88))
    result.check("unscaled, the naive softmax meets an output above 709 and gives NaN",
                 run["first NaN"] is not None and run["largest"] > OVERFLOW)
    if folder:
        result.picture(pictures.bar_chart(
            f"{folder}/baseline.svg", {"inputs scaled to 0..1": scaled, "unscaled 0..255": unscaled},
            title="784-10 trained on the labels: test accuracy (measured)", y_label="test accuracy",
            x_label=f"inputs ({passes * len(y_train):,} per-sample steps, the series' naive softmax)"))
    if run["first NaN"] is None:
        unscaled_text = f"unscaled, no NaN in {passes * len(y_train):,} steps: {unscaled:.2%}"
    else:
        every = (f"every weight NaN from step {run['all NaN']:,}" if run["all NaN"] else
                 f"not every weight NaN after {passes * len(y_train):,} steps")
        unscaled_text = (f"unscaled, with the series' naive softmax: an output of {run['largest']:,.0f} at step "
                         f"{run['first NaN']:,} gives the first NaN, {every}; measured test accuracy "
                         f"{unscaled:.2%} (the share of zeros among these {len(y_test):,} test digits: "
                         f"{zeros_share:.2%})")
    return f"784-10 baseline: scaled {scaled:.2%} after {passes * len(y_train):,} steps; " + unscaled_text


def naive_softmax(z):
    """e^z / Σ e^z without subtracting the maximum, in IEEE arithmetic as numpy computes it:
    e^z is infinity above z = 709.78, and infinity / infinity is NaN."""
    exps = [math.exp(v) if v < 709.78 else (math.inf if v == v else math.nan) for v in z]
    total = sum(exps)
    return [math.nan if math.isinf(e) or total != total else (e / total if total > 0 else math.nan) for e in exps]


def series_argmax(row):
    """numpy's argmax: the index of the first NaN if there is one (so an all-NaN row answers 0), else of the max."""
    for i, v in enumerate(row):
        if v != v:
            return i
    return row.index(max(row))


def series_training(nn, model, x, labels, steps, lr):
    """Per-sample SGD in file order with the series' cross-entropy: gradient naive_softmax(z) - one_hot.

    Returns the step of the first NaN (None if none), the step from which every weight is NaN (None if
    never: NaN is absorbing, a NaN weight minus a step stays NaN, so the lesson stops there), and the
    largest output seen before the first NaN.
    """
    optimizer = nn.SGD(lr)
    first_nan = all_nan = None
    largest = 0.0
    for step in range(1, steps + 1):
        i = (step - 1) % len(labels)
        z = to_list(model.forward(x[i:i + 1] if nn.TWIN == "vectorized" else [x[i]]))[0]
        p = naive_softmax(z)
        if first_nan is None:
            largest = max(largest, max(abs(v) for v in z))
            if not all(v == v for v in p):
                first_nan = step
        grad = [pk - (1.0 if k == labels[i] else 0.0) for k, pk in enumerate(p)]
        model.backward(tensor(nn, [grad]), need_input_grad=False)
        optimizer.step(model.layers)
        if first_nan is not None and step % 10 == 0 and all(
                v != v for layer in model.layers for w in layer.params.values() for v in flat(to_list(w))):
            all_nan = step
            break
    return {"first NaN": first_nan, "all NaN": all_nan, "largest": largest}


def flat(value):
    return [v for item in value for v in flat(item)] if isinstance(value, list) else [value]


def build_baseline(nn):
    return nn.Sequential([series_dense(nn, 784, 10, 0), nn.LeakyReLU(0.1)])
