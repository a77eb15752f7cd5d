"""Series D, post 7: softmax + cross-entropy on MNIST, tanh units, weight decay, momentum, centring.

784 -> hidden tanh -> 10, CrossEntropy (softmax fused), SGD with momentum 0.9
and L2 weight decay 1e-4, mini-batches of 32, 100 epochs, as the series
trains. Inputs are pixel/255 with the training set's mean image subtracted
(mean centring, as in the series): every input then averages exactly zero
over the training set, so the tanh units start in their linear range and
no weight direction is favoured. (Merely subtracting 0.5 would not centre
them: MNIST is mostly black, pixel/255 - 0.5 averages -0.37.)

Data: the series trains on 55,000 of the 60,000 training images (the other
5,000 are its validation set, see d8). With the full set present we do the
same; with only the 10,000 shipped digits we train on those, five and a
half times fewer. After 100 epochs we measured 89.6% with 10 hidden units
(the series: 92%) and 94.8% with 300 (the series: 95%).

30 or 100 epochs? We print the test accuracy after epoch 30 as well as after
epoch 100 (an earlier version of this lesson stopped at 30). The two sizes
behave differently. The 300-unit network keeps improving (94.0% at epoch 30,
94.8% at 100). The 10-unit network is best early (90.6% at epoch 30) and
then slips (89.6%): ten tanh units are a tight bottleneck, and on 10,000
images it starts fitting the training digits' quirks. On a full 60,000-image
set (rebuilt from public copies of MNIST, 97.2% of its pixels exact;
measured by the issue author on the vectorized twin, 2026-12-07) the lesson
gives 93.32% with 10 hidden units (the series: 92%) and 98.21% with 300
(the series: 95%): so with the full set our 300-unit network does not
follow the series, it lands three points above it. Our setup is the
series' as far as its post describes it (initialisation, learning rate and
decay are our choices where it gives none); which of its details kept it
at 95% we cannot tell.
"""
import pictures

from . import common
from .common import Result, centre, full_training_set, mnist, output_dir, pixel_means

NAME = "d7-mnist-softmax"
TITLE = "MNIST with softmax + cross-entropy, tanh, weight decay, momentum (10 vs 300 hidden)"
REPORTED = "10 hidden -> 92% after 100 epochs; 300 hidden -> 95%"
EPOCHS, EARLY = 100, 30


def run(nn, quick=False, out=None, data_dir=None):
    result = Result(NAME, REPORTED)
    x_train, y_train = mnist(nn, "train", limit=500 if quick else None, directory=data_dir, result=result)
    if full_training_set(len(y_train)):
        n_train = len(y_train) - common.SERIES_VALIDATION
        x_train, y_train = x_train[:n_train], y_train[:n_train]
        result.lines.append(f"training on the first {n_train:,} (the series' split; the last "
                            f"{common.SERIES_VALIDATION:,} are its validation set)")
    x_test, y_test = mnist(nn, "test", limit=300 if quick else None, directory=data_dir)
    mean = pixel_means(nn, x_train)
    x_train, x_test = centre(nn, mean, x_train), centre(nn, mean, x_test)
    epochs, early = (4, 2) if quick else (EPOCHS, EARLY)
    accuracy, at_early, curves = {}, {}, {}
    for hidden in ((10, 20) if quick else (10, 300)):
        model = nn.Sequential([nn.Dense(784, hidden, init="lecun", seed=0), nn.Tanh(),
                               nn.Dense(hidden, 10, seed=1)])
        history = model.fit(x_train, y_train, loss=nn.CrossEntropy(),
                            optimizer=nn.SGD(0.01, momentum=0.9, weight_decay=1e-4), epochs=epochs,
                            batch_size=32, validation_data=(x_test, y_test), seed=0, progress=None)
        accuracy[hidden] = history["val_accuracy"][-1]
        at_early[hidden] = history["val_accuracy"][early - 1]
        curves[f"{hidden} hidden, train"] = history["accuracy"]
        curves[f"{hidden} hidden, test"] = history["val_accuracy"]
    result.numbers.update({f"{h} hidden": a for h, a in accuracy.items()})
    result.numbers.update({f"{h} hidden at epoch {early}": a for h, a in at_early.items()})
    small, large = sorted(accuracy)
    result.check(f"{small} hidden above 60%" if quick else "10 hidden above 88%",
                 accuracy[small] > (0.6 if quick else 0.88))
    result.check("more hidden units do better", accuracy[large] > accuracy[small])
    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.line_chart(f"{folder}/accuracy.svg", curves,
                                           title="MNIST, tanh + softmax: accuracy per epoch", y_label="accuracy"))
    return result.finish(", ".join(f"{h} hidden -> {a:.2%}" for h, a in accuracy.items())
                         + f" test accuracy after {epochs} epochs (after {early}: "
                         + ", ".join(f"{at_early[h]:.2%}" for h in accuracy) + ")")
