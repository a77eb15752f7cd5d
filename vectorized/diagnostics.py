"""Where did training go wrong? Finding the first NaN or infinity after fit has seen one.

The search is the pure twin's (read pure/diagnostics.py): fit keeps references
to the weights, the batch and Dropout's generator state before each step, and
once the loss or an epoch's weights are not finite, a Watch replays the step
that went wrong layer by layer to name where the first NaN or infinity
appeared. This module gives it numpy's all_finite and gradient clipping.
"""
from __future__ import annotations

from pure import diagnostics as _shared
from pure.diagnostics import ARITHMETIC_ERRORS, TrainingError, restore, shallow_weights  # noqa: F401

from .ops import all_finite
from .optimizers import clip_grads_by_norm, clip_grads_by_value


def first_bad_weights(model):
    """(layer position, parameter name) of the first weights that are not finite, or None."""
    return _shared.first_bad_weights(model, all_finite)


class Watch(_shared.Watch):
    """fit's memory of the last two steps, and the search it runs once something is not finite."""

    all_finite = staticmethod(all_finite)
    clip_grads_by_value = staticmethod(clip_grads_by_value)
    clip_grads_by_norm = staticmethod(clip_grads_by_norm)
