"""NaN and inf in inputs, weights and incoming gradients of every layer, loss and optimizer: both
twins give the same finite/NaN/+inf/-inf pattern in every output and gradient (IEEE arithmetic,
as numpy and PyTorch: 0 * inf and 0 * NaN are NaN, so no shortcut may skip a zero multiplier)."""
import warnings

import pytest

from conformance import components

warnings.filterwarnings("ignore", category=RuntimeWarning)   # numpy says "invalid value": that is the point


def check(label, pure_patterns, vec_patterns):
    comparisons, problems = {}, []
    components._compare_patterns(label, pure_patterns, vec_patterns, comparisons, problems)
    failures = [f"{what}: {c}" for what, c in comparisons.items() if not c.ok] + problems
    assert comparisons or problems, f"{label}: nothing compared"
    assert not failures, "\n".join(failures)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("spec", components.NONFINITE_LAYERS, ids=lambda spec: spec.name)
def test_every_layer_propagates_nan_and_inf_alike(spec):
    results = components.nonfinite_layer_results(spec)
    assert len(results) >= 6 * (1 + len(spec.make(components.pure).params)) - (6 if spec.ids else 0)
    for label, (p, v) in results.items():
        check(label, p, v)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_every_loss_propagates_nan_and_inf_alike():
    for label, (p, v) in components.nonfinite_loss_results().items():
        check(label, p, v)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_every_optimizer_propagates_nan_and_inf_alike():
    results = components.nonfinite_optimizer_results()
    assert {label.split(":")[0] for label in results} == {name for name, _ in components.OPTIMIZERS}
    for label, (p, v) in results.items():
        check(label, p, v)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_zero_times_inf_is_nan_in_a_dense_layer_of_both_twins():
    """The issue's own example: W[0][0] = inf and x = [[0, 1]] give NaN in column 0."""
    import math
    for nn in components.TWINS:
        dense = nn.Dense(2, 10, seed=0)
        W = components.as_lists(dense.params["W"])
        W[0][0] = math.inf
        dense.params["W"] = components.for_twin(nn, W)
        out = components.as_lists(dense.forward(components.for_twin(nn, [[0.0, 1.0]])))
        assert math.isnan(out[0][0]) and all(math.isfinite(v) for v in out[0][1:]), (nn.TWIN, out)


def test_the_component_is_in_the_report():
    assert components.check_nonfinite in components.all_checks()
