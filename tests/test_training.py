"""Sequential.fit: batches of any size, seeded shuffling, validation, early stopping,
learning-rate halving, history, and stopping cleanly when the loss blows up."""
import math

import pytest

import data
from conftest import close, tensor, to_list


def xor_model(nn, seed=0):
    return nn.Sequential([nn.Dense(2, 8, init="xavier", seed=seed), nn.Tanh(),
                          nn.Dense(8, 1, seed=seed + 1), nn.Sigmoid()])


def xor_data():
    X, y = data.xor(200, noise=0.1, seed=0)
    return X, [[float(t)] for t in y]


@pytest.mark.parametrize("batch_size", [1, 16, None])
def test_fit_learns_xor_with_any_batch_size(nn, batch_size):
    X, Y = xor_data()
    model = xor_model(nn)
    lr = {1: 0.1, 16: 0.5, None: 2.0}[batch_size]
    epochs = {1: 40, 16: 100, None: 400}[batch_size]
    history = model.fit(X, Y, loss=nn.BinaryCrossEntropy(), optimizer=nn.SGD(lr, momentum=0.9),
                        epochs=epochs, batch_size=batch_size, seed=0, progress=False)
    assert history["loss"][-1] < history["loss"][0] / 5
    assert history["accuracy"][-1] == 1.0
    assert model.evaluate(X, Y)["accuracy"] == 1.0


def test_same_seed_same_run_other_seed_other_run(nn):
    X, Y = xor_data()
    runs = []
    for seed in (0, 0, 1):
        model = xor_model(nn)
        model.fit(X, Y, loss=nn.MSE(), optimizer=nn.SGD(0.3), epochs=3, batch_size=10, seed=seed,
                  progress=False)
        runs.append(to_list(model.layers[0].params["W"]))
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_history_has_loss_accuracy_validation_and_lr_per_epoch(nn):
    X, y = data.moons(120, noise=0.1, seed=0)
    model = nn.Sequential([nn.Dense(2, 16, seed=0), nn.ReLU(), nn.Dense(16, 2, seed=1)])
    history = model.fit(X[:100], y[:100], loss=nn.CrossEntropy(), optimizer=nn.Adam(0.01), epochs=5,
                        batch_size=20, validation_data=(X[100:], y[100:]), seed=0, progress=False)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}
    assert all(len(v) == 5 for v in history.values())
    assert history["val_loss"][-1] == pytest.approx(model.evaluate(X[100:], y[100:])["loss"], rel=1e-12)


def diverging_validation(nn):
    """Validation labels are the training labels flipped: the better the fit, the worse val_loss."""
    X, y = data.moons(100, noise=0.05, seed=0)
    flipped = [1 - t for t in y]
    return X, y, (X, flipped)


def test_early_stopping_restores_the_best_weights(nn):
    X, y, val = diverging_validation(nn)
    model = nn.Sequential([nn.Dense(2, 8, seed=0), nn.Tanh(), nn.Dense(8, 2, seed=1)])
    seen = {}

    def remember(epoch, history):
        seen[epoch] = to_list(model.layers[0].params["W"])
    history = model.fit(X, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.5), epochs=50, batch_size=10,
                        validation_data=val, early_stopping=3, seed=0, progress=False, callback=remember)
    best = history["best_epoch"][0]
    assert history["stopped_epoch"][0] == best + 3 < 50
    assert to_list(model.layers[0].params["W"]) == seen[best]
    assert min(history["val_loss"]) == history["val_loss"][best - 1]


def test_lr_is_halved_on_a_plateau(nn):
    X, y, val = diverging_validation(nn)
    model = nn.Sequential([nn.Dense(2, 8, seed=0), nn.Tanh(), nn.Dense(8, 2, seed=1)])
    history = model.fit(X, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.4), epochs=8, batch_size=10,
                        validation_data=val, lr_plateau=2, seed=0, progress=False)
    lrs = history["lr"]
    assert lrs[0] == 0.4 and min(lrs) < 0.4
    assert all(b in (a, a * 0.5) for a, b in zip(lrs, lrs[1:]))


def test_nan_loss_stops_with_a_clear_message_and_keeps_good_weights(nn):
    """Unscaled pixels (0..255) and too large a learning rate make the loss overflow (series B)."""
    images, labels = data.load_mnist("train", limit=64)
    x = [[v * 255.0 for v in images[i]] for i in range(64)]
    model = nn.Sequential([nn.Dense(784, 10, seed=0)])
    with pytest.raises(nn.TrainingError, match=r"epoch \d+, batch \d+") as e:
        model.fit(x, nn.one_hot(labels, 10), loss=nn.MSE(), optimizer=nn.SGD(0.01),
                  epochs=50, batch_size=8, seed=0, progress=False)
    assert "became" in str(e.value)
    for layer in model.layers:
        for p in layer.params.values():
            flat = to_list(p)
            flat = [v for row in flat for v in row] if isinstance(flat[0], list) else flat
            assert all(math.isfinite(v) for v in flat)


def test_fit_refuses_bad_arguments(nn):
    model = nn.Sequential([nn.Dense(2, 1)])
    X, Y = [[0.0, 1.0]], [[1.0]]
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(X, Y, nn.MSE(), nn.SGD(0.1), batch_size=0)
    with pytest.raises(ValueError, match="1 inputs but 2 targets"):
        model.fit(X, Y * 2, nn.MSE(), nn.SGD(0.1))
    opt = nn.SGD(0.1)
    opt.lr = -1.0
    with pytest.raises(ValueError, match="learning rate must be positive"):
        model.fit(X, Y, nn.MSE(), opt)


def test_fit_on_mnist_images_directly(nn):
    """The pure twin trains on data.Images (rows made on demand); the vectorized twin on an array."""
    images, labels = data.load_mnist("train", limit=300)
    if nn.TWIN == "vectorized":
        from app.arrays import to_inputs
        x = to_inputs(images)
    else:
        x = images
    model = nn.Sequential([nn.Dense(784, 16, init="he", seed=0), nn.ReLU(), nn.Dense(16, 10, seed=1)])
    history = model.fit(x, labels, nn.CrossEntropy(), nn.SGD(0.1, momentum=0.9), epochs=3, batch_size=32,
                        seed=0, progress=False)
    assert history["loss"][-1] < 1.0 and history["accuracy"][-1] > 0.7


def test_predict_does_not_drop_out(nn):
    """predict() is the plain forward pass x·W + b, computed here by hand: a dropout left on
    would zero some outputs and double the others (even one that redraws the same mask)."""
    model = nn.Sequential([nn.Dense(3, 3), nn.Dropout(0.5, seed=0)])
    dense = model.layers[0]
    dense.params["W"] = tensor(nn, [[0.5, -1.0, 2.0], [1.0, 1.0, 1.0], [0.0, 0.25, -0.5]])
    dense.params["b"] = tensor(nn, [0.1, 0.2, 0.3])
    x = [[1.0, 2.0, 3.0], [-1.0, 0.0, 2.0]]
    expected = [[0.5 + 2.0 + 0.0 + 0.1, -1.0 + 2.0 + 0.75 + 0.2, 2.0 + 2.0 - 1.5 + 0.3],     # 2.6, 1.95, 2.8
                [-0.5 + 0.0 + 0.0 + 0.1, 1.0 + 0.0 + 0.5 + 0.2, -2.0 + 0.0 - 1.0 + 0.3]]    # -0.4, 1.7, -2.7
    for _ in range(3):
        assert close(model.predict(x), expected, 1e-12)
    assert model.layers[1].training                        # predict restored training mode
    assert not close(model.forward(x), expected, 1e-12)    # while training, dropout does drop out


def test_progress_line_on_a_terminal_and_silence_in_a_pipe(nn):
    import io

    class Tty(io.StringIO):
        def isatty(self):
            return True
    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = nn.progress.Progress(epochs=2, batches=3, examples=30, stream=stream, min_interval=0)
        bar.start_epoch(1)
        for b in range(1, 4):
            bar.update(b, 10, 0.5)
        bar.end_epoch({"loss": 0.5})
    assert "\repoch 1/2  batch 3/3  loss 0.5000" in tty.getvalue() and "ex/s" in tty.getvalue()
    assert "ETA" in tty.getvalue()
    assert pipe.getvalue() == ""
