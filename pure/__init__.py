"""pure: neural networks in standard-library Python, written to be read.

    import pure as nn
    model = nn.Sequential([nn.Dense(784, 32, seed=0), nn.ReLU(), nn.Dense(32, 10, seed=1)])
    history = model.fit(x, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.1), epochs=3, seed=0)

Tensors are nested lists of floats, batch first. The vectorized twin
(`import vectorized as nn`) offers the same names with numpy arrays; a script
written against one runs unchanged against the other. Runs on CPython 3.9+
and PyPy; imports nothing outside the standard library.

Modules, in the order a reader might take them: ops (list helpers), init,
layers, activations, losses, optimizers, metrics, network, training,
gradcheck, io (save/load), progress.
"""
from . import fast, init  # noqa: F401  (fast: the switch of the fast loops, pure.fast.enable() / disable())
from .activations import ELU, ArcTan, Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Softplus, Tanh
from .conv import AvgPool2D, Conv2D, MaxPool2D
from .gradcheck import GradcheckReport, gradcheck
from .io import ModelFileError, load, save
from .base import Layer
from .layers import Dense, Dropout, Flatten
from .losses import MSE, BinaryCrossEntropy, CrossEntropy, one_hot
from .metrics import accuracy, binary_report, confusion_matrix, precision_recall
from .network import Sequential
from .optimizers import SGD, Adam, clip_grads_by_norm, clip_grads_by_value
from .recurrent import LSTM, RNN, Embedding, TimeDistributed
from .training import TrainingError, train_step

TWIN = "pure"

__all__ = [
    "init", "Layer", "Dense", "Dropout", "Flatten",
    "Conv2D", "MaxPool2D", "AvgPool2D",
    "RNN", "LSTM", "Embedding", "TimeDistributed",
    "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Softplus", "ArcTan", "Identity", "Softmax",
    "MSE", "BinaryCrossEntropy", "CrossEntropy", "one_hot",
    "SGD", "Adam", "clip_grads_by_value", "clip_grads_by_norm",
    "Sequential", "train_step", "TrainingError", "accuracy", "confusion_matrix", "precision_recall", "binary_report",
    "gradcheck", "GradcheckReport", "save", "load", "ModelFileError", "TWIN",
]
