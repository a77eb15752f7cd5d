"""Series B (Rodrigo Girão Serrão), backpropagation demo: learn to output zeros.

A 2-4-4-3 network with LeakyReLU(0.1) after every layer is trained with MSE to
output [0, 0, 0] for 100 random inputs (per-sample SGD, lr 0.001). The series
prints the loss summed over the 100 samples before and after training. The
only way to output zeros for every input is to shrink the weights, so the
summed loss must fall by orders of magnitude: backpropagation is working.
(Our starting loss differs from the series' 9.85 because the initial
weights differ: we use He initialisation, drawn from a seeded generator.)

Before training, the lesson works the first step by hand on the first
sample: the forward values of the three layers, dL/dy = 2 (y - 0) / 3, and
each layer's dL/dW, dL/db and dL/dx (LeakyReLU's derivative is 1 where z > 0,
0.1 elsewhere), printed next to each layer's `backward` result and a central
finite difference (lessons/handstep.py), then applies the step (lr 0.001) by
hand next to SGD's, with the loss before and after. Then `fit` repeats it.
"""
import random

import pictures

from . import handstep
from .common import Result, output_dir

NAME = "b1-backprop"
TITLE = "Backpropagation demo: a 2-4-4-3 network learns to output zeros (Serrão)"
REPORTED = "summed loss over 100 samples: 9.85 before, 0.0138 after"


def build(nn):
    layers = []
    for i, (n_in, n_out) in enumerate([(2, 4), (4, 4), (4, 3)]):
        layers += [nn.Dense(n_in, n_out, init="he", seed=i), nn.LeakyReLU(0.1)]
    return nn.Sequential(layers)


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    rng = random.Random(0)
    X = [[rng.gauss(0.0, 1.0), rng.gauss(0.0, 1.0)] for _ in range(100)]
    zeros = [[0.0, 0.0, 0.0] for _ in X]
    model = build(nn)
    handstep.show(nn, result, model, X[0], zeros[0], "the first sample", lr=0.001)
    loss = nn.MSE()
    before = model.evaluate(X, zeros, loss)["loss"] * len(X)       # evaluate gives the mean
    history = model.fit(X, zeros, loss=loss, optimizer=nn.SGD(0.001), epochs=20 if quick else 100,
                        batch_size=1, seed=0, progress=False)
    after = model.evaluate(X, zeros, loss)["loss"] * len(X)
    result.check("the summed loss falls at least 10-fold" if quick else "the summed loss falls 100-fold",
                 after < before / (10 if quick else 100))
    folder = output_dir(out, NAME)
    if folder:                  # the figure the lesson prints: the loss summed over the 100 samples
        summed = [v * len(X) for v in history["loss"]]
        result.picture(pictures.line_chart(f"{folder}/loss.svg", {"loss summed over the 100 samples": summed},
                                           log_y=True, title="Learning to output zeros",
                                           y_label="summed MSE (log scale; mean during each epoch x 100)"))
    return result.finish(f"summed loss over 100 samples: {before:.4g} before, {after:.4g} after "
                         f"{len(history['loss'])} epochs")
