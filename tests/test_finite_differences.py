"""Every layer's and loss's backward against finite differences written in the tests
(tests/finite_differences.py), not through the twin's own gradcheck.

Inputs of the activations keep clear of their kinks (|x| >= 0.05 >> eps): the value at the
kink itself is a convention, stated and tested in test_by_hand.py.
"""
import random

import pytest

from conftest import tensor
from finite_differences import layer_problems, loss_problems

from conformance import fixtures


LAYERS = [
    # name, make(nn), input dims
    ("Dense", lambda nn: nn.Dense(3, 4, bias_init="uniform(-1, 1)", seed=0), (2, 3)),
    ("Dense without bias", lambda nn: nn.Dense(4, 2, bias=False, seed=1), (3, 4)),
    ("Conv2D stride (1, 2)", lambda nn: nn.Conv2D(2, 3, 3, stride=(1, 2), bias_init="uniform(-1, 1)", seed=0),
     (2, 2, 5, 7)),
    ("Conv2D stride (2, 2) padding 1", lambda nn: nn.Conv2D(1, 2, (3, 2), stride=2, padding=1, seed=1),
     (2, 1, 6, 5)),
    ("Conv2D stride (1, 2) padding (2, 1)", lambda nn: nn.Conv2D(2, 2, (2, 3), stride=(1, 2), padding=(2, 1),
                                                                 seed=2), (1, 2, 4, 6)),
    ("Conv2D stride (2, 1) padding (0, 2)", lambda nn: nn.Conv2D(1, 2, 3, stride=(2, 1), padding=(0, 2), seed=3),
     (2, 1, 7, 4)),
    ("MaxPool2D 2", lambda nn: nn.MaxPool2D(2), (2, 2, 4, 6)),
    ("MaxPool2D 3 stride 2", lambda nn: nn.MaxPool2D(3, stride=2), (1, 2, 7, 7)),
    ("MaxPool2D (2, 3) stride (1, 2)", lambda nn: nn.MaxPool2D((2, 3), stride=(1, 2)), (1, 1, 4, 7)),
    ("AvgPool2D 2", lambda nn: nn.AvgPool2D(2), (2, 2, 4, 6)),
    ("AvgPool2D (3, 2) stride 1", lambda nn: nn.AvgPool2D((3, 2), stride=1), (1, 2, 5, 4)),
    ("Flatten", lambda nn: nn.Flatten(), (2, 2, 2, 3)),
    ("RNN last state", lambda nn: nn.RNN(3, 4, seed=0), (2, 5, 3)),
    ("RNN every state", lambda nn: nn.RNN(2, 3, return_sequences=True, seed=1), (2, 4, 2)),
    ("LSTM last state", lambda nn: nn.LSTM(3, 4, seed=0), (2, 5, 3)),
    ("LSTM every state", lambda nn: nn.LSTM(2, 3, return_sequences=True, seed=1), (2, 4, 2)),
    ("TimeDistributed Dense", lambda nn: nn.TimeDistributed(nn.Dense(3, 2, bias_init="uniform(-1, 1)", seed=2)),
     (2, 4, 3)),
]


@pytest.mark.parametrize("name, make, dims", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_backward_matches_finite_differences(nn, name, make, dims):
    x = fixtures.tensor(random.Random(len(name)), dims)
    problems = layer_problems(nn, make(nn), x)
    assert not problems, f"{name} ({nn.TWIN}): " + "\n".join(problems[:10])


ACTIVATIONS = [
    ("Sigmoid", lambda nn: nn.Sigmoid()),
    ("Tanh", lambda nn: nn.Tanh()),
    ("ReLU", lambda nn: nn.ReLU()),
    ("LeakyReLU 0.2", lambda nn: nn.LeakyReLU(0.2)),
    ("ELU 0.7", lambda nn: nn.ELU(0.7)),
    ("Softplus", lambda nn: nn.Softplus()),
    ("ArcTan", lambda nn: nn.ArcTan()),
    ("Identity", lambda nn: nn.Identity()),
    ("Softmax", lambda nn: nn.Softmax()),
]


@pytest.mark.parametrize("name, make", ACTIVATIONS, ids=[c[0] for c in ACTIVATIONS])
def test_activation_backward_matches_finite_differences(nn, name, make):
    x = fixtures.away_from_zero(random.Random(1), (3, 5), 0.05, 2.0)      # |x| in [0.05, 2]
    problems = layer_problems(nn, make(nn), x)
    assert not problems, f"{name} ({nn.TWIN}): " + "\n".join(problems[:10])


def test_a_wrong_backward_fails_the_check(nn):
    """The check itself can fail: a Dense whose backward forgets the bias gradient's sum."""
    layer = nn.Dense(3, 2, bias_init="uniform(-1, 1)", seed=0)
    backward = layer.backward

    def wrong(grad_out, need_input_grad=True):
        grad_in = backward(grad_out, need_input_grad)
        layer.grads["b"] = tensor(nn, [0.0, 0.0])
        return grad_in
    layer.backward = wrong
    assert layer_problems(nn, layer, [[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])


def test_losses_backward_matches_finite_differences(nn):
    rng = random.Random(0)
    pred = fixtures.tensor(rng, (4, 3))
    target = fixtures.tensor(rng, (4, 3))
    assert not loss_problems(nn, nn.MSE(), pred, tensor(nn, target))
    probs = fixtures.tensor(rng, (4, 3), 0.05, 0.95)
    bits = [[float(rng.random() < 0.5) for _ in range(3)] for _ in range(4)]
    assert not loss_problems(nn, nn.BinaryCrossEntropy(), probs, tensor(nn, bits))
    labels = [0, 2, 1, 2]
    assert not loss_problems(nn, nn.CrossEntropy(), pred, labels if nn.TWIN == "pure" else tensor(nn, labels))
