"""Where did training go wrong? Finding the first NaN or infinity after fit has seen one.

fit (training.py) checks one number per step, the loss, and the weights once
per epoch. Nothing else is checked while all is well: before each step a
`Watch` keeps references to the weights (optimizers replace tensors rather
than change them, so a reference keeps the old values), to the batch and to
the state of each layer's random generator (Dropout's). That costs nothing.

Once the loss (or an epoch's weights) is not finite, the Watch replays the
step that went wrong from what it kept, layer by layer, and names the first
place a non-finite number appeared:

    in the input batch itself                       the data holds NaN or infinity
    in the forward output of <layer>                a forward pass overflowed
    in the gradient of <layer> (parameter 'W')      a backward pass did
    in the gradient <layer> passes back to its input
    in the optimizer's update of <layer> ...        the step itself, from finite gradients

and it puts back the last weights that gave a finite loss. The error is a
TrainingError naming the epoch, the batch and that place.
"""
from __future__ import annotations

from .ops import all_finite
from .optimizers import clip_grads_by_norm, clip_grads_by_value
from .portable import Random


class TrainingError(ArithmeticError):
    """Raised when a NaN or infinity appears in training; the model keeps its last good weights.

    The message names the epoch, the batch and the layer where the first non-finite
    value appeared (in a layer's forward output, its gradient, or an optimizer update)."""


ARITHMETIC_ERRORS = (OverflowError, ZeroDivisionError)   # pure Python's way of saying "infinity"


def shallow_weights(model):
    """References to every parameter tensor (the values stay, since optimizers replace tensors)."""
    return [dict(layer.params) for layer in model.layers]


def restore(model, weights):
    for layer, params in zip(model.layers, weights):
        layer.params.update(params)


def first_bad_weights(model, all_finite=all_finite):
    """(layer position, parameter name) of the first weights that are not finite, or None."""
    for i, layer in enumerate(model.layers):
        for name, p in layer.params.items():
            if not all_finite(p):
                return i, name
    return None


class _Step:
    """What a training step started from: weights, generator states, position, batch."""

    def __init__(self, model, generators, at, x_batch, y_batch):
        self.weights = shallow_weights(model)
        self.states = [layer.rng.getstate() for layer in generators]
        self.at, self.x_batch, self.y_batch = at, x_batch, y_batch


class Watch:
    """fit's memory of the last two steps, and the search it runs once something is not finite.

    (The vectorized twin's Watch is this class with numpy's all_finite and clipping.)"""

    all_finite = staticmethod(all_finite)
    clip_grads_by_value = staticmethod(clip_grads_by_value)
    clip_grads_by_norm = staticmethod(clip_grads_by_norm)

    def __init__(self, model, loss, batches: int, clip_value=None, clip_norm=None):
        self.model, self.loss, self.batches = model, loss, batches
        self.clip_value, self.clip_norm = clip_value, clip_norm
        self.generators = [layer for layer in model.layers if isinstance(getattr(layer, "rng", None), Random)]
        self.last = self.previous = None

    def before_step(self, at, x_batch, y_batch) -> None:
        """Called before each step (at = (epoch, batch)): keep references, check nothing."""
        self.previous = self.last
        self.last = _Step(self.model, self.generators, at, x_batch, y_batch)

    # ---- the three ways fit finds out

    def loss_not_finite(self, loss_value) -> TrainingError:
        """The loss of the current step is NaN or infinite."""
        found = f"the loss became {loss_value} at epoch {self.last.at[0]}, batch {self.last.at[1]}"
        if self.previous is not None and first_bad_weights(self.model, self.all_finite) is not None:
            return self._broken_by(self.previous, found)      # the previous step broke the weights
        where = self._where_forward(self.last)
        restore(self.model, self.last.weights)
        return self._error(where, self.last.at, found, self.last.at)

    def backward_overflowed(self) -> TrainingError:
        """The current step's backward pass raised OverflowError or ZeroDivisionError."""
        label = self._replay(self.last, stop_at_overflow=True) or "the model"
        return self._error(f"in the gradient of {label} (an overflow error)", self.last.at,
                           "the backward pass overflowed", self.last.at)

    def weights_not_finite(self) -> TrainingError:
        """At the end of an epoch the weights hold NaN or infinity: its last step broke them."""
        return self._broken_by(self.last, "the weights are no longer finite at the end of the epoch")

    # ---- the search

    def _error(self, where, at, found, good_at) -> TrainingError:
        epoch, batch = at
        return TrainingError(
            f"fit: a NaN or infinity first appeared at epoch {epoch}, batch {batch} of {self.batches}, {where}; "
            f"{found}; stopped, keeping the last weights that gave a finite loss (from before epoch "
            f"{good_at[0]}, batch {good_at[1]}). Try a smaller learning rate, scaled inputs (for pixels: "
            f"divide by 255) or gradient clipping.")

    def _broken_by(self, step, found) -> TrainingError:
        """`step` turned finite weights into non-finite ones: replay it and say where it started."""
        bad = first_bad_weights(self.model, self.all_finite)
        passed = self._replay(step)
        where = self._where_step(passed, bad)
        restore(self.model, step.weights)
        return self._error(where, step.at, found, step.at)

    def _start(self, step):
        restore(self.model, step.weights)
        for layer, state in zip(self.generators, step.states):
            layer.rng.setstate(state)

    def _where_forward(self, step) -> str:
        if not self.all_finite(step.x_batch):
            return "in the input batch itself (the data holds NaN or infinity)"
        self._start(step)
        x = step.x_batch
        for layer in self.model.layers:
            try:
                x = layer.forward(x)
            except ARITHMETIC_ERRORS:
                return f"in the forward output of {layer.label}"
            if not self.all_finite(x):
                return f"in the forward output of {layer.label}"
        return f"in the loss {type(self.loss).__name__}, computed from finite outputs (check the targets)"

    def _replay(self, step, stop_at_overflow=False):
        """Run `step` again layer by layer; returns what each layer passed back (by position),
        or with stop_at_overflow the label of the layer whose backward overflowed."""
        self._start(step)
        layers = self.model.layers
        self.loss.forward(self.model.forward(step.x_batch), step.y_batch)
        grad, passed = self.loss.backward(), {}
        for i in range(len(layers) - 1, -1, -1):
            try:
                grad = layers[i].backward(grad, i > 0)
            except ARITHMETIC_ERRORS:
                if stop_at_overflow:
                    return layers[i].label
                raise
            passed[i] = grad
        if stop_at_overflow:
            return None
        if self.clip_value is not None:
            self.clip_grads_by_value(layers, self.clip_value)
        if self.clip_norm is not None:
            self.clip_grads_by_norm(layers, self.clip_norm)
        return passed

    def _where_step(self, passed, bad) -> str:
        layers = self.model.layers
        for i in range(len(layers) - 1, -1, -1):     # backward runs from the last layer
            layer = layers[i]
            for name, g in layer.grads.items():
                if g is not None and not self.all_finite(g):
                    return f"in the gradient of {layer.label} (parameter {name!r})"
            g = passed.get(i)
            if g is not None and not self.all_finite(g):
                return f"in the gradient {layer.label} passes back to its input"
        layer = layers[bad[0]]
        return f"in the optimizer's update of {layer.label} (parameter {bad[1]!r}), from finite gradients"

