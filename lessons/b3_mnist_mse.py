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

Why does raw 0..255 input work here when it fails in b4? The weights are
tiny (standard deviation 1/12,544 in the first layer), so the first sums
stay moderate, and MSE has no exponential to overflow (b4's cross-entropy
does, in the series' softmax).
MSE on one-hot targets works, even if cross-entropy is the better match
for classification (lesson b5 and the d-series use it).
"""
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


def run(nn, quick=False, out=None, data_dir=None):
    result = Result(NAME, REPORTED)
    x_train, y_train = mnist(nn, "train", limit=2000 if quick else None, scale="raw", directory=data_dir,
                             result=result)
    x_test, y_test = mnist(nn, "test", limit=300 if quick else None, scale="raw", directory=data_dir)
    model = build(nn)
    before = nn.accuracy(y_test, model.predict(x_test))
    epochs = series_passes(len(y_train), quick, 5)
    history = model.fit(x_train, nn.one_hot(y_train, 10), loss=nn.MSE(), optimizer=nn.SGD(LR),
                        epochs=epochs, batch_size=1, shuffle=False, progress=None)
    after = nn.accuracy(y_test, model.predict(x_test))
    result.numbers.update({"before": before, "after": after, "passes": epochs})
    result.check("starts near chance (< 25%)", before < 0.25)
    result.check("test accuracy 15 points above the start" if quick else "test accuracy above 90%",
                 after > (before + 0.15 if quick else 0.90))
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
        result.picture(pictures.line_chart(f"{folder}/training.svg", {"train accuracy": history["accuracy"]},
                                           title="MNIST with MSE: accuracy over the pass just made",
                                           x_label="pass over the training images", y_label="accuracy"))
    steps = len(history["loss"]) * len(y_train)
    return result.finish(f"test accuracy {before:.1%} before, {after:.2%} after {steps:,} per-sample steps "
                         f"({len(history['loss'])} pass(es) over {len(y_train):,} images)")
