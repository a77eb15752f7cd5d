"""Series A, part 3 (Victor Zhou, "CNNs, Part 1 and 2"): a convolutional network for MNIST.

    python -m lessons.zhou_cnn --backend pure          # the whole lesson (minutes on CPython)
    python -m lessons.zhou_cnn --backend vectorized    # the same numbers, in seconds
    python -m lessons.zhou_cnn --backend pure --quick  # a small run (what the tests do)

The network, as in the series:

    conv 3x3, 8 filters, no padding, no bias   (1, 28, 28) -> (8, 26, 26)
    max-pool 2x2                               (8, 26, 26) -> (8, 13, 13)
    flatten, dense 1352 -> 10, softmax         (no activation after the convolution)

trained with cross-entropy by per-sample SGD (lr 0.005) for 3 epochs on the
first 1,000 training digits, and tested on the first 1,000 test digits, with
inputs image/255 - 0.5. The series starts from filters drawn from N(0, 1)/9
and dense weights from N(0, 1)/1352 (biases 0); we draw the same way (normal
initializers with std 1/9 and 1/1352). Its reported numbers: before training,
loss 2.302 and ~10% accuracy (every class about equally likely); after 3
epochs, test loss 0.598 and test accuracy 78%.

Where we differ from the series' code, and why it does not matter:
- Its Softmax layer is a dense layer and a softmax, and its loss is the
  negative log of the softmax output; we keep the dense layer's output as
  logits and use CrossEntropy, the fused softmax + negative log-likelihood.
  Same function, same gradient, but stable for logits of any size.
- It shuffles with numpy's generator each epoch; we shuffle with fit(seed=0)
  and draw the initial weights from our own seeded generator (the same
  distributions), so our run differs from theirs in the order of the examples
  and in the initial draws. Both move the result: over seven seeds of both
  (0-6; 0 is this run) we measured 80.0% to 83.7% test accuracy after 3
  epochs (vectorized, 2026-12-07); another set of seven seeds gave 78.4% to
  84.3%. The series' 78% is one such draw. The full run trains seeds 1 and 2
  too and prints the range of the three.
- Its convolution's backward pass computes only the filter gradient (the
  first layer needs no input gradient); Sequential does the same (it tells the
  first layer need_input_grad=False).

This file uses only the public contract of the twin it is given (`nn`) and
data/: the images go in as nested lists of shape (N, 1, 28, 28), which both
twins accept.
"""
import argparse
import importlib
import sys
import time

import data

from . import conv_by_hand
from .common import Result, output_dir, say_source, to_list

NAME = "a3-cnn"
TITLE = "A CNN for MNIST (conv 3x3x8, max-pool, softmax), per-sample SGD"
REPORTED = "before training: loss 2.302, ~10% accuracy; after 3 epochs: test loss 0.598, test accuracy 78%"


def digits(split, count, directory=None, result=None):
    """The first `count` digits of a split as (N, 1, 28, 28) nested lists (pixel/255 - 0.5), and their labels."""
    images, labels = data.load_mnist(split, directory=directory, limit=count)
    if result is not None:
        say_source(result, split, len(labels), directory)
    images = images.with_scale("centered")
    return [[images.image(i)] for i in range(len(images))], list(labels)


def build(nn, filters=8, seed=0):
    """Series A's CNN. The weights are drawn as in the series: N(0, 1)/9 and N(0, 1)/1352."""
    pooled = filters * 13 * 13
    return nn.Sequential([
        nn.Conv2D(1, filters, 3, bias=False, init=nn.init.Normal(1 / 9), seed=1 + 10 * seed),
        nn.MaxPool2D(2),
        nn.Flatten(),
        nn.Dense(pooled, 10, init=nn.init.Normal(1 / pooled), seed=2 + 10 * seed),
    ])


def other_seeds(nn, x_train, y_train, x_test, y_test, epochs, seeds=(1, 2)):
    """The same run from other initial draws and another example order: the test accuracy of each."""
    found = []
    for seed in seeds:
        model = build(nn, seed=seed)
        model.fit(x_train, y_train, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.005), epochs=epochs, batch_size=1,
                  seed=seed, progress=None)
        found.append(model.evaluate(x_test, y_test, loss=nn.CrossEntropy())["accuracy"])
    return found


def run(nn, quick=False, out=None, verbose=False, data_dir=None):
    """Run the lesson on twin `nn`; --quick: 100 training and 100 test digits, 1 epoch."""
    result = Result(NAME, REPORTED)
    conv_by_hand.show(nn, result)       # conv and max-pool backward worked by hand on a 4x4 image first
    n_train, n_test, epochs = (100, 100, 1) if quick else (1000, 1000, 3)
    x_train, y_train = digits("train", n_train, data_dir, result)
    x_test, y_test = digits("test", n_test, data_dir)
    model = build(nn)
    loss = nn.CrossEntropy()

    before = model.evaluate(x_test, y_test, loss=loss)                 # forward only
    result.numbers.update({"loss before": before["loss"], "accuracy before": before["accuracy"]})
    t, cpu = time.perf_counter(), time.process_time()
    history = model.fit(x_train, y_train, loss=loss, optimizer=nn.SGD(0.005), epochs=epochs, batch_size=1,
                        seed=0, progress=None, verbose=verbose)
    train_seconds, train_cpu = time.perf_counter() - t, time.process_time() - cpu
    after = model.evaluate(x_test, y_test, loss=loss)
    result.numbers.update({"loss after": after["loss"], "accuracy after": after["accuracy"],
                           "train seconds": train_seconds, "train cpu seconds": train_cpu, "steps": epochs * n_train,
                           "train loss": history["loss"], "train accuracy": history["accuracy"]})

    result.check("before training the loss is about ln 10 = 2.303 (within 0.05)", abs(before["loss"] - 2.302) < 0.05)
    if quick:
        result.check("100 per-sample steps lower the test loss", after["loss"] < before["loss"])
        result.check("and reach more than 30% test accuracy", after["accuracy"] > 0.30)
    else:
        result.check("after 3 epochs at least the series' 78% test accuracy", after["accuracy"] >= 0.78)
        result.check("and a test loss within 0.15 of the series' 0.598", abs(after["loss"] - 0.598) < 0.15)
    spread = ""
    if not quick:                       # the result depends on the draws: two more seeds, and the range of the three
        accuracies = [after["accuracy"]] + other_seeds(nn, x_train, y_train, x_test, y_test, epochs)
        result.numbers["accuracy over seeds 0-2"] = accuracies
        spread = f" (over seeds 0-2: {min(accuracies):.1%} to {max(accuracies):.1%})"
    if out is not None:
        result.pictures += draw(out, model, x_test)
    return result.finish(f"before training: loss {before['loss']:.3f}, accuracy {before['accuracy']:.1%}; after "
                   f"{epochs} epoch{'s' if epochs > 1 else ''} ({epochs * n_train:,} steps): test loss "
                   f"{after['loss']:.3f}, test accuracy {after['accuracy']:.1%}{spread}; training took "
                   f"{train_seconds:.1f}s ({train_cpu:.1f}s of CPU) on {nn.TWIN}, "
                   f"{epochs * n_train / train_cpu:,.0f} examples per CPU second")


def draw(out, model, x_test):
    """The 8 learned filters, and what they make of the first test digit (PNG files in out/a3-cnn/)."""
    import os

    import pictures
    folder = output_dir(out, NAME)
    filters = [f[0] for f in to_list(model.layers[0].params["W"])]
    maps = to_list(model.layers[0].forward(x_test[:1]))[0]
    return [pictures.feature_maps(os.path.join(folder, "filters.png"), filters, scale=12,
                                  captions=[f"F{i + 1}" for i in range(len(filters))],
                                  title="The 8 learned 3x3 filters (F1..F8)",
                                  note="Each filter is stretched to its own range: white = its largest weight, "
                                       "black = its smallest (most negative)."),
            pictures.feature_maps(os.path.join(folder, "feature-maps.png"), [x_test[0][0]] + maps, cols=9, scale=3,
                                  captions=["INPUT"] + [f"F{i + 1}" for i in range(len(maps))],
                                  title="The first test digit (INPUT) and what each filter makes of it",
                                  note="F1..F8: the 26x26 output of each filter slid over the 28x28 input, each "
                                       "stretched to its own range (white = strongest response).")]


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m lessons.zhou_cnn", description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", choices=["pure", "vectorized"], default="pure", help="which twin (default pure)")
    p.add_argument("--quick", action="store_true", help="100 training and 100 test digits, 1 epoch")
    p.add_argument("--out", default=None, help="folder for pictures of the filters and feature maps")
    args = p.parse_args(argv)
    nn = importlib.import_module(args.backend)
    print(f"{NAME}: {TITLE} [{args.backend}{', quick' if args.quick else ''}]")
    print(build(nn).summary())
    result = run(nn, quick=args.quick, out=args.out, verbose=True)
    print(result)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
