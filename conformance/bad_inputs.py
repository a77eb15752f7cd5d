"""The bad-input parity table: one list of mistakes, made against both twins.

Each case is something a user gets wrong (a string where a number goes, a class
instead of an instance, backward() before forward(), a forged argument...) and
what the twins promise for it:

    raises    both twins raise `error` (the same class, or a subclass of it) with a
              message holding every string in `names` (the argument, layer or
              example it is about)
    warns     both twins warn (`error` is the warning category), naming `names`,
              and carry on
    accepts   both twins accept it and give the same result (e.g. a numpy array
              given to the pure twin is used as its values)

A case is clean when both twins keep the promise; a twin difference is a case
where they do not behave alike (one raises and the other does not, or they raise
different classes). `python -m conformance` prints a row counting them; the
pytest suite (conformance/test_bad_inputs.py) runs every case on its own.

    python -m conformance.bad_inputs          # every case, one line each
"""
from __future__ import annotations

import math
import os
import sys
import tempfile
import warnings
from typing import Callable, NamedTuple, Tuple

import pure

try:
    import numpy as np
    import vectorized
except ImportError:        # the table needs both twins; the pure-only environment skips it
    np = vectorized = None


class Case(NamedTuple):
    name: str
    run: Callable          # run(nn) makes the mistake with twin nn
    error: type = ValueError
    names: Tuple[str, ...] = ()
    kind: str = "raises"   # raises | warns | accepts


class Outcome(NamedTuple):
    kind: str              # raises | warns | returns
    cls: type = None
    message: str = ""
    value: object = None

    def __str__(self):
        if self.kind == "returns":
            return f"returned {self.value!r:.60}"
        return f"{self.kind} {self.cls.__name__}: {self.message[:160]}"


# ---------------------------------------------------------------- small fixtures

X4 = [[0.1, 0.2], [0.3, -0.1], [0.5, 0.5], [-0.2, 0.4]]
Y4 = [0, 1, 1, 0]


def mlp(nn):
    return nn.Sequential([nn.Dense(2, 3, seed=0), nn.Tanh(), nn.Dense(3, 2, seed=1)])


def fit(nn, x=None, y=None, model=None, **options):
    options = dict(dict(loss=nn.CrossEntropy(), optimizer=nn.SGD(0.1), epochs=1, batch_size=2, seed=0,
                        progress=False), **options)
    model = model or mlp(nn)
    return model.fit(X4 if x is None else x, Y4 if y is None else y, **options)


def replaced(rows, i, j, value):
    """A copy of rows with rows[i][j] (or rows[i] when j is None) replaced."""
    rows = [list(r) if isinstance(r, list) else r for r in rows]
    if j is None:
        rows[i] = value
    else:
        rows[i][j] = value
    return rows


def weights(model):
    return [[p.tolist() if hasattr(p, "tolist") else p for p in layer.params.values()] for layer in model.layers]


def fit_keeps_weights(nn, x=None, y=None, **options):
    """fit(...) that must fail before changing any weight (else AssertionError, which is never clean)."""
    model = mlp(nn)
    before = weights(model)
    try:
        fit(nn, x, y, model=model, **options)
    except Exception:
        if weights(model) != before:
            raise AssertionError("the weights changed before the error") from None
        raise


def reused_optimizer(nn, optimizer):
    fit(nn, optimizer=optimizer)
    model = nn.Sequential([nn.Dense(2, 5, seed=0), nn.Tanh(), nn.Dense(5, 2, seed=1)])
    fit(nn, model=model, optimizer=optimizer)


def set_lr(optimizer, value):
    def callback(epoch, history):
        optimizer.lr = value
    return callback


def with_nan_weight(nn):
    model = mlp(nn)
    W = model.layers[0].params["W"]
    W = W.copy() if hasattr(W, "copy") else [list(row) for row in W]
    W[1][2] = math.nan
    model.layers[0].params["W"] = W
    return model


def in_temp_folder(action):
    with tempfile.TemporaryDirectory() as folder:
        return action(folder)


def forged(folder):
    """A 150-byte model file declaring LSTM(3000, 3000): 72 million parameters."""
    path = os.path.join(folder, "forged.json")
    with open(path, "w") as f:
        f.write('{"format": "twinnet-model", "version": 1, "layers": [{"type": "LSTM", '
                '"config": {"n_in": 3000, "n_hidden": 3000}, "params": {}}]}')
    return path


def replaced_weights(nn, dims, name="W"):
    """Dense(2, 2).forward after params[name] was replaced by a tensor of shape dims (ones)."""
    layer = nn.Dense(2, 2, seed=0)
    ones = [1.0] * dims[-1]
    value = ones if len(dims) == 1 else [list(ones) for _ in range(dims[0])]
    layer.params[name] = value if nn is pure else np.asarray(value)
    return layer.forward([[1.0, 2.0]])


class _Custom(pure.Layer):
    """A layer of the user's own, which no model file can describe."""

    def forward(self, x):
        return x

    def backward(self, grad_out, need_input_grad=True):
        return grad_out


def save_custom_layer(nn, folder):
    """save() of a model holding a custom layer, onto an existing file: refused, the file intact."""
    path = os.path.join(folder, "m.json")
    with open(path, "w") as f:
        f.write("previous")
    model = mlp(nn)
    model.layers.append(_Custom())
    try:
        nn.save(model, path)
    finally:
        with open(path) as f:
            if f.read() != "previous":
                raise AssertionError("the previous file was replaced") from None


def generator():
    return (row for row in X4)


def backward_first(make):
    def run(nn):
        make(nn).backward([[0.5, 0.5]])
    return run


def loss_backward_first(make):
    def run(nn):
        make(nn).backward()
    return run


def as_array(rows):
    return np.asarray(rows, dtype=np.float64)


ACTIVATIONS = ("Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Softplus", "ArcTan", "Identity", "Softmax")
LAYERS_BEFORE_FORWARD = {
    "Dense": lambda nn: nn.Dense(2, 2, seed=0),
    "Dropout": lambda nn: nn.Dropout(0.5, seed=0),
    "Flatten": lambda nn: nn.Flatten(),
    "Conv2D": lambda nn: nn.Conv2D(1, 1, 1, seed=0),
    "MaxPool2D": lambda nn: nn.MaxPool2D(2),
    "AvgPool2D": lambda nn: nn.AvgPool2D(2),
    "RNN": lambda nn: nn.RNN(2, 2, seed=0),
    "LSTM": lambda nn: nn.LSTM(2, 2, seed=0),
    "Embedding": lambda nn: nn.Embedding(3, 2, seed=0),
    "TimeDistributed": lambda nn: nn.TimeDistributed(nn.Dense(2, 2, seed=0)),
}


def _cases():
    cases = [
        # ---- data given to fit (section 5 of issue 14)
        Case("fit: numeric strings in x", lambda nn: fit(nn, replaced(X4, 0, 1, "0.2")),
             ValueError, ("x", "example 0")),
        Case("fit: strings in y", lambda nn: fit(nn, y=["0", "1", "1", "0"]), ValueError, ("y", "example 0")),
        Case("fit: None in x", lambda nn: fit(nn, replaced(X4, 2, 1, None)), ValueError, ("x", "example 2")),
        Case("fit: None in y", lambda nn: fit(nn, y=[0, None, 1, 0]), ValueError, ("y", "example 1")),
        Case("fit: a ragged x names the example, not its place in the batch",
             lambda nn: fit_keeps_weights(nn, replaced(X4, 1, None, [0.3, -0.1, 0.7])), ValueError, ("example 1",)),
        Case("fit: label out of range, checked before any weight changes",
             lambda nn: fit_keeps_weights(nn, y=[0, 1, 1, 5]), ValueError, ("example 3", "5")),
        Case("fit: negative label", lambda nn: fit_keeps_weights(nn, y=[-1, 1, 1, 0]), ValueError, ("example 0",)),
        Case("fit: label 1.5", lambda nn: fit_keeps_weights(nn, y=[0, 1.5, 1, 0]), ValueError, ("example 1",)),
        Case("fit: x is a dict", lambda nn: fit(nn, {"a": [0.1, 0.2]}), TypeError, ("x",)),
        Case("fit: x is None", lambda nn: mlp(nn).fit(None, Y4, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.1)),
             TypeError, ("x",)),
        Case("fit: x is a generator", lambda nn: fit(nn, generator()), TypeError, ("x",)),
        Case("fit: x is a string", lambda nn: fit(nn, "abcd"), TypeError, ("x",)),
        Case("fit: y is None", lambda nn: mlp(nn).fit(X4, None, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.1)),
             TypeError, ("y",)),
        Case("fit: 4 inputs, 3 targets", lambda nn: fit(nn, y=[0, 1, 1]), ValueError, ("3 targets",)),
        Case("fit: no examples", lambda nn: fit(nn, [], []), ValueError, ("no training examples",)),
        Case("fit: NaN in x", lambda nn: fit(nn, replaced(X4, 1, 0, math.nan)), ArithmeticError, ("input",)),
        Case("fit: validation_data=([], [])", lambda nn: fit(nn, validation_data=([], [])),
             ValueError, ("validation_data",)),
        Case("fit: validation_data with 4 inputs, 2 targets", lambda nn: fit(nn, validation_data=(X4, [0, 1])),
             ValueError, ("validation_data",)),
        Case("fit: validation_data not a pair", lambda nn: fit(nn, validation_data=X4),
             TypeError, ("validation_data",)),
        # ---- arguments of fit
        Case("fit: loss=CrossEntropy (the class)", lambda nn: fit(nn, loss=nn.CrossEntropy),
             TypeError, ("loss", "CrossEntropy()")),
        Case("fit: optimizer=SGD (the class)", lambda nn: fit(nn, optimizer=nn.SGD), TypeError, ("optimizer",)),
        Case("fit: loss='mse' (a string)", lambda nn: fit(nn, loss="mse"), TypeError, ("loss",)),
        Case("fit: optimizer='sgd' (a string)", lambda nn: fit(nn, optimizer="sgd"), TypeError, ("optimizer",)),
        Case("fit: metrics=['f1']", lambda nn: fit(nn, metrics=["f1"]), ValueError, ("metrics", "f1")),
        Case("fit: lr_factor=5", lambda nn: fit(nn, lr_plateau=1, lr_factor=5), ValueError, ("lr_factor",)),
        Case("fit: lr_factor=-1", lambda nn: fit(nn, lr_plateau=1, lr_factor=-1), ValueError, ("lr_factor",)),
        Case("fit: lr_plateau=0", lambda nn: fit(nn, lr_plateau=0), ValueError, ("lr_plateau",)),
        Case("fit: min_lr=-1", lambda nn: fit(nn, lr_plateau=1, min_lr=-1), ValueError, ("min_lr",)),
        Case("fit: early_stopping=-1", lambda nn: fit(nn, early_stopping=-1), ValueError, ("early_stopping",)),
        Case("fit: min_delta=nan", lambda nn: fit(nn, early_stopping=2, min_delta=math.nan),
             ValueError, ("min_delta",)),
        Case("fit: clip_norm=-1", lambda nn: fit(nn, clip_norm=-1), ValueError, ("clip_norm",)),
        Case("fit: clip_value=0", lambda nn: fit(nn, clip_value=0), ValueError, ("clip_value",)),
        Case("fit: epochs=-1", lambda nn: fit(nn, epochs=-1), ValueError, ("epochs",)),
        Case("fit: batch_size=0", lambda nn: fit(nn, batch_size=0), ValueError, ("batch_size",)),
        Case("fit: batch_size=2.5", lambda nn: fit(nn, batch_size=2.5), ValueError, ("batch_size",)),
        Case("fit: checkpoint_every=0", lambda nn: fit(nn, checkpoint_every=0), ValueError, ("checkpoint_every",)),
        Case("fit: a callback sets lr to -10",
             lambda nn: (lambda opt: fit(nn, optimizer=opt, epochs=2, callback=set_lr(opt, -10)))(nn.SGD(0.1)),
             ValueError, ("callback", "-10")),
        Case("fit: a callback sets lr to NaN",
             lambda nn: (lambda opt: fit(nn, optimizer=opt, epochs=2, callback=set_lr(opt, math.nan)))(nn.SGD(0.1)),
             ValueError, ("callback", "nan")),
        Case("fit: SGD(momentum) reused for a model of other shapes",
             lambda nn: reused_optimizer(nn, nn.SGD(0.1, momentum=0.9)), ValueError, ("optimizer", "layer 0")),
        Case("fit: Adam reused for a model of other shapes",
             lambda nn: reused_optimizer(nn, nn.Adam(0.01)), ValueError, ("optimizer", "layer 0")),
        Case("fit: Softmax before CrossEntropy (a double softmax)",
             lambda nn: fit(nn, model=nn.Sequential([nn.Dense(2, 2, seed=0), nn.Softmax()])),
             UserWarning, ("Softmax", "CrossEntropy"), kind="warns"),
        # ---- predict / evaluate
        Case("predict: batch_size=0", lambda nn: mlp(nn).predict(X4, batch_size=0), ValueError, ("batch_size",)),
        Case("predict: batch_size=-1", lambda nn: mlp(nn).predict(X4, batch_size=-1), ValueError, ("batch_size",)),
        Case("predict: x is None", lambda nn: mlp(nn).predict(None), TypeError, ("x",)),
        Case("predict: x is a dict", lambda nn: mlp(nn).predict({"a": 1}), TypeError, ("x",)),
        Case("predict: x is a string", lambda nn: mlp(nn).predict("abcd"), TypeError, ("x",)),
        Case("predict: x is a generator", lambda nn: mlp(nn).predict(generator()), TypeError, ("x",)),
        Case("predict: a string in x", lambda nn: mlp(nn).predict(replaced(X4, 1, 0, "0.3")),
             ValueError, ("example 1",)),
        Case("predict: rows of 3 for Dense(2, 3)", lambda nn: mlp(nn).predict([[1.0, 2.0, 3.0]]),
             ValueError, ("layer 0",)),
        Case("evaluate: 4 inputs, 2 targets", lambda nn: mlp(nn).evaluate(X4, [0, 1], nn.CrossEntropy()),
             ValueError, ("targets",)),
        Case("evaluate: loss is a class", lambda nn: mlp(nn).evaluate(X4, Y4, nn.CrossEntropy),
             TypeError, ("loss",)),
        # ---- Sequential, save, load
        Case("Sequential(Dense(2, 2)) (not a list)", lambda nn: nn.Sequential(nn.Dense(2, 2)),
             TypeError, ("Sequential", "list")),
        Case("Sequential([])", lambda nn: nn.Sequential([]), ValueError, ("Sequential",)),
        Case("Sequential([ReLU]) (a class)", lambda nn: nn.Sequential([nn.ReLU]), TypeError, ("item 0", "ReLU()")),
        Case("Sequential([Dense(2, 3), 'relu'])", lambda nn: nn.Sequential([nn.Dense(2, 3), "relu"]),
             TypeError, ("item 1",)),
        Case("Sequential: Dense(2, 3) then Dense(4, 1)", lambda nn: nn.Sequential([nn.Dense(2, 3), nn.Dense(4, 1)]),
             ValueError, ("layer 1",)),
        Case("save(layer, path)", lambda nn: in_temp_folder(lambda d: nn.save(nn.Dense(2, 2), os.path.join(d, "m"))),
             TypeError, ("model", "Sequential")),
        Case("save(model, None)", lambda nn: nn.save(mlp(nn), None), TypeError, ("path",)),
        Case("save(model, a folder)", lambda nn: in_temp_folder(lambda d: nn.save(mlp(nn), d)),
             nn_error("ModelFileError"), ("folder",)),
        Case("save: a link to a device", lambda nn: in_temp_folder(lambda d: (
            os.symlink(os.devnull, os.path.join(d, "m.json")), nn.save(mlp(nn), os.path.join(d, "m.json")))),
             nn_error("ModelFileError"), ("device",)),
        Case("save: NaN weights", lambda nn: in_temp_folder(lambda d: nn.save(with_nan_weight(nn),
                                                                             os.path.join(d, "m.json"))),
             ValueError, ("layer 0", "'W'")),
        Case("load(None)", lambda nn: nn.load(None), TypeError, ("path",)),
        Case("load(a missing file)", lambda nn: in_temp_folder(lambda d: nn.load(os.path.join(d, "no.json"))),
             nn_error("ModelFileError"), ("no.json",)),
        Case("load('/dev/zero')", lambda nn: nn.load("/dev/zero"), nn_error("ModelFileError"), ("/dev/zero",)),
        Case("set_weights: wrong shape", lambda nn: mlp(nn).set_weights(
            [{"W": [[1.0]], "b": [0.0]}, {}, {"W": [[1.0]], "b": [0.0]}]), ValueError, ("layer 0",)),
        # ---- layer constructors
        Case("Dense(True, 3)", lambda nn: nn.Dense(True, 3), ValueError, ("n_in",)),
        Case("Dense(0, 3)", lambda nn: nn.Dense(0, 3), ValueError, ("n_in",)),
        Case("Dense(2.5, 3)", lambda nn: nn.Dense(2.5, 3), ValueError, ("n_in",)),
        Case("Dense(2, '3')", lambda nn: nn.Dense(2, "3"), ValueError, ("n_out",)),
        Case("Dense(2, 3, init='nope')", lambda nn: nn.Dense(2, 3, init="nope"), ValueError, ("nope",)),
        Case("LeakyReLU(nan)", lambda nn: nn.LeakyReLU(math.nan), ValueError, ("alpha",)),
        Case("LeakyReLU('0.1')", lambda nn: nn.LeakyReLU("0.1"), ValueError, ("alpha",)),
        Case("ELU(inf)", lambda nn: nn.ELU(math.inf), ValueError, ("alpha",)),
        Case("Dropout(1.5)", lambda nn: nn.Dropout(1.5), ValueError, ("p",)),
        Case("Dropout(nan)", lambda nn: nn.Dropout(math.nan), ValueError, ("p",)),
        Case("Conv2D(1, 2, 0)", lambda nn: nn.Conv2D(1, 2, 0), ValueError, ("kernel_size",)),
        Case("Conv2D(True, 2, 3)", lambda nn: nn.Conv2D(True, 2, 3), ValueError, ("in_channels",)),
        Case("MaxPool2D(0)", lambda nn: nn.MaxPool2D(0), ValueError, ("size",)),
        Case("RNN(0, 3)", lambda nn: nn.RNN(0, 3), ValueError, ("n_in",)),
        Case("LSTM(2, True)", lambda nn: nn.LSTM(2, True), ValueError, ("n_hidden",)),
        Case("Embedding(0, 3)", lambda nn: nn.Embedding(0, 3), ValueError, ("vocab_size",)),
        Case("TimeDistributed(Dense) (a class)", lambda nn: nn.TimeDistributed(nn.Dense),
             ValueError, ("TimeDistributed",)),
        # ---- optimizers
        Case("SGD(-1)", lambda nn: nn.SGD(-1), ValueError, ("SGD", "learning rate")),
        Case("SGD(nan)", lambda nn: nn.SGD(math.nan), ValueError, ("SGD", "learning rate")),
        Case("SGD('0.1')", lambda nn: nn.SGD("0.1"), ValueError, ("SGD", "learning rate")),
        Case("SGD(0.1, momentum=1.5)", lambda nn: nn.SGD(0.1, momentum=1.5), ValueError, ("momentum",)),
        Case("Adam(0.01, beta1=1)", lambda nn: nn.Adam(0.01, beta1=1), ValueError, ("beta1",)),
        # ---- losses
        Case("MSE().forward([], [])", lambda nn: nn.MSE().forward([], []), ValueError, ("MSE", "empty")),
        Case("CrossEntropy().forward([], [])", lambda nn: nn.CrossEntropy().forward([], []),
             ValueError, ("CrossEntropy", "empty")),
        Case("BinaryCrossEntropy().forward([], [])", lambda nn: nn.BinaryCrossEntropy().forward([], []),
             ValueError, ("BinaryCrossEntropy", "empty")),
        Case("MSE: shapes differ", lambda nn: nn.MSE().forward([[1.0, 2.0]], [[1.0]]), ValueError, ("MSE",)),
        Case("CrossEntropy: target 5 of 2 classes", lambda nn: nn.CrossEntropy().forward([[1.0, 2.0]], [5]),
             ValueError, ("CrossEntropy", "5")),
        Case("CrossEntropy: string targets", lambda nn: nn.CrossEntropy().forward([[1.0, 2.0]], ["1"]),
             ValueError, ("CrossEntropy", "target")),
        Case("Dense.forward: strings", lambda nn: nn.Dense(2, 2).forward([["1", "2"]]), ValueError,
             ("Dense(2, 2)", "example 0")),
        Case("Dense.forward: None", lambda nn: nn.Dense(2, 2).forward(None), ValueError, ("Dense(2, 2)",)),
        # ---- metrics
        Case("confusion_matrix with label 1.5", lambda nn: nn.confusion_matrix([0, 1.5], [0, 1]),
             ValueError, ("1.5",)),
        Case("confusion_matrix with label -1", lambda nn: nn.confusion_matrix([0, -1], [0, 1]),
             ValueError, ("-1",)),
        Case("accuracy: string labels", lambda nn: nn.accuracy(["1", "0"], [[0.0, 1.0], [1.0, 0.0]]),
             ValueError, ("y_true[0]",)),
        Case("confusion_matrix: a None label", lambda nn: nn.confusion_matrix([0, None], [0, 1]),
             ValueError, ("y_true[1]",)),
        Case("accuracy: 2 predictions, 3 targets", lambda nn: nn.accuracy([[1.0, 0.0], [0.0, 1.0]], [0, 1, 1]),
             ValueError, ("3",)),
        Case("one_hot([0, 3], 3)", lambda nn: nn.one_hot([0, 3], 3), ValueError, ("3",)),
        # ---- gradcheck
        Case("gradcheck on an input holding NaN", lambda nn: nn.gradcheck(nn.Dense(2, 2, seed=0),
                                                                          [[math.nan, 1.0]]), ValueError, ("x",)),
        Case("gradcheck eps=0", lambda nn: nn.gradcheck(nn.Dense(2, 2, seed=0), [[0.5, 1.0]], eps=0),
             ValueError, ("eps",)),
        Case("gradcheck eps=-1e-6", lambda nn: nn.gradcheck(nn.Dense(2, 2, seed=0), [[0.5, 1.0]], eps=-1e-6),
             ValueError, ("eps",)),
        # ---- more of our own
        Case("Dense.forward: a ragged batch", lambda nn: nn.Dense(2, 2).forward([[1.0, 2.0], [3.0]]),
             ValueError, ("Dense(2, 2)",)),
        Case("evaluate: a string target", lambda nn: mlp(nn).evaluate(X4, ["0", 1, 1, 0], nn.CrossEntropy()),
             ValueError, ("y", "example 0")),
        Case("evaluate: x is None", lambda nn: mlp(nn).evaluate(None, Y4, nn.CrossEntropy()), TypeError, ("x",)),
        Case("evaluate: batch_size=0", lambda nn: mlp(nn).evaluate(X4, Y4, nn.CrossEntropy(), batch_size=0),
             ValueError, ("batch_size",)),
        Case("fit: a string in validation_data", lambda nn: fit(nn, validation_data=(replaced(X4, 0, 0, "a"), Y4)),
             ValueError, ("validation_data", "example 0")),
        Case("fit: metrics='accuracy' (a string)", lambda nn: fit(nn, metrics="accuracy"), TypeError, ("metrics",)),
        Case("fit: clip_value=nan", lambda nn: fit(nn, clip_value=math.nan), ValueError, ("clip_value",)),
        Case("fit: MSE with a string in y", lambda nn: fit(nn, y=[[0.0, 1.0], ["a", 0.0], [1.0, 0.0], [0.0, 1.0]],
                                                          loss=nn.MSE()), ValueError, ("y", "example 1")),
        Case("RNN.forward: rows, not sequences", lambda nn: nn.RNN(2, 2, seed=0).forward([[0.1, 0.2]]),
             ValueError, ("RNN(2, 2)",)),
        Case("Embedding: token 5 of a vocabulary of 3", lambda nn: nn.Embedding(3, 2, seed=0).forward([[0, 5]]),
             ValueError, ("Embedding(3, 2)", "5")),
        Case("Conv2D: 2 channels into Conv2D(1, ...)", lambda nn: nn.Conv2D(1, 1, 1, seed=0).forward(
            [[[[1.0]], [[2.0]]]]), ValueError, ("Conv2D",)),
        Case("load: a forged LSTM(3000, 3000)", lambda nn: in_temp_folder(lambda d: nn.load(forged(d))),
             nn_error("ModelFileError"), ("LSTM", "max_params")),
        Case("load: a model over max_params", lambda nn: in_temp_folder(lambda d: (
            nn.save(mlp(nn), os.path.join(d, "m.json")), nn.load(os.path.join(d, "m.json"), max_params=5))),
             nn_error("ModelFileError"), ("max_params",)),
        Case("save: onto a named pipe", lambda nn: in_temp_folder(lambda d: (
            os.mkfifo(os.path.join(d, "p")), nn.save(mlp(nn), os.path.join(d, "p")))),
             nn_error("ModelFileError"), ("pipe",)),
        # ---- sizes and budgets (issue 24): refused before anything is allocated, alike in both twins
        Case("Dense(10**6, 10**6): over the layer budget", lambda nn: nn.Dense(10**6, 10**6),
             ValueError, ("Dense(1000000, 1000000)", "1,000,001,000,000", "MAX_LAYER_PARAMS")),
        Case("Dense(784, 10**8) (--hidden 100000000)", lambda nn: nn.Dense(784, 10**8),
             ValueError, ("Dense(784, 100000000)", "MAX_LAYER_PARAMS")),
        Case("Conv2D(10**4, 10**4, 5): over the layer budget", lambda nn: nn.Conv2D(10**4, 10**4, 5),
             ValueError, ("Conv2D(10000, 10000, 5)", "MAX_LAYER_PARAMS")),
        Case("Conv2D(1, 1, 10**5): a kernel over the budget", lambda nn: nn.Conv2D(1, 1, 10**5),
             ValueError, ("Conv2D(1, 1, 100000)", "MAX_LAYER_PARAMS")),
        Case("RNN(10**5, 10**5): over the layer budget", lambda nn: nn.RNN(10**5, 10**5),
             ValueError, ("RNN(100000, 100000)", "MAX_LAYER_PARAMS")),
        Case("LSTM(3000, 3000): over the layer budget", lambda nn: nn.LSTM(3000, 3000),
             ValueError, ("LSTM(3000, 3000)", "MAX_LAYER_PARAMS")),
        Case("Embedding(10**9, 8): over the layer budget", lambda nn: nn.Embedding(10**9, 8),
             ValueError, ("Embedding(1000000000, 8)", "MAX_LAYER_PARAMS")),
        Case("TimeDistributed(Dense(10**5, 10**5))", lambda nn: nn.TimeDistributed(nn.Dense(10**5, 10**5)),
             ValueError, ("Dense(100000, 100000)", "MAX_LAYER_PARAMS")),
        Case("load(max_params='big')", lambda nn: in_temp_folder(lambda d: (
            nn.save(mlp(nn), os.path.join(d, "m.json")), nn.load(os.path.join(d, "m.json"), max_params="big"))),
             ValueError, ("max_params", "'big'")),
        Case("load_checkpoint(max_params=0)", lambda nn: nn.io.load_checkpoint("c.json", max_params=0),
             ValueError, ("max_params",)),
        Case("load: a named pipe nobody writes to", lambda nn: in_temp_folder(lambda d: (
            os.mkfifo(os.path.join(d, "p")), nn.load(os.path.join(d, "p")))),
             nn_error("ModelFileError"), ("/p'", "a pipe, not a regular file")),
        Case("load: a folder", lambda nn: in_temp_folder(lambda d: nn.load(d)),
             nn_error("ModelFileError"), ("a folder",)),
        Case("load: a symbolic link loop", lambda nn: in_temp_folder(lambda d: (
            os.symlink(os.path.join(d, "loop"), os.path.join(d, "loop")), nn.load(os.path.join(d, "loop")))),
             nn_error("ModelFileError"), ("loop", "symbolic links")),
        Case("save: a layer a model file cannot describe (previous file intact)",
             lambda nn: in_temp_folder(lambda d: save_custom_layer(nn, d)), ValueError, ("layer 3", "_Custom")),
        Case("evaluate: no examples", lambda nn: mlp(nn).evaluate([], [], nn.CrossEntropy()),
             ValueError, ("evaluate", "no examples")),
        Case("fit: epochs=0", lambda nn: fit(nn, epochs=0), ValueError, ("epochs", "0")),
        Case("gradcheck of a string", lambda nn: nn.gradcheck("Dense", [[0.5, 1.0]]), TypeError, ("model",)),
        Case("gradcheck of a class", lambda nn: nn.gradcheck(nn.Dense, [[0.5, 1.0]]), TypeError, ("model",)),
        Case("confusion_matrix with a label of 10**9", lambda nn: nn.confusion_matrix([0, 10**9], [0, 1]),
             ValueError, ("y_true[1]", "1000000000")),
        Case("confusion_matrix with a prediction of 10**9", lambda nn: nn.confusion_matrix([0, 1], [0, 10**9]),
             ValueError, ("y_pred[1]", "1000000000")),
        Case("confusion_matrix: label 5 with n_classes=3", lambda nn: nn.confusion_matrix([0, 5], [0, 1], 3),
             ValueError, ("y_true[1]", "n_classes=3")),
        Case("confusion_matrix: label 3 with n_classes=3", lambda nn: nn.confusion_matrix([0, 1], [0, 3], 3),
             ValueError, ("y_pred[1]", "n_classes=3")),
        Case("confusion_matrix: n_classes=10**6", lambda nn: nn.confusion_matrix([0, 1], [0, 1], 10**6),
             ValueError, ("n_classes",)),
        Case("Dense.forward after params['W'] is replaced by (2, 3)", lambda nn: replaced_weights(nn, (2, 3)),
             ValueError, ("Dense(2, 2)", "params['W']", "(2, 3)")),
        Case("Dense.forward after params['W'] is replaced by (3, 3)", lambda nn: replaced_weights(nn, (3, 3)),
             ValueError, ("Dense(2, 2)", "params['W']", "(3, 3)")),
        Case("Dense.forward after params['b'] is replaced by (3,)", lambda nn: replaced_weights(nn, (3,), "b"),
             ValueError, ("Dense(2, 2)", "params['b']", "(3,)")),
        Case("CrossEntropy: target True", lambda nn: nn.CrossEntropy().forward([[1.0, 2.0]], [True]),
             ValueError, ("CrossEntropy", "target 0")),
        Case("CrossEntropy: targets [0, True]", lambda nn: nn.CrossEntropy().forward([[1.0, 2.0], [1.0, 2.0]],
                                                                                     [0, True]),
             ValueError, ("CrossEntropy", "target 1")),
        Case("fit: y holding True", lambda nn: fit_keeps_weights(nn, y=[0, True, 1, 0]), ValueError, ("example 1",)),
        # ---- what the pure twin accepts: a numpy array is its values
        Case("pure given a numpy array: Dense.forward", lambda nn: nn.Dense(2, 3, seed=0).forward(as_array(X4)),
             kind="accepts"),
        Case("pure given a numpy array: predict", lambda nn: mlp(nn).predict(as_array(X4)), kind="accepts"),
        Case("pure given numpy arrays: fit", lambda nn: fit(nn, as_array(X4), np.asarray(Y4))["loss"],
             kind="accepts"),
        Case("pure given a numpy array: MSE", lambda nn: nn.MSE().forward(as_array([[1.0, 2.0]]), [[0.0, 0.0]]),
             kind="accepts"),
    ]
    for name in ACTIVATIONS:
        cases.append(Case(f"{name}: backward() before forward()", backward_first(
            lambda nn, name=name: getattr(nn, name)()), RuntimeError, (name, "before forward")))
    for name, make in LAYERS_BEFORE_FORWARD.items():
        cases.append(Case(f"{name}: backward() before forward()", backward_first(make),
                          RuntimeError, (name, "before forward")))
    for name in ("MSE", "BinaryCrossEntropy", "CrossEntropy"):
        cases.append(Case(f"{name}: backward() before forward()", loss_backward_first(
            lambda nn, name=name: getattr(nn, name)()), RuntimeError, (name, "before forward")))
    return cases


def nn_error(name):
    """An exception class both twins share by name (ModelFileError is pure's, re-exported by vectorized)."""
    return getattr(pure, name)


def run_case(case: Case, nn) -> Outcome:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = case.run(nn)
        except Exception as e:  # noqa: BLE001 - what was raised is the result
            return Outcome("raises", type(e), str(e))
    relevant = [w for w in caught if issubclass(w.category, UserWarning)]
    if relevant:
        return Outcome("warns", relevant[0].category, str(relevant[0].message), value)
    return Outcome("returns", value=value)


class Verdict(NamedTuple):
    case: Case
    outcomes: dict          # twin name -> Outcome
    clean: bool
    twin_difference: bool
    problem: str


def _same_values(a, b) -> bool:
    from .tolerances import compare
    return compare(a, b).ok


def judge(case: Case, outcomes: dict) -> Verdict:
    p, v = outcomes["pure"], outcomes["vectorized"]
    if case.kind == "accepts":
        difference = p.kind != "returns" or v.kind != "returns" or not _same_values(p.value, v.value)
        problem = "" if not difference else f"pure {p}; vectorized {v}"
        return Verdict(case, outcomes, not difference, difference, problem)
    difference = p.kind != v.kind or getattr(p.cls, "__name__", None) != getattr(v.cls, "__name__", None)
    problems = []
    for twin, o in outcomes.items():
        if o.kind != case.kind or o.cls is None or not issubclass(o.cls, case.error):
            problems.append(f"{twin} {o} (expected: {case.kind} {case.error.__name__})")
        else:
            missing = [n for n in case.names if n not in o.message]
            if missing:
                problems.append(f"{twin}: the message does not name {missing}: {o.message[:160]!r}")
            if len(o.message) > 600:
                problems.append(f"{twin}: a message of {len(o.message)} characters")
    if difference and not problems:
        problems.append(f"the twins differ: pure {p}; vectorized {v}")
    return Verdict(case, outcomes, not problems, difference, "; ".join(problems))


def verdict_of(case: Case) -> Verdict:
    """The case made against both twins, judged."""
    return judge(case, {twin.TWIN: run_case(case, twin) for twin in (pure, vectorized)})


def run_table(cases=None):
    """Every case against both twins: a list of Verdicts."""
    return [verdict_of(case) for case in (cases if cases is not None else CASES)]


def summary(verdicts) -> str:
    clean = sum(v.clean for v in verdicts)
    differences = sum(v.twin_difference for v in verdicts)
    return f"{len(verdicts)} cases, {clean} clean, {differences} twin differences"


CASES = _cases() if vectorized is not None else []


def main() -> int:
    verdicts = run_table()
    for v in verdicts:
        status = "clean" if v.clean else ("TWINS DIFFER" if v.twin_difference else "NOT CLEAN")
        print(f"{status:12s} {v.case.name}" + ("" if v.clean else f"\n             {v.problem}"))
    print(summary(verdicts))
    return 0 if all(v.clean for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
