"""Redraw the example pictures in this folder from real (small) training runs.

    python3 pictures/examples/make_examples.py            # writes into pictures/examples/
    python3 pictures/examples/make_examples.py OUT_DIR    # or anywhere else

What it does, with the pure twin and the MNIST pieces shipped in data/
(standard library only, about a minute on one core):
- trains a 2-16-2 tanh network on 200 moons points at three learning rates
  and draws the loss curves (line_chart) and the decision regions of the
  best run (decision_boundary);
- trains a 784-32-10 ReLU network for 3 epochs on the first 2,000 shipped
  training digits, then draws the confusion matrix on the first 1,000 test
  digits (confusion_matrix) and the first 32 test digits with predicted and
  true labels (image_grid); with WEIGHTS=path set, also the first layer's
  weights (weight_tiles).

What it is not: a lesson or a benchmark; the runs are kept small so that the
pictures are quick to redraw. It is not run by the tests.
"""

import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

import data                    # noqa: E402  (after the path is set)
import pictures                # noqa: E402
import pure as nn              # noqa: E402


def argmax(row):
    return max(range(len(row)), key=row.__getitem__)


def moons(out):
    X, y = data.moons(200, noise=0.15, seed=0)
    curves, models = {}, {}
    for lr in (0.3, 0.03, 0.003):
        model = nn.Sequential([nn.Dense(2, 16, seed=0), nn.Tanh(), nn.Dense(16, 2, seed=1)])
        history = model.fit(X, y, nn.CrossEntropy(), nn.SGD(lr), epochs=150, batch_size=16, seed=0, progress=False)
        curves["lr %g" % lr] = history["loss"]
        models[history["loss"][-1]] = model
    best = models[min(models)]                          # the run with the lowest final loss
    pictures.line_chart(os.path.join(out, "moons_loss.svg"), curves, title="Moons, 2-16-2 tanh, SGD: loss per epoch",
                        y_label="cross-entropy (training)")
    pictures.decision_boundary(os.path.join(out, "moons_boundary.png"), lambda rows: best.predict(rows), X, y,
                               resolution=160, scale=2, title="Moons: the regions a 2-16-2 tanh network predicts",
                               class_names=["MOON 0", "MOON 1"])


def mnist(out):
    images, labels = data.load_mnist("train", limit=2000)
    test_images, test_labels = data.load_mnist("test", limit=1000)
    X = [images[i] for i in range(len(labels))]
    y = list(labels)
    model = nn.Sequential([nn.Dense(784, 32, init="he", seed=0), nn.ReLU(), nn.Dense(32, 10, seed=1)])
    model.fit(X, y, nn.CrossEntropy(), nn.Adam(0.003), epochs=3, batch_size=32, seed=0, progress=False)
    X_test = [test_images[i] for i in range(len(test_labels))]
    predicted = [argmax(row) for row in model.predict(X_test)]
    matrix = [[0] * 10 for _ in range(10)]
    for true, guess in zip(test_labels, predicted):
        matrix[true][guess] += 1
    pictures.confusion_matrix(os.path.join(out, "mnist_confusion.svg"), matrix, class_names=data.class_names("mnist"),
                              title="MNIST test digits, 784-32-10 network")
    pictures.image_grid(os.path.join(out, "mnist_digits.png"), X_test[:32], rows=4, cols=8,
                        labels=list(zip(predicted[:32], test_labels[:32])),
                        title="The first 32 test digits and a 784-32-10 network's answers")
    if os.environ.get("WEIGHTS"):
        W = model.layers[0].params["W"]                 # (784, 32): one column per hidden unit
        pictures.weight_tiles(os.environ["WEIGHTS"], [list(column) for column in zip(*W)], cols=8,
                              title="What each of the 32 hidden units looks for")


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    start = time.time()
    moons(out)
    mnist(out)
    print("examples written to %s in %.0f s" % (out, time.time() - start))


if __name__ == "__main__":
    main(sys.argv)
