"""vectorized: the numpy twin of `pure`, with the same names, arguments and results.

    import vectorized as nn
    model = nn.Sequential([nn.Dense(784, 32, seed=0), nn.ReLU(), nn.Dense(32, 10, seed=1)])
    history = model.fit(x, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.1), epochs=3, seed=0)

Tensors are numpy arrays (float64), batch first; lists are accepted as input.
A script written against `import pure as nn` runs unchanged against
`import vectorized as nn`, fast enough for real MNIST training. The
initializers, the progress line and the model-file checks are shared with
the pure twin, so both draw the same numbers and read the same files.

Modules, in the order a reader might take them: ops (array helpers), init,
layers, activations, losses, optimizers, metrics, network, training,
gradcheck, io (save/load), progress; interop (to_torch, from_torch, save_onnx: this twin only,
with the optional torch / onnx packages).
"""
try:
    import numpy  # noqa: F401  (checked first, to say what to do when it is missing)
except ModuleNotFoundError as _missing:
    if _missing.name != "numpy":
        raise
    import sys
    _needs = ("needs numpy, which is not installed: python3 -m pip install numpy "
              "(the pure twin needs nothing: python3 -m pure)")
    # `python -m vectorized` imports this package first, with sys.argv[0] "-m": then vectorized/__main__.py
    # runs next (app/arrays.py: --help, and one line saying what to install), with none of the names below
    if sys.argv[:1] != ["-m"]:
        raise ModuleNotFoundError(f"{__name__} {_needs}", name="numpy") from None
    _command = getattr(sys, "orig_argv", [])              # Python 3.10+: the whole command line
    if "-m" in _command and _command[_command.index("-m") + 1:][:1] != [__name__]:
        sys.exit(f"error: python -m {_command[_command.index('-m') + 1]} {_needs}")   # a module of this package
    numpy = None

if numpy is not None:
    from . import init
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

    # Graduating to PyTorch and ONNX (this twin only; torch/onnx are imported inside these functions,
    # and the names stay out of __all__, which lists the contract both twins share):
    from .interop import from_torch, save_onnx, to_torch  # noqa: F401

TWIN = "vectorized"

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
