"""Library rules whose bugs survived the mutation check (issue 20), each with answers worked by hand.

argmax on ties, the kernel that exactly fits the padded image, BinaryCrossEntropy's
target range, set_weights' shape check and float32, which targets get an accuracy,
the NaN search replaying a clipped step, the progress line's durations and its last
batch, and the vectorized twin's float32 arrays and string inputs. Every expected
value is written here, not computed by the code under test.
"""
import io
import json

import pytest

from conftest import to_list


def _array(nn, x):
    if nn.__name__ == "vectorized":
        import numpy as np
        return np.array(x, dtype=np.float64)
    return x


# ---------------------------------------------------------------- ops

def test_argmax_picks_the_first_of_equal_maxima(nn):
    assert nn.ops.argmax([0.5, 2.0, 1.0, 2.0]) == 1


def test_as_array_keeps_float32_and_calls_strings_a_type_error():
    np = pytest.importorskip("numpy")
    import vectorized
    assert vectorized.ops.as_array(np.zeros((2, 3), dtype=np.float32)).dtype == np.float32
    with pytest.raises(TypeError, match="expected numbers, got the str 'a'"):
        vectorized.ops.as_array([["a", 1.0]])


# ---------------------------------------------------------------- checks

def test_a_kernel_exactly_as_large_as_the_padded_image(nn):
    # a 3x3 image of ones, padding 1: 5x5 padded; a 5x5 kernel of ones fits once and sums the 9 ones
    conv = nn.Conv2D(1, 1, 5, padding=1)
    conv.params["W"] = _array(nn, [[[[1.0] * 5] * 5]])
    conv.params["b"] = _array(nn, [0.5])
    assert to_list(conv.forward(_array(nn, [[[[1.0] * 3] * 3]]))) == [[[[9.5]]]]
    with pytest.raises(ValueError, match="larger than the padded image"):
        nn.Conv2D(1, 1, 6, padding=1).forward(_array(nn, [[[[1.0] * 3] * 3]]))


@pytest.mark.parametrize("target", [1.5, -0.5])
def test_binary_cross_entropy_refuses_targets_outside_0_1(nn, target):
    with pytest.raises(ValueError, match=r"targets must be in \[0, 1\]"):
        nn.BinaryCrossEntropy().forward(_array(nn, [[0.5]]), _array(nn, [[target]]))


# ---------------------------------------------------------------- Sequential

def test_set_weights_refuses_a_wrong_shape(nn):
    model = nn.Sequential([nn.Dense(2, 3, seed=0)])
    weights = model.get_weights()
    weights[0]["W"] = _array(nn, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])      # (3, 2), not (2, 3)
    with pytest.raises(ValueError, match="has no parameter 'W' of shape"):
        model.set_weights(weights)


def test_set_weights_keeps_a_float32_model_float32():
    np = pytest.importorskip("numpy")
    import vectorized
    model = vectorized.Sequential([vectorized.Dense(2, 3, seed=0)]).astype(np.float32)
    model.set_weights([{"W": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "b": [0.0, 0.0, 0.0]}])
    assert model.layers[0].params["W"].dtype == np.float32 and model.layers[0].params["b"].dtype == np.float32


def test_load_gives_back_the_loss_the_model_was_trained_with(nn, tmp_path):
    model = nn.Sequential([nn.Dense(1, 1, seed=0)])
    model.fit(_array(nn, [[1.0], [2.0]]), _array(nn, [[1.0], [2.0]]), loss=nn.MSE(), optimizer=nn.SGD(0.01),
              epochs=1, batch_size=2, progress=False)
    path = str(tmp_path / "m.json")
    nn.save(model, path)
    loaded = nn.load(path)
    loaded.set_weights([{"W": _array(nn, [[0.0]]), "b": _array(nn, [0.5])}])
    assert type(loaded.loss).__name__ == "MSE"
    assert loaded.evaluate(_array(nn, [[1.0], [2.0]]), _array(nn, [[1.0], [2.0]])) == {"loss": 1.25}   # (0.25 + 2.25)/2


# ---------------------------------------------------------------- which targets get an accuracy

def test_soft_binary_targets_get_no_accuracy(nn):
    model = nn.Sequential([nn.Dense(1, 1, seed=0), nn.Sigmoid()])
    model.set_weights([{"W": _array(nn, [[0.0]]), "b": _array(nn, [0.0])}, {}])      # predicts 0.5
    soft = model.evaluate(_array(nn, [[1.0], [2.0]]), _array(nn, [[0.3], [0.7]]), loss=nn.BinaryCrossEntropy())
    assert sorted(soft) == ["loss"]
    hard = model.evaluate(_array(nn, [[1.0], [2.0]]), _array(nn, [[0.0], [1.0]]), loss=nn.BinaryCrossEntropy())
    assert sorted(hard) == ["accuracy", "loss"]


def test_mse_on_one_column_of_0_1_gets_no_accuracy(nn):
    model = nn.Sequential([nn.Dense(1, 1, seed=0)])
    model.set_weights([{"W": _array(nn, [[0.0]]), "b": _array(nn, [0.5])}])          # predicts 0.5
    one = model.evaluate(_array(nn, [[1.0], [2.0]]), _array(nn, [[0.0], [1.0]]), loss=nn.MSE())
    assert one == {"loss": 0.25}                                    # (0.5² + 0.5²) / 2, no accuracy
    model = nn.Sequential([nn.Dense(1, 2, seed=0)])
    model.set_weights([{"W": _array(nn, [[0.0, 0.0]]), "b": _array(nn, [0.25, 0.75])}])
    two = model.evaluate(_array(nn, [[1.0], [2.0]]), _array(nn, [[0.0, 1.0], [1.0, 0.0]]), loss=nn.MSE())
    assert two == {"loss": 0.3125, "accuracy": 0.5}                 # (0.0625 + 0.0625 + 0.5625 + 0.5625) / 4


# ---------------------------------------------------------------- the NaN search replays the clipped step

def test_the_search_replays_the_clipping_fit_applied(nn):
    # x = 1e300, W = 1e-300: the output is 1.0, finite; with the target -1e10 the gradient of W is
    # 1e300 · 2(1 + 1e10) = inf, clipped to 10 by fit; the step W - 1e308 · 10 overflows to -inf.
    # So the gradient fit used was finite: the update is to blame, not the gradient.
    model = nn.Sequential([nn.Dense(1, 1, seed=0)])
    model.set_weights([{"W": _array(nn, [[1e-300]]), "b": _array(nn, [0.0])}])
    with pytest.raises(nn.TrainingError, match=r"in the optimizer's update of layer 0: Dense\(.*\) "
                                                r"\(parameter '(W|b)'\), from finite gradients"):
        model.fit(_array(nn, [[1e300]]), _array(nn, [[-1e10]]), loss=nn.MSE(), optimizer=nn.SGD(1e308),
                  epochs=1, batch_size=1, clip_value=10.0, progress=False)


# ---------------------------------------------------------------- the progress line

def test_durations_are_rounded_to_the_second_and_minutes_taken_within_the_hour(nn):
    assert nn.progress.format_duration(59.5) == "0:01:00"
    assert nn.progress.format_duration(59.4) == "0:00:59"
    assert nn.progress.format_duration(3725.0) == "1:02:05"         # 3600 + 2·60 + 5


def test_verbose_prints_the_summary_line_without_a_terminal(nn, capsys):
    bar = nn.progress.Progress(epochs=2, batches=1, examples=10, stream=io.StringIO(), verbose=True)
    bar.start_epoch(1)
    bar.update(1, 10, 0.5)
    bar.end_epoch({"loss": 0.25})
    assert capsys.readouterr().out.startswith("epoch 1/2  loss 0.2500  ")


def test_the_last_batch_is_drawn_however_soon_it_comes(nn):
    class Tty(io.StringIO):
        def isatty(self):
            return True
    stream = Tty()
    bar = nn.progress.Progress(epochs=1, batches=3, examples=30, stream=stream, min_interval=1e12)
    bar.start_epoch(1)
    for b in (1, 2, 3):
        bar.update(b, 10, 0.5)
    assert "batch 3/3" in stream.getvalue() and "batch 2/3" not in stream.getvalue()


# ---------------------------------------------------------------- gradcheck's arguments and its report

@pytest.mark.parametrize("eps", [0, 0.0, -1e-6, float("inf")])
def test_gradcheck_refuses_an_eps_that_is_not_positive_and_finite(nn, eps):
    with pytest.raises(ValueError, match="eps must be a positive finite number"):
        nn.gradcheck(nn.Dense(2, 1, seed=0), _array(nn, [[0.1, 0.2]]), eps=eps)


@pytest.mark.parametrize("bad", [float("inf"), -float("inf"), float("nan")])
def test_gradcheck_refuses_an_input_that_is_not_finite(nn, bad):
    with pytest.raises(ValueError, match="x holds NaN or infinity"):
        nn.gradcheck(nn.Dense(2, 1, seed=0), _array(nn, [[0.1, bad]]))


def test_a_nan_gradient_never_passes_the_report(nn):
    from pure.gradcheck import GradcheckReport          # the one report both twins use
    report = GradcheckReport()
    report.add("W", 0.5, 0.5)
    report.add("W", float("nan"), 0.25)                  # |NaN - 0.25| is NaN: an infinite error
    assert report.relative == {"W": float("inf")} and report.absolute == {"W": float("inf")}
    assert not report.ok(1e300)


# ---------------------------------------------------------------- the model file's parameters

def test_a_parameter_the_layer_does_not_have_is_refused(nn, tmp_path):
    path = tmp_path / "extra.json"
    path.write_text(json.dumps({"format": "twinnet-model", "version": 1, "layers": [
        {"type": "Dense", "config": {"n_in": 1, "n_out": 1},
         "params": {"W": [[1.0]], "b": [0.0], "gamma": [1.0]}}]}))
    with pytest.raises(nn.ModelFileError, match="do not match"):
        nn.load(str(path))
    path.write_text(json.dumps({"format": "twinnet-model", "version": 1, "layers": [
        {"type": "Dense", "config": {"n_in": 1, "n_out": 1}, "params": {"W": [[2]], "b": [0.5]}}]}))
    model = nn.load(str(path))
    assert to_list(model.predict(_array(nn, [[3.0]]))) == [[6.5]]
    if nn.__name__ == "vectorized":                     # the file's 2 read into a float64 array
        assert str(model.layers[0].params["W"].dtype) == "float64"
