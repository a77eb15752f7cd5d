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
import re
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


# ----------------------------------------------------------------------------- from_torch: exactly, or not at all

def _accepted(torch):
    """name -> (a torch module made in PyTorch, an input): every module and argument from_torch takes."""
    tnn = torch.nn
    arctan, last_state = nn.to_torch(nn.Sequential([nn.ArcTan(), nn.LSTM(3, 4, seed=1)]))
    all_states = nn.to_torch(nn.Sequential([nn.RNN(3, 2, return_sequences=True, seed=2)]))[0]
    per_step = nn.to_torch(nn.Sequential([nn.TimeDistributed(nn.Dense(3, 2, seed=3))]))[0]
    img, rows = rng(30).normal(size=(2, 2, 7, 6)) * 2, rng(31).normal(size=(5, 6)) * 3
    seqs = rng(32).normal(size=(2, 4, 3))
    conv = tnn.Conv2d(2, 3, 3, padding=1)
    return {
        "Linear": (tnn.Linear(6, 4), rows), "Linear bias=False": (tnn.Linear(6, 4, bias=False), rows),
        "Conv2d stride, padding": (tnn.Conv2d(2, 3, (3, 2), stride=2, padding=(1, 0)), img),
        "Conv2d bias=False": (tnn.Conv2d(2, 1, 3, bias=False), img),
        "MaxPool2d 2": (tnn.Sequential(conv, tnn.MaxPool2d(2)), img),
        "MaxPool2d (3, 2) stride 1": (tnn.Sequential(conv, tnn.MaxPool2d((3, 2), stride=1)), img),
        "AvgPool2d 3 stride 2": (tnn.Sequential(conv, tnn.AvgPool2d(3, 2)), img),
        "Flatten": (tnn.Sequential(conv, tnn.Flatten(), tnn.Linear(3 * 7 * 6, 2)), img),
        "Dropout (evaluation)": (tnn.Sequential(tnn.Linear(6, 4), tnn.Dropout(0.3)).eval(), rows),
        "Sigmoid": (tnn.Sigmoid(), rows), "Tanh": (tnn.Tanh(), rows), "ReLU": (tnn.ReLU(), rows),
        "ReLU(inplace=True)": (tnn.Sequential(tnn.Linear(6, 4), tnn.ReLU(inplace=True)), rows),
        "LeakyReLU": (tnn.LeakyReLU(), rows), "LeakyReLU(0.3)": (tnn.LeakyReLU(0.3), rows),
        "ELU": (tnn.ELU(), rows), "ELU(0.5)": (tnn.ELU(0.5), rows), "Identity": (tnn.Identity(), rows),
        "Softplus": (tnn.Softplus(), rows), "Softplus(threshold=40)": (tnn.Softplus(threshold=40), rows * 10),
        "Softmax(dim=-1)": (tnn.Softmax(dim=-1), rows), "Softmax(dim=1) after Linear": (
            tnn.Sequential(tnn.Linear(6, 4), tnn.Softmax(dim=1)), rows),
        "Softmax(dim=1) after Flatten": (tnn.Sequential(conv, tnn.Flatten(), tnn.Softmax(dim=1)), img),
        "Softmax(dim=3) after Conv2d": (tnn.Sequential(conv, tnn.Softmax(dim=3)), img),
        "Softmax(dim=-1) after Conv2d": (tnn.Sequential(conv, tnn.Softmax(dim=-1)), img),
        "Softmax(dim=2) over the features of every step": (tnn.Sequential(all_states, tnn.Softmax(dim=2)), seqs),
        "Softmax(dim=1) after the last state": (tnn.Sequential(last_state, tnn.Softmax(dim=1)), seqs),
        "ArcTan": (arctan, rows), "Recurrent LSTM last state": (last_state, seqs),
        "Recurrent RNN every state": (all_states, seqs), "TimeDistributed Linear": (per_step, seqs),
        "bare LSTM": (tnn.LSTM(3, 5, batch_first=True), seqs),
        "bare RNN": (tnn.RNN(3, 5, batch_first=True), seqs),
        "Embedding": (tnn.Sequential(tnn.Embedding(7, 3), last_state), np.array([[1, 2, 6], [0, 5, 5]])),
        "nested Sequential": (tnn.Sequential(tnn.Sequential(tnn.Linear(6, 4), tnn.Tanh()), tnn.Linear(4, 2)), rows),
    }


def _theirs(module, x, torch):
    with torch.no_grad():
        out = module(torch.tensor(x))
    return (out[0] if isinstance(out, tuple) else out).numpy()        # a bare RNN/LSTM: (states, last)


def test_every_module_from_torch_accepts_computes_what_pytorch_computes():
    torch = torch_or_skip()
    torch.manual_seed(0)
    for name, (module, x) in _accepted(torch).items():
        module = module.double()
        model = nn.from_torch(module)
        assert_within_policy(model.eval().forward(x), _theirs(module.eval(), x, torch), f"from_torch: {name}")


def _refused(torch):
    """name -> (a torch module, the words of the refusal); from_torch must refuse each."""
    tnn = torch.nn

    class MyLinear(tnn.Linear):
        def forward(self, x):
            return super().forward(x) * 2

    class MyReLU(tnn.ReLU):
        pass

    class MySequential(tnn.Sequential):
        def forward(self, x):
            return super().forward(x) + 1

    def hooked(register, hook):
        m = tnn.Linear(4, 3)
        getattr(m, register)(hook)
        return m

    replaced = tnn.Linear(4, 3)
    replaced.forward = lambda x: x
    lstm_steps = nn.to_torch(nn.Sequential([nn.LSTM(3, 4, return_sequences=True, seed=0)]))[0]
    recurrent_gru = nn.to_torch(nn.Sequential([nn.LSTM(3, 4, seed=0)]))[0]
    recurrent_gru.rnn = tnn.GRU(3, 4, batch_first=True)
    in_time = nn.to_torch(nn.Sequential([nn.TimeDistributed(nn.Dense(3, 2, seed=0))]))[0]
    in_time.inner.register_forward_hook(lambda m, i, o: o * 0)
    parametrized = tnn.Linear(4, 3)
    torch.nn.utils.parametrizations.weight_norm(parametrized)
    hooked_seq = tnn.Sequential(tnn.Linear(4, 3))
    hooked_seq.register_forward_hook(lambda m, i, o: o + 1)
    conv = tnn.Conv2d(1, 2, 3)
    return {
        "Softmax(dim=1) after Conv2d": (tnn.Sequential(conv, tnn.Softmax(dim=1)),
                                        r"module 1 \(Softmax\(dim=1\)\) after Conv2d: our Softmax acts on the last"),
        "Softmax(dim=1) over time": (tnn.Sequential(lstm_steps, tnn.Softmax(dim=1)),
                                     r"module 1 \(Softmax\(dim=1\)\) after Recurrent: .*3 axes"),
        "Softmax(dim=1) first": (tnn.Softmax(dim=1), r"module 0 \(Softmax\(dim=1\)\): .*nothing before it"),
        "Softmax() (dim=None)": (tnn.Softmax(), r"module 0 \(Softmax\(dim=None\)\): dim=None"),
        "Softmax(dim=0)": (tnn.Sequential(tnn.Linear(4, 3), tnn.Softmax(dim=0)), r"module 1 .* after Linear"),
        "Softplus(threshold=1)": (tnn.Softplus(threshold=1), r"module 0 \(Softplus\(beta=1.0, threshold=1\)\): "
                                                             r"only beta=1 and threshold >= 20"),
        "Softplus(beta=2)": (tnn.Softplus(beta=2), "only beta=1"),
        "Linear subclass with its own forward": (tnn.Sequential(tnn.Tanh(), MyLinear(4, 3)),
                                                 r"module 1 \(MyLinear\(.*\)\) after Tanh: a subclass of Linear"),
        "ReLU subclass": (MyReLU(), "a subclass of ReLU"),
        "Sequential subclass": (MySequential(tnn.Linear(4, 3)), "a subclass of Sequential"),
        "Linear with weight_norm (a parametrization)": (parametrized, "a subclass of Linear"),
        "Linear with a forward hook": (hooked("register_forward_hook", lambda m, i, o: o + 1), "forward_hooks"),
        "Linear with a forward pre-hook": (hooked("register_forward_pre_hook", lambda m, i: (i[0] * 2,)),
                                           "forward_pre_hooks"),
        "Linear with a full backward hook": (hooked("register_full_backward_hook", lambda m, gi, go: None),
                                             "backward_hooks"),
        "Linear with a backward pre-hook": (hooked("register_full_backward_pre_hook", lambda m, go: None),
                                            "backward_pre_hooks"),
        "Linear with its forward replaced": (replaced, "forward was replaced"),
        "Sequential with a forward hook": (hooked_seq, r"the Sequential \(Sequential.*forward_hooks"),
        "TimeDistributed's inner Linear with a hook": (in_time, r"module 0's inner module .*forward_hooks"),
        "Recurrent holding a GRU": (recurrent_gru, "it holds GRU"),
        "Conv2d dilation 2": (tnn.Conv2d(1, 1, 3, dilation=2), "dilation 1"),
        "Conv2d groups 2": (tnn.Conv2d(2, 2, 3, groups=2), "groups 1"),
        "Conv2d padding_mode reflect": (tnn.Conv2d(1, 1, 3, padding=1, padding_mode="reflect"), "zero padding"),
        "Conv2d padding 'same'": (tnn.Conv2d(1, 1, 3, padding="same"), "zero padding"),
        "MaxPool2d padding 1": (tnn.MaxPool2d(3, padding=1), "without padding"),
        "MaxPool2d ceil_mode": (tnn.MaxPool2d(2, ceil_mode=True), "ceil_mode"),
        "MaxPool2d dilation 2": (tnn.MaxPool2d(2, dilation=2), "dilation"),
        "MaxPool2d return_indices": (tnn.MaxPool2d(2, return_indices=True), "return_indices"),
        "AvgPool2d count_include_pad=False": (tnn.AvgPool2d(2, count_include_pad=False), "count_include_pad"),
        "AvgPool2d divisor_override": (tnn.AvgPool2d(2, divisor_override=3), "divisor_override"),
        "Flatten(start_dim=2)": (tnn.Flatten(2), "start_dim=1"),
        "Dropout(p=1)": (tnn.Dropout(1.0), r"p in \[0, 1\)"),
        "Embedding padding_idx": (tnn.Embedding(5, 3, padding_idx=0), "padding_idx=0 has no twin"),
        "Embedding max_norm": (tnn.Embedding(5, 3, max_norm=1.0), "max_norm=1.0 has no twin"),
        "Embedding scale_grad_by_freq": (tnn.Embedding(5, 3, scale_grad_by_freq=True), "scale_grad_by_freq"),
        "Embedding sparse": (tnn.Embedding(5, 3, sparse=True), "sparse=True"),
        "LSTM batch_first=False": (tnn.LSTM(3, 4), "batch_first=True"),
        "LSTM two layers": (tnn.LSTM(3, 4, num_layers=2, batch_first=True), "one layer"),
        "LSTM dropout between layers": (tnn.LSTM(3, 4, num_layers=2, dropout=0.5, batch_first=True), "dropout 0"),
        "LSTM bidirectional": (tnn.LSTM(3, 4, bidirectional=True, batch_first=True), "one direction"),
        "LSTM proj_size": (tnn.LSTM(3, 4, proj_size=2, batch_first=True), "one layer"),
        "LSTM bias=False": (tnn.LSTM(3, 4, bias=False, batch_first=True), "with biases"),
        "RNN relu": (tnn.RNN(3, 4, nonlinearity="relu", batch_first=True), "tanh"),
        "GRU": (tnn.GRU(3, 4, batch_first=True), r"module 0 \(GRU.*no twin here; supported"),
        "Conv1d": (tnn.Conv1d(1, 1, 3), "no twin here"),
        "BatchNorm1d": (tnn.Sequential(tnn.Linear(4, 3), tnn.BatchNorm1d(3)), r"module 1 \(BatchNorm1d.*after Linear"),
    }


def test_from_torch_refuses_every_module_it_would_not_reproduce():
    torch = torch_or_skip()
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")               # PyTorch's own warnings about dropout in a 1-layer LSTM etc.
        cases = _refused(torch)
    for name, (module, words) in cases.items():
        with pytest.raises(ValueError, match=r"^from_torch: ") as refused:
            nn.from_torch(module)
        assert refused.value.args[0].count("\n") == 0, name
        assert re.search(words, str(refused.value)), f"{name}: {refused.value}"


def test_the_refused_modules_do_compute_something_else():
    """The refusals are not overcautious where it is easy to see: these modules give other numbers."""
    torch = torch_or_skip()
    torch.manual_seed(1)
    tnn = torch.nn
    x = rng(40).normal(size=(3, 1, 5, 5)) * 3
    for module, plain in [(tnn.Sequential(tnn.Conv2d(1, 2, 3), tnn.Softmax(dim=1)), None),
                          (tnn.Softplus(threshold=1), tnn.Softplus())]:
        module = module.double()
        if plain is None:                                 # what our Softmax (last axis) would give instead
            plain = tnn.Sequential(module[0], tnn.Softmax(dim=-1))
        assert np.max(np.abs(_theirs(module, x, torch) - _theirs(plain.double(), x, torch))) > 0.01


def test_a_global_module_hook_is_refused():
    torch = torch_or_skip()
    handle = torch.nn.modules.module.register_module_forward_hook(lambda m, i, o: o)
    try:
        with pytest.raises(ValueError, match="from_torch: a global module hook is registered"):
            nn.from_torch(torch.nn.Linear(2, 2))
    finally:
        handle.remove()
    nn.from_torch(torch.nn.Linear(2, 2))                  # and accepted again once it is gone


def test_to_torch_takes_float64_or_float32_and_refuses_other_dtypes_in_one_line():
    torch = torch_or_skip()
    model = nn.Sequential([nn.Dense(3, 2, seed=0)])
    for dtype, expected in [(None, torch.float64), (torch.float64, torch.float64), ("float64", torch.float64),
                            (torch.float32, torch.float32), ("float32", torch.float32)]:
        assert nn.to_torch(model, dtype=dtype)[0].weight.dtype == expected
    for dtype in ["float16", torch.float16, torch.bfloat16, torch.int64, "cuda", np.float32, 64, [], "Float64"]:
        with pytest.raises(ValueError, match=r"^to_torch: dtype=.* is not supported; use torch.float64 .*"
                                             r"torch.float32, or their names 'float64', 'float32'$"):
            nn.to_torch(model, dtype=dtype)


# ----------------------------------------------------------------------------- save_onnx: refusals in one line


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_save_onnx_refuses_weights_that_are_not_finite_and_keeps_the_old_file(tmp_path, bad):
    onnx_or_skip()
    path = tmp_path / "model.onnx"
    model = nn.Sequential([nn.Dense(3, 4, seed=0), nn.ReLU(), nn.Dense(4, 2, seed=1)])
    nn.save_onnx(model, path)
    before = path.read_bytes()
    model.layers[2].params["b"][1] = bad
    with pytest.raises(ValueError, match=r"^save_onnx: layer 2 \(Dense\) parameter 'b' holds NaN or infinity"):
        nn.save_onnx(model, path)
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["model.onnx"]


@pytest.mark.parametrize("shape", ["abc", (-1, 784), (0, 784), (), (784.0,), (True,), 784, [None, 784]])
def test_save_onnx_refuses_an_input_shape_that_is_no_shape(tmp_path, shape):
    onnx_or_skip()
    with pytest.raises(ValueError, match=r"^save_onnx: input_shape must be one example's shape, a tuple of positive"):
        nn.save_onnx(nn.Sequential([nn.Dense(784, 2, seed=0)]), tmp_path / "m.onnx", input_shape=shape)
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize("layers, shape, words", [
    (lambda: [nn.Dense(784, 2)], (10,), r"input_shape \(10,\) does not fit the model \(it takes one example of "
                                        r"shape \(784,\)\): layer 0: Dense\(784, 2\): expects 784 features"),
    (lambda: [nn.Dense(784, 2)], (1, 28, 28), r"\(1, 28, 28\) does not fit .*\(784,\)"),
    (lambda: [nn.Conv2D(1, 2, 3)], (3, 28, 28), r"\(3, 28, 28\) does not fit .*\(1, H, W\).*1 input channel"),
    (lambda: [nn.Conv2D(1, 2, 5)], (1, 4, 4), r"\(1, 4, 4\) does not fit .*larger than the padded image"),
    (lambda: [nn.ReLU(), nn.Flatten(), nn.Dense(784, 2)], (1, 28, 27),
     r"\(1, 28, 27\) does not fit the model: layer 2: Dense\(784, 2\): .*\(756,\)"),
    (lambda: [nn.LSTM(3, 4)], (5, 2), r"\(T, 3\)\): layer 0: LSTM"),
    (lambda: [nn.Embedding(5, 3), nn.LSTM(3, 2)], (4, 3), r"\(4, 3\) does not fit .*\(T,\)\): layer 0: Embedding"),
])
def test_save_onnx_refuses_an_input_shape_the_model_cannot_take(tmp_path, layers, shape, words):
    onnx_or_skip()
    with pytest.raises(ValueError, match="^save_onnx: input_shape ") as refused:
        nn.save_onnx(nn.Sequential(layers()), tmp_path / "m.onnx", input_shape=shape)
    assert re.search(words, str(refused.value)), str(refused.value)
    assert "\n" not in str(refused.value) and "Field" not in str(refused.value)
    assert not os.listdir(tmp_path)


def test_save_onnx_into_a_folder_that_takes_no_file_is_one_line(tmp_path):
    onnx_or_skip()
    if not os.path.isdir("/proc/self"):
        pytest.skip("no /proc here")
    with pytest.raises(ValueError, match=r"^save_onnx: cannot write the ONNX model to '/proc/m.onnx': .*'/proc'"):
        nn.save_onnx(nn.Sequential([nn.Dense(2, 2, seed=0)]), "/proc/m.onnx")
