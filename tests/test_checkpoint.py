"""Checkpoints: fit(checkpoint=..., checkpoint_every=..., resume=...).

A run that is interrupted and resumed ends with exactly the weights of one that
never was (bit for bit: the same float values, in both twins); a damaged or
mismatched checkpoint is refused before anything changes; and killing the
process while it saves (SIGKILL, many times) always leaves a checkpoint that loads.

TWINNET_SLOW=1 runs many more kill trials (see KILL_TRIALS).
"""
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

import data
from conftest import ROOT, to_list

SLOW = os.environ.get("TWINNET_SLOW") == "1"


def weights(model):
    return [{name: to_list(p) for name, p in layer.params.items()} for layer in model.layers]


def moons():
    X, y = data.moons(120, noise=0.2, seed=0)
    return X[:100], y[:100], (X[100:], y[100:])


def make_model(nn):
    return nn.Sequential([nn.Dense(2, 12, seed=0), nn.Tanh(), nn.Dropout(0.25, seed=7),
                          nn.Dense(12, 12, seed=1), nn.ReLU(), nn.Dense(12, 2, seed=2)])


OPTIMIZERS = {
    "sgd": lambda nn: nn.SGD(0.1),
    "momentum": lambda nn: nn.SGD(0.05, momentum=0.9, weight_decay=1e-4),
    "adam": lambda nn: nn.Adam(0.01),
}


def train(nn, optimizer, epochs, **options):
    X, y, val = moons()
    model = make_model(nn)
    history = model.fit(X, y, loss=nn.CrossEntropy(), optimizer=optimizer, epochs=epochs, batch_size=16,
                        seed=5, validation_data=val, progress=False, **options)
    return model, history


@pytest.mark.parametrize("kind", sorted(OPTIMIZERS))
@pytest.mark.parametrize("stop_after", [1, 3, 5])
def test_interrupted_and_resumed_run_ends_bit_for_bit_like_an_uninterrupted_one(nn, tmp_path, kind, stop_after):
    make = OPTIMIZERS[kind]
    reference, reference_history = train(nn, make(nn), 6, lr_plateau=1)
    path = tmp_path / "run.ckpt.json"

    def interrupt(epoch, history):             # a run killed after `stop_after` epochs
        if epoch == stop_after:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        train(nn, make(nn), 6, lr_plateau=1, checkpoint=path, callback=interrupt)
    assert json.loads(path.read_text())["epoch"] == stop_after - 1 if stop_after > 1 else not path.exists()
    resumed, history = train(nn, make(nn), 6, lr_plateau=1, checkpoint=path, resume=True)
    assert weights(resumed) == weights(reference)                  # exact equality of every float
    assert history == reference_history
    assert json.loads(path.read_text())["epoch"] == 6


def test_resume_keeps_the_learning_rate_a_callback_changed(nn, tmp_path):
    def run(epochs, **options):
        optimizer = nn.SGD(0.2, momentum=0.9)

        def decay(epoch, history):
            optimizer.lr *= 0.5
        model, history = train(nn, optimizer, epochs, callback=decay, **options)
        return model, history, optimizer
    reference, _, ref_opt = run(5)
    path = tmp_path / "c.json"
    run(2, checkpoint=path)
    resumed, history, optimizer = run(5, checkpoint=path, resume=True)
    assert weights(resumed) == weights(reference) and optimizer.lr == ref_opt.lr == 0.2 * 0.5 ** 5
    assert history["lr"] == [0.2, 0.1, 0.05, 0.025, 0.0125]


def test_early_stopping_state_and_best_weights_survive_a_resume(nn, tmp_path):
    X, y = data.moons(100, noise=0.05, seed=0)
    flipped = [1 - t for t in y]                # val_loss gets worse as training goes on

    def run(epochs, **options):
        model = nn.Sequential([nn.Dense(2, 8, seed=0), nn.Tanh(), nn.Dense(8, 2, seed=1)])
        history = model.fit(X, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.5), epochs=epochs, batch_size=10,
                            validation_data=(X, flipped), early_stopping=3, seed=0, progress=False, **options)
        return model, history
    reference, reference_history = run(50)
    stopped = reference_history["stopped_epoch"][0]
    path = tmp_path / "c.json"
    run(stopped - 1, checkpoint=path)           # interrupted one epoch before early stopping fires
    resumed, history = run(50, checkpoint=path, resume=True)
    assert history == reference_history and weights(resumed) == weights(reference)
    again, history = run(50, checkpoint=path, resume=True)     # a stopped run stays stopped
    assert history == reference_history and weights(again) == weights(reference)


def test_checkpoint_every_n_epochs_and_after_the_last(nn, tmp_path):
    path = tmp_path / "c.json"
    seen = []
    train(nn, nn.SGD(0.1), 7, checkpoint=path, checkpoint_every=3,
          callback=lambda epoch, h: seen.append(json.loads(path.read_text())["epoch"] if path.exists() else 0))
    assert seen == [0, 0, 0, 3, 3, 3, 6]        # the callback runs before that epoch's save
    assert json.loads(path.read_text())["epoch"] == 7


def test_resume_true_without_a_file_starts_afresh(nn, tmp_path):
    reference, _ = train(nn, nn.Adam(0.01), 3)
    model, _ = train(nn, nn.Adam(0.01), 3, checkpoint=tmp_path / "new.json", resume=True)
    assert weights(model) == weights(reference)
    assert (tmp_path / "new.json").exists()


def test_resume_from_a_path_continues_without_writing(nn, tmp_path):
    path = tmp_path / "c.json"
    train(nn, nn.Adam(0.01), 2, checkpoint=path)
    before = path.read_bytes()
    reference, _ = train(nn, nn.Adam(0.01), 4)
    model, _ = train(nn, nn.Adam(0.01), 4, resume=str(path))
    assert weights(model) == weights(reference) and path.read_bytes() == before
    with pytest.raises(nn.ModelFileError, match="cannot read checkpoint"):
        train(nn, nn.Adam(0.01), 4, resume=str(tmp_path / "missing.json"))
    with pytest.raises(ValueError, match="give checkpoint="):
        train(nn, nn.Adam(0.01), 4, resume=True)


def test_a_checkpoint_from_one_twin_resumes_in_the_other(tmp_path):
    pytest.importorskip("numpy")
    import pure
    import vectorized
    path = tmp_path / "c.json"
    train(pure, pure.Adam(0.01), 3, checkpoint=path)
    reference, _ = train(vectorized, vectorized.Adam(0.01), 6)
    resumed, _ = train(vectorized, vectorized.Adam(0.01), 6, checkpoint=path, resume=True)
    for a, b in zip(weights(resumed), weights(reference)):
        for name in a:
            flat_a, flat_b = sum(a[name], []) if isinstance(a[name][0], list) else a[name], \
                sum(b[name], []) if isinstance(b[name][0], list) else b[name]
            assert all(abs(u - v) <= 1e-8 for u, v in zip(flat_a, flat_b))


@pytest.mark.parametrize("change, message", [
    (dict(batch_size=8), "batch size 16"),
    (dict(n=90), "training examples 100"),
    (dict(optimizer="sgd"), "not SGD"),
    (dict(optimizer="adam-beta"), "hyperparameters"),
    (dict(model="wider"), "layer 0 is Dense"),
])
def test_resuming_another_run_is_refused_and_changes_nothing(nn, tmp_path, change, message):
    path = tmp_path / "c.json"
    train(nn, nn.Adam(0.01), 2, checkpoint=path)
    X, y, val = moons()
    n = change.get("n", 100)
    model = make_model(nn)
    if change.get("model") == "wider":
        model = nn.Sequential([nn.Dense(2, 13, seed=0), nn.Tanh(), nn.Dropout(0.25, seed=7),
                               nn.Dense(13, 12, seed=1), nn.ReLU(), nn.Dense(12, 2, seed=2)])
    optimizer = {"sgd": nn.SGD(0.01), "adam-beta": nn.Adam(0.01, beta1=0.8)}.get(change.get("optimizer"),
                                                                                 nn.Adam(0.01))
    before = weights(model)
    with pytest.raises(nn.ModelFileError, match=message):
        model.fit(X[:n], y[:n], loss=nn.CrossEntropy(), optimizer=optimizer, epochs=4, validation_data=val,
                  batch_size=change.get("batch_size", 16), seed=5, progress=False, checkpoint=path, resume=True)
    assert weights(model) == before and optimizer.state == {}


@pytest.mark.parametrize("mangle", [
    lambda t: t[: len(t) // 2],
    lambda t: t.replace('"format":"twinnet-checkpoint"', '"format":"twinnet-model"'),
    lambda t: t.replace('"version":1', '"version":99', 1),
    lambda t: t.replace('"order":[', '"order":[0,', 1),
    lambda t: t.replace('"rng":[3,[', '"rng":[3,[1,', 1),
    lambda t: t.replace('"epoch":2', '"epoch":-1', 1),
    lambda t: t.replace('"type":"Adam"', '"type":"Pickle"', 1),
])
def test_a_damaged_checkpoint_is_refused_with_a_clear_error(nn, tmp_path, mangle):
    path = tmp_path / "c.json"
    train(nn, nn.Adam(0.01), 2, checkpoint=path)
    path.write_text(mangle(path.read_text()))
    model = make_model(nn)
    before = weights(model)
    X, y, _ = moons()
    with pytest.raises(nn.ModelFileError) as e:
        model.fit(X, y, loss=nn.CrossEntropy(), optimizer=nn.Adam(0.01), epochs=4, batch_size=16, seed=5,
                  progress=False, checkpoint=path, resume=True)
    assert "c.json" in str(e.value)
    assert weights(model) == before


def test_resuming_without_the_validation_data_of_the_run_is_refused(nn, tmp_path):
    path = tmp_path / "c.json"
    train(nn, nn.Adam(0.01), 2, checkpoint=path)
    X, y, _ = moons()
    with pytest.raises(nn.ModelFileError, match="resume with the same validation_data"):
        make_model(nn).fit(X, y, loss=nn.CrossEntropy(), optimizer=nn.Adam(0.01), epochs=4, batch_size=16, seed=5,
                           progress=False, checkpoint=path, resume=True)


def test_the_model_inside_a_checkpoint_loads(nn, tmp_path):
    path = tmp_path / "c.json"
    model, _ = train(nn, nn.Adam(0.01), 2, checkpoint=path)
    assert weights(nn.io.load_checkpoint(path)) == weights(model)


# ---------------------------------------------------------------- SIGKILL while saving

# The write that must be atomic is shared (pure.modelfile.atomic_write_text); the numpy twin only adds startup time.
KILL_TRIALS = {"pure": 300 if SLOW else 32, "vectorized": 300 if SLOW else 12}
WIDTH = 96

WORKER = r"""
import sys
twin, path, epochs, width = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
nn = __import__(twin)
import data
X, y = data.moons(8, noise=0.1, seed=0)
model = nn.Sequential([nn.Dense(2, width, seed=0), nn.Tanh(), nn.Dropout(0.1, seed=3),
                       nn.Dense(width, width, seed=1), nn.ReLU(), nn.Dense(width, 2, seed=2)])
model.fit(X, y, loss=nn.CrossEntropy(), optimizer=nn.Adam(0.001), epochs=epochs, batch_size=4, seed=1,
          progress=False, verbose=True, checkpoint=path, resume=True)
if len(sys.argv) > 5:
    nn.save(model, sys.argv[5])
"""


def run_worker(twin, path, epochs, out=None):
    args = [sys.executable, "-c", WORKER, twin, str(path), str(epochs), str(WIDTH)] + ([str(out)] if out else [])
    return subprocess.Popen(args, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)


def finish(worker, timeout):
    code = worker.wait(timeout)
    worker.stdout.close()
    return code


def epoch_lines(worker):
    """Yield (epoch number, time) for each "epoch k/n" line the worker prints (just before it saves)."""
    for line in worker.stdout:
        if line.startswith("epoch "):
            yield int(line.split()[1].split("/")[0]), time.perf_counter()


def kill_trials(nn, tmp_path, trials, seed=0):
    """Kill the worker at random moments while it saves; after each kill the checkpoint must load.

    The worker prints "epoch k/n" when an epoch ends, right before it saves. We wait a
    random time from 0 to one epoch-and-save after such a line, then SIGKILL. If the
    checkpoint still says epoch k-1 afterwards, the kill landed inside the save of
    epoch k; if a temporary file was left, it landed while the file was being written.
    Returns (trials, kills inside a save, kills while writing, epoch reached, seconds)."""
    checkpoint = __import__(f"{nn.TWIN}.checkpoint", fromlist=["restore_training"])
    path = tmp_path / "run.ckpt.json"
    rng = random.Random(seed)
    started = time.perf_counter()
    first = run_worker(nn.TWIN, path, 4)                  # a clean checkpoint, and how long a save takes
    times = [t for _, t in epoch_lines(first)]
    assert finish(first, 120) == 0
    window = max(0.005, max(b - a for a, b in zip(times, times[1:])))
    in_save = mid_write = 0
    last_epoch = json.loads(path.read_text())["epoch"]
    for _ in range(trials):
        worker = run_worker(nn.TWIN, path, 10**6)
        lines = epoch_lines(worker)
        for _ in range(1 + rng.randrange(2)):
            seen, _ = next(lines)
        time.sleep(rng.uniform(0, window))
        worker.send_signal(signal.SIGKILL)
        finish(worker, 60)
        mid_write += any(f.endswith(".tmp") for f in os.listdir(tmp_path))
        saved = checkpoint.read_checkpoint(path)          # the previous checkpoint, or the new one: whole
        in_save += saved["epoch"] < seen
        assert saved["epoch"] >= last_epoch
        last_epoch = saved["epoch"]
        model = nn.Sequential([nn.Dense(2, WIDTH), nn.Tanh(), nn.Dropout(0.1), nn.Dense(WIDTH, WIDTH), nn.ReLU(),
                               nn.Dense(WIDTH, 2)])
        checkpoint.restore_training(path, model, nn.Adam(0.001), 8, 4, True, random.Random())
    return trials, in_save, mid_write, last_epoch, time.perf_counter() - started


def test_sigkill_while_saving_always_leaves_a_loadable_checkpoint_and_resume_is_exact(nn, tmp_path):
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("needs SIGKILL")
    trials, in_save, mid_write, epoch, seconds = kill_trials(nn, tmp_path, KILL_TRIALS[nn.TWIN])
    print(f"\n{nn.TWIN}: {trials} SIGKILL trials in {seconds:.1f}s, every one left a loadable checkpoint; "
          f"{in_save} killed a save before it completed, {mid_write} of them while the temporary file was "
          f"being written; reached epoch {epoch}")
    # Finish the run (resume once more, no kill) and compare with a run never interrupted.
    final = epoch + 2
    assert finish(run_worker(nn.TWIN, tmp_path / "run.ckpt.json", final, tmp_path / "resumed.json"), 300) == 0
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]      # resume cleans leftovers
    assert finish(run_worker(nn.TWIN, tmp_path / "straight.ckpt.json", final, tmp_path / "straight.json"), 600) == 0
    resumed = json.loads((tmp_path / "resumed.json").read_text())["layers"]
    uninterrupted = json.loads((tmp_path / "straight.json").read_text())["layers"]
    assert resumed == uninterrupted                       # bit for bit, after all those kills
    assert in_save > 0, "no kill landed inside a save: the test is not testing anything"


def test_a_float32_run_resumes_exactly_in_float32(tmp_path):
    np = pytest.importorskip("numpy")
    import vectorized as nn
    X, y, _ = moons()
    X = np.asarray(X, dtype=np.float32)

    def run(epochs, **options):
        model = nn.Sequential([nn.Dense(2, 8, seed=0), nn.Tanh(), nn.Dense(8, 2, seed=1)]).astype(np.float32)
        model.fit(X, y, nn.CrossEntropy(), nn.Adam(0.01), epochs=epochs, batch_size=16, seed=0, progress=False,
                  **options)
        return model
    reference = run(4)
    run(2, checkpoint=tmp_path / "c.json")
    resumed = run(4, checkpoint=tmp_path / "c.json", resume=True)
    for a, b in zip(reference.layers, resumed.layers):
        for name in a.params:
            assert b.params[name].dtype == np.float32 and np.array_equal(a.params[name], b.params[name])
