"""Layers: the contract (params, grads, forward, backward, train/eval) and clear errors."""
import pytest

from conftest import close, tensor, to_list


def test_dense_computes_xW_plus_b(nn):
    layer = nn.Dense(2, 3)
    layer.params["W"] = tensor(nn, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    layer.params["b"] = tensor(nn, [0.5, 0.0, -1.0])
    assert to_list(layer.forward([[1.0, 1.0], [2.0, 0.0]])) == [[5.5, 7.0, 8.0], [2.5, 4.0, 5.0]]


def test_dense_backward_gives_textbook_gradients(nn):
    layer = nn.Dense(2, 2)
    layer.params["W"] = tensor(nn, [[1.0, 2.0], [3.0, 4.0]])
    x = [[1.0, 2.0], [3.0, 4.0]]
    layer.forward(x)
    grad_in = layer.backward(tensor(nn, [[1.0, 0.0], [0.0, 1.0]]))
    assert to_list(layer.grads["W"]) == [[1.0, 3.0], [2.0, 4.0]]     # xᵀ·g
    assert to_list(layer.grads["b"]) == [1.0, 1.0]                    # Σ g
    assert to_list(grad_in) == [[1.0, 3.0], [2.0, 4.0]]               # g·Wᵀ


def test_backward_overwrites_grads_instead_of_accumulating(nn):
    layer = nn.Dense(3, 2, seed=0)
    x, g = [[1.0, 2.0, 3.0]], tensor(nn, [[1.0, -1.0]])
    layer.forward(x)
    layer.backward(g)
    first = to_list(layer.grads["W"])
    layer.forward(x)
    layer.backward(g)
    assert to_list(layer.grads["W"]) == first


def test_params_are_the_single_source_of_truth(nn):
    layer = nn.Dense(2, 1, seed=0)
    layer.params["W"] = tensor(nn, [[0.0], [0.0]])
    layer.params["b"] = tensor(nn, [7.0])
    assert to_list(layer.forward([[3.0, 4.0]])) == [[7.0]]


def test_same_seed_same_weights_different_seed_different(nn):
    a, b, c = nn.Dense(4, 3, seed=1), nn.Dense(4, 3, seed=1), nn.Dense(4, 3, seed=2)
    assert to_list(a.params["W"]) == to_list(b.params["W"])
    assert to_list(a.params["W"]) != to_list(c.params["W"])


def test_dense_wrong_width_names_layer_and_shapes(nn):
    model = nn.Sequential([nn.Dense(4, 3), nn.ReLU()])
    with pytest.raises(ValueError) as e:
        model.forward([[1.0, 2.0, 3.0]])
    msg = str(e.value)
    assert "layer 0: Dense(4, 3)" in msg and "(N, 4)" in msg and "(1, 3)" in msg


def test_ragged_batch_is_refused(nn):
    with pytest.raises(ValueError):
        nn.Dense(2, 1).forward([[1.0, 2.0], [3.0]])


def test_sequential_reports_incompatible_neighbours_when_built(nn):
    with pytest.raises(ValueError) as e:
        nn.Sequential([nn.Dense(784, 32), nn.ReLU(), nn.Dense(16, 10)])
    assert "layer 2: Dense(16, 10)" in str(e.value) and "16" in str(e.value) and "32" in str(e.value)


def test_sequential_refuses_non_layers(nn):
    with pytest.raises(TypeError, match="item 1"):
        nn.Sequential([nn.Dense(2, 2), "relu"])


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_dense_refuses_bad_sizes(nn, bad):
    with pytest.raises(ValueError, match="Dense"):
        nn.Dense(bad, 3)


def test_unknown_initializer_is_named(nn):
    with pytest.raises(ValueError, match="unknown initializer 'kaiming'"):
        nn.Dense(2, 2, init="kaiming")


def test_initializer_specs_with_arguments(nn):
    w = to_list(nn.Dense(50, 40, init="uniform(-0.1, 0.1)", seed=0).params["W"])
    flat = [v for row in w for v in row]
    assert -0.1 <= min(flat) and max(flat) <= 0.1 and max(flat) > 0.09
    assert to_list(nn.Dense(3, 2, init="zeros").params["W"]) == [[0.0, 0.0]] * 3


def test_dropout_is_identity_in_eval_mode(nn):
    layer = nn.Dropout(0.5, seed=0).eval()
    assert to_list(layer.forward([[1.0, 2.0, 3.0]])) == [[1.0, 2.0, 3.0]]


def test_dropout_drops_about_p_and_rescales_survivors(nn):
    layer = nn.Dropout(0.25, seed=0)
    out = to_list(layer.forward([[1.0] * 400] * 10))
    flat = [v for row in out for v in row]
    dropped = sum(1 for v in flat if v == 0.0) / len(flat)
    assert 0.2 < dropped < 0.3
    assert all(v == 0.0 or abs(v - 1 / 0.75) < 1e-12 for v in flat)
    grad = to_list(layer.backward(tensor(nn, [[1.0] * 400] * 10)))
    assert grad == out                               # same mask on the way back


def test_dropout_refuses_p_of_one(nn):
    with pytest.raises(ValueError, match="Dropout"):
        nn.Dropout(1.0)


def test_flatten_round_trip(nn):
    x = [[[[1.0, 2.0], [3.0, 4.0]]], [[[5.0, 6.0], [7.0, 8.0]]]]     # (2, 1, 2, 2)
    layer = nn.Flatten()
    assert to_list(layer.forward(x)) == [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]
    assert to_list(layer.backward(layer.forward(x))) == x


ACTIVATIONS = ["Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Softplus", "ArcTan", "Identity", "Softmax"]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradients_match_finite_differences(nn, name):
    x = [[0.3, -1.2, 2.5, -0.7], [1.1, 0.4, -2.2, 0.9]]
    report = nn.gradcheck(getattr(nn, name)(), x)
    assert report.ok(1e-6), str(report)


def test_activation_values_at_known_points(nn):
    x = [[0.0, 1.0, -1.0]]
    assert close(nn.Sigmoid().forward(x), [[0.5, 0.7310585786300049, 0.2689414213699951]])
    assert close(nn.Tanh().forward(x), [[0.0, 0.7615941559557649, -0.7615941559557649]])
    assert to_list(nn.ReLU().forward(x)) == [[0.0, 1.0, 0.0]]
    assert close(nn.LeakyReLU(0.1).forward(x), [[0.0, 1.0, -0.1]])
    assert close(nn.ELU().forward(x), [[0.0, 1.0, -0.6321205588285577]])
    assert close(nn.Softplus().forward(x), [[0.6931471805599453, 1.3132616875182228, 0.31326168751822286]])
    assert close(nn.ArcTan().forward(x), [[0.0, 0.7853981633974483, -0.7853981633974483]])
    assert close(nn.Softmax().forward([[1.0, 1.0]]), [[0.5, 0.5]])


@pytest.mark.parametrize("name", ["Sigmoid", "Softplus", "Softmax", "Tanh", "ELU"])
def test_stable_at_plus_minus_1000(nn, name):
    layer = getattr(nn, name)()
    out = to_list(layer.forward([[1000.0, -1000.0, 0.0]]))[0]
    grad = to_list(layer.backward(tensor(nn, [[1.0, 1.0, 1.0]])))[0]
    assert all(v == v and abs(v) < float("inf") for v in out + grad)
    if name == "Sigmoid":
        assert out == [1.0, 0.0, 0.5] and grad[:2] == [0.0, 0.0]
    if name == "Softplus":
        assert out[:2] == [1000.0, 0.0] and grad[:2] == [1.0, 0.0]
    if name == "Softmax":
        assert out == [1.0, 0.0, 0.0]


def test_unknown_activation_name(nn):
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.activations.get("swish")


def test_layers_explain_themselves(nn):
    assert repr(nn.Dense(784, 10)) == "Dense(784, 10)"
    assert repr(nn.LeakyReLU(0.1)) == "LeakyReLU(alpha=0.1)"
    model = nn.Sequential([nn.Dense(3, 2), nn.ReLU()])
    assert "8 parameters" in model.summary()


def test_dense_without_bias(nn, tmp_path):
    layer = nn.Dense(2, 1, bias=False, seed=0)
    assert list(layer.params) == ["W"] and repr(layer) == "Dense(2, 1, bias=False)"
    layer.params["W"] = tensor(nn, [[2.0], [3.0]])
    assert to_list(layer.forward([[1.0, 1.0]])) == [[5.0]]
    layer.backward(tensor(nn, [[1.0]]))
    assert list(layer.grads) == ["W"]
    assert nn.gradcheck(layer, [[0.5, -0.5]]).ok()
    model = nn.Sequential([layer])
    nn.save(model, tmp_path / "m.json")
    assert repr(nn.load(tmp_path / "m.json")) == "Sequential([Dense(2, 1, bias=False)])"
