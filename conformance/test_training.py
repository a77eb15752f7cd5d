"""Whole training runs: the same seed gives the same run in both twins.

Each run in components.FITS trains a fresh model in each twin for 100+
optimizer steps, with shuffling (seeded), a Dropout layer (seeded), and the
options under test (momentum, Adam, clipping, validation data with early
stopping and learning-rate halving). Every final weight and every number in
the history must agree within TRAINING_ATOL = 1e-8.
"""
import functools

import pytest

import pure
import vectorized
from conformance.components import FITS, fit_data
from conformance.tolerances import TRAINING_ATOL, compare_training
from conformance.twins import assert_agree, compare_results, run_fit

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
