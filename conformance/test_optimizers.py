"""Optimizers and gradient clipping: both twins take the same steps from the same gradients.

Each optimizer is fed six rounds of the same random gradients in both twins
(components.OPTIMIZERS, fixtures.optimizer_fixture), so momentum, Adam's
moments and bias corrections, and weight decay are carried across steps.
A few steps are also worked out by hand, since two twins can share a bug.
"""
import math

import numpy as np
import pytest

import pure
import vectorized
from conformance import fixtures
from conformance.components import CLIPPING_OPTIMIZER, CLIPPINGS, OPTIMIZERS, two_steps_clearing_the_gradient
from conformance.tolerances import compare
from conformance.twins import TWINS, as_lists, assert_agree, compare_optimizer, for_twin, parameter_layers

FIXTURE = fixtures.optimizer_fixture()


@pytest.mark.parametrize("name, make", OPTIMIZERS, ids=[name for name, _ in OPTIMIZERS])
def test_optimizer_steps_agree_over_six_steps(name, make):
    comparisons = compare_optimizer(make, FIXTURE.params, FIXTURE.grads)
    assert len(comparisons) == 6 * 4, "every parameter after every step"
    assert_agree(comparisons, name)


@pytest.mark.parametrize("scale", [2.0, 0.01], ids=["large gradients (clipped)", "small gradients (untouched)"])
@pytest.mark.parametrize("name, clip", CLIPPINGS, ids=[name for name, _ in CLIPPINGS])
def test_clipping_then_stepping_agrees(name, clip, scale):
    fixture = fixtures.optimizer_fixture(seed=1, grad_scale=scale)
    comparisons = compare_optimizer(CLIPPING_OPTIMIZER[1], fixture.params, fixture.grads, clip=clip)
    assert_agree(comparisons, f"{name} then {CLIPPING_OPTIMIZER[0]}")


# ----------------------------------------------------------------------------- by hand, in each twin

def one_parameter(nn, p, g):
    """A Dense(1, 1) whose W is [[p]], with gradient [[g]] and no bias gradient."""
    layer = parameter_layers(nn, [{"W": [[p]], "b": [0.0]}])[0]
    layer.grads["W"], layer.grads["b"] = for_twin(nn, [[g]]), None
    return layer


def w_of(layer):
    return as_lists(layer.params["W"])[0][0]


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_sgd_moves_against_the_gradient_by_lr_times_gradient(nn):
    layer = one_parameter(nn, 1.0, 0.5)
    nn.SGD(0.1).step([layer])
    assert w_of(layer) == 1.0 - 0.1 * 0.5


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_sgd_momentum_accumulates_velocity(nn):
    """v1 = g, v2 = mu v1 + g: two steps with g = 0.5, mu = 0.9, lr = 0.1 move 0.05 then 0.095."""
    layer, opt = one_parameter(nn, 1.0, 0.5), nn.SGD(0.1, momentum=0.9)
    opt.step([layer])
    assert math.isclose(w_of(layer), 0.95, rel_tol=1e-15)
    opt.step([layer])
    assert math.isclose(w_of(layer), 0.95 - 0.1 * (0.9 * 0.5 + 0.5), rel_tol=1e-15)


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_weight_decay_adds_decay_times_parameter_to_the_gradient(nn):
    layer = one_parameter(nn, 2.0, 0.5)
    nn.SGD(0.1, weight_decay=0.25).step([layer])
    assert math.isclose(w_of(layer), 2.0 - 0.1 * (0.5 + 0.25 * 2.0), rel_tol=1e-15)


@pytest.mark.parametrize("g", [3.0, -0.002])
@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_adam_first_step_moves_by_lr_against_the_gradient_sign(nn, g):
    """After bias correction m = g and v = g², so the first step is lr g / (|g| + eps)."""
    layer = one_parameter(nn, 1.0, g)
    nn.Adam(0.01).step([layer])
    assert math.isclose(w_of(layer), 1.0 - 0.01 * g / (abs(g) + 1e-8), rel_tol=1e-14)


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_adam_second_step_uses_bias_corrected_moments(nn):
    g1, g2, lr, b1, b2, eps = 1.0, -0.5, 0.01, 0.9, 0.999, 1e-8
    layer, opt = one_parameter(nn, 0.0, g1), nn.Adam(lr)
    opt.step([layer])
    layer.grads["W"] = for_twin(nn, [[g2]])
    opt.step([layer])
    m = b1 * (1 - b1) * g1 + (1 - b1) * g2
    v = b2 * (1 - b2) * g1 ** 2 + (1 - b2) * g2 ** 2
    expected = -lr * g1 / (abs(g1) + eps) - lr * (m / (1 - b1 ** 2)) / (math.sqrt(v / (1 - b2 ** 2)) + eps)
    assert math.isclose(w_of(layer), expected, rel_tol=1e-12)


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_clip_by_value_clamps_every_entry(nn):
    layers = parameter_layers(nn, FIXTURE.params)
    for layer, g in zip(layers, FIXTURE.grads[0]):
        layer.grads = {name: for_twin(nn, value) for name, value in g.items()}
    nn.clip_grads_by_value(layers, 0.5)
    for layer, g in zip(layers, FIXTURE.grads[0]):
        for name, value in g.items():
            c = compare(as_lists(layer.grads[name]), np.clip(value, -0.5, 0.5))
            assert c.ok, f"{nn.TWIN} clip_grads_by_value {name}: {c}"


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_clip_by_norm_returns_the_old_norm_and_leaves_max_norm(nn):
    layers = parameter_layers(nn, FIXTURE.params)
    for layer, g in zip(layers, FIXTURE.grads[0]):
        layer.grads = {name: for_twin(nn, value) for name, value in g.items()}
    flat = [v for g in FIXTURE.grads[0] for value in g.values() for v in np.ravel(value)]
    old_norm = math.sqrt(math.fsum(v * v for v in flat))
    returned = nn.clip_grads_by_norm(layers, 1.0)
    new_norm = math.sqrt(sum(float(np.sum(np.square(layer.grads[n]))) for layer in layers for n in layer.grads))
    assert math.isclose(returned, old_norm, rel_tol=1e-12), f"{nn.TWIN}: returned {returned}, norm was {old_norm}"
    assert old_norm > 1.0 and math.isclose(new_norm, 1.0, rel_tol=1e-5), f"{nn.TWIN}: norm after {new_norm}"



STATEFUL = [
    pytest.param(pure, "SGD momentum", id="pure-SGD momentum"),
    pytest.param(vectorized, "SGD momentum", id="vectorized-SGD momentum"),
    pytest.param(pure, "Adam", id="pure-Adam"),
    pytest.param(vectorized, "Adam", id="vectorized-Adam"),
]


@pytest.mark.parametrize("nn, name", STATEFUL)
def test_optimizer_state_survives_the_used_gradient_being_cleared_in_place(nn, name):
    """After step(), zeroing the used gradient in place (PyTorch's zero_grad habit) must not touch the
    optimizer's velocity or moments: the next step must be the same as without the clearing."""
    make = dict(OPTIMIZERS)[name]
    untouched = two_steps_clearing_the_gradient(nn, make, clear=False)
    cleared = two_steps_clearing_the_gradient(nn, make, clear=True)
    assert cleared == untouched, f"{nn.TWIN} {name}: W = {cleared} after clearing the gradient, {untouched} without"
