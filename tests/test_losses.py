"""Losses: values computed by hand, PyTorch's reductions, stability, and clear errors for bad targets."""
import math

import pytest

from conftest import close, to_list


def test_cross_entropy_by_hand(nn):
    logits = [[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]
    expected = ((math.log(math.exp(1) + math.exp(2) + math.exp(3)) - 2.0) + math.log(3.0)) / 2
    loss = nn.CrossEntropy()
    assert abs(loss.forward(logits, [1, 0]) - expected) < 1e-15
    s = math.exp(1) + math.exp(2) + math.exp(3)
    grad = to_list(loss.backward())
    assert close(grad, [[math.exp(1) / s / 2, (math.exp(2) / s - 1) / 2, math.exp(3) / s / 2],
                        [1 / 6 - 1 / 2, 1 / 6, 1 / 6]], 1e-15)


def test_cross_entropy_is_exact_for_huge_logits(nn):
    loss = nn.CrossEntropy()
    assert loss.forward([[1000.0, -1000.0]], [1]) == 2000.0
    assert to_list(loss.backward()) == [[1.0, -1.0]]
    assert loss.forward([[1000.0, -1000.0]], [0]) == 0.0


def test_cross_entropy_accepts_label_bytes(nn):
    assert nn.CrossEntropy().forward([[0.0, 0.0]], bytes([1])) == math.log(2)


@pytest.mark.parametrize("target, message", [
    ([0.5], "integer class indices"),
    ([[1.0, 0.0]], "one-hot"),
    ([2], "outside the 2 classes"),
    ([-1], "outside the 2 classes"),
    ([0, 1], "1 rows of logits but 2 targets"),
])
def test_cross_entropy_refuses_wrong_targets(nn, target, message):
    with pytest.raises(ValueError, match=message):
        nn.CrossEntropy().forward([[0.1, 0.2]], target)


def test_mse_averages_over_all_elements(nn):
    loss = nn.MSE()
    assert loss.forward([[1.0, 2.0], [3.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]]) == 30.0 / 4
    assert to_list(loss.backward()) == [[0.5, 1.0], [1.5, 2.0]]


def test_mse_refuses_mismatched_shapes(nn):
    with pytest.raises(ValueError, match=r"shape \(2, 1\).*shape \(2,\)"):
        nn.MSE().forward([[1.0], [2.0]], [1.0, 2.0])


def test_binary_cross_entropy_by_hand(nn):
    loss = nn.BinaryCrossEntropy()
    value = loss.forward([[0.8], [0.3]], [[1.0], [0.0]])
    assert abs(value - (-(math.log(0.8) + math.log(0.7)) / 2)) < 1e-15
    assert close(loss.backward(), [[(0.8 - 1) / (0.8 * 0.2) / 2], [0.3 / (0.3 * 0.7) / 2]], 1e-14)


def test_binary_cross_entropy_clamps_log_at_minus_100(nn):
    loss = nn.BinaryCrossEntropy()
    assert loss.forward([[0.0]], [[1.0]]) == 100.0
    assert all(math.isfinite(v) for v in to_list(loss.backward())[0])


def test_binary_cross_entropy_refuses_non_probabilities(nn):
    with pytest.raises(ValueError, match="Sigmoid"):
        nn.BinaryCrossEntropy().forward([[1.5]], [[1.0]])


@pytest.mark.parametrize("loss_name, target", [
    ("MSE", [[0.2, -0.4, 1.0], [0.0, 0.5, 0.3]]),
    ("CrossEntropy", [2, 0]),
    ("BinaryCrossEntropy", [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]),
])
def test_loss_gradients_match_finite_differences(nn, loss_name, target):
    layers = [nn.Dense(4, 3, seed=0)] + ([nn.Sigmoid()] if loss_name == "BinaryCrossEntropy" else [])
    model = nn.Sequential(layers)
    x = [[0.5, -0.3, 0.8, 0.1], [-0.2, 0.9, 0.4, -0.6]]
    report = nn.gradcheck(model, x, y=target, loss=getattr(nn, loss_name)())
    assert report.ok(1e-6), str(report)


def test_one_hot(nn):
    assert to_list(nn.one_hot([2, 0], 3)) == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    with pytest.raises(ValueError, match="outside 0..2"):
        nn.one_hot([3], 3)
