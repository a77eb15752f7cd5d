"""The worked numbers of Victor Zhou's series (series A part 1, lesson a1-neuron; see lessons/SERIES.md), exactly."""
import data

from conftest import tensor, to_list


def set_dense(layer, W, b):
    layer.params["W"] = W
    layer.params["b"] = b


def test_neuron_gives_0_9990889488055994(nn):
    neuron = nn.Sequential([nn.Dense(2, 1), nn.Sigmoid()])
    set_dense(neuron.layers[0], tensor(nn, [[0.0], [1.0]]), tensor(nn, [4.0]))
    assert to_list(neuron.forward([[2.0, 3.0]])) == [[0.9990889488055994]]


def test_network_of_identical_neurons_gives_0_7216325609518421(nn):
    net = nn.Sequential([nn.Dense(2, 2), nn.Sigmoid(), nn.Dense(2, 1), nn.Sigmoid()])
    set_dense(net.layers[0], tensor(nn, [[0.0, 0.0], [1.0, 1.0]]), tensor(nn, [0.0, 0.0]))
    set_dense(net.layers[2], tensor(nn, [[0.0], [1.0]]), tensor(nn, [0.0]))
    assert to_list(net.forward([[2.0, 3.0]])) == [[0.7216325609518421]]


def test_mse_of_1_0_0_1_against_zeros_is_0_5(nn):
    assert nn.MSE().forward([[1.0], [0.0], [0.0], [1.0]], [[0.0]] * 4) == 0.5


def test_tiny_network_learns_the_gender_table(nn):
    """2-2-1 sigmoid network, MSE, per-sample SGD lr 0.1, 1000 epochs (Zhou reports 0.951 and 0.039)."""
    X, y = data.people()
    targets = [[float(t)] for t in y]
    net = nn.Sequential([nn.Dense(2, 2, init="normal(1.0)", seed=0), nn.Sigmoid(),
                         nn.Dense(2, 1, init="normal(1.0)", seed=1), nn.Sigmoid()])
    net.fit(X, targets, loss=nn.MSE(), optimizer=nn.SGD(0.1), epochs=1000, batch_size=1, seed=0,
            progress=False)
    emily, frank = to_list(net.predict([[-7.0, -3.0], [20.0, 2.0]]))
    assert emily[0] > 0.9 and frank[0] < 0.1
