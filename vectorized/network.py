"""Sequential: a network that is a list of layers applied one after the other.

The numpy twin of pure/network.py (identical but for arrays in predict and copies).

    >>> from vectorized import CrossEntropy, Dense, ReLU, SGD, Sequential
    >>> model = Sequential([Dense(2, 8, seed=0), ReLU(), Dense(8, 2, seed=1)])
    >>> x, y = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0]
    >>> history = model.fit(x, y, loss=CrossEntropy(), optimizer=SGD(0.5), epochs=300,
    ...                     batch_size=4, seed=0, progress=False)
    >>> history["loss"][-1] < history["loss"][0]
    True

forward() runs the layers in order; backward() runs their backward() in
reverse, each turning dL/d(its output) into dL/d(its input) (the chain rule).
Training itself (batches, shuffling, early stopping...) is in training.py.
"""
from __future__ import annotations

from typing import Dict, List

import numpy as np

from . import checks, training
from .base import Layer
from .metrics import accuracy
from .ops import copy, shape


class Sequential:
    """A stack of layers. Checks, when built, that neighbouring layers fit together."""

    def __init__(self, layers: List[Layer]):
        layers = checks.check_layer_list(layers)
        if not layers:
            raise ValueError("Sequential: needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"Sequential: item {i} is {layer!r:.60}, not a Layer")
            layer.label = f"layer {i}: {layer!r}"
        self.layers = layers
        self.loss = None            # set by fit() or load(): what evaluate() measures with
        self.trained_on = {}        # what the main command trained it on (saved with the model)
        features = None
        for layer in layers:            # raises if, say, Dense(784, 32) is followed by Dense(16, 10)
            features = layer.output_shape(features)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    __call__ = forward

    def backward(self, grad_out, need_input_grad: bool = True):
        """Backpropagate dL/d(output); returns dL/d(input) (None if need_input_grad=False)."""
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            grad_out = self.layers[i].backward(grad_out, need_input_grad or i > 0)
        return grad_out

    def train(self):
        for layer in self.layers:
            layer.train()
        return self

    def eval(self):
        for layer in self.layers:
            layer.eval()
        return self

    def predict(self, x, batch_size: int = 256):
        """Outputs for x in evaluation mode (no dropout), computed batch by batch."""
        x = checks.check_predict_call(self, x, batch_size)
        modes = [layer.training for layer in self.layers]
        self.eval()
        try:
            out = []
            for start in range(0, len(x), batch_size):
                out.append(self.forward(training.take(x, np.arange(start, min(start + batch_size, len(x))))))
            if any(isinstance(batch, list) for batch in out) or len({batch.shape[1:] for batch in out}) > 1:
                return [seq for batch in out for seq in batch]   # ragged sequences (within or across batches)
            return np.concatenate(out) if out else np.zeros((0,))
        finally:
            for layer, mode in zip(self.layers, modes):
                layer.training = mode

    def evaluate(self, x, y, loss=None, batch_size: int = 256) -> Dict[str, float]:
        """Loss (mean over examples) and accuracy on (x, y), in evaluation mode.

        `loss` defaults to the loss of the last fit(), or the one its file records
        (load); with neither, ValueError names the missing loss. Accuracy is reported for
        classification targets (integer labels or one-hot rows).
        """
        loss = loss if loss is not None else self.loss
        if loss is None:
            raise ValueError("evaluate: no loss to measure with: this model was not trained with fit() and "
                             "its file records no loss (a file saved before losses were recorded?); "
                             "pass one, e.g. evaluate(x, y, loss=CrossEntropy())")
        y = checks.check_evaluate_call(self, x, y, loss, batch_size)
        pred = self.predict(x, batch_size)
        results = {}
        if loss is not None:
            results["loss"] = training.batched_loss(loss, pred, y, batch_size)
        if training.is_classification(loss, y, pred):
            results["accuracy"] = accuracy(training.as_list(y), pred)
        return results

    def fit(self, x, y, loss, optimizer, epochs: int = 1, batch_size: int = 32, **options):
        """Train on (x, y); see training.fit for every option. Returns the history dict."""
        return training.fit(self, x, y, loss, optimizer, epochs=epochs, batch_size=batch_size, **options)

    def get_weights(self) -> List[Dict[str, list]]:
        """A copy of every layer's params, layer by layer."""
        return [{name: copy(p) for name, p in layer.params.items()} for layer in self.layers]

    def set_weights(self, weights: List[Dict[str, list]]) -> None:
        """Put back weights from get_weights() (shapes are checked)."""
        if len(weights) != len(self.layers):
            raise ValueError(f"set_weights: {len(weights)} entries for {len(self.layers)} layers")
        for layer, params in zip(self.layers, weights):
            for name, value in params.items():
                if name not in layer.params or shape(value) != shape(layer.params[name]):
                    raise ValueError(f"set_weights: {layer.label} has no parameter {name!r} "
                                     f"of shape {shape(value)}")
                layer.params[name] = np.array(value, dtype=layer.params[name].dtype)

    def astype(self, dtype):
        """Cast every parameter to dtype (np.float32 for speed; outside the conformance policy)."""
        for layer in self.layers:
            for name, p in layer.params.items():
                layer.params[name] = p.astype(dtype)
        return self

    def count_params(self) -> int:
        return sum(int(np.size(p)) for layer in self.layers for p in layer.params.values())

    def summary(self) -> str:
        lines = [f"  {layer.label}" for layer in self.layers]
        lines.append(f"  {self.count_params():,} parameters")
        return "Sequential\n" + "\n".join(lines)

    def __repr__(self):
        return "Sequential([" + ", ".join(repr(layer) for layer in self.layers) + "])"
