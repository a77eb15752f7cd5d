"""The contract every layer follows, as a base class: Layer.

    params    dict name -> tensor, the single source of truth for the weights
    grads     dict with the same keys, overwritten by each backward()
    forward(x)          -> output, remembering what backward needs
    backward(grad_out)  -> grad_in = dL/dx, and fills grads with dL/dparam
    train() / eval()    -> switch the `training` flag (Dropout uses it)

Tensors are nested lists, batch first: a batch of vectors is N rows. Dense,
Dropout and Flatten are in layers.py, the activations in activations.py, and
so on; each subclasses Layer. The vectorized twin has the same contract.
"""
from __future__ import annotations

from typing import Dict


class Layer:
    """Base class. Subclasses set `params` and `grads` and write forward/backward.

    `backward(grad_out, need_input_grad=True)`: the model passes
    need_input_grad=False to its first layer, whose dL/dx nobody uses, so
    layers whose input gradient is expensive (Dense) may skip it and return None.
    """

    training = True

    def __init__(self):
        self.params: Dict[str, list] = {}
        self.grads: Dict[str, list] = {}
        self.label = repr(self)  # Sequential renames it "layer 2: Dense(784, 128)"

    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad_out, need_input_grad: bool = True):
        raise NotImplementedError

    def __call__(self, x):
        return self.forward(x)

    def train(self):
        self.training = True
        return self

    def eval(self):
        self.training = False
        return self

    def output_shape(self, input_shape):
        """Shape of one example's output for one example's input shape (None: unknown).

        Sequential calls this when it is built to catch neighbours that do not fit.
        """
        return input_shape

    def config(self) -> dict:
        """The constructor arguments that rebuild this layer (saved by io.save)."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"
