"""Dense, Dropout and Flatten: both twins give the same outputs and gradients on the same fixtures.

Tolerance: the one-step policy (conformance/tolerances.py); Dropout's mask exactly.
"""
import numpy as np
import pytest

import pure
import vectorized
from conformance import fixtures
from conformance.components import dense_factory, dense_params, dropout_factory, dropout_mask
from conformance.tolerances import compare_exact
from conformance.twins import TWINS, assert_agree, compare_layer, for_twin, run_layer

DENSE = fixtures.dense_cases()
DROPOUT = fixtures.dropout_cases()
FLATTEN = fixtures.flatten_cases()


def names(cases):
    return [c.name for c in cases]


@pytest.mark.parametrize("case", DENSE, ids=names(DENSE))
def test_dense_forward_input_grad_and_param_grads_agree(case):
    comparisons = compare_layer(dense_factory(case), case.x, case.grad_out, dense_params(case))
    assert set(comparisons) == {"forward", "input grad", "grad W", "grad b"}
    assert_agree(comparisons, f"Dense, {case.name}")


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_dense_skips_the_input_gradient_when_not_needed(nn):
    case = DENSE[0]
    layer = dense_factory(case)(nn)
    layer.forward(for_twin(nn, case.x))
    assert layer.backward(for_twin(nn, case.grad_out), need_input_grad=False) is None
    assert layer.grads["W"] is not None and layer.grads["b"] is not None


def test_dense_built_from_the_same_seed_holds_the_same_weights():
    p, v = pure.Dense(7, 5, init="he", bias_init="uniform(-1, 1)", seed=42), \
        vectorized.Dense(7, 5, init="he", bias_init="uniform(-1, 1)", seed=42)
    for name in ("W", "b"):
        c = compare_exact(p.params[name], v.params[name])
        assert c.ok, f"Dense(7, 5, seed=42) {name}: {c}"


@pytest.mark.parametrize("case", DROPOUT, ids=names(DROPOUT))
def test_dropout_in_training_agrees(case):
    assert_agree(compare_layer(dropout_factory(case), case.x, case.grad_out), f"Dropout, {case.name}")


@pytest.mark.parametrize("case", DROPOUT, ids=names(DROPOUT))
def test_dropout_draws_the_same_mask_for_the_same_seed(case):
    pure_mask, vec_mask = dropout_mask(pure, case), dropout_mask(vectorized, case)
    if case.p == 0.0:
        assert pure_mask is None and vec_mask is None, "p = 0 should draw no mask"
        return
    c = compare_exact(pure_mask, vec_mask)
    assert c.ok, f"Dropout({case.p}, seed={case.seed}) masks differ: {c}"


@pytest.mark.parametrize("case", [c for c in DROPOUT if c.p > 0], ids=names([c for c in DROPOUT if c.p > 0]))
def test_dropout_mask_holds_only_zero_or_one_over_keep(case):
    mask = np.asarray(dropout_mask(pure, case))
    keep = 1.0 / (1.0 - case.p)
    assert set(np.unique(mask)) <= {0.0, keep}, f"mask values {np.unique(mask)}, expected 0 or {keep}"


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_dropout_drops_about_a_fraction_p(nn):
    x = [[1.0] * 100 for _ in range(50)]
    out = np.asarray(nn.Dropout(0.3, seed=0).train().forward(for_twin(nn, x)))
    dropped = float(np.mean(out == 0.0))
    assert abs(dropped - 0.3) < 0.03, f"{nn.TWIN}: dropped {dropped:.3f} of 5000 values with p = 0.3"


@pytest.mark.parametrize("case", DROPOUT, ids=names(DROPOUT))
def test_dropout_in_eval_mode_is_the_identity_in_both_twins(case):
    for nn in TWINS:
        results = run_layer(nn, dropout_factory(case), case.x, case.grad_out, training=False)
        assert compare_exact(case.x, results["forward"]).ok, f"{nn.TWIN}: eval-mode Dropout changed x"
        assert compare_exact(case.grad_out, results["input grad"]).ok, f"{nn.TWIN}: eval-mode backward changed g"


@pytest.mark.parametrize("case", FLATTEN, ids=names(FLATTEN))
def test_flatten_agrees_and_restores_the_shape(case):
    comparisons = compare_layer(lambda nn: nn.Flatten(), case.x, case.grad_out)
    assert_agree(comparisons, f"Flatten, {case.name}")
    for nn in TWINS:
        grad_in = run_layer(nn, lambda nn: nn.Flatten(), case.x, case.grad_out)["input grad"]
        assert np.shape(grad_in) == fixtures.dims_of(case.x), f"{nn.TWIN}: backward gave shape {np.shape(grad_in)}"
