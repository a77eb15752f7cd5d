"""The contract every layer follows, as a base class: Layer.

The numpy twin of pure/base.py: the same contract, with arrays.

    params    dict name -> array, the single source of truth for the weights
    grads     dict with the same keys, overwritten by each backward()
    forward(x)          -> output, remembering what backward needs
    backward(grad_out)  -> grad_in = dL/dx, and fills grads with dL/dparam
    train() / eval()    -> switch the `training` flag (Dropout uses it)
"""
from __future__ import annotations

from typing import Dict

import numpy as np


class Layer:
    """Base class. Subclasses set `params` and `grads` and write forward/backward.

    `backward(grad_out, need_input_grad=True)`: the model passes
    need_input_grad=False to its first layer, whose dL/dx nobody uses.
    """

    training = True

    def __init__(self):
        self.params: Dict[str, np.ndarray] = {}
        self.grads: Dict[str, np.ndarray] = {}
        self.label = repr(self)

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
        return input_shape

    def config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"
