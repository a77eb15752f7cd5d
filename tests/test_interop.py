"""vectorized.to_torch / from_torch / save_onnx: the same model in PyTorch and ONNX.

Every layer type goes to PyTorch and back; in float64 the PyTorch module's
outputs and gradients (autograd) equal the twin's within the numeric policy
(1e-12 + 1e-10 |v| per element), and the ONNX file run by onnxruntime gives the
twin's outputs within float32 rounding (conformance.tolerances.FLOAT32_*). Two
models trained by the main command (`python -m vectorized`, MLP and --model cnn)
give the same test-set predictions in both.

torch (`pip install torch==2.13.0`), onnx and onnxruntime are optional: these
tests skip without them (tox's `interop` environment installs them).
"""
import importlib.util
import os
import subprocess
import sys

import pytest

np = pytest.importorskip("numpy")

import vectorized as nn  # noqa: E402
from conformance.tolerances import FLOAT32_ATOL, FLOAT32_RTOL, compare  # noqa: E402


def torch_or_skip():
    return pytest.importorskip("torch")


def onnx_or_skip():
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    from vectorized.interop import run_onnx
    return run_onnx


def rng(seed):
    return np.random.default_rng(seed)


def images(seed, dims):
    """Distinct values (no two pixels tie for a max-pool window), shuffled."""
    values = (np.arange(int(np.prod(dims))) - np.prod(dims) / 2) * 0.01
    rng(seed).shuffle(values)
    return values.reshape(dims)


# name -> (a model, an input); every layer type, with the options that change the mapping
CASES = {
    "Dense": (lambda: nn.Sequential([nn.Dense(5, 3, seed=1)]), lambda: rng(0).normal(size=(4, 5))),
    "Dense bias=False": (lambda: nn.Sequential([nn.Dense(5, 3, seed=1, bias=False)]),
                         lambda: rng(0).normal(size=(1, 5))),
    "Conv2D 3x2 stride 2 padding 1": (
        lambda: nn.Sequential([nn.Conv2D(2, 3, (3, 2), stride=2, padding=1, seed=2)]),
        lambda: rng(1).normal(size=(2, 2, 7, 8))),
    "Conv2D bias=False": (lambda: nn.Sequential([nn.Conv2D(1, 2, 3, seed=3, bias=False)]),
                          lambda: rng(2).normal(size=(3, 1, 5, 6))),
    "MaxPool2D": (lambda: nn.Sequential([nn.Conv2D(1, 2, 1, seed=4), nn.MaxPool2D(2)]),
                  lambda: images(3, (2, 1, 6, 7))),
    "MaxPool2D 3, stride 2 (overlapping)": (lambda: nn.Sequential([nn.Conv2D(1, 2, 1, seed=4), nn.MaxPool2D(3, 2)]),
                                            lambda: images(4, (2, 1, 7, 7))),
    "AvgPool2D": (lambda: nn.Sequential([nn.Conv2D(2, 2, 1, seed=5), nn.AvgPool2D(2)]),
                  lambda: rng(5).normal(size=(2, 2, 6, 5))),
    "AvgPool2D 3, stride 2": (lambda: nn.Sequential([nn.Conv2D(2, 2, 1, seed=5), nn.AvgPool2D(3, 2)]),
                              lambda: rng(6).normal(size=(2, 2, 7, 8))),
    "Flatten": (lambda: nn.Sequential([nn.Conv2D(1, 2, 3, seed=6), nn.Flatten(), nn.Dense(2 * 3 * 3, 2, seed=7)]),
                lambda: rng(7).normal(size=(3, 1, 5, 5))),
    "Dropout (evaluation mode)": (lambda: nn.Sequential([nn.Dense(4, 6, seed=8), nn.Dropout(0.5, seed=1),
                                                         nn.Dense(6, 2, seed=9)]).eval(),
                                  lambda: rng(8).normal(size=(5, 4))),
    "RNN": (lambda: nn.Sequential([nn.RNN(3, 4, seed=10)]), lambda: rng(10).normal(size=(3, 5, 3))),
    "RNN return_sequences": (lambda: nn.Sequential([nn.RNN(3, 4, return_sequences=True, seed=11)]),
                             lambda: rng(11).normal(size=(2, 4, 3))),
    "LSTM": (lambda: nn.Sequential([nn.LSTM(3, 4, seed=12)]), lambda: rng(12).normal(size=(3, 5, 3))),
    "LSTM return_sequences": (lambda: nn.Sequential([nn.LSTM(3, 4, return_sequences=True, seed=13)]),
                              lambda: rng(13).normal(size=(2, 6, 3))),
    "Embedding": (lambda: nn.Sequential([nn.Embedding(7, 3, seed=14), nn.RNN(3, 2, seed=15)]),
                  lambda: np.array([[1, 2, 2, 6], [0, 1, 1, 1], [5, 4, 3, 2]])),
    "TimeDistributed": (lambda: nn.Sequential([nn.LSTM(3, 4, return_sequences=True, seed=16),
                                               nn.TimeDistributed(nn.Dense(4, 5, seed=17)),
                                               nn.TimeDistributed(nn.Tanh())]),
                        lambda: rng(16).normal(size=(2, 3, 3))),
}
for _name, _make in [("Sigmoid", nn.Sigmoid), ("Tanh", nn.Tanh), ("ReLU", nn.ReLU),
                     ("LeakyReLU", lambda: nn.LeakyReLU(0.1)), ("ELU", lambda: nn.ELU(0.5)),
                     ("Softplus", nn.Softplus), ("ArcTan", nn.ArcTan), ("Identity", nn.Identity),
                     ("Softmax", nn.Softmax)]:
    CASES[_name] = ((lambda make=_make: nn.Sequential([nn.Dense(4, 6, seed=20), make()])),
                    (lambda: rng(20).normal(size=(5, 4)) * 2))


def torch_grads(module, torch):
    """Each torch module's parameter gradients, in this project's layout (Dense W = weightᵀ ...)."""
    out = []
    for m in module:
        kind = type(m).__name__
        if kind == "TimeDistributed":
            m = m.inner
            kind = type(m).__name__
        if kind == "Linear":
            grads = {"W": m.weight.grad.numpy().T}
            if m.bias is not None:
                grads["b"] = m.bias.grad.numpy()
        elif kind in ("Conv2d", "Embedding"):
            grads = {"W": m.weight.grad.numpy()}
            if kind == "Conv2d" and m.bias is not None:
                grads["b"] = m.bias.grad.numpy()
        elif kind == "Recurrent":
            names = ("Wxh", "Whh") if type(m.rnn).__name__ == "RNN" else ("Wx", "Wh")
            grads = {names[0]: m.rnn.weight_ih_l0.grad.numpy().T, names[1]: m.rnn.weight_hh_l0.grad.numpy().T,
                     "b": m.rnn.bias_ih_l0.grad.numpy()}
        else:
            grads = {}
        out.append(grads)
    return out


def assert_within_policy(ours, theirs, what):
    result = compare(theirs, ours)              # allowance 1e-12 + 1e-10 |ours|
    assert result.ok, f"{what}: {result}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_to_torch_gives_the_same_outputs_and_gradients(name):
    torch = torch_or_skip()
    make, make_x = CASES[name]
    model, x = make(), make_x()
    module = nn.to_torch(model)
    out = model.forward(x)
    g = rng(99).uniform(-1, 1, size=np.shape(out))
    integer_ids = x.dtype.kind == "i"
    dx = model.backward(g, need_input_grad=not integer_ids)

    xt = torch.tensor(x) if integer_ids else torch.tensor(x, requires_grad=True)
    out_t = module(xt)
    out_t.backward(torch.tensor(g))
    assert_within_policy(out, out_t.detach().numpy(), f"{name}: forward")
    if not integer_ids:
        assert_within_policy(dx, xt.grad.numpy(), f"{name}: dL/dx")
    for i, (layer, grads) in enumerate(zip(model.layers, torch_grads(module, torch))):
        assert sorted(grads) == sorted(layer.grads), f"{name}: layer {i} gradient names"
        for key, value in grads.items():
            assert_within_policy(layer.grads[key], value, f"{name}: layer {i} dL/d{key}")


@pytest.mark.parametrize("name", sorted(CASES))
def test_from_torch_brings_back_the_same_model(name):
    torch_or_skip()
    make, make_x = CASES[name]
    model, x = make(), make_x()
    back = nn.from_torch(nn.to_torch(model))
    assert repr(back) == repr(model)
    for ours, theirs in zip(model.get_weights(), back.get_weights()):
        assert sorted(ours) == sorted(theirs)
        for key in ours:
            assert np.array_equal(ours[key], theirs[key]), f"{name}: {key} changed on the way"
    np.testing.assert_array_equal(back.eval().forward(x), model.eval().forward(x))


@pytest.mark.parametrize("name", sorted(CASES))
def test_save_onnx_runs_in_onnxruntime_with_the_same_outputs(name, tmp_path):
    run_onnx = onnx_or_skip()
    make, make_x = CASES[name]
    model, x = make(), make_x()
    path = tmp_path / "model.onnx"
    nn.save_onnx(model, path)
    ours = model.eval().forward(x)
    theirs = run_onnx(path, x)
    result = compare(theirs, ours, atol=FLOAT32_ATOL, rtol=FLOAT32_RTOL)
    assert result.ok, f"{name}: {result}"


def test_the_float32_policy_sees_a_weight_off_by_a_thousandth(tmp_path):
    """The ONNX comparison can fail: a file of weights 0.1% too large is caught."""
    run_onnx = onnx_or_skip()
    make, make_x = CASES["LSTM return_sequences"]
    model, x = make(), make_x()
    wrong = make()
    wrong.layers[0].params["Wx"] = wrong.layers[0].params["Wx"] * 1.001
    nn.save_onnx(wrong, tmp_path / "wrong.onnx")
    result = compare(run_onnx(tmp_path / "wrong.onnx", x), model.forward(x), atol=FLOAT32_ATOL, rtol=FLOAT32_RTOL)
    assert not result.ok


def test_softplus_is_exact_beyond_pytorchs_default_threshold():
    torch = torch_or_skip()
    x = np.array([[-800.0, -30.0, 0.0, 19.9, 20.0001, 25.0, 39.0, 41.0, 800.0]])
    layer = nn.Softplus()
    module = nn.to_torch(nn.Sequential([layer]))
    xt = torch.tensor(x, requires_grad=True)
    out = module(xt)
    out.backward(torch.ones_like(out))
    assert_within_policy(layer.forward(x), out.detach().numpy(), "softplus forward")
    assert_within_policy(layer.backward(np.ones_like(x)), xt.grad.numpy(), "softplus gradient")


def test_a_model_built_in_pytorch_comes_over():
    torch = torch_or_skip()
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                 torch.nn.Flatten(), torch.nn.Linear(4 * 3 * 3, 8), torch.nn.Softplus(),
                                 torch.nn.Linear(8, 3), torch.nn.Softmax(dim=1)).double().eval()
    model = nn.from_torch(module)
    x = rng(3).normal(size=(4, 1, 6, 6))
    assert_within_policy(model.forward(x), module(torch.tensor(x)).detach().numpy(), "from_torch")
    lstm = torch.nn.LSTM(3, 5, batch_first=True).double()       # a bare LSTM: two biases, every state
    seqs = rng(4).normal(size=(2, 4, 3))
    ours = nn.from_torch(lstm)
    assert ours.layers[0].return_sequences
    assert_within_policy(ours.forward(seqs), lstm(torch.tensor(seqs))[0].detach().numpy(), "bare LSTM")


def test_what_has_no_counterpart_is_named():
    torch = torch_or_skip()

    class Square(nn.Layer):
        def forward(self, x):
            return x * x

    with pytest.raises(ValueError, match=r"to_torch: layer 1: Square\(\) has no PyTorch counterpart"):
        nn.to_torch(nn.Sequential([nn.Dense(2, 2), Square()]))
    with pytest.raises(ValueError, match=r"from_torch: module 1 \(Conv1d"):
        nn.from_torch(torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Conv1d(1, 1, 3)))
    with pytest.raises(ValueError, match="dilation 1"):
        nn.from_torch(torch.nn.Conv2d(1, 1, 3, dilation=2))
    with pytest.raises(ValueError, match="last axis"):
        nn.from_torch(torch.nn.Softmax(dim=0))


def test_onnx_refuses_what_it_cannot_write_and_keeps_the_old_file(tmp_path):
    onnx_or_skip()
    path = tmp_path / "model.onnx"
    nn.save_onnx(nn.Sequential([nn.Dense(2, 2, seed=0)]), path)
    before = path.read_bytes()

    class Square(nn.Layer):
        def forward(self, x):
            return x * x

    with pytest.raises(ValueError, match=r"save_onnx: layer 1: Square\(\) has no ONNX counterpart"):
        nn.save_onnx(nn.Sequential([nn.Dense(2, 2), Square()]), path)
    with pytest.raises(ValueError, match="input_shape"):
        nn.save_onnx(nn.Sequential([nn.ReLU()]), path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.onnx"]           # no temporary file left behind
    nn.save_onnx(nn.Sequential([nn.ReLU()]), path, input_shape=(3,))
    assert path.read_bytes() != before


def test_importing_vectorized_imports_neither_torch_nor_onnx():
    code = "import sys, vectorized; print(sorted({'torch', 'onnx', 'onnxruntime'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert out.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- the main command's models

HAS_TORCH = importlib.util.find_spec("torch") is not None
HAS_ONNX = all(importlib.util.find_spec(name) is not None for name in ("onnx", "onnxruntime"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """An MLP and a CNN trained by `python -m vectorized` (1 epoch on a few hundred digits), and the test set."""
    import data
    from app import arrays as cli
    folder = tmp_path_factory.mktemp("runs")
    models = {}
    for name, extra in (("mlp", ["--hidden", "64", "--limit", "1000"]),
                        ("cnn", ["--model", "cnn", "--filters", "4,8", "--hidden", "32", "--limit", "300"])):
        path = str(folder / f"{name}.json")
        assert cli.main(extra + ["--epochs", "1", "--quiet", "--no-progress", "--out", path]) == 0
        models[name] = path
    test_images, test_labels = data.load_mnist("test")
    return models, test_images, test_labels


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed")     # before training anything
@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_main_command_models_predict_the_same_in_pytorch(kind, trained):
    torch = torch_or_skip()
    from app.arrays import to_inputs
    models, test_images, _ = trained
    model = nn.load(models[kind])
    x = to_inputs(test_images, as_images=kind == "cnn")
    ours = model.predict(x)
    module = nn.to_torch(model).eval()
    with torch.no_grad():
        theirs = module(torch.tensor(x)).numpy()
    assert_within_policy(ours, theirs, f"{kind}: logits on {len(x)} test images")
    assert np.array_equal(ours.argmax(axis=1), theirs.argmax(axis=1))


@pytest.mark.skipif(not HAS_ONNX, reason="onnx or onnxruntime is not installed")
@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_main_command_models_predict_the_same_in_onnxruntime(kind, trained, tmp_path):
    run_onnx = onnx_or_skip()
    from app.arrays import to_inputs
    models, test_images, _ = trained
    model = nn.load(models[kind])
    x = to_inputs(test_images, as_images=kind == "cnn")
    ours = model.predict(x)
    nn.save_onnx(model, tmp_path / f"{kind}.onnx")
    theirs = run_onnx(tmp_path / f"{kind}.onnx", x)
    result = compare(theirs, ours, atol=FLOAT32_ATOL, rtol=FLOAT32_RTOL)
    assert result.ok, f"{kind}: {result}"
    # The predicted class may differ only where float32 rounding could swap the two best logits.
    top2 = np.sort(ours, axis=1)[:, -2:]
    clear = (top2[:, 1] - top2[:, 0]) > 2 * (FLOAT32_ATOL + FLOAT32_RTOL * np.abs(top2[:, 1]))
    assert np.array_equal(ours.argmax(axis=1)[clear], theirs.argmax(axis=1)[clear])


def test_a_pure_model_goes_to_pytorch_and_onnx_too(tmp_path):
    """to_torch and save_onnx read any Sequential of either twin (params as nested lists work)."""
    torch = torch_or_skip()
    import pure
    model = pure.Sequential([pure.Conv2D(1, 2, 3, seed=0), pure.ReLU(), pure.MaxPool2D(2), pure.Flatten(),
                             pure.Dense(8, 3, seed=1)])
    x = rng(5).normal(size=(2, 1, 6, 6))
    ours = model.predict(x.tolist())
    with torch.no_grad():
        theirs = nn.to_torch(model).eval()(torch.tensor(x)).numpy()
    assert_within_policy(np.array(ours), theirs, "pure model in PyTorch")
    if HAS_ONNX:
        from vectorized.interop import run_onnx
        nn.save_onnx(model, tmp_path / "pure.onnx")
        result = compare(run_onnx(tmp_path / "pure.onnx", x), ours, atol=FLOAT32_ATOL, rtol=FLOAT32_RTOL)
        assert result.ok, str(result)
