"""Convolutional layers (Conv2D, MaxPool2D, AvgPool2D): worked examples, gradients, shapes and errors.

Every test runs on both twins (the `nn` fixture). The worked examples are
small enough to check by hand; `textbook_conv` below is the formula of the
docstring written as seven nested loops, against which both twins are held.
"""
import random

import pytest

from conftest import close, tensor, to_list

X3 = [[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]          # (1, 1, 3, 3)


def conv(nn, c_in, c_out, k, W, b=None, **options):
    """A Conv2D with the given weights (b=None: no bias)."""
    layer = nn.Conv2D(c_in, c_out, k, bias=b is not None, **options)
    layer.params["W"] = tensor(nn, W)
    if b is not None:
        layer.params["b"] = tensor(nn, b)
    return layer


def random_tensor(rng, dims):
    if len(dims) == 1:
        return [rng.uniform(-1.0, 1.0) for _ in range(dims[0])]
    return [random_tensor(rng, dims[1:]) for _ in range(dims[0])]


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def textbook_conv(x, W, b, stride, padding):
    """y[n][o][i][j] = b[o] + Σ_c Σ_p Σ_q W[o][c][p][q] · x̃[n][c][i·sh + p][j·sw + q], x̃ = x padded with
    ph rows and pw columns of zeros on each side; stride = (sh, sw) (rows, columns), or one number for both."""
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    n, c_in, h, w = len(x), len(x[0]), len(x[0][0]), len(x[0][0][0])
    c_out, kh, kw = len(W), len(W[0][0]), len(W[0][0][0])

    def pixel(n_, c, r, col):
        r, col = r - ph, col - pw
        return x[n_][c][r][col] if 0 <= r < h and 0 <= col < w else 0.0
    out_h, out_w = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    return [[[[b[o] + sum(W[o][c][p][q] * pixel(n_, c, i * sh + p, j * sw + q)
                          for c in range(c_in) for p in range(kh) for q in range(kw))
               for j in range(out_w)] for i in range(out_h)] for o in range(c_out)] for n_ in range(n)]


def textbook_conv_backward(x, W, g, stride, padding):
    """The same sum differentiated, as loops: every output y[n][o][i][j] read x̃[n][c][i·sh + p][j·sw + q]
    through W[o][c][p][q], so
        dL/dW[o][c][p][q]              += g[n][o][i][j] · x̃[n][c][i·sh + p][j·sw + q]
        dL/dx̃[n][c][i·sh + p][j·sw + q] += g[n][o][i][j] · W[o][c][p][q]
        dL/db[o]                        += g[n][o][i][j]
    and dL/dx is dL/dx̃ without the padding."""
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    n, c_in, h, w = len(x), len(x[0]), len(x[0][0]), len(x[0][0][0])
    c_out, kh, kw = len(W), len(W[0][0]), len(W[0][0][0])
    out_h, out_w = len(g[0][0]), len(g[0][0][0])
    dW = [[[[0.0] * kw for _ in range(kh)] for _ in range(c_in)] for _ in range(c_out)]
    db = [0.0] * c_out
    dx = [[[[0.0] * w for _ in range(h)] for _ in range(c_in)] for _ in range(n)]
    for n_ in range(n):
        for o in range(c_out):
            for i in range(out_h):
                for j in range(out_w):
                    gv = g[n_][o][i][j]
                    db[o] += gv
                    for c in range(c_in):
                        for p in range(kh):
                            for q in range(kw):
                                r, col = i * sh + p - ph, j * sw + q - pw
                                if 0 <= r < h and 0 <= col < w:
                                    dW[o][c][p][q] += gv * x[n_][c][r][col]
                                    dx[n_][c][r][col] += gv * W[o][c][p][q]
    return dW, db, dx


# ----------------------------------------------------------------------------- Conv2D: worked examples


def test_conv_forward_by_hand(nn):
    layer = conv(nn, 1, 1, 2, [[[[1.0, 2.0], [3.0, 4.0]]]], b=[0.5])
    # top-left patch [[1, 2], [4, 5]] · [[1, 2], [3, 4]] = 1 + 4 + 12 + 20 = 37, plus 0.5
    assert to_list(layer.forward(X3)) == [[[[37.5, 47.5], [67.5, 77.5]]]]


def test_conv_backward_by_hand(nn):
    layer = conv(nn, 1, 1, 2, [[[[1.0, 2.0], [3.0, 4.0]]]], b=[0.5])
    layer.forward(X3)
    grad_in = layer.backward(tensor(nn, [[[[1.0, 1.0], [1.0, 1.0]]]]))
    assert to_list(layer.grads["W"]) == [[[[12.0, 16.0], [24.0, 28.0]]]]   # sum of the four patches
    assert to_list(layer.grads["b"]) == [4.0]
    assert to_list(grad_in) == [[[[1.0, 3.0, 2.0], [4.0, 10.0, 6.0], [3.0, 7.0, 4.0]]]]   # W added at each place
    layer.backward(tensor(nn, [[[[0.0, 0.0], [0.0, 1.0]]]]))    # only the bottom-right output matters
    assert to_list(layer.grads["W"]) == [[[[5.0, 6.0], [8.0, 9.0]]]]       # = the bottom-right patch


def test_conv_padding_and_stride_by_hand(nn):
    layer = conv(nn, 1, 1, 3, [[[[1.0] * 3] * 3]], stride=2, padding=1)
    # padded to 5x5; the kernel sits at (0, 0), (0, 2), (2, 0), (2, 2) of the padded image
    assert to_list(layer.forward(X3)) == [[[[12.0, 16.0], [24.0, 28.0]]]]


def test_conv_rectangular_kernel(nn):
    layer = conv(nn, 1, 1, (1, 3), [[[[1.0, 0.0, -1.0]]]])
    assert to_list(layer.forward(X3)) == [[[[-2.0], [-2.0], [-2.0]]]]


STRIDES_AND_PADDINGS = [(1, 0), (2, 1), (3, 2), ((1, 2), 0), ((2, 2), (1, 0)), ((1, 2), (2, 1)),
                        ((2, 1), (0, 2)), ((3, 2), (1, 2))]


@pytest.mark.parametrize("stride, padding", STRIDES_AND_PADDINGS)
def test_conv_matches_the_textbook_formula(nn, stride, padding):
    rng = random.Random(str((stride, padding)))
    x, W, b = random_tensor(rng, (2, 3, 6, 7)), random_tensor(rng, (2, 3, 3, 2)), random_tensor(rng, (2,))
    W = [[[row + [0.0] for row in plane] for plane in f] for f in W]      # a 3x3 kernel whose last column is 0
    layer = conv(nn, 3, 2, 3, W, b=b, stride=stride, padding=padding)
    assert close(layer.forward(x), textbook_conv(x, W, b, stride, padding), 1e-12)


@pytest.mark.parametrize("stride, padding", STRIDES_AND_PADDINGS)
def test_conv_backward_matches_the_textbook_loops(nn, stride, padding):
    rng = random.Random(str((stride, padding)))
    x, W, b = random_tensor(rng, (2, 2, 6, 7)), random_tensor(rng, (3, 2, 3, 2)), random_tensor(rng, (3,))
    layer = conv(nn, 2, 3, (3, 2), W, b=b, stride=stride, padding=padding)
    y = to_list(layer.forward(x))
    g = random_tensor(rng, (len(y), len(y[0]), len(y[0][0]), len(y[0][0][0])))
    grad_in = layer.backward(tensor(nn, g))
    dW, db, dx = textbook_conv_backward(x, W, g, stride, padding)
    assert close(layer.grads["W"], dW, 1e-12)
    assert close(layer.grads["b"], db, 1e-12)
    assert close(grad_in, dx, 1e-12)


def test_conv_without_bias_has_only_W(nn):
    layer = nn.Conv2D(2, 3, 3, bias=False, seed=0)
    assert list(layer.params) == ["W"] and repr(layer) == "Conv2D(2, 3, 3, bias=False)"
    assert to_list(layer.forward([[[[0.0] * 4] * 4] * 2])) == [[[[0.0] * 2] * 2] * 3]
    layer.backward(tensor(nn, [[[[1.0] * 2] * 2] * 3]))
    assert list(layer.grads) == ["W"]


def test_conv_draws_weights_like_dense(nn):
    """W row-major from init with fan_in = C·kh·kw, fan_out = O·kh·kw, then b, from the one generator."""
    layer = nn.Conv2D(2, 3, (3, 2), init="he", bias_init="uniform(-1, 1)", seed=7)
    rng = random.Random(7)
    W = nn.init.get("he")((3, 2, 3, 2), 2 * 3 * 2, 3 * 3 * 2, rng)
    b = nn.init.get("uniform(-1, 1)")((3,), 12, 18, rng)
    assert to_list(layer.params["W"]) == W and to_list(layer.params["b"]) == b
    same = nn.Conv2D(2, 3, (3, 2), init="he", bias_init="uniform(-1, 1)", rng=random.Random(7))
    assert to_list(same.params["W"]) == W


def test_conv_repr_and_output_shape(nn):
    assert repr(nn.Conv2D(1, 8, 3)) == "Conv2D(1, 8, 3)"
    assert repr(nn.Conv2D(3, 4, (3, 5), stride=2, padding=(1, 2))) == \
        "Conv2D(3, 4, [3, 5], stride=2, padding=[1, 2])"
    assert nn.Conv2D(1, 8, 3).output_shape((1, 28, 28)) == (8, 26, 26)
    assert nn.Conv2D(3, 4, (3, 5), stride=2, padding=(1, 2)).output_shape((3, 9, 10)) == (4, 5, 5)
    assert nn.Conv2D(1, 8, 3).output_shape(None) == (8, None, None)      # channels known, size not yet


# ----------------------------------------------------------------------------- pooling


X4 = [[[[1.0, 3.0, 2.0, 1.0],
        [4.0, 2.0, 0.0, 1.0],
        [5.0, 5.0, 1.0, 1.0],
        [5.0, 0.0, 1.0, 1.0]]]]


def test_maxpool_by_hand_and_first_maximum_on_ties(nn):
    layer = nn.MaxPool2D(2)
    assert to_list(layer.forward(X4)) == [[[[4.0, 2.0], [5.0, 1.0]]]]
    grad_in = layer.backward(tensor(nn, [[[[1.0, 2.0], [3.0, 4.0]]]]))
    # bottom-left window holds 5, 5, 5: the first in row-major order, (2, 0), gets it;
    # bottom-right window is all 1s: (2, 2) gets it.
    assert to_list(grad_in) == [[[[0.0, 0.0, 2.0, 0.0],
                                  [1.0, 0.0, 0.0, 0.0],
                                  [3.0, 0.0, 4.0, 0.0],
                                  [0.0, 0.0, 0.0, 0.0]]]]


def test_maxpool_overlapping_windows_add_their_gradients(nn):
    layer = nn.MaxPool2D(2, stride=1)
    x = [[[[1.0, 2.0, 3.0], [4.0, 9.0, 5.0], [6.0, 7.0, 8.0]]]]
    assert to_list(layer.forward(x)) == [[[[9.0, 9.0], [9.0, 9.0]]]]
    grad_in = layer.backward(tensor(nn, [[[[1.0, 2.0], [3.0, 4.0]]]]))
    assert to_list(grad_in) == [[[[0.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 0.0]]]]


def test_maxpool_drops_what_does_not_fit(nn):
    x = [[[[float(v) for v in range(5)] for _ in range(5)]]]            # 5x5, pool 2: 2x2 out
    assert to_list(nn.MaxPool2D(2).forward(x)) == [[[[1.0, 3.0], [1.0, 3.0]]]]
    assert nn.MaxPool2D(2).output_shape((8, 26, 26)) == (8, 13, 13)
    assert nn.MaxPool2D(3, stride=2).output_shape((1, 7, 8)) == (1, 3, 3)


def test_avgpool_by_hand(nn):
    layer = nn.AvgPool2D(2)
    assert to_list(layer.forward(X4)) == [[[[2.5, 1.0], [3.75, 1.0]]]]
    grad_in = layer.backward(tensor(nn, [[[[4.0, 8.0], [0.0, -4.0]]]]))
    assert to_list(grad_in) == [[[[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0],
                                  [0.0, 0.0, -1.0, -1.0], [0.0, 0.0, -1.0, -1.0]]]]


def test_pools_keep_channels_apart_and_explain_themselves(nn):
    x = [[[[1.0, 2.0], [3.0, 4.0]], [[-1.0, -2.0], [-3.0, -4.0]]]]      # (1, 2, 2, 2)
    assert to_list(nn.MaxPool2D(2).forward(x)) == [[[[4.0]], [[-1.0]]]]
    assert to_list(nn.AvgPool2D(2).forward(x)) == [[[[2.5]], [[-2.5]]]]
    assert repr(nn.MaxPool2D(2)) == "MaxPool2D(2)"
    assert repr(nn.AvgPool2D(3, stride=1)) == "AvgPool2D(3, stride=1)"


# ----------------------------------------------------------------------------- gradients


def test_conv_gradients_match_finite_differences(nn):
    rng = random.Random(0)
    layer = nn.Conv2D(2, 3, (3, 2), stride=(2, 1), padding=1, bias_init="uniform(-1, 1)", seed=0)
    report = nn.gradcheck(layer, random_tensor(rng, (2, 2, 5, 6)), max_checks=60)
    assert report.ok(1e-6), str(report)


@pytest.mark.parametrize("name, size, stride", [("MaxPool2D", 2, None), ("MaxPool2D", 3, 2),
                                                ("AvgPool2D", 2, None), ("AvgPool2D", 3, 1)])
def test_pool_gradients_match_finite_differences(nn, name, size, stride):
    x = random_tensor(random.Random(1), (2, 2, 6, 5))                  # no ties: the max is well defined
    report = nn.gradcheck(getattr(nn, name)(size, stride), x, max_checks=60)
    assert report.ok(1e-6), str(report)


def test_small_cnn_gradients_through_the_loss(nn):
    model = nn.Sequential([nn.Conv2D(1, 3, 3, padding=1, seed=0), nn.Tanh(), nn.MaxPool2D(2),
                           nn.Conv2D(3, 2, 2, seed=1), nn.AvgPool2D(2), nn.Flatten(), nn.Dense(2, 3, seed=2)])
    x = random_tensor(random.Random(2), (3, 1, 6, 6))
    report = nn.gradcheck(model, x, y=[0, 2, 1], loss=nn.CrossEntropy(), max_checks=20)
    assert report.ok(1e-6), str(report)


# ----------------------------------------------------------------------------- errors, before any work


def assert_refused(call, *fragments):
    with pytest.raises(ValueError) as e:
        call()
    for fragment in fragments:
        assert fragment in str(e.value), str(e.value)


def test_kernel_larger_than_the_padded_image(nn):
    model = nn.Sequential([nn.Conv2D(1, 2, 5, padding=1)])
    assert_refused(lambda: model.forward([[[[0.0] * 2] * 2]]), "layer 0: Conv2D(1, 2, 5, padding=1)",
                   "kernel 5x5", "padded image 4x4")
    assert_refused(lambda: nn.MaxPool2D(3).forward([[[[0.0] * 2] * 2]]), "MaxPool2D(3)", "window 3x3", "2x2")


def test_channels_that_do_not_match(nn):
    layer = nn.Conv2D(3, 8, 3)
    assert_refused(lambda: layer.forward([[[[0.0] * 5] * 5]]), "Conv2D(3, 8, 3)", "3 input channel", "has 1",
                   "(1, 5, 5)")
    with pytest.raises(RuntimeError, match="before forward"):    # nothing was done, nothing remembered
        layer.backward(tensor(nn, [[[[0.0] * 3] * 3] * 8]))


def test_images_of_the_wrong_rank(nn):
    for layer in (nn.Conv2D(1, 2, 3), nn.MaxPool2D(2), nn.AvgPool2D(2)):
        assert_refused(lambda: layer.forward([[0.0] * 784] * 2), type(layer).__name__, "(N, C, H, W)",
                       "(2, 784)")


def test_ragged_images_are_refused(nn):
    with pytest.raises(ValueError):
        nn.Conv2D(1, 1, 2).forward([[[[1.0, 2.0], [3.0]]]])


@pytest.mark.parametrize("make, fragment", [
    (lambda nn: nn.Conv2D(1, 2, 3, stride=0), "stride"),
    (lambda nn: nn.Conv2D(1, 2, 0), "kernel_size"),
    (lambda nn: nn.Conv2D(1, 2, (3, -1)), "kernel_size"),
    (lambda nn: nn.Conv2D(0, 2, 3), "in_channels"),
    (lambda nn: nn.Conv2D(1, 2.0, 3), "out_channels"),
    (lambda nn: nn.Conv2D(1, 2, 3, padding=-1), "padding"),
    (lambda nn: nn.MaxPool2D(0), "size"),
    (lambda nn: nn.MaxPool2D(2, stride=-1), "stride"),
    (lambda nn: nn.AvgPool2D((2, 2, 2)), "size"),
])
def test_bad_sizes_are_refused_when_built(nn, make, fragment):
    assert_refused(lambda: make(nn), fragment)


def test_output_shape_catches_bad_neighbours(nn):
    """What Sequential does when it is built, from a known input shape."""
    layers = [nn.Conv2D(1, 8, 3), nn.MaxPool2D(2), nn.Flatten(), nn.Dense(1352, 10)]
    shape = (1, 28, 28)
    for layer in layers:
        shape = layer.output_shape(shape)
    assert shape == (10,)
    assert_refused(lambda: nn.Conv2D(3, 4, 3).output_shape((8, 13, 13)), "3 input channel", "has 8")
    assert_refused(lambda: nn.MaxPool2D(2).output_shape((1352,)), "(C, H, W)", "(1352,)")
    assert_refused(lambda: nn.Dense(1000, 10).output_shape(nn.Flatten().output_shape((8, 13, 13))), "1352")


def test_grad_out_of_the_wrong_shape(nn):
    layer = nn.Conv2D(1, 2, 2, seed=0)
    layer.forward(X3)
    assert_refused(lambda: layer.backward(tensor(nn, [[[[1.0, 1.0], [1.0, 1.0]]]])), "grad_out", "(1, 2, 2, 2)")


# ----------------------------------------------------------------------------- training, saving


def bars(n, seed):
    """6x6 images of one vertical (class 0) or horizontal (class 1) bar, at a random place."""
    rng = random.Random(seed)
    x, y = [], []
    for _ in range(n):
        label, place = rng.randrange(2), rng.randrange(6)
        image = [[(1.0 if (col if label == 0 else row) == place else 0.0) + rng.uniform(-0.1, 0.1)
                  for col in range(6)] for row in range(6)]
        x.append([image])
        y.append(label)
    return x, y


def test_a_small_cnn_learns_bars(nn):
    x, y = bars(60, 0)
    model = nn.Sequential([nn.Conv2D(1, 4, 3, init="he", seed=0), nn.ReLU(), nn.MaxPool2D(2), nn.Flatten(),
                           nn.Dense(16, 2, seed=1)])
    model.fit(x, y, loss=nn.CrossEntropy(), optimizer=nn.Adam(0.02), epochs=8, batch_size=10, seed=0)
    x_test, y_test = bars(40, 1)
    assert model.evaluate(x_test, y_test)["accuracy"] >= 0.95


def test_cnn_save_and_load(nn, tmp_path):
    model = nn.Sequential([nn.Conv2D(2, 3, (3, 2), stride=(2, 1), padding=1, bias=False, seed=0), nn.ReLU(),
                           nn.MaxPool2D(2, stride=1), nn.AvgPool2D((1, 2)), nn.Flatten(), nn.Dense(18, 2, seed=1)])
    x = random_tensor(random.Random(3), (2, 2, 5, 6))
    nn.save(model, tmp_path / "cnn.json")
    loaded = nn.load(tmp_path / "cnn.json")
    assert repr(loaded) == repr(model)
    assert to_list(loaded.predict(x)) == to_list(model.predict(x))


# ----------------------------------------------------------------------------- the CNN lesson and the main command


def test_series_a_cnn_lesson_quick(nn):
    """python -m lessons.zhou_cnn --quick: loss ln 10 before training, learning after 100 per-sample steps."""
    from lessons import zhou_cnn
    result = zhou_cnn.run(nn, quick=True)
    assert result.ok, str(result)
    assert abs(result.numbers["loss before"] - 2.302) < 0.05


def test_main_command_gives_images_shaped_for_a_cnn(nn):
    import importlib

    import data
    cli = importlib.import_module({"pure": "app.cli", "vectorized": "app.arrays"}[nn.TWIN])
    images, _ = data.load_mnist("test", limit=3)
    x = cli.to_inputs(images, as_images=True)
    assert len(x) == 3 and to_list(x[1]) == [images.image(1)]           # (1, 28, 28) per example
    assert len(cli.to_inputs(images)[0]) == 784                         # flat rows, as before
    from app.cli import build_cnn, parse_args
    model = build_cnn(nn, (1, 28, 28), [128], 10, "relu", seed=0, filters=(4, 8), dropout=0.5)
    assert repr(model.layers[7]) == "Dense(128, 128)" and repr(model.layers[9]) == "Dropout(p=0.5)"
    assert len(to_list(model.predict(x))[0]) == 10
    args = parse_args(["--model", "cnn"], nn.TWIN)
    assert (args.model, args.optimizer, args.lr, args.filter_counts) == ("cnn", "adam", 0.001, [32, 64])
    assert parse_args([], nn.TWIN).model == "mlp"
    with pytest.raises(SystemExit):
        parse_args(["--dropout", "0.5"], nn.TWIN)                       # a CNN option without --model cnn


def test_main_command_trains_a_cnn(nn, tmp_path):
    if nn.TWIN == "pure":
        pytest.skip("the command tests on all 10,000 test digits: minutes for a CNN on the pure twin")
    import json
    from app.tests.test_cli import run
    out = tmp_path / "cnn.json"
    result = run(nn.TWIN, "--model", "cnn", "--epochs", "2", "--limit", "600", "--batch-size", "16", "--hidden", "32",
                 "--filters", "8,16", "--dropout", "0", "--lr", "0.003", "--out", str(out))
    assert result.returncode == 0, result.stderr
    accuracy = float(result.stdout.split("test accuracy ")[1].split("%")[0])
    assert 50 < accuracy <= 100 and "per epoch" in result.stdout
    assert json.loads(out.read_text())["layers"][0]["type"] == "Conv2D"


def test_pools_never_hide_a_nan(nn):
    nan = float("nan")
    x = [[[[1.0, nan, 2.0, 0.0], [0.5, 0.1, 3.0, 1.0]]]]
    for layer in (nn.MaxPool2D(2), nn.AvgPool2D(2)):
        first, second = to_list(layer.forward(x))[0][0][0]
        assert first != first and second == second, type(layer).__name__


def test_sequential_catches_a_channel_mismatch_when_built(nn):
    with pytest.raises(ValueError, match=r"layer 3: Conv2D\(16, 4, 3\): expects 16 input channel"):
        nn.Sequential([nn.Conv2D(1, 8, 3), nn.ReLU(), nn.MaxPool2D(2), nn.Conv2D(16, 4, 3)])
    nn.Sequential([nn.Conv2D(1, 8, 3), nn.ReLU(), nn.MaxPool2D(2), nn.Flatten(), nn.Dense(1352, 10)])


# (pure.fast's conv and pool loops against the plain ones, bit for bit: tests/test_fast.py)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # numpy warns of inf · 0; the result is the point
def test_a_nan_pixel_under_a_zero_gradient_gives_a_nan_filter_gradient(nn):
    """0 · NaN is NaN (IEEE, numpy, PyTorch): no shortcut may skip the product of a zero gradient."""
    nan, inf = float("nan"), float("inf")
    layer = conv(nn, 1, 1, 2, [[[[1.0, 0.0], [0.0, 1.0]]]], b=[0.0])
    layer.forward(tensor(nn, [[[[nan, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]]]))
    layer.backward(tensor(nn, [[[[0.0, 1.0], [1.0, 1.0]]]]))     # the NaN is only under the zero gradient
    dW = to_list(layer.grads["W"])[0][0]
    assert dW[0][0] != dW[0][0] and dW[1][1] == 3.0                 # W[0][0] saw the NaN; W[1][1] never did
    layer.params["W"] = tensor(nn, [[[[inf, 0.0], [0.0, 1.0]]]])    # an infinite weight times a zero gradient
    layer.forward(tensor(nn, [[[[1.0] * 3] * 3]]))
    grad_in = to_list(layer.backward(tensor(nn, [[[[0.0, 0.0], [0.0, 0.0]]]])))[0][0]
    assert all(v != v for v in (grad_in[0][0], grad_in[0][1], grad_in[1][0], grad_in[1][1]))
    assert grad_in[0][2] == 0.0 and grad_in[2][2] == 0.0            # W[0][0] never reads there


def test_max_pool_routes_a_nan_gradient_to_the_maximum_only(nn):
    """The gradient of a max is routed, not multiplied: a NaN or inf g reaches the maximum alone (as in PyTorch)."""
    nan, inf = float("nan"), float("inf")
    pool = nn.MaxPool2D(2)
    pool.forward(tensor(nn, [[[[1.0, 4.0, 0.0, 0.0], [2.0, 3.0, 0.0, 5.0]]]]))
    grad_in = to_list(pool.backward(tensor(nn, [[[[nan, inf]]]])))[0][0]
    assert grad_in[0][1] != grad_in[0][1] and grad_in[1][3] == inf
    assert [grad_in[0][0], grad_in[1][0], grad_in[1][1], grad_in[0][2], grad_in[0][3], grad_in[1][2]] == [0.0] * 6


def test_max_pool_after_a_nan_sends_the_gradient_where_both_twins_agree(nn):
    """A window [1, NaN, 5, 2]: the maximum is NaN, and nothing is larger than NaN after it, so the
    gradient goes to the maximum of the values before the NaN (position 0), as np.maximum's scan gives."""
    nan = float("nan")
    pool = nn.MaxPool2D(2)
    y = to_list(pool.forward(tensor(nn, [[[[1.0, nan], [5.0, 2.0]]]])))
    assert y[0][0][0][0] != y[0][0][0][0]
    assert to_list(pool.backward(tensor(nn, [[[[1.0]]]]))) == [[[[1.0, 0.0], [0.0, 0.0]]]]
