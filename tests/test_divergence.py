"""A NaN or infinity in training: fit stops naming the epoch, batch and layer where it first
appeared (a forward output, a gradient, or an optimizer update) and keeps the last good weights."""
import math

import pytest

from conftest import tensor, to_list


def flat(values):
    values = to_list(values)
    while values and isinstance(values[0], list):
        values = [v for row in values for v in row]
    return values


def all_finite(model):
    return all(math.isfinite(v) for layer in model.layers for p in layer.params.values() for v in flat(p))


def weights(model):
    return [{name: to_list(p) for name, p in layer.params.items()} for layer in model.layers]


def nan_backward_layer(nn, after_calls=0):
    """An identity layer whose backward passes NaN back (after `after_calls` good ones)."""
    class PoisonGradient(nn.Layer):
        calls = 0

        def forward(self, x):
            return x

        def backward(self, grad_out, need_input_grad=True):
            PoisonGradient.calls += 1
            if PoisonGradient.calls <= after_calls:
                return grad_out
            if nn.TWIN == "pure":
                return [[math.nan for _ in row] for row in grad_out]
            return grad_out * math.nan
    return PoisonGradient()


def data4():
    return [[0.1, 0.2], [0.3, -0.1], [-0.2, 0.5], [0.4, 0.4]], [0, 1, 0, 1]


def test_nan_in_the_input_data_is_named(nn):
    x, y = data4()
    x[2][1] = math.nan
    model = nn.Sequential([nn.Dense(2, 3, seed=0), nn.Tanh(), nn.Dense(3, 2, seed=1)])
    with pytest.raises(nn.TrainingError, match=r"epoch 1, batch 2 of 2, in the input batch"):
        model.fit(x, y, nn.CrossEntropy(), nn.SGD(0.1), epochs=2, batch_size=2, shuffle=False, progress=False)


def test_overflow_in_a_forward_output_names_that_layer(nn):
    x, y = data4()
    model = nn.Sequential([nn.Dense(2, 3, seed=0), nn.Tanh(), nn.Dense(3, 2, seed=1), nn.Identity(),
                           nn.Dense(2, 2, seed=2)])
    model.layers[2].params["W"] = tensor(nn, [[1e3, 1e3]] * 3)
    model.layers[4].params["W"] = tensor(nn, [[1e308, 1e308], [1e308, -1e308]])
    before = weights(model)
    with pytest.raises(nn.TrainingError) as e:
        model.fit(x, y, nn.CrossEntropy(), nn.SGD(0.1), epochs=1, batch_size=2, shuffle=False, progress=False)
    message = str(e.value)
    assert "epoch 1, batch 1 of 2" in message and "forward output of layer 4: Dense(2, 2)" in message
    assert "became" in message
    assert weights(model) == before


def test_a_nan_gradient_is_traced_to_the_layer_that_passed_it_back(nn):
    x, y = data4()
    model = nn.Sequential([nn.Dense(2, 3, seed=0), nn.Tanh(), nn_layer := nan_backward_layer(nn, after_calls=3),
                           nn.Dense(3, 2, seed=1)])
    with pytest.raises(nn.TrainingError) as e:
        model.fit(x, y, nn.CrossEntropy(), nn.SGD(0.1), epochs=5, batch_size=2, shuffle=False, progress=False)
    message = str(e.value)
    # steps 1-3 are fine; step 4 (epoch 2, batch 2, the epoch's last) passes NaN back to layer 0
    assert "epoch 2, batch 2 of 2" in message
    assert f"in the gradient layer 2: {nn_layer!r} passes back to its input" in message
    assert all_finite(model)


def test_a_nan_gradient_mid_epoch_is_found_when_the_next_loss_is_nan(nn):
    x, y = data4()
    model = nn.Sequential([nn.Dense(2, 3, seed=0), nn.Tanh(), nan_backward_layer(nn, after_calls=2),
                           nn.Dense(3, 2, seed=1)])
    snapshots = []
    original_forward = model.layers[0].forward

    def remember(batch):                         # the weights each batch starts from
        snapshots.append(weights(model))
        return original_forward(batch)
    model.layers[0].forward = remember
    with pytest.raises(nn.TrainingError) as e:
        model.fit(x, y, nn.CrossEntropy(), nn.SGD(0.1), epochs=5, batch_size=1, shuffle=False, progress=False)
    message = str(e.value)
    assert "epoch 1, batch 3 of 4" in message and "passes back to its input" in message
    assert "loss became nan at epoch 1, batch 4" in message
    assert weights(model) == snapshots[2]        # from before the step that went wrong
    assert all_finite(model)


def test_an_update_that_overflows_from_finite_gradients_is_named(nn):
    model = nn.Sequential([nn.Dense(1, 1, seed=0)])
    model.layers[0].params["W"] = tensor(nn, [[1.0]])
    before = weights(model)
    # loss (1 - 0)^2 = 1 and gradient 2 are finite; the step 1 - 1e308 * 2 is not
    with pytest.raises(nn.TrainingError) as e:
        model.fit([[1.0]], [[0.0]], nn.MSE(), nn.SGD(1e308), epochs=3, batch_size=1, progress=False)
    message = str(e.value)
    assert "epoch 1, batch 1 of 1" in message
    assert "in the optimizer's update of layer 0: Dense(1, 1) (parameter 'W'), from finite gradients" in message
    assert "weights are no longer finite at the end of the epoch" in message
    assert weights(model) == before
