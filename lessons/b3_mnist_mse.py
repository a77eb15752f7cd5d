"""Series B: MNIST with a 784-16-16-10 LeakyReLU network, MSE on one-hot targets.

The series' setup, exactly:
- inputs are the raw pixels, 0..255 (not scaled: in this post the series
  feeds them as they are);
- each layer's weights are drawn from a normal distribution with mean 0 and
  standard deviation 1/(n_in * n_out) (the series' numpy call
  `normal(0, 1 / (ins * outs))`), biases start at 0;
- LeakyReLU(0.1) after every layer, the output layer included;
- MSE against one-hot targets, the mean over the 10 outputs (derivative
  2 (y - t) / 10), which is also what our MSE computes for one example;
- per-sample SGD with lr 0.001, the examples in file order (no shuffling).
The series makes one pass over the 60,000 training images: 60,000 steps,
from 10.1% (chance) to 91.94% test accuracy. With the full set present
(`python -m data download mnist`, or --data-dir) we do exactly that. With
only the 10,000 shipped digits we make the same 60,000 steps as six passes
over them, in file order.

Why does raw 0..255 input work here when it fails in b4? Not because MSE
has no exponential to overflow: the lesson changes one thing at a time, on
the same raw pixels and the same tiny initialisation, for one pass over the
training images. Cross-entropy at this lr 0.001 trains too (we measured
82.8% after one pass over the 10,000 shipped digits), and MSE at b4's
lr 0.03 diverges (a NaN or infinity at step 3,196 of that pass on the
vectorized twin, 3,781 on the pure one: as the weights blow up, the twins'
last-digit rounding differences grow with them). What
decides is the learning rate against the 0..255 input scale: the first
layer's gradient is proportional to its inputs, so raw pixels make its steps
255 times larger than scaled ones would, and only a small rate survives that.
MSE on one-hot targets works, even if cross-entropy is the better match
for classification (lesson b5 and the d-series use it).

The chart follows the test accuracy (on the first 500 test digits) every
half pass over the shipped digits, or every tenth of the pass over the full
set, so a single pass still draws a curve. (Per-sample SGD without shuffling
or momentum gives the same weights trained piece by piece as in one run.)
"""
import re

import pictures

from .common import Result, full_training_set, mnist, output_dir, to_list

NAME = "b3-mnist-mse"
TITLE = "MNIST, 784-16-16-10 LeakyReLU, MSE on one-hot targets (Serrão)"
REPORTED = "test accuracy 10.1% before training, 91.94% after one pass over 60,000"
STEPS = 60_000
LR = 0.001


def series_dense(nn, n_in, n_out, seed):
    """A Dense layer initialised as the series does: N(0, std 1/(n_in*n_out)), bias 0."""
    return nn.Dense(n_in, n_out, init=nn.init.Normal(1.0 / (n_in * n_out)), seed=seed)


def build(nn, seed=0):
    return nn.Sequential([series_dense(nn, 784, 16, 3 * seed), nn.LeakyReLU(0.1),
                          series_dense(nn, 16, 16, 3 * seed + 1), nn.LeakyReLU(0.1),
                          series_dense(nn, 16, 10, 3 * seed + 2), nn.LeakyReLU(0.1)])


def passes_for(n_images, steps=STEPS):
    """How many passes over n_images make `steps` per-sample steps (1 with the full 60,000)."""
    return max(1, round(steps / n_images))


def series_passes(n_images, quick, quick_passes):
    """Passes over the training images: one over the full 60,000 (the series), else
    `quick_passes` with --quick, else the passes that make the series' 60,000 steps."""
    if full_training_set(n_images):
        return 1
    return quick_passes if quick else passes_for(n_images)


def train_in_pieces(nn, model, x, y_targets, passes, pieces, x_probe, y_probe):
    """`passes` per-sample passes in file order, `pieces` pieces per pass; (steps, probe accuracy) after each."""
    n, curve = len(y_targets), []
    size = -(-n // pieces)
    for p in range(passes):
        for start in range(0, n, size):
            model.fit(x[start:start + size], y_targets[start:start + size], loss=nn.MSE(), optimizer=nn.SGD(LR),
                      epochs=1, batch_size=1, shuffle=False, progress=False)
            curve.append((p * n + min(n, start + size), nn.accuracy(y_probe, model.predict(x_probe))))
    return curve


def one_change(nn, x, y, loss, lr, passes):
    """The series' network on raw pixels with one thing changed, `passes` per-sample passes in file order:
    (model, None), or (None, the step at which a NaN or infinity appeared)."""
    model = build(nn)
    try:
        model.fit(x, nn.one_hot(y, 10) if isinstance(loss, nn.MSE) else y, loss=loss, optimizer=nn.SGD(lr),
                  epochs=passes, batch_size=1, shuffle=False, progress=False)
    except nn.TrainingError as e:
        where = re.search(r"epoch (\d+), batch (\d+) of (\d+)", str(e))
        if not where:
            raise
        epoch, batch, count = (int(v) for v in where.groups())
        return None, (epoch - 1) * count + batch
    return model, None


def run(nn, quick=False, out=None, data_dir=None):
    result = Result(NAME, REPORTED)
    x_train, y_train = mnist(nn, "train", limit=2000 if quick else None, scale="raw", directory=data_dir,
                             result=result)
    x_test, y_test = mnist(nn, "test", limit=300 if quick else None, scale="raw", directory=data_dir)
    probe = 300 if quick else 500
    x_probe, y_probe = x_test[:probe], y_test[:probe]
    model = build(nn)
    before = nn.accuracy(y_test, model.predict(x_test))
    epochs = series_passes(len(y_train), quick, 5)
    curve = [(0, nn.accuracy(y_probe, model.predict(x_probe)))]
    curve += train_in_pieces(nn, model, x_train, nn.one_hot(y_train, 10), epochs, 10 if epochs == 1 else 2,
                             x_probe, y_probe)
    after = nn.accuracy(y_test, model.predict(x_test))
    result.numbers.update({"before": before, "after": after, "passes": epochs})
    result.check("starts near chance (< 25%)", before < 0.25)
    result.check("test accuracy 15 points above the start" if quick else "test accuracy above 90%",
                 after > (before + 0.15 if quick else 0.90))

    # One thing at a time: raw pixels, the tiny initialisation, file order; one pass (five over 2,000 in --quick).
    passes = epochs if quick else 1
    ce_model, ce_failed = one_change(nn, x_train, y_train, nn.CrossEntropy(), LR, passes)
    ce = nn.accuracy(y_test, ce_model.predict(x_test)) if ce_model else float("nan")
    _, mse_failed = one_change(nn, x_train, y_train, nn.MSE(), 0.03, passes)
    result.numbers.update({"cross-entropy lr 0.001": ce, "MSE lr 0.03 diverged at step": mse_failed})
    result.check("raw pixels, cross-entropy at lr 0.001: trains (15 points above the start)", ce > before + 0.15)
    result.check("raw pixels, MSE at lr 0.03: diverges", mse_failed is not None)
    result.lines.append(f"one change at a time (raw pixels, the tiny initialisation, {passes} pass(es) over "
                        f"{len(y_train):,}): cross-entropy at lr 0.001 -> "
                        + (f"{ce:.1%} test accuracy" if ce_model else f"a NaN at step {ce_failed:,}")
                        + "; MSE at lr 0.03 -> " + (f"a NaN at step {mse_failed:,}" if mse_failed else "no NaN"))

    folder = output_dir(out, NAME)
    if folder:
        predicted = [row.index(max(row)) for row in to_list(model.predict(x_test[:32]))]
        labels = list(zip(predicted, y_test[:32]))       # (predicted, true): mistakes get a red frame
        result.picture(pictures.image_grid(
            f"{folder}/digits.png", [to_list(x_test[i]) for i in range(32)], 4, 8, labels=labels,
            title="First 32 test digits: the network's answer under each"))
        weights = to_list(model.layers[0].params["W"])
        columns = [[row[j] for row in weights] for j in range(16)]
        result.picture(pictures.weight_tiles(
            f"{folder}/first_layer.png", columns, cols=8,
            title="What each of the 16 first-layer units looks for (its 784 weights as a 28x28 image)"))
        result.picture(pictures.line_chart(f"{folder}/training.svg",
                                           {f"test accuracy (first {probe} test digits)": curve},
                                           title="MNIST with MSE on raw pixels: test accuracy while training",
                                           x_label="per-sample steps", y_label="accuracy"))
    steps = epochs * len(y_train)
    return result.finish(f"test accuracy {before:.1%} before, {after:.2%} after {steps:,} per-sample steps "
                         f"({epochs} pass(es) over {len(y_train):,} images)")
