"""What the pages run besides pure/ and data/: the few functions the JavaScript calls.

The page (web/app.js) writes pure/, data/ and this file into Pyodide's file
system, imports this module and calls it; values cross as plain numbers,
lists, strings and dicts. Nothing here knows it is in a browser, so the tests
run the very same functions on CPython and compare (web/tests/).

    Digits(path)          a saved MNIST model: prepare a drawing, predict, saliency
    Playground(...)       a small network on a toy set: train epochs, step one batch
                          (with the numbers of one example), decision boundary
    source_of(function)   the code and formula the page shows beside each view
"""
from __future__ import annotations

import inspect
import math
import os
import random
import textwrap
import time

import data
import pure as nn
from data import toy
from pure.ops import argmax, flatten, reshape, shape

HERE = os.path.dirname(os.path.abspath(__file__))


def build_mlp(nn, n_in, hidden_sizes, n_out, activation, seed):
    """n_in -> hidden... -> n_out, as the main command builds it (app/cli.py's build_mlp, which the
    page does not load): He weights for ReLU-like units, Xavier otherwise."""
    init = "he" if activation.lower() in ("relu", "leaky_relu", "leakyrelu", "elu") else "xavier"
    layers, width = [], n_in
    for i, h in enumerate(hidden_sizes):
        layers += [nn.Dense(width, h, init=init, seed=seed + i), nn.activations.get(activation)]
        width = h
    layers.append(nn.Dense(width, n_out, init="xavier", seed=seed + len(hidden_sizes)))
    return nn.Sequential(layers)


# ------------------------------------------------------------------ the code beside each view

def source_of(function, title=None) -> dict:
    """The source of a function or method as the page shows it: file, first line, formula, code.

    The formula is the docstring of the class the method belongs to (where the
    layers keep their equations), or of the module for a plain function.
    """
    lines, first = inspect.getsourcelines(function)
    owner = _owner(function)
    doc = inspect.getdoc(owner if owner is not None else inspect.getmodule(function))
    path = inspect.getsourcefile(function) or "?"
    package = os.path.basename(os.path.dirname(path))
    return {"title": title or function.__qualname__,
            "file": f"{package}/{os.path.basename(path)}",
            "line": first,
            "formula": doc or "",
            "source": textwrap.dedent("".join(lines))}


def _owner(function):
    """The class a method was defined on (None for a plain function)."""
    qualname = getattr(function, "__qualname__", "")
    if "." not in qualname:
        return None
    module = inspect.getmodule(function)
    owner = module
    for part in qualname.split(".")[:-1]:
        owner = getattr(owner, part, None)
    return owner if inspect.isclass(owner) else None


def _defining_class(cls, name):
    """The class in cls's MRO whose body defines `name` (the code that actually runs)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return klass
    raise AttributeError(f"{cls.__name__} has no {name}")


def layer_code(layer, backward=True) -> list:
    """forward (and backward) of one layer, as defined where they really run.

    An activation's per-row functions are shown (the base class only walks a
    tensor down to its rows); Softmax, Flatten and the rest show forward/backward.
    """
    cls = type(layer)
    names = ["forward", "backward"] if backward else ["forward"]
    if isinstance(layer, nn.activations.Activation):
        names = ["_forward_row", "_backward_row"] if backward else ["_forward_row"]
    sections = []
    for name in names:
        klass = _defining_class(cls, name)
        sections.append(source_of(getattr(klass, name), f"{klass.__name__}.{name}"))
    return sections


def _unique(sections):
    seen, kept = set(), []
    for section in sections:
        if section["title"] not in seen:
            seen.add(section["title"])
            kept.append(section)
    return kept


# ------------------------------------------------------------------ draw a digit

class Digits:
    """A saved MNIST model (either twin's JSON), fed with drawings.

    An MLP takes the 784 prepared pixels as a row; a network starting with
    Conv2D takes them as one 1 x 28 x 28 image. Both get the same preparation.
    """

    def __init__(self, path):
        self.model = nn.load(path)
        self.images = isinstance(self.model.layers[0], nn.Conv2D)
        self.description = repr(self.model)
        self.parameters = self.model.count_params()

    def prepare(self, grey, width, height):
        """The drawing (brightness 0..1, row by row) made to look like MNIST: 784 floats."""
        from data import prepare
        return prepare.prepare_digit(list(grey), width, height, name="the drawing")

    def prepare_bytes(self, raw, width, height):
        """The same from the canvas's bytes (0..255 per pixel, row by row): each divided by 255."""
        return self.prepare([b / 255.0 for b in bytes(raw)], width, height)

    def _input(self, pixels):
        pixels = [float(v) for v in pixels]
        if self.images:
            return [reshape(pixels, (1, 28, 28))]
        return [pixels]

    def predict(self, pixels, saliency=True) -> dict:
        """Probabilities for 784 prepared pixels, the winning digit, and (saliency=True) the saliency."""
        started = time.perf_counter()
        x = self._input(pixels)
        logits = self.model.predict(x)[0]
        if isinstance(self.model.layers[-1], nn.Softmax):
            probabilities = list(logits)
        else:
            probabilities = nn.Softmax().forward([list(logits)])[0]
        label = argmax(probabilities)
        result = {"probabilities": probabilities, "label": label,
                  "predict_ms": 1000 * (time.perf_counter() - started)}
        if saliency:
            result.update(self.saliency(pixels, label))
        return result

    def saliency(self, pixels, label) -> dict:
        """d(logit of `label`)/d(pixel), by the network's own backward pass (in evaluation mode):
        positive where more ink would raise that digit's score, negative where it would lower it."""
        started = time.perf_counter()
        x = self._input(pixels)
        modes = [layer.training for layer in self.model.layers]
        self.model.eval()
        try:
            out = self.model.forward(x)
            grad = [[1.0 if j == label else 0.0 for j in range(len(out[0]))]]
            gradient = flatten(self.model.backward(grad, need_input_grad=True))
        finally:
            for layer, mode in zip(self.model.layers, modes):
                layer.training = mode
        return {"saliency": gradient, "saliency_ms": 1000 * (time.perf_counter() - started)}

    def code(self) -> list:
        """The code that runs, in order: preparation, each layer's forward and backward, softmax."""
        from data import prepare
        sections = [source_of(prepare.prepare_digit, "prepare.prepare_digit"),
                    source_of(nn.Sequential.predict, "Sequential.predict"),
                    source_of(nn.Sequential.forward, "Sequential.forward")]
        for layer in self.model.layers:
            sections += layer_code(layer)
        sections += layer_code(nn.Softmax(), backward=False)
        sections.append(source_of(nn.Sequential.backward, "Sequential.backward (for the saliency)"))
        return _unique(sections)


# ------------------------------------------------------------------ watch a network learn

TOY_SETS = {
    "moons": lambda seed: toy.moons(200, noise=0.1, seed=seed),
    "xor": lambda seed: toy.xor(200, noise=0.15, seed=seed),
    "spirals": lambda seed: toy.spirals(100, classes=3, noise=0.2, seed=seed),
    "circles": lambda seed: toy.circles(200, noise=0.1, factor=0.5, seed=seed),
}
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "elu")
OPTIMIZERS = ("adam", "momentum", "sgd")


class Playground:
    """A small MLP trained on a toy set, a few epochs at a time, with the pure twin's own fit().

    train(epochs)   that many calls of model.fit(..., epochs=1): each epoch shuffles with
                    its own seed (seed + epoch number), so a run is reproducible
    step()          one batch by hand, layer by layer (what fit does inside), keeping
                    the numbers of the batch's first example on the way forward and back
    boundary(n)     the predicted class and its probability on an n x n grid
    """

    def __init__(self, dataset="moons", hidden=(16, 16), activation="relu", optimizer="adam", lr=0.01,
                 batch_size=16, seed=0):
        if dataset not in TOY_SETS:
            raise ValueError(f"unknown toy set {dataset!r}; known: {', '.join(TOY_SETS)}")
        self.dataset, self.hidden, self.activation = dataset, [int(h) for h in hidden], activation
        self.batch_size, self.seed = int(batch_size), seed
        self.X, self.y = TOY_SETS[dataset](seed)
        self.classes = max(self.y) + 1
        self.model = build_mlp(nn, 2, self.hidden, self.classes, activation, seed)
        self.loss = nn.CrossEntropy()
        self.optimizer = nn.optimizers.get(optimizer, float(lr))
        self.epoch, self.batches, self.train_seconds = 0, 0, 0.0
        self.losses = []
        self._order, self._cursor = [], 0
        self._rng = random.Random(seed)
        xs, ys = [p[0] for p in self.X], [p[1] for p in self.X]
        margin = 0.25
        self.bounds = [min(xs) - margin, max(xs) + margin, min(ys) - margin, max(ys) + margin]

    def describe(self) -> str:
        return "-".join(str(n) for n in [2] + self.hidden + [self.classes])

    def train(self, epochs=1) -> float:
        """Train `epochs` more epochs with model.fit; returns the last epoch's training loss."""
        started = time.perf_counter()
        for _ in range(int(epochs)):
            self.epoch += 1
            history = self.model.fit(self.X, self.y, self.loss, self.optimizer, epochs=1,
                                     batch_size=self.batch_size, seed=self.seed + self.epoch, progress=False)
            self.losses.append(history["loss"][-1])
        self.train_seconds += time.perf_counter() - started
        return self.losses[-1]

    def state(self) -> dict:
        """Epochs and batches done, loss and accuracy on the whole set now, losses per epoch, speed."""
        results = self.model.evaluate(self.X, self.y, self.loss)
        return {"epoch": self.epoch, "batches": self.batches, "loss": results["loss"],
                "accuracy": results["accuracy"], "losses": list(self.losses),
                "train_seconds": self.train_seconds,
                "epochs_per_second": self.epoch / self.train_seconds if self.train_seconds else None}

    def step(self) -> dict:
        """One batch, layer by layer, as fit does it; the trace of the batch's first example."""
        if self._cursor >= len(self._order):
            self._order = list(range(len(self.X)))
            self._rng.shuffle(self._order)
            self._cursor = 0
        idx = self._order[self._cursor:self._cursor + self.batch_size]
        self._cursor += len(idx)
        x_batch = [self.X[i] for i in idx]
        y_batch = [self.y[i] for i in idx]
        self.model.train()
        forward = [{"what": "input x", "values": list(x_batch[0])}]
        out = x_batch
        for layer in self.model.layers:
            out = layer.forward(out)
            forward.append({"what": layer.label, "values": list(out[0])})
        loss_value = self.loss.forward(out, y_batch)
        probabilities = list(self.loss.probs[0])
        grad = self.loss.backward()
        backward = [{"what": f"dL/d(logits) = (softmax - onehot({y_batch[0]})) / {len(idx)}",
                     "values": list(grad[0])}]
        last = len(self.model.layers) - 1
        for i in range(last, -1, -1):
            layer = self.model.layers[i]
            grad = layer.backward(grad, i > 0)
            entry = {"what": layer.label, "values": list(grad[0]) if grad is not None else None}
            if layer.grads:
                entry["grads"] = {name: _summary(g) for name, g in layer.grads.items() if g is not None}
            backward.append(entry)
        before = [_summary(layer.params[name]) for layer in self.model.layers for name in layer.params]
        self.optimizer.step(self.model.layers)
        self.batches += 1
        changes = []
        for layer in self.model.layers:
            for name in layer.params:
                changes.append({"what": f"{layer.label}: {name}", "before": before[len(changes)],
                                "after": _summary(layer.params[name])})
        return {"example": {"x": list(x_batch[0]), "label": y_batch[0]}, "batch_size": len(idx),
                "loss": loss_value, "probabilities": probabilities,
                "forward": forward, "backward": backward, "updates": changes, "state": self.state()}

    def boundary(self, size=40) -> dict:
        """Class and confidence at size x size grid points (row 0 at the top), for the picture."""
        x0, x1, y0, y1 = self.bounds
        grid = [[x0 + (x1 - x0) * (j + 0.5) / size, y1 - (y1 - y0) * (i + 0.5) / size]
                for i in range(size) for j in range(size)]
        probabilities = nn.Softmax().forward(self.model.predict(grid))
        labels = [argmax(p) for p in probabilities]
        return {"size": size, "labels": labels, "confidence": [p[k] for p, k in zip(probabilities, labels)]}

    def points(self) -> dict:
        return {"X": self.X, "y": self.y, "bounds": self.bounds, "classes": self.classes}

    def code(self) -> list:
        sections = [source_of(nn.Sequential.forward, "Sequential.forward"),
                    source_of(nn.Sequential.backward, "Sequential.backward")]
        for layer in self.model.layers[:2]:
            sections += layer_code(layer)
        sections.append(source_of(nn.CrossEntropy.forward, "CrossEntropy.forward"))
        sections.append(source_of(nn.CrossEntropy.backward, "CrossEntropy.backward"))
        klass = _defining_class(type(self.optimizer), "_update")
        sections.append(source_of(klass._update, f"{klass.__name__}._update"))
        if isinstance(self.optimizer, nn.Adam):
            sections.append(source_of(nn.Adam.step, "Adam.step"))
        sections.append(source_of(nn.optimizers.Optimizer.step, "Optimizer.step"))
        return _unique(sections)


def _summary(tensor) -> dict:
    """A parameter or gradient in a few numbers: shape, first values, L2 norm."""
    values = flatten(tensor)
    return {"shape": list(shape(tensor)), "first": values[:4],
            "norm": math.sqrt(sum(v * v for v in values))}


def versions() -> dict:
    import platform
    import sys
    return {"python": sys.version.split()[0], "implementation": platform.python_implementation(),
            "platform": sys.platform, "data": data.__name__}
