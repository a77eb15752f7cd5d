"""Series D, post 8: validation, early stopping and mini-batch sizes.

Hold out the end of the training images for validation (the series' split:
55,000 to train, the last 5,000 to validate, when the full 60,000 are
present; with the 10,000 shipped digits, 9,000 and the last 1,000). Train
784-300-10 tanh with softmax + cross-entropy, SGD lr 0.01 with momentum 0.9,
mini-batches of 32, and stop when the validation loss has not improved for
3 epochs, restoring the best epoch's weights. Inputs are pixel/255 - 0.5.
(We also tried d7's centring, subtracting the training set's mean image: in
this setup, with no weight decay, it did worse on the shipped digits, 92.3%
test accuracy against 94.1%. Which preprocessing helps depends on the rest
of the setup; the validation set is how one finds out without touching the
test set.) Then train one epoch of 3,000 examples at batch sizes 1, 10, 100
and 1,000 (plain SGD, lr 0.01), timing each and measuring the validation
accuracy it reaches. What that measures: the seconds per epoch fall
steadily with the batch size (fewer, larger matrix products; the issue
author measured 7.11, 0.77, 0.33 and 0.29 s on the full set), while at one
learning rate a larger batch makes fewer steps per epoch and so learns less
in it (the README gives our figures). It does not measure time to a given
accuracy, which is where the series' "mid-sized batches are the sweet spot"
would be shown. The times are CPU seconds of this process with numpy's BLAS
held to one thread (common.blas_threads), so that other jobs on a shared
machine do not enter: in wall clock, one of our runs on a loaded machine
took 17.24 s for batch 10 and 2.32 s for batch 1, and with two BLAS threads
the CPU time counts both threads, waiting included. On a quiet machine
(load 0.2, 2026-12-07) these CPU seconds were 1.17, 0.14, 0.07 and 0.08 s,
and wall clock the same: per-sample steps cost ten times batches of 10, and
beyond batches of 100 there is little left to save.

The series reports 97.6% validation and 97.3% test accuracy with 55,000
training images. On the 9,000 shipped digits we train on six times fewer
and measure about 94% (the README gives the exact figures). On the full
60,000 this lesson gives 97.92% validation and 97.60% test (measured by the
issue author on a rebuilt full set; see the README).

Series D promises 97% accuracy. On the shipped digits the last part of
the lesson reaches it, and says what it took: the series' 300 hidden units,
but ReLU (He initialisation) instead of tanh, weight decay 1e-4, inputs
centred on the training mean image, and four copies of each training digit
shifted by one pixel (left, right, up, down), 45,000 examples in all; the
same SGD (lr 0.01, momentum 0.9, batches of 32) and early stopping (5
epochs of patience). In trial runs (2026-12-07, vectorized) the shifted
copies were what mattered: 800 ReLU units without them reached 95.3% test
accuracy, 300 tanh units with them 97.0%, 300 and 800 ReLU units with them
97.4%. (Shifted copies are data augmentation, which the series does not use.)
"""
import time

import data
import pictures

from . import common
from .common import Result, blas_threads, centre, full_training_set, head, mnist, output_dir, pixel_means

NAME = "d8-validation"
TITLE = "Validation, early stopping and batch sizes (784-300-10)"
REPORTED = "validation 97.6%, test 97.3% (300 hidden, full MNIST)"


def run(nn, quick=False, out=None, data_dir=None):
    result = Result(NAME, REPORTED)
    x, y = mnist(nn, "train", limit=500 if quick else None, scale="centered", directory=data_dir, result=result)
    x_test, y_test = mnist(nn, "test", limit=300 if quick else None, scale="centered", directory=data_dir)
    n_val = common.SERIES_VALIDATION if full_training_set(len(y)) else (100 if quick else 1000)
    n_train = len(y) - n_val
    result.lines.append(f"split: the first {n_train:,} to train, the last {n_val:,} to validate")
    x_train, y_train, x_val, y_val = x[:n_train], y[:n_train], x[n_train:], y[n_train:]
    hidden = 16 if quick else 300
    model = nn.Sequential([nn.Dense(784, hidden, init="lecun", seed=0), nn.Tanh(), nn.Dense(hidden, 10, seed=1)])
    history = model.fit(x_train, y_train, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.01, momentum=0.9),
                        epochs=6 if quick else 60, batch_size=32, validation_data=(x_val, y_val),
                        early_stopping=3, seed=0, progress=None)
    best = history.get("best_epoch", [len(history["loss"])])[0]
    val = model.evaluate(x_val, y_val)["accuracy"]
    test = model.evaluate(x_test, y_test)["accuracy"]
    result.check("the restored model is the best epoch's", abs(model.evaluate(x_val, y_val)["loss"]
                                                               - min(history["val_loss"])) < 1e-9)
    result.check("test accuracy above 65%" if quick else "test accuracy above 93%", test > (0.65 if quick else 0.93))
    seconds, learned = {}, {}
    threads_before = blas_threads()[0] if nn.TWIN == "vectorized" else None
    if threads_before is not None:
        blas_threads(1)
    for batch_size in ((1, 32, 256) if quick else (1, 10, 100, 1000)):
        probe = nn.Sequential([nn.Dense(784, hidden, seed=0), nn.Tanh(), nn.Dense(hidden, 10, seed=1)])
        start = time.process_time()
        count = 100 if quick else 3000
        probe.fit(head(x_train, count), y_train[:count],
                  loss=nn.CrossEntropy(), optimizer=nn.SGD(0.01), epochs=1, batch_size=batch_size, seed=0,
                  progress=False)
        seconds[batch_size] = time.process_time() - start
        learned[batch_size] = probe.evaluate(x_val, y_val)["accuracy"]
    if threads_before is not None:
        blas_threads(threads_before)
    result.numbers.update({"seconds": seconds, "accuracy after one epoch": learned})
    result.check("at one rate, the largest batch learns less in one epoch than per-sample steps",
                 learned[max(learned)] < learned[1])
    reached = ninety_seven(nn, quick, data_dir, n_train, n_val, result)
    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.line_chart(f"{folder}/early_stopping.svg",
                                           {"training loss": history["loss"], "validation loss": history["val_loss"]},
                                           title=f"Early stopping (best epoch {best})", y_label="cross-entropy"))
        result.picture(pictures.bar_chart(f"{folder}/batch_sizes.svg", {f"batch {b}": s for b, s in seconds.items()},
                                          title=f"CPU seconds for one epoch of {count:,} examples, by batch size",
                                          x_label="batch size", y_label="CPU seconds"))
        result.picture(pictures.bar_chart(f"{folder}/batch_accuracy.svg", {f"batch {b}": a for b, a in learned.items()},
                                          title=f"Validation accuracy after one epoch of {count:,} examples",
                                          x_label="batch size (plain SGD, lr 0.01)", y_label="validation accuracy"))
    timing = ", ".join(f"batch {b}: {s:.2f}s, {learned[b]:.1%}" for b, s in seconds.items())
    return result.finish(f"validation {val:.2%}, test {test:.2%} (best epoch {best}); one epoch of {count:,} "
                         f"(seconds, then validation accuracy): {timing}; {reached}")


SHIFTS = [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]      # each digit as it is, then moved one pixel each way


def shift(pixels, dx, dy, rows=28, cols=28):
    """One image's bytes moved dx pixels right and dy down, black (0) filling the edge it leaves."""
    out = bytearray(rows * cols)
    for r in range(max(0, dy), min(rows, rows + dy)):
        source = (r - dy) * cols
        if dx >= 0:
            out[r * cols + dx:(r + 1) * cols] = pixels[source:source + cols - dx]
        else:
            out[r * cols:(r + 1) * cols + dx] = pixels[source - dx:source + cols]
    return bytes(out)


def shifted_copies(images, shifts=SHIFTS):
    """The images once per shift in `shifts`, as one data.Images (bytes: small in either twin)."""
    return data.Images(b"".join(shift(images.pixels(i), dx, dy, images.rows, images.cols)
                                for dx, dy in shifts for i in range(len(images))), images.rows, images.cols)


def as_inputs(nn, images):
    if nn.TWIN == "vectorized":
        from app.arrays import to_inputs
        return to_inputs(images)
    return images


def ninety_seven(nn, quick, data_dir, n_train, n_val, result):
    """Series D's 97%: 784-300-10 ReLU, weight decay, mean centring, training digits shifted by one pixel."""
    images, labels = data.load_mnist("train", directory=data_dir, limit=n_train + n_val)
    labels = list(labels)
    train_images = images[:n_train]
    x_train = as_inputs(nn, shifted_copies(train_images))
    y_train = labels[:n_train] * len(SHIFTS)
    mean = pixel_means(nn, as_inputs(nn, train_images))
    x_train, x_val = centre(nn, mean, x_train), centre(nn, mean, as_inputs(nn, images[n_train:]))
    test_images, y_test = data.load_mnist("test", directory=data_dir, limit=300 if quick else None)
    x_test = centre(nn, mean, as_inputs(nn, test_images))
    hidden = 16 if quick else 300
    model = nn.Sequential([nn.Dense(784, hidden, init="he", seed=0), nn.ReLU(), nn.Dense(hidden, 10, seed=1)])
    history = model.fit(x_train, y_train, loss=nn.CrossEntropy(),
                        optimizer=nn.SGD(0.01, momentum=0.9, weight_decay=1e-4), epochs=3 if quick else 60,
                        batch_size=32, validation_data=(x_val, labels[n_train:]), early_stopping=5, seed=0,
                        progress=None)
    best = history.get("best_epoch", [len(history["loss"])])[0]
    test = model.evaluate(x_test, list(y_test))["accuracy"]
    val = model.evaluate(x_val, labels[n_train:])["accuracy"]
    result.numbers.update({"97 validation": val, "97 test": test})
    result.check("the shifted copies train (> 50% test)" if quick else "97% test accuracy reached",
                 test > (0.5 if quick else 0.97))
    return (f"784-{hidden}-10 ReLU on {len(y_train):,} examples ({n_train:,} digits and four one-pixel shifts "
            f"of each): validation {val:.2%}, test {test:.2%} (best epoch {best})")
