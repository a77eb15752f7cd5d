"""Whole training runs: the same seed gives the same run in both twins.

Each run in components.FITS trains a fresh model in each twin for 100+
optimizer steps, with shuffling (seeded), a Dropout layer (seeded), and the
options under test (momentum, Adam, clipping, validation data with early
stopping and learning-rate halving; LSTM, RNN and CNN models when the twins
have those layers). Every final weight and every number in the history must
agree within TRAINING_ATOL = 1e-8. A run checkpointed in one twin and resumed
in the other must end where the uninterrupted run ends.
"""
import functools
import warnings

import numpy as np
import pytest

import pure
import vectorized
from conformance.components import FITS, HAS_CHECKPOINTS, RESUMED_FITS, compare_resumed_fit, fit_data
from conformance.tolerances import TRAINING_ATOL, compare, compare_training
from conformance.twins import as_lists, assert_agree, compare_results, for_twin, run_fit

IDS = [case.name for case in FITS]


@functools.lru_cache(maxsize=None)
def runs(index: int):
    """(pure results, vectorized results) of FITS[index], computed once per test session."""
    case = FITS[index]
    return tuple(run_fit(nn, case.build, fit_data(case), case.make_loss, case.make_optimizer, **case.options)
                 for nn in (pure, vectorized))


@pytest.mark.parametrize("index", range(len(FITS)), ids=IDS)
def test_fit_ends_with_the_same_weights_and_history_in_both_twins(index):
    pure_run, vec_run = runs(index)
    comparisons = compare_results(pure_run, vec_run, compare_fn=compare_training)
    assert any(label.startswith("layer") for label in comparisons)
    assert_agree(comparisons, f"{FITS[index].name} (tolerance {TRAINING_ATOL:g})")


@pytest.mark.parametrize("index", range(len(FITS)), ids=IDS)
def test_fit_takes_at_least_100_optimizer_steps(index):
    pure_run, vec_run = runs(index)
    assert pure_run["optimizer steps"] == vec_run["optimizer steps"]
    assert pure_run["optimizer steps"] >= 100, f"{FITS[index].name}: {pure_run['optimizer steps']:.0f} steps"


def test_the_shuffling_seed_matters():
    """Guard against a vacuous pass: if fit ignored its seed, both twins would still agree."""
    case = FITS[0]
    a = run_fit(pure, case.build, fit_data(case), case.make_loss, case.make_optimizer, **case.options)
    b = run_fit(pure, case.build, fit_data(case), case.make_loss, case.make_optimizer, **dict(case.options, seed=1))
    assert not compare_training(a["layer 0 W"], b["layer 0 W"]).ok


def test_early_stopping_and_lr_plateau_fire_at_the_same_epochs_in_both_twins():
    index = next(i for i, case in enumerate(FITS) if "early_stopping" in case.options)
    pure_run, vec_run = runs(index)
    for run in (pure_run, vec_run):
        assert "history stopped_epoch" in run, "the run should stop early (otherwise this checks nothing)"
        assert min(run["history lr"]) < run["history lr"][0], "the learning rate should have been lowered"
        assert "history val_loss" in run
    assert pure_run["history stopped_epoch"] == vec_run["history stopped_epoch"]
    assert pure_run["history best_epoch"] == vec_run["history best_epoch"]
    assert pure_run["history lr"] == vec_run["history lr"]


def test_evaluate_and_predict_after_training_agree():
    index = next(i for i, case in enumerate(FITS) if "validation_data" in case.options)
    pure_run, vec_run = runs(index)
    labels = [k for k in pure_run if k.startswith(("evaluate", "predict"))]
    assert {"evaluate loss", "evaluate accuracy", "predict"} <= set(labels)
    assert_agree(compare_results({k: pure_run[k] for k in labels}, {k: vec_run[k] for k in labels},
                                 compare_fn=compare_training), "evaluate/predict after fit")


def diverging_fit(nn):
    """Linear regression with a learning rate far too large: the loss overflows within a few steps."""
    model = nn.Sequential([nn.Dense(2, 4, seed=0), nn.Dense(4, 1, seed=1)])
    x = [[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [2.0, 2.0]] * 4
    y = [[1.0], [2.0], [0.0], [5.0]] * 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)       # numpy says "overflow"; that is the point
        with pytest.raises(nn.TrainingError) as raised:
            model.fit(for_twin(nn, x), for_twin(nn, y), loss=nn.MSE(), optimizer=nn.SGD(10.0), epochs=50,
                      batch_size=4, seed=0, progress=False)
    return str(raised.value), model


def test_a_diverging_run_stops_at_the_same_batch_in_both_twins_with_finite_weights():
    """Both raise TrainingError and keep the same last good weights (so they stopped at the same step)."""
    (pure_message, pure_model), (vec_message, vec_model) = diverging_fit(pure), diverging_fit(vectorized)
    for model in (pure_model, vec_model):
        for layer in model.layers:
            assert np.all(np.isfinite(as_lists(layer.params["W"]))), "the last good weights are kept"
    for i in (0, 1):
        for name in ("W", "b"):
            c = compare(pure_model.layers[i].params[name], vec_model.layers[i].params[name], atol=0.0, rtol=1e-10)
            assert c.ok, (f"layer {i} {name} kept (huge, so compared relatively): {c}\n"
                          f"pure: {pure_message}\nvectorized: {vec_message}")


@pytest.mark.skipif(not HAS_CHECKPOINTS, reason="the twins' fit has no checkpoint/resume yet")
@pytest.mark.parametrize("case", RESUMED_FITS, ids=[case.name for case in RESUMED_FITS])
def test_a_run_checkpointed_in_one_twin_resumes_in_the_other_and_ends_the_same(case, tmp_path):
    """Stopped after epoch 4 with a checkpoint (weights, optimizer memory, shuffling and dropout
    generators, history), resumed in the other twin: the end is the uninterrupted run's end."""
    comparisons = compare_resumed_fit(case, folder=str(tmp_path))
    assert sum("steps after resuming" in label for label in comparisons) == 2
    assert_agree(comparisons, f"{case.name}, resumed across twins (tolerance {TRAINING_ATOL:g})")


@pytest.mark.parametrize("batch_size", [1, 2, 256])
def test_evaluate_on_ragged_sequences_agrees_and_ignores_the_batch_size(batch_size):
    """Many-to-many CrossEntropy on sequences of lengths 6, 2, 1, 3: the loss is the mean over all
    12 steps in both twins, whatever the batch size (each batch's mean is weighted by its steps)."""
    ids = [[0, 1, 2, 3, 1, 2], [1, 2], [3], [2, 2, 1]]
    targets = [s[1:] + [0] for s in ids]
    results = []
    for nn in (pure, vectorized):
        model = nn.Sequential([nn.Embedding(4, 3, seed=0), nn.RNN(3, 5, return_sequences=True, seed=1),
                               nn.TimeDistributed(nn.Dense(5, 4, seed=2))])
        results.append(model.evaluate(ids, targets, loss=nn.CrossEntropy(), batch_size=batch_size)["loss"])
        whole = model.evaluate(ids, targets, loss=nn.CrossEntropy(), batch_size=len(ids))["loss"]
        assert results[-1] == pytest.approx(whole, rel=1e-14), f"{nn.TWIN}, batch_size {batch_size}"
    assert compare(results[0], results[1]).ok, results


def test_train_step_takes_the_same_steps_in_both_twins():
    """nn.train_step, the step fit repeats: five steps of momentum SGD on a small network give the same
    losses, outputs and weights in both twins, within one step's policy per step."""
    results = {}
    for nn in (pure, vectorized):
        model = nn.Sequential([nn.Dense(3, 4, seed=0), nn.Tanh(), nn.Dense(4, 2, seed=1)])
        loss, optimizer = nn.CrossEntropy(), nn.SGD(0.3, momentum=0.9)
        x, y = [[0.5, -1.0, 2.0], [0.0, 0.25, -0.75]], [1, 0]
        steps = [nn.train_step(model, loss, optimizer, x, y) for _ in range(5)]
        results[nn.TWIN] = ([value for value, _ in steps], [as_lists(out) for _, out in steps],
                            [as_lists(p) for layer in model.get_weights() for p in layer.values()])
    (p_losses, p_outs, p_weights), (v_losses, v_outs, v_weights) = results["pure"], results["vectorized"]
    assert p_losses[-1] < p_losses[0], "training should lower the loss (otherwise this checks little)"
    for label, p, v in (("losses", p_losses, v_losses), ("outputs", p_outs, v_outs), ("weights", p_weights, v_weights)):
        assert compare(p, v, atol=5 * 1e-12).ok, f"train_step {label} differ between the twins"
