"""pure.fast: every fast variant gives exactly the plain loop's IEEE results, and users hold plain lists.

Each variant in pure.fast.SWAPS is compared, bit for bit (signed zeros apart,
every NaN alike), with the plain function it replaces (pure.fast.PLAIN), on
random inputs holding zeros of both signs, NaN and infinities; then whole
layers and training runs are compared with the switch on and off. The plain
functions themselves are the formulas: their doctests, the gradient checks and
the conformance suite test them.
"""
import os
import random
import struct
import subprocess
import sys

import pytest

import pure
from pure import conv, fast, ops, optimizers

SPECIALS = [(0.0,), (-0.0,), (float("nan"),), (float("inf"), -float("inf")), (float("inf"), 0.0, -0.0),
            (-0.0, -float("inf"))]
LRS = [0.05, 1e300, 0.0, float("inf"), -0.05, float("nan")]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def switch():
    """Yields pure.fast; the switch is put back as it was afterwards."""
    was = fast.enabled()
    yield fast
    fast.enable() if was else fast.disable()


def _bits(x):
    if isinstance(x, (list, tuple)):
        return [_bits(v) for v in x]
    if x is None or isinstance(x, (int, str)):
        return x
    return "nan" if x != x else struct.pack("<d", x)


def _values(rng, n, specials, zeros=0.5):
    return [rng.choice(specials) if rng.random() < 0.08 else
            (rng.choice((0.0, -0.0)) if rng.random() < zeros else rng.uniform(-2, 2)) for _ in range(n)]


def _tensor(rng, dims, specials, zeros=0.5):
    if len(dims) == 1:
        return _values(rng, dims[0], specials, zeros)
    return [_tensor(rng, dims[1:], specials, zeros) for _ in range(dims[0])]


def _plain(module, name):
    return fast.PLAIN[module.__name__, name]


def _both(switch, run):
    """run() with the switch off, then on: the two results."""
    switch.disable()
    plain = run()
    switch.enable()
    return plain, run()


# ----------------------------------------------------------------------------- the switch


def test_the_switch_swaps_exactly_the_table(switch):
    switch.disable()
    assert not switch.enabled()
    assert all(getattr(module, name) is switch.PLAIN[module.__name__, name] for module, name, _ in switch.SWAPS)
    switch.enable()
    assert switch.enabled()
    assert all(getattr(module, name) is variant for module, name, variant in switch.SWAPS)
    assert all(variant.__name__ == name for _, name, variant in switch.SWAPS)     # a variant is named after its plain


@pytest.mark.skipif(sys.platform == "emscripten", reason="Pyodide cannot start a subprocess")
def test_the_switch_is_on_by_default_and_PURE_FAST_0_turns_it_off():
    code = "import pure; print(pure.fast.enabled(), pure.ops.matmul.__module__)"
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("PURE_FAST", None)
    on = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    off = subprocess.run([sys.executable, "-c", code], env=dict(env, PURE_FAST="0"), capture_output=True,
                         text=True, check=True)
    assert on.stdout.split() == ["True", "pure.fast"] and off.stdout.split() == ["False", "pure.ops"]


def test_layers_call_the_swappable_functions_through_their_module(switch, monkeypatch):
    calls = []
    for module, name, _ in switch.SWAPS:
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *args, _f=original, _n=name: calls.append(_n) or _f(*args))
    dense, cnn = pure.Dense(3, 2, seed=0), [pure.Conv2D(1, 2, 2, seed=0), pure.MaxPool2D(2)]
    dense.backward([[1.0, 2.0]]) if dense.forward([[1.0, 0.0, 2.0]]) else None
    y = cnn[1].forward(cnn[0].forward([[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]))
    cnn[0].backward(cnn[1].backward(y))
    pure.SGD(0.1).step([dense])
    assert sorted(set(calls)) == sorted(name for _, name, _ in switch.SWAPS)


# ----------------------------------------------------------------------------- ops


@pytest.mark.parametrize("specials", SPECIALS)
@pytest.mark.parametrize("zeros", [0.0, 0.1, 0.8])       # dense (by columns) and sparse (by rows) inputs
def test_matrix_products_are_the_plain_loops(specials, zeros):
    rng = random.Random(3)
    for n, k, m in [(1, 1, 1), (1, 7, 3), (4, 6, 5), (8, 20, 10), (3, 1, 4)]:
        for trial in range(8):
            a = _tensor(rng, (n, k), specials if trial % 2 else (0.0,), zeros)
            b = _tensor(rng, (k, m), specials if trial >= 4 else (0.0,), zeros)
            c = _tensor(rng, (n, m), specials, zeros)
            d = _tensor(rng, (m, k), specials, zeros)
            assert _bits(fast.matmul(a, b)) == _bits(_plain(ops, "matmul")(a, b)), (n, k, m, trial)
            assert _bits(fast.matmul_by_columns(a, b)) == _bits(_plain(ops, "matmul")(a, b))
            assert _bits(fast.matmul_tn(a, c)) == _bits(_plain(ops, "matmul_tn")(a, c)), (n, k, m, trial)
            assert _bits(fast.matmul_nt(a, d)) == _bits(_plain(ops, "matmul_nt")(a, d)), (n, k, m, trial)


def test_mostly_nonzero_means_fewer_than_a_quarter_of_zeros():
    """The rule that picks matmul_by_columns (both paths are exact; this is the documented threshold)."""
    assert fast.mostly_nonzero([[0.0, 1.0, 1.0, 1.0, 1.0]])                     # 1 zero in 5
    assert fast.mostly_nonzero([[0.0, 1.0], [1.0, 1.0, 1.0]])                  # 1 in 5, over two rows
    assert not fast.mostly_nonzero([[-0.0, 1.0, 1.0, 1.0]])                     # exactly a quarter
    assert not fast.mostly_nonzero([[0.0, 1.0, 1.0]]) and not fast.mostly_nonzero([[]])   # a third; nothing


def test_matmul_hides_no_zero_times_inf():
    inf = float("inf")
    for a in ([[0.0, 1.0, 1.0, 1.0, 1.0]], [[0.0, 0.0, 1.0, 0.0, 0.0]], [[-0.0, 1.0, 0.0, 0.0, 0.0]]):
        b = [[inf], [1.0], [1.0], [1.0], [1.0]]
        assert fast.matmul(a, b)[0][0] != fast.matmul(a, b)[0][0]                     # 0 · inf is NaN
        assert fast.matmul_tn([[0.0], [2.0]], [[inf, 1.0], [1.0, 1.0]])[0][0] != 0.0   # NaN, not a row of zeros


def test_matmul_tn_gives_fresh_rows_of_zeros_for_inputs_no_example_touched():
    dW = fast.matmul_tn([[0.0, 2.0, 0.0, -0.0]], [[1.0, -3.0]])
    assert dW == [[0.0, 0.0], [2.0, -6.0], [0.0, 0.0], [0.0, 0.0]]
    assert all(type(row) is list for row in dW) and len({id(row) for row in dW}) == 4
    assert _bits(dW[3]) == _bits([0.0, 0.0])                      # +0.0, as the plain loop's 0.0 + (-0.0 · 1.0)


# ----------------------------------------------------------------------------- optimizers


@pytest.mark.parametrize("specials", SPECIALS)
@pytest.mark.parametrize("lr", LRS)
def test_descend_is_the_plain_loop(specials, lr):
    rng = random.Random(5)
    for k, m in [(1, 1), (5, 3), (12, 8)]:
        for trial in range(10):
            param = _tensor(rng, (k, m), specials, 0.1 if trial % 2 else 0.6)
            step = _tensor(rng, (k, m), specials if trial % 3 else (0.0,), 0.5)
            for row in rng.sample(range(k), k // 2):              # whole rows of zeros, of either sign
                step[row] = [rng.choice((0.0, -0.0, 0.0)) for _ in range(m)]
            expected = _bits(_plain(optimizers, "descend")(param, step, lr))
            assert _bits(fast.descend(param, step, lr)) == expected, (k, m, trial)
            assert _bits(fast.descend(param[0], step[0], lr)) == expected[0]         # a bias: one row


def test_descend_never_skips_a_row_with_a_nan_or_inf_step_among_zeros():
    nan, inf = float("nan"), float("inf")
    param, step = [[1.0, 2.0, 3.0]] * 4, [[0.0, nan, 0.0], [-0.0, 0.0, inf], [0.0, 0.0, -inf], [nan, 0.0, 0.0]]
    for lr in (0.05, 0.0):
        assert _bits(fast.descend(param, step, lr)) == _bits(_plain(optimizers, "descend")(param, step, lr))


def test_descend_turns_a_minus_zero_weight_with_a_minus_zero_step_into_plus_zero():
    assert _bits(fast.descend([[-0.0, 1.0]], [[-0.0, 0.0]], 0.1)) == _bits([[0.0, 1.0]])
    assert _bits(fast.descend([[-0.0, 1.0]], [[0.0, 0.0]], -0.1)) == _bits([[0.0, 1.0]])
    assert _bits(fast.descend([[2.0, 1.0]], [[0.0, -0.0]], float("inf"))) == _bits([[float("nan")] * 2])


@pytest.mark.parametrize("optimizer", [lambda: pure.SGD(0.1), lambda: pure.SGD(0.1, momentum=0.9),
                                       lambda: pure.SGD(0.1, momentum=0.5, weight_decay=0.01),
                                       lambda: pure.Adam(0.01)])
def test_training_steps_are_the_same_with_the_switch_on_and_off(switch, optimizer):
    def run():
        model = pure.Sequential([pure.Dense(12, 6, seed=0), pure.Sigmoid(), pure.Dense(6, 3, seed=1)])
        rng = random.Random(0)
        x = [[rng.choice((0.0, 0.0, rng.uniform(-1, 1))) for _ in range(12)] for _ in range(20)]
        y = [rng.randrange(3) for _ in range(20)]
        model.fit(x, y, loss=pure.CrossEntropy(), optimizer=optimizer(), epochs=3, batch_size=1, seed=0,
                  progress=False)
        return [layer.params for layer in model.layers]
    plain, quick = _both(switch, run)
    assert _bits([sorted(p.items()) for p in plain]) == _bits([sorted(p.items()) for p in quick])


# ----------------------------------------------------------------------------- what users hold


def _rows_of(tensor):
    """Every list inside a tensor, at every level."""
    if not isinstance(tensor, list):
        return []
    return [tensor] + [row for part in tensor for row in _rows_of(part)]


@pytest.mark.parametrize("on", [True, False])
def test_params_grads_and_outputs_are_plain_mutable_lists_of_their_own(switch, on):
    switch.enable() if on else switch.disable()
    dense = pure.Dense(3, 2, seed=0)
    layers = [dense, pure.Conv2D(1, 2, 2, seed=0), pure.MaxPool2D(2), pure.RNN(2, 3, seed=0),
              pure.Embedding(5, 2, seed=0)]
    inputs = [[[0.0, 1.0, 0.0]], [[[[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [2.0, 0.0, 0.0]]]],
              [[[[0.0, 1.0], [0.0, 0.0]]]], [[[0.0, 1.0], [0.0, 0.0]]], [[1, 3, 1]]]
    held = []
    for layer, x in zip(layers, inputs):
        y = layer.forward(x)
        grad_in = layer.backward(ops.map_rows(lambda row: [0.5 * (i % 2) for i in range(len(row))], y))
        held += [y, grad_in]
        pure.SGD(0.1).step([layer])
        pure.SGD(0.1).step([layer])
        held += list(layer.params.values()) + list(layer.grads.values())
    rows = [row for tensor in held for row in _rows_of(tensor)]
    assert all(type(row) is list for row in rows)
    assert len({id(row) for row in rows}) == len(rows)          # no row shared between or within tensors
    dense.grads["W"][0][0] = 5.0                                # the example: the blank input's row
    dense.params["W"][0][0] = 5.0
    assert dense.grads["W"][0][0] == dense.params["W"][0][0] == 5.0


@pytest.mark.parametrize("on", [True, False])
def test_an_sgd_step_leaves_the_old_weights_as_they_were(switch, on):
    switch.enable() if on else switch.disable()
    layer = pure.Dense(3, 2, seed=0)
    layer.forward([[0.0, 1.0, 0.0]])
    layer.backward([[0.5, -0.5]])
    old = layer.params["W"]
    old_values = [list(row) for row in old]
    pure.SGD(0.1).step([layer])
    new = layer.params["W"]
    assert [list(row) for row in old] == old_values and new is not old and new[1] is not old[1]
    assert new[0] == old[0] and (new[0] is old[0]) == switch.enabled()      # fast: a row of zero steps is kept
    assert new[1] == [w - 0.1 * g for w, g in zip(old_values[1], [0.5, -0.5])]


# ----------------------------------------------------------------------------- conv and pools

CONV_CASES = [  # (C, O, H, W, kernel, stride, padding, bias)
    (1, 3, 6, 7, 3, 1, 0, False),
    (2, 2, 5, 6, (2, 3), (1, 2), (1, 0), True),
    (3, 2, 7, 7, 3, 2, 1, True),
    (1, 1, 3, 3, 3, 1, 0, True),
    (1, 8, 10, 12, 3, 1, 0, False),                       # series A's conv, on a smaller image
]


@pytest.mark.parametrize("case", CONV_CASES)
@pytest.mark.parametrize("specials", SPECIALS)
@pytest.mark.parametrize("on_pypy", [False, True])
def test_conv_is_the_plain_loops(switch, case, specials, on_pypy, monkeypatch):
    """Same bits for every output and gradient, on either forward variant (CPython's C iterators,
    PyPy's rows: both run here)."""
    monkeypatch.setattr(fast, "ON_PYPY", on_pypy)
    c, o, h, w, kernel, stride, padding, bias = case
    rng = random.Random(hash((case, specials)) % 1000)
    for trial in range(4):
        layer = pure.Conv2D(c, o, kernel, stride=stride, padding=padding, bias=bias, seed=trial)
        x = _tensor(rng, (2, c, h, w), specials if trial % 2 else (0.0,))
        layer.params["W"] = _tensor(rng, (o, c) + layer.kernel_size, specials if trial >= 2 else (0.0,))
        g = _tensor(rng, (2,) + layer.output_shape((c, h, w)), specials)
        if bias:                                        # a bias of its own, not the zeros it starts with
            layer.params["b"] = _tensor(rng, (o,), specials if trial == 3 else (0.0,))

        def run():
            y = layer.forward(x)
            dx = layer.backward(g)
            dW = layer.grads["W"]
            assert layer.backward(g, need_input_grad=False) is None and _bits(layer.grads["W"]) == _bits(dW)
            return _bits([y, dx, dW, layer.grads.get("b", [])])
        plain, quick = _both(switch, run)
        assert plain == quick, (case, specials, trial)


@pytest.mark.parametrize("case", [case for case in CONV_CASES if case[2] > 3])     # more than one patch
def test_conv_forward_on_repeating_patches_is_the_plain_loop(switch, case, monkeypatch):
    """conv_forward computes each distinct patch once (a digit is mostly background: 2 patches in 3
    repeat). Images mostly of zeros of both signs, with 1.5, -0.5, inf and NaN here and there, and
    weights with -0.0 and inf: many patches take the outputs of an equal patch whose zeros have
    other signs, and every output has the plain loop's bits."""
    monkeypatch.setattr(fast, "ON_PYPY", False)
    distinct_patches, shared = fast.distinct_patches, []

    def spy(patches):
        distinct, where = distinct_patches(patches)
        shared.extend(struct.pack("<%dd" % len(p), *p) != struct.pack("<%dd" % len(p), *distinct[k])
                      for p, k in zip(patches, where))
        return distinct, where
    monkeypatch.setattr(fast, "distinct_patches", spy)
    c, o, h, w, kernel, stride, padding, bias = case
    rng = random.Random(11)
    for trial in range(6):
        values = [1.5, -0.5] + ([float("inf"), float("nan")] if trial % 2 else [])
        layer = pure.Conv2D(c, o, kernel, stride=stride, padding=padding, bias=bias, seed=trial)
        x = [[[[rng.choice(values) if rng.random() < 0.2 else rng.choice((0.0, -0.0)) for _ in range(w)]
               for _ in range(h)] for _ in range(c)] for _ in range(2)]
        layer.params["W"] = _tensor(rng, (o, c) + layer.kernel_size,
                                    (-0.0, -1.0, float("inf")) if trial >= 3 else (-1.0,), 0.3)
        plain, quick = _both(switch, lambda: _bits(layer.forward(x)))
        assert plain == quick, (case, trial)
    assert any(shared)                          # some patch did take the outputs of one with other zeros
    assert distinct_patches([(0.0, 1.0), (-0.0, 1.0), (0.0, 1.0)]) == ([(0.0, 1.0)], [0, 0, 0])


@pytest.mark.parametrize("pool", [("MaxPool2D", 2, None), ("MaxPool2D", 3, 1), ("MaxPool2D", (2, 3), (1, 2)),
                                  ("AvgPool2D", 2, None), ("AvgPool2D", 3, 2)])
@pytest.mark.parametrize("specials", SPECIALS)
def test_pools_are_the_plain_loops_with_one_memo_format(switch, pool, specials):
    rng = random.Random(7)
    for trial in range(4):
        kind, size, stride = pool
        layer = getattr(pure, kind)(size, stride=stride)
        x = _tensor(rng, (2, 2, 7, 8), specials)
        x[0][0][0][:3] = [1.0, 1.0, 1.0]                   # ties
        g = _tensor(rng, (2,) + layer.output_shape((2, 7, 8)), specials)
        plain, quick = _both(switch, lambda: _bits([layer.forward(x), layer.memory, layer.backward(g)]))
        assert plain == quick, (pool, specials, trial)


def test_a_pool_subclass_with_its_own_window_rule_takes_the_loop(switch):
    class MinPool2D(conv.MaxPool2D):
        def _pool(self, window):
            return min(window), list(window).index(min(window))
    x = [[[[1.0, 2.0], [3.0, 4.0]]]]
    plain, quick = _both(switch, lambda: MinPool2D(2).forward(x))
    assert plain == quick == [[[[1.0]]]]


# ----------------------------------------------------------------------------- recurrent


@pytest.mark.parametrize("specials", SPECIALS[:4])
def test_recurrent_layers_are_the_same_with_the_switch_on_and_off(switch, specials):
    rng = random.Random(9)
    for trial in range(3):
        x = [_tensor(rng, (t, 3), specials if trial else (0.0,), 0.4) for t in (4, 1, 3)]
        for make in (lambda: pure.RNN(3, 4, return_sequences=True, seed=trial),
                     lambda: pure.LSTM(3, 4, return_sequences=True, seed=trial)):
            layer = make()
            g = [_tensor(rng, (len(seq), 4), specials, 0.3) for seq in x]

            def run():
                y = layer.forward(x)
                dx = layer.backward(g)
                return _bits([y, dx, sorted(layer.grads.items())])
            plain, quick = _both(switch, run)
            assert plain == quick, (specials, trial)
    ids, g = [[1, 4, 1], [0]], [_tensor(rng, (3, 3), specials), _tensor(rng, (1, 3), specials)]

    def run():
        embedding = pure.Embedding(6, 3, seed=0)
        y = embedding.forward(ids)
        embedding.backward(g)
        pure.SGD(0.1).step([embedding])
        return _bits([y, embedding.grads["W"], embedding.params["W"]])
    plain, quick = _both(switch, run)
    assert plain == quick
