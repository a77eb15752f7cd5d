"""Recurrent layers on seeded random sizes, and the recurrent lessons' training runs, in both twins.

conformance/test_recurrent.py feeds RNN, LSTM, Embedding and TimeDistributed
fixed fixtures; here every size is drawn from a seed: batches of 1 to 5
sequences, each of 1 to 12 steps (so most batches are ragged), 1 to 5 input
features, 1 to 6 hidden units. For each draw:

- the twins agree on the output, the input gradient and every parameter
  gradient within the one-step policy (|p - v| <= 1e-12 + 1e-10 |v|);
- each twin's own gradcheck confirms its gradients (eps 1e-6, the suite's
  error measure with its 1e-3 floor, see tolerances.py); a ragged input is
  checked through its parameters, the rectangular ones through the input too
  (gradcheck perturbs rectangular inputs only), and a ragged many-to-many
  output is scored by CrossEntropy over its steps (gradcheck's default
  L = sum(out * R) needs a rectangular output);
- a whole model with the sequence CrossEntropy (logits (N, T, C), a target
  per step) agrees on its loss and every gradient.

And two training runs of more than 100 optimizer steps, set up like the
lessons (a per-sample SGD sentiment RNN with clipping by value; a
character-level Embedding -> LSTM -> TimeDistributed(Dense) with Adam, ragged
batches and clipping by global norm), end with final weights within the
training policy, 1e-8.
"""
import random

import numpy as np
import pytest

import pure
import vectorized
from conformance.tolerances import GRADCHECK_RTOL, compare, compare_training
from conformance.twins import TWINS, as_lists, gradcheck_worst

pytestmark = pytest.mark.skipif(not all(hasattr(nn, "LSTM") for nn in TWINS), reason="no recurrent layers yet")

SEEDS = range(8)


def draw(seed):
    """Seeded sizes and values: (lengths, n_in, n_hidden, x, grad for sequences, grad for last states)."""
    rng = random.Random(seed)
    n = rng.randint(1, 5)
    lengths = [rng.randint(1, 12) for _ in range(n)]
    n_in, n_hidden = rng.randint(1, 5), rng.randint(1, 6)

    def rows(count, width):
        return [[rng.uniform(-1.0, 1.0) for _ in range(width)] for _ in range(count)]
    x = [rows(t, n_in) for t in lengths]
    return lengths, n_in, n_hidden, x, [rows(t, n_hidden) for t in lengths], rows(n, n_hidden), rng.randrange(1 << 30)


def for_twin(nn, value):
    """Sequences as the twin takes them: lists for pure; an array, or a list of arrays when ragged."""
    if nn is pure:
        return value
    if len({len(s) for s in value}) == 1:
        return np.array(value, dtype=np.float64)
    return [np.array(s, dtype=np.float64) for s in value]


def run(nn, make, x, grad_out):
    layer = make(nn)
    results = {"forward": as_lists(layer.forward(for_twin(nn, x)))}
    grad_in = layer.backward(for_twin(nn, grad_out) if isinstance(grad_out[0][0], list) else
                             (grad_out if nn is pure else np.array(grad_out)))
    results["input grad"] = None if grad_in is None else as_lists(grad_in)
    results.update({f"grad {k}": as_lists(v) for k, v in layer.grads.items()})
    return results


def assert_twins_agree(make, x, grad_out, context):
    p, v = run(pure, make, x, grad_out), run(vectorized, make, x, grad_out)
    assert set(p) == set(v)
    for label in p:
        if p[label] is None:
            assert v[label] is None, f"{context} {label}: one twin gives None"
            continue
        c = compare(p[label], v[label])
        assert c.ok, f"{context} {label}: {c}"


@pytest.mark.parametrize("kind", ["RNN", "LSTM"])
@pytest.mark.parametrize("return_sequences", [False, True], ids=["many-to-one", "many-to-many"])
@pytest.mark.parametrize("seed", SEEDS)
def test_random_sizes_agree(kind, return_sequences, seed):
    lengths, n_in, n_hidden, x, grad_steps, grad_last, init_seed = draw(seed)

    def make(nn):
        return getattr(nn, kind)(n_in, n_hidden, return_sequences, init="uniform(-1, 1)", bias_init="uniform(-1, 1)",
                                 seed=init_seed)
    assert_twins_agree(make, x, grad_steps if return_sequences else grad_last,
                       f"{kind} lengths {lengths}, n_in {n_in}, n_hidden {n_hidden}")


@pytest.mark.parametrize("seed", SEEDS)
def test_random_sizes_agree_for_embedding_and_time_distributed(seed):
    lengths, n_in, n_hidden, x, grad_steps, _, init_seed = draw(seed)
    rng = random.Random(seed)
    ids = [[rng.randrange(7) for _ in range(t)] for t in lengths]
    p = pure.Embedding(7, n_hidden, seed=init_seed)
    v = vectorized.Embedding(7, n_hidden, seed=init_seed)
    assert compare(as_lists(p.forward(ids)), as_lists(v.forward(ids))).ok
    assert p.backward(grad_steps) is None and v.backward(for_twin(vectorized, grad_steps)) is None
    c = compare(p.grads["W"], v.grads["W"])
    assert c.ok, f"Embedding lengths {lengths}: {c}"
    assert_twins_agree(lambda nn: nn.TimeDistributed(nn.Dense(n_in, n_hidden, seed=init_seed)), x, grad_steps,
                       f"TimeDistributed lengths {lengths}")


def sequence_model(nn, n_hidden, seed):
    return nn.Sequential([nn.Embedding(6, 3, seed=seed), nn.LSTM(3, n_hidden, return_sequences=True, seed=seed + 1),
                          nn.RNN(n_hidden, 4, return_sequences=True, seed=seed + 2),
                          nn.TimeDistributed(nn.Dense(4, 6, seed=seed + 3))])


@pytest.mark.parametrize("seed", SEEDS)
def test_a_sequence_model_and_its_loss_over_every_step_agree(seed):
    lengths, _, n_hidden, _, _, _, init_seed = draw(seed)
    rng = random.Random(seed)
    ids = [[rng.randrange(6) for _ in range(t)] for t in lengths]
    targets = [[rng.randrange(6) for _ in range(t)] for t in lengths]
    results = {}
    for nn in TWINS:
        model, loss = sequence_model(nn, n_hidden, init_seed), nn.CrossEntropy()
        value = loss.forward(model.forward(ids), targets)
        model.backward(loss.backward())
        results[nn.TWIN] = {"loss": value, **{f"layer {i} {k}": as_lists(g) for i, layer in enumerate(model.layers)
                                              for k, g in layer.grads.items()}}
    for label, value in results["pure"].items():
        c = compare(value, results["vectorized"][label])
        assert c.ok, f"lengths {lengths}: {label}: {c}"


@pytest.mark.parametrize("kind", ["RNN", "LSTM"])
@pytest.mark.parametrize("return_sequences", [False, True], ids=["many-to-one", "many-to-many"])
@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
@pytest.mark.parametrize("seed", SEEDS[:4])
def test_random_sizes_pass_each_twins_gradcheck(nn, kind, return_sequences, seed):
    lengths, n_in, n_hidden, x, _, _, init_seed = draw(seed)
    layer = getattr(nn, kind)(n_in, n_hidden, return_sequences, seed=init_seed)
    rectangular = len(set(lengths)) == 1
    if return_sequences and not rectangular:
        # gradcheck's default L = sum(out * R) needs a rectangular output: score the states as logits instead
        rng = random.Random(seed)
        y, loss = [[rng.randrange(n_hidden) for _ in range(t)] for t in lengths], nn.CrossEntropy()
    else:
        y, loss = None, None
    report = nn.gradcheck(layer, for_twin(nn, x), y=y, loss=loss, check_input=rectangular, max_checks=25, seed=seed)
    assert gradcheck_worst(report) <= GRADCHECK_RTOL, f"{nn.TWIN} {kind} lengths {lengths}:\n{report}"


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
@pytest.mark.parametrize("seed", SEEDS[:4])
def test_a_sequence_model_passes_each_twins_gradcheck_with_token_ids(nn, seed):
    lengths, _, n_hidden, _, _, _, init_seed = draw(seed)
    rng = random.Random(seed)
    ids = [[rng.randrange(6) for _ in range(t)] for t in lengths]
    targets = [[rng.randrange(6) for _ in range(t)] for t in lengths]
    report = nn.gradcheck(sequence_model(nn, n_hidden, init_seed), ids, y=targets, loss=nn.CrossEntropy(),
                          check_input=False, max_checks=20, seed=seed)
    assert gradcheck_worst(report) <= GRADCHECK_RTOL, f"{nn.TWIN} lengths {lengths}:\n{report}"


# ----------------------------------------------------------------------------- training runs


def train(nn, build, x, y, optimizer, **options):
    model = build(nn)
    steps = []
    step = optimizer.step
    optimizer.step = lambda layers: (steps.append(1), step(layers))
    x = x if nn is pure or len({len(s) for s in x}) > 1 else np.array(x)
    history = model.fit(x, y, loss=nn.CrossEntropy(), optimizer=optimizer, progress=False, **options)
    weights = {f"layer {i} {k}": as_lists(v) for i, layer in enumerate(model.layers) for k, v in layer.params.items()}
    return weights, history, len(steps)


def assert_runs_agree(build, x, y, make_optimizer, **options):
    (wp, hp, sp), (wv, hv, sv) = (train(nn, build, x, y, make_optimizer(nn), **options) for nn in TWINS)
    assert sp == sv and sp >= 100, f"{sp} and {sv} optimizer steps"
    for label in wp:
        c = compare_training(wp[label], wv[label])
        assert c.ok, f"after {sp} steps, {label}: {c}"
    c = compare_training(hp["loss"], hv["loss"])
    assert c.ok, f"loss history: {c}"


def test_a_sentiment_rnn_trained_per_sample_with_clipping_ends_with_the_same_weights():
    from data import text
    train_rows, _ = text.sentiment()
    vocab = text.Vocabulary(text.words(s) for s, _ in train_rows)
    x = [text.one_hot(vocab.encode(text.words(s)), len(vocab)) for s, _ in train_rows]
    y = [label for _, label in train_rows]

    def build(nn):
        return nn.Sequential([nn.RNN(len(vocab), 16, seed=0), nn.Dense(16, 2, seed=1)])
    assert_runs_agree(build, x, y, lambda nn: nn.SGD(0.02), epochs=2, batch_size=1, seed=0, clip_value=1.0)


def test_a_character_lstm_trained_on_ragged_batches_ends_with_the_same_weights():
    from data import text
    names = text.names()[::5]
    vocab = text.Vocabulary((list(name) for name in names), specials=(".",))
    x = [[0] + vocab.encode(list(name)) for name in names]
    y = [ids[1:] + [0] for ids in x]

    def build(nn):
        return nn.Sequential([nn.Embedding(len(vocab), 8, seed=0), nn.LSTM(8, 12, return_sequences=True, seed=1),
                              nn.TimeDistributed(nn.Dense(12, len(vocab), seed=2))])
    assert_runs_agree(build, x, y, lambda nn: nn.Adam(0.01), epochs=10, batch_size=4, seed=0, clip_norm=1.0)
