"""RNN, LSTM, Embedding, TimeDistributed and sequence CrossEntropy: values by hand, full BPTT,
finite differences, variable-length batches, clipping, training, files and clear errors."""
import math
import random

import pytest

from conftest import close, tensor


def plain(x):
    """A twin's value as nested Python lists (a list of arrays too, for ragged outputs)."""
    if hasattr(x, "tolist"):
        return x.tolist()
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    return x


def near(a, b, tol):
    """Like conftest.close, for dicts of tensors and lists of them too."""
    if isinstance(a, dict):
        return isinstance(b, dict) and set(a) == set(b) and all(near(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and a and isinstance(a[0], dict):
        return len(a) == len(b) and all(near(x, y, tol) for x, y in zip(a, b))
    return close(a, b, tol)


def sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


def random_tensor(rng, dims):
    if len(dims) == 1:
        return [rng.uniform(-1.0, 1.0) for _ in range(dims[0])]
    return [random_tensor(rng, dims[1:]) for _ in range(dims[0])]


def sequences(lengths, width, seed=0):
    rng = random.Random(seed)
    return [random_tensor(rng, (length, width)) for length in lengths]


def as_input(nn, x):
    """A rectangular batch as the twin's own tensor (an array for vectorized); ragged stays a list."""
    if len({len(s) for s in x}) == 1:
        return tensor(nn, x)
    return x


# ----------------------------------------------------------------------------- worked examples


def test_rnn_two_steps_by_hand(nn):
    layer = nn.RNN(2, 2, return_sequences=True)
    layer.params["Wxh"] = tensor(nn, [[0.5, -0.25], [0.1, 0.2]])
    layer.params["Whh"] = tensor(nn, [[0.3, -0.4], [0.6, 0.1]])
    layer.params["b"] = tensor(nn, [0.05, -0.05])
    out = plain(layer.forward([[[1.0, 2.0], [0.0, -1.0]]]))
    h1 = [math.tanh(1 * 0.5 + 2 * 0.1 + 0.05), math.tanh(1 * -0.25 + 2 * 0.2 - 0.05)]
    h2 = [math.tanh(-0.1 + h1[0] * 0.3 + h1[1] * 0.6 + 0.05),       # x2 Wxh + h1 Whh + b
          math.tanh(-0.2 + h1[0] * -0.4 + h1[1] * 0.1 - 0.05)]
    assert close(out, [[h1, h2]], 1e-15)


def test_rnn_backward_is_full_bptt_not_one_step(nn):
    """Scalar RNN, L = h2. Through time, dL/dw also flows through h1: (1 - h2²)(x2 + u (1 - h1²) x1)."""
    w, u, b, x1, x2 = 0.7, -0.6, 0.1, 1.5, -0.5
    layer = nn.RNN(1, 1)
    layer.params["Wxh"], layer.params["Whh"], layer.params["b"] = (tensor(nn, [[w]]), tensor(nn, [[u]]),
                                                                   tensor(nn, [b]))
    h2 = plain(layer.forward([[[x1], [x2]]]))[0][0]
    h1 = math.tanh(w * x1 + b)
    assert abs(h2 - math.tanh(w * x2 + u * h1 + b)) < 1e-15
    grad_in = plain(layer.backward(tensor(nn, [[1.0]])))
    d2 = 1 - h2 * h2
    assert close(layer.grads["Wxh"], [[d2 * (x2 + u * (1 - h1 * h1) * x1)]], 1e-15)
    assert close(layer.grads["Whh"], [[d2 * h1]], 1e-15)
    assert close(layer.grads["b"], [d2 * (1 + u * (1 - h1 * h1))], 1e-15)
    assert close(grad_in, [[[d2 * u * (1 - h1 * h1) * w], [d2 * w]]], 1e-15)


def test_lstm_one_unit_two_steps_by_hand_gate_order_i_f_g_o(nn):
    layer = nn.LSTM(1, 1, return_sequences=True)
    wx, wh, b = [0.5, -0.3, 0.8, 0.2], [0.1, 0.4, -0.6, 0.3], [0.0, 1.0, 0.1, -0.1]   # blocks i, f, g, o
    layer.params["Wx"], layer.params["Wh"], layer.params["b"] = tensor(nn, [wx]), tensor(nn, [wh]), tensor(nn, b)
    out = plain(layer.forward([[[1.0], [-2.0]]]))
    h, c, expected = 0.0, 0.0, []
    for x in (1.0, -2.0):
        z = [x * wx[k] + h * wh[k] + b[k] for k in range(4)]
        i, f, g, o = sigmoid(z[0]), sigmoid(z[1]), math.tanh(z[2]), sigmoid(z[3])
        c = f * c + i * g
        h = o * math.tanh(c)
        expected.append([h])
    assert close(out, [expected], 1e-15)


def test_lstm_forget_bias_starts_at_one_and_can_be_changed(nn):
    assert plain(nn.LSTM(3, 2, seed=0).params["b"]) == [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    assert plain(nn.LSTM(3, 2, forget_bias=0.0, seed=0).params["b"]) == [0.0] * 8


def test_initial_weights_follow_the_drawing_protocol(nn):
    rng = random.Random(5)
    xavier = nn.init.get("xavier")
    wxh, whh = xavier((3, 4), 3, 4, rng), xavier((4, 4), 4, 4, rng)
    layer = nn.RNN(3, 4, seed=5)
    assert plain(layer.params["Wxh"]) == wxh and plain(layer.params["Whh"]) == whh
    assert plain(layer.params["b"]) == [0.0] * 4
    rng = random.Random(5)
    wx, wh = xavier((3, 8), 3, 2, rng), xavier((2, 8), 2, 2, rng)
    lstm = nn.LSTM(3, 2, seed=5)
    assert plain(lstm.params["Wx"]) == wx and plain(lstm.params["Wh"]) == wh
    embedding = nn.Embedding(5, 3, seed=5)
    assert plain(embedding.params["W"]) == nn.init.get("normal(1.0)")((5, 3), 5, 3, random.Random(5))
    shared = random.Random(9)
    a, b = nn.RNN(2, 3, rng=shared), nn.RNN(2, 3, rng=shared)
    assert plain(a.params["Wxh"]) != plain(b.params["Wxh"])       # one generator, drawn in turn


def test_rnn_init_options(nn):
    layer = nn.RNN(3, 2, init="zeros", recurrent_init="uniform(0.5, 0.5)", bias_init="uniform(0.25, 0.25)")
    assert plain(layer.params["Wxh"]) == [[0.0, 0.0]] * 3
    assert plain(layer.params["Whh"]) == [[0.5, 0.5]] * 2 and plain(layer.params["b"]) == [0.25, 0.25]


def test_embedding_picks_rows_and_adds_up_repeated_tokens(nn):
    layer = nn.Embedding(4, 2)
    layer.params["W"] = tensor(nn, [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]])
    assert plain(layer.forward([[1, 3, 1], [0, 0, 2]])) == [[[2.0, 3.0], [6.0, 7.0], [2.0, 3.0]],
                                                           [[0.0, 1.0], [0.0, 1.0], [4.0, 5.0]]]
    grad = tensor(nn, [[[1.0, 1.0], [2.0, 2.0], [10.0, 10.0]], [[0.5, 0.5], [0.25, 0.25], [3.0, 3.0]]])
    assert layer.backward(grad) is None                          # no gradient for integer ids
    assert plain(layer.grads["W"]) == [[0.75, 0.75], [11.0, 11.0], [3.0, 3.0], [2.0, 2.0]]


def test_embedding_equals_one_hot_times_W_into_an_lstm(nn):
    ids = [[2, 0, 1, 2], [1, 1, 0, 2]]
    embedding = nn.Embedding(3, 3)
    embedding.params["W"] = tensor(nn, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    one_hot = [[[1.0 if k == token else 0.0 for k in range(3)] for token in seq] for seq in ids]
    a, b = nn.LSTM(3, 4, seed=1), nn.LSTM(3, 4, seed=1)
    assert close(a.forward(embedding.forward(ids)), b.forward(tensor(nn, one_hot)), 1e-15)


def test_embedding_accepts_integer_valued_floats(nn):
    layer = nn.Embedding(3, 2, seed=0)
    assert plain(layer.forward([[2.0, 0.0]])) == plain(layer.forward([[2, 0]]))


# ----------------------------------------------------------------------------- finite differences


@pytest.mark.parametrize("kind", ["RNN", "LSTM"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_recurrent_gradients_match_finite_differences(nn, kind, return_sequences):
    layer = getattr(nn, kind)(3, 4, return_sequences=return_sequences, seed=3)
    report = nn.gradcheck(layer, tensor(nn, sequences([5, 5], 3, seed=1)), max_checks=30)
    assert report.ok(1e-6), str(report)
    assert set(report.relative) == {f"{kind} {name}" for name in layer.params} | {"input"}


def test_sequence_model_gradients_match_finite_differences(nn):
    ids = [[0, 3, 2, 4], [1, 2], [4, 4, 0]]              # three lengths in one batch
    targets = [[3, 2, 4, 0], [2, 0], [4, 0, 1]]
    model = nn.Sequential([nn.Embedding(5, 3, seed=0), nn.LSTM(3, 4, return_sequences=True, seed=1),
                           nn.RNN(4, 3, return_sequences=True, seed=2), nn.TimeDistributed(nn.Dense(3, 5, seed=3))])
    report = nn.gradcheck(model, ids, y=targets, loss=nn.CrossEntropy(), check_input=False, max_checks=30)
    assert report.worst() < 1e-5 and max(report.absolute.values()) < 1e-9, str(report)


# ----------------------------------------------------------------------------- variable lengths


def run_alone_and_batched(nn, make_layer, x, grad_out):
    """Forward/backward the ragged batch x, then each sequence alone; returns both results."""
    layer = make_layer()
    batch = (plain(layer.forward(x)), plain(layer.backward(grad_out)),
             {k: plain(v) for k, v in layer.grads.items()})
    alone = []
    for n in range(len(x)):
        out = plain(layer.forward(as_input(nn, [x[n]])))
        g = layer.backward(tensor(nn, [grad_out[n]]) if nn.TWIN == "vectorized" and not isinstance(grad_out, list)
                           else [grad_out[n]])
        alone.append((out[0], plain(g)[0] if g is not None else None, {k: plain(v) for k, v in layer.grads.items()}))
    return batch, alone


def summed(grads_list):
    total = grads_list[0]
    for grads in grads_list[1:]:
        total = {k: _add(total[k], grads[k]) for k in total}
    return total


def _add(a, b):
    if isinstance(a, list):
        return [_add(p, q) for p, q in zip(a, b)]
    return a + b


@pytest.mark.parametrize("kind", ["RNN", "LSTM"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_a_ragged_batch_gives_what_each_sequence_gives_alone(nn, kind, return_sequences):
    lengths = [4, 1, 7, 3]
    x = sequences(lengths, 3, seed=2)
    rng = random.Random(4)
    grad_out = [random_tensor(rng, (n, 5)) for n in lengths] if return_sequences else random_tensor(rng, (4, 5))
    batch, alone = run_alone_and_batched(nn, lambda: getattr(nn, kind)(3, 5, return_sequences, seed=0),
                                         x, grad_out if return_sequences else tensor(nn, grad_out))
    out, grad_in, grads = batch
    assert [len(s) for s in grad_in] == lengths
    for n, (out_n, grad_in_n, _) in enumerate(alone):
        assert close(out[n], out_n, 1e-14)
        assert close(grad_in[n], grad_in_n, 1e-14)
    # the batch's parameter gradients are the sums of the sequences' own
    assert near(grads, summed([g for _, _, g in alone]), 1e-13)
    if return_sequences:
        assert [len(s) for s in out] == lengths


def test_a_ragged_batch_through_embedding_lstm_and_loss(nn):
    ids = [[1, 2, 3, 4, 0], [2], [3, 3, 1]]
    targets = [[2, 3, 4, 0, 1], [0], [3, 1, 2]]
    model = nn.Sequential([nn.Embedding(5, 4, seed=0), nn.LSTM(4, 6, return_sequences=True, seed=1),
                           nn.TimeDistributed(nn.Dense(6, 5, seed=2))])
    loss = nn.CrossEntropy()
    value = loss.forward(model.forward(ids), targets)
    model.backward(loss.backward())
    grads = [{k: plain(v) for k, v in layer.grads.items()} for layer in model.layers]
    values, total = 0.0, None
    for seq, tgt in zip(ids, targets):
        v = loss.forward(model.forward([seq]), [tgt])
        model.backward(loss.backward())
        weight = len(seq) / 9                         # the batch loss is the mean over its 9 steps
        values += v * weight
        alone = [{k: _scale(plain(g), weight) for k, g in layer.grads.items()} for layer in model.layers]
        total = alone if total is None else [{k: _add(t[k], a[k]) for k in t} for t, a in zip(total, alone)]
    assert abs(value - values) < 1e-14
    assert near(grads, total, 1e-14)


def _scale(a, s):
    if isinstance(a, list):
        return [_scale(v, s) for v in a]
    return a * s


def test_many_to_one_returns_each_sequences_own_last_state(nn):
    layer = nn.RNN(2, 3, seed=0, return_sequences=True)
    x = sequences([2, 5], 2, seed=3)
    states = plain(layer.forward(x))
    last = plain(nn.RNN(2, 3, seed=0).forward(x))
    assert close(last, [states[0][1], states[1][4]], 1e-15)


# ----------------------------------------------------------------------------- sequence losses, TimeDistributed


def test_cross_entropy_over_steps_is_the_mean_over_all_steps(nn):
    rng = random.Random(0)
    logits = [random_tensor(rng, (3, 4)), random_tensor(rng, (1, 4))]
    targets = [[0, 3, 1], [2]]
    loss = nn.CrossEntropy()
    value = loss.forward(logits, targets)
    grad = plain(loss.backward())
    flat = nn.CrossEntropy()
    assert abs(value - flat.forward(logits[0] + logits[1], [0, 3, 1, 2])) < 1e-15
    flat_grad = plain(flat.backward())
    assert close(grad, [flat_grad[:3], flat_grad[3:]], 1e-15)
    square = nn.CrossEntropy()
    value = square.forward(tensor(nn, [logits[0], logits[0]]), [[0, 3, 1], [1, 1, 1]])
    assert len(plain(square.backward())) == 2 and math.isfinite(value)


def test_cross_entropy_keeps_its_batch_behaviour(nn):
    loss = nn.CrossEntropy()
    assert loss.forward([[0.0, 0.0]], [1]) == math.log(2)
    assert plain(loss.backward()) == [[0.5, -0.5]]


def test_time_distributed_dense_is_dense_at_every_step_with_shared_weights(nn):
    inner = nn.Dense(3, 2, seed=0)
    layer = nn.TimeDistributed(inner)
    x = sequences([2, 3], 3, seed=1)
    out = plain(layer.forward(x))
    for seq, out_seq in zip(x, out):
        assert close(out_seq, inner.forward(seq), 1e-15)
    layer.params["b"] = tensor(nn, [10.0, -10.0])              # the wrapped layer's own dict
    assert close(inner.params["b"], [10.0, -10.0], 0)
    rng = random.Random(2)
    grad_out = [random_tensor(rng, (2, 2)), random_tensor(rng, (3, 2))]
    layer.forward(x)
    grad_in = plain(layer.backward(grad_out))
    assert [len(g) for g in grad_in] == [2, 3]
    assert layer.grads is inner.grads and len(plain(inner.grads["W"])) == 3
    assert repr(layer) == "TimeDistributed(Dense(3, 2))"


# ----------------------------------------------------------------------------- clipping, optimizers, training


def sequence_model(nn):
    return nn.Sequential([nn.Embedding(6, 4, seed=0), nn.LSTM(4, 5, return_sequences=True, seed=1),
                          nn.RNN(5, 5, seed=2), nn.Dense(5, 2, seed=3)])


@pytest.mark.parametrize("make_optimizer", [lambda nn: nn.SGD(0.1), lambda nn: nn.SGD(0.1, momentum=0.9),
                                            lambda nn: nn.SGD(0.1, weight_decay=0.01), lambda nn: nn.Adam(0.01)],
                         ids=["sgd", "momentum", "weight_decay", "adam"])
def test_clipping_and_every_optimizer_work_on_recurrent_parameters(nn, make_optimizer):
    model = sequence_model(nn)
    optimizer = make_optimizer(nn)
    loss = nn.CrossEntropy()
    for _ in range(2):
        loss.forward(model.forward([[1, 2, 3], [4, 5]]), [0, 1])
        model.backward(loss.backward(), need_input_grad=False)
        nn.clip_grads_by_value(model.layers, 0.01)
        flat = [abs(v) for layer in model.layers for g in layer.grads.values() for v in _flatten(plain(g))]
        assert max(flat) <= 0.01
        before = nn.clip_grads_by_norm(model.layers, 0.005)
        after = math.sqrt(sum(v * v for layer in model.layers for g in layer.grads.values()
                              for v in _flatten(plain(g))))
        assert before > 0.005 and after <= 0.005 + 1e-12
        old = [{k: plain(v) for k, v in layer.params.items()} for layer in model.layers]
        optimizer.step(model.layers)
        for layer, params in zip(model.layers, old):
            for name, value in params.items():
                new = plain(layer.params[name])
                assert len(new) == len(value) and new != value


def _flatten(x):
    if isinstance(x, list):
        return [v for item in x for v in _flatten(item)]
    return [x]


def test_fit_on_ragged_sentences_with_clipping(nn):
    sentences = [[1, 2, 3], [1, 4], [2, 3, 3, 3, 1], [4], [0, 4, 2], [3, 1]]
    labels = [1, 0, 1, 0, 1, 0]
    model = nn.Sequential([nn.Embedding(5, 4, seed=0), nn.RNN(4, 8, seed=1), nn.Dense(8, 2, seed=2)])
    history = model.fit(sentences, labels, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.2), epochs=30,
                        batch_size=4, seed=0, clip_value=1.0, clip_norm=5.0, progress=False)
    assert history["loss"][-1] < history["loss"][0] / 3
    assert history["accuracy"][-1] == 1.0
    assert model.evaluate(sentences, labels)["accuracy"] == 1.0
    assert len(plain(model.predict(sentences, batch_size=4))) == 6


def test_fit_a_character_model_with_targets_at_every_step(nn):
    words = ["abc", "abd", "bca", "cab", "dab"]
    ids = [[0] + [1 + "abcd".index(ch) for ch in word] for word in words]
    targets = [seq[1:] + [0] for seq in ids]
    model = nn.Sequential([nn.Embedding(5, 4, seed=0), nn.LSTM(4, 8, return_sequences=True, seed=1),
                           nn.TimeDistributed(nn.Dense(8, 5, seed=2))])
    history = model.fit(ids, targets, loss=nn.CrossEntropy(), optimizer=nn.Adam(0.05), epochs=40,
                        batch_size=2, seed=0, clip_norm=1.0, progress=False)
    assert "accuracy" not in history                 # one class per step: no per-example accuracy
    assert history["loss"][-1] < 0.6 * history["loss"][0]
    assert model.evaluate(ids, targets)["loss"] == pytest.approx(history["loss"][-1], rel=0.3)


# ----------------------------------------------------------------------------- files


def test_recurrent_models_save_and_load(nn, tmp_path):
    model = nn.Sequential([nn.Embedding(6, 3, seed=0), nn.LSTM(3, 4, return_sequences=True, seed=1),
                           nn.RNN(4, 4, return_sequences=True, seed=2), nn.TimeDistributed(nn.Dense(4, 6, seed=3))])
    nn.save(model, tmp_path / "m.json")
    again = nn.load(tmp_path / "m.json")
    assert repr(again) == repr(model)
    ids = [[1, 2, 3], [5, 0, 4]]
    assert plain(again.forward(ids)) == plain(model.forward(ids))
    many_to_one = nn.Sequential([nn.RNN(2, 3, seed=0), nn.Dense(3, 1, seed=1)])
    nn.save(many_to_one, tmp_path / "r.json")
    x = sequences([3, 3], 2)
    assert plain(nn.load(tmp_path / "r.json").predict(tensor(nn, x))) == plain(many_to_one.predict(tensor(nn, x)))


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("make, x, message", [
    (lambda nn: nn.RNN(3, 2), [[1.0, 2.0, 3.0]], r"RNN\(3, 2\).*sequences \(N, T, features\)"),
    (lambda nn: nn.RNN(3, 2), [[0, 1, 2]], "Embedding first"),
    (lambda nn: nn.LSTM(3, 2), [[[1.0, 2.0]]], r"LSTM\(3, 2\): expected 3 features per step.* has 2"),
    (lambda nn: nn.LSTM(3, 2), [[[1.0, 2.0, 3.0]], [[1.0, 2.0]]], "expected 3 features per step"),
    (lambda nn: nn.RNN(1, 2), [[[1.0]], []], "sequence 1 is empty"),
    (lambda nn: nn.RNN(1, 2), [], "non-empty batch"),
    (lambda nn: nn.RNN(1, 2), [[[[1.0]]]], "rank 4"),
    (lambda nn: nn.Embedding(5, 2), [[1, 7]], r"Embedding\(5, 2\): token id 7 at sequence 0 step 1 is outside "
                                              r"the vocabulary 0\.\.4"),
    (lambda nn: nn.Embedding(5, 2), [[1], [2, -1]], "token id -1 at sequence 1 step 1"),
    (lambda nn: nn.Embedding(5, 2), [[1.5, 2]], "token ids must be integers"),
    (lambda nn: nn.Embedding(5, 2), [[[1.0, 0.0]]], "one-hot"),
    (lambda nn: nn.Embedding(5, 2), [[1, 2], []], "sequence 1 is empty"),
    (lambda nn: nn.TimeDistributed(nn.Dense(2, 1)), [[1.0, 2.0]], "TimeDistributed"),
])
def test_bad_sequences_give_clear_errors(nn, make, x, message):
    with pytest.raises(ValueError, match=message):
        make(nn).forward(x)


@pytest.mark.parametrize("kind", ["RNN", "LSTM"])
def test_grad_out_of_the_wrong_lengths_is_refused(nn, kind):
    layer = getattr(nn, kind)(2, 3, return_sequences=True, seed=0)
    layer.forward(sequences([2, 4], 2))
    with pytest.raises(ValueError, match=kind):
        layer.backward([[[0.0] * 3] * 2, [[0.0] * 3] * 3])
    many_to_one = getattr(nn, kind)(2, 3, seed=0)
    many_to_one.forward(sequences([2, 4], 2))
    with pytest.raises(ValueError, match=r"grad_out of shape \(2, 3\)"):
        many_to_one.backward(tensor(nn, [[0.0] * 3]))


def test_cross_entropy_refuses_targets_of_other_lengths(nn):
    logits = [[[0.0, 1.0], [1.0, 0.0]], [[0.5, 0.5]]]
    with pytest.raises(ValueError, match="sequence 1 has 1 steps of logits but 2 targets"):
        nn.CrossEntropy().forward(logits, [[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="2 sequences of logits need 2 sequences of targets"):
        nn.CrossEntropy().forward(logits, [[0, 1]])


@pytest.mark.parametrize("layers, message", [
    (lambda nn: [nn.Dense(4, 3), nn.RNN(3, 2)], r"layer 1: RNN\(3, 2\): expects sequences"),
    (lambda nn: [nn.RNN(4, 3), nn.LSTM(3, 2)], r"layer 1: LSTM\(3, 2\): expects sequences"),
    (lambda nn: [nn.RNN(4, 3, return_sequences=True), nn.Flatten(), nn.Embedding(3, 2)], None),
])
def test_sequential_checks_recurrent_neighbours_when_built(nn, layers, message):
    if message is None:
        nn.Sequential(layers(nn))           # unknown lengths: nothing to refuse when built
        return
    with pytest.raises(ValueError, match=message):
        nn.Sequential(layers(nn))


@pytest.mark.parametrize("make", [lambda nn: nn.RNN(0, 3), lambda nn: nn.LSTM(3, 2.5),
                                  lambda nn: nn.Embedding(-1, 2), lambda nn: nn.TimeDistributed(nn.RNN(2, 2))])
def test_bad_sizes_are_refused(nn, make):
    with pytest.raises(ValueError):
        make(nn)


def test_layers_explain_themselves(nn):
    assert repr(nn.RNN(24, 64)) == "RNN(24, 64)"
    assert repr(nn.LSTM(16, 32, return_sequences=True)) == "LSTM(16, 32, return_sequences=True)"
    assert repr(nn.Embedding(27, 16)) == "Embedding(27, 16)"
    model = nn.Sequential([nn.Embedding(27, 16), nn.LSTM(16, 32), nn.Dense(32, 2)])
    assert f"{16 * 128 + 32 * 128 + 128 + 27 * 16 + 66:,} parameters" in model.summary()


# ----------------------------------------------------------------------------- the lessons, quick


@pytest.mark.parametrize("name", ["sentiment_rnn", "char_lstm"])
def test_recurrent_lessons_run_quickly_on_both_twins(nn, name):
    import importlib
    lesson = importlib.import_module(f"lessons.{name}")
    result = lesson.run(nn, quick=True)
    assert result.checks and result.ok, str(result)


def test_lesson_command_line(capsys):
    pytest.importorskip("numpy")
    from lessons import char_lstm
    assert char_lstm.main(["--backend", "vectorized", "--quick"]) == 0
    out = capsys.readouterr().out
    assert "char-lstm" in out and "temperature 0.5" in out and "[ok]" in out
