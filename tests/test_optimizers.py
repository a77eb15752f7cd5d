"""Optimizers and clipping: one step worked by hand, and errors for bad settings."""
import math

import pytest

from conftest import close, layer_with, to_list


def test_sgd_step(nn):
    layer = layer_with(nn, [[1.0, 2.0]], [[0.5, -1.0]])
    nn.SGD(0.1).step([layer])
    assert close(layer.params["W"], [[0.95, 2.1]], 1e-15)


def test_sgd_momentum_and_weight_decay_two_steps(nn):
    layer = layer_with(nn, [[1.0]], [[1.0]])
    opt = nn.SGD(0.1, momentum=0.9, weight_decay=0.5)
    opt.step([layer])                  # g = 1 + 0.5*1 = 1.5; v = 1.5; p = 1 - 0.15 = 0.85
    assert close(layer.params["W"], [[0.85]], 1e-15)
    opt.step([layer])                  # g = 1 + 0.425 = 1.425; v = 1.35 + 1.425 = 2.775; p = 0.85 - 0.2775
    assert close(layer.params["W"], [[0.5725]], 1e-15)


def test_adam_first_step_moves_by_lr(nn):
    """At t = 1 the corrected moments are m^ = g and v^ = g², so each weight moves by
    lr * g / (|g| + eps): almost lr, less by the eps in the denominator. For g = -0.001 eps
    takes 0.01 * 1e-8 / (0.001 + 1e-8) = 9.999e-8 off the step, so it is part of the answer."""
    layer = layer_with(nn, [[1.0, 1.0]], [[3.0, -0.001]])
    nn.Adam(0.01).step([layer])
    expected = [[1.0 - 0.01 * 3.0 / (3.0 + 1e-8), 1.0 + 0.01 * 0.001 / (0.001 + 1e-8)]]
    assert close(layer.params["W"], expected, 1e-15)
    assert not close(layer.params["W"], [[0.99, 1.01]], 1e-8)      # eps moved it by more than 1e-8


def test_optimizer_replaces_tensors_rather_than_mutating_them(nn):
    layer = layer_with(nn, [[1.0]], [[1.0]])
    before = layer.params["W"]
    nn.SGD(0.1, momentum=0.5).step([layer])
    assert to_list(before) == [[1.0]]


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf")])
def test_non_positive_learning_rate_is_refused(nn, lr):
    with pytest.raises(ValueError, match="learning rate must be a positive"):
        nn.SGD(lr)
    with pytest.raises(ValueError, match="learning rate must be a positive"):
        nn.Adam(lr)


def test_clip_by_value(nn):
    layer = layer_with(nn, [[0.0, 0.0, 0.0]], [[-5.0, 0.5, 5.0]])
    nn.clip_grads_by_value([layer], 1.0)
    assert to_list(layer.grads["W"]) == [[-1.0, 0.5, 1.0]]


def test_clip_by_norm_rescales_all_gradients_together(nn):
    a = layer_with(nn, [[0.0]], [[3.0]])
    b = layer_with(nn, [[0.0]], [[4.0]])
    norm = nn.clip_grads_by_norm([a, b], 1.0)
    assert norm == 5.0
    assert close(a.grads["W"], [[0.6]], 1e-6) and close(b.grads["W"], [[0.8]], 1e-6)
    total = math.hypot(to_list(a.grads["W"])[0][0], to_list(b.grads["W"])[0][0])
    assert total <= 1.0


def test_clip_by_norm_leaves_small_gradients_alone(nn):
    layer = layer_with(nn, [[0.0]], [[0.3]])
    assert nn.clip_grads_by_norm([layer], 1.0) == 0.3
    assert to_list(layer.grads["W"]) == [[0.3]]
