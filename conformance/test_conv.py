"""Conv2D, MaxPool2D and AvgPool2D: the twins agree, and both match finite differences.

Pure loops over every patch; vectorized gathers the patches into one matrix
(im2col). Fixtures (fixtures.image_cases): random image sizes, a batch of one,
zeros, all-equal pixels (max-pool ties: the gradient goes to the first
maximum in both twins), and distinct pixels 0.01 apart for finite differences.
"""
import pytest

import pure
import vectorized
from conformance.components import CONV, HAS_CONV, build_small_cnn, grad_out_for, random_params
from conformance.fixtures import image_training_data
from conformance.tolerances import GRADCHECK_RTOL, compare_exact
from conformance.twins import (TWINS, as_lists, assert_agree, compare_layer, for_twin, gradcheck_worst,
                               layer_fd_worst, save_and_load_across, set_params)

pytestmark = pytest.mark.skipif(not HAS_CONV, reason="the twins have no convolutional layers yet")

CASES = [(spec, case) for spec in CONV for case in spec.cases()]
FD_CASES = [(nn, spec, case) for nn in TWINS for spec, case in CASES if case.fd]
WITH_PARAMS = [spec for spec in CONV if spec.make(pure).params]


@pytest.mark.parametrize("spec", WITH_PARAMS, ids=[spec.name for spec in WITH_PARAMS])
def test_the_same_seed_gives_the_same_initial_weights(spec):
    p, v = spec.make(pure), spec.make(vectorized)
    assert set(p.params) == set(v.params)
    for name in p.params:
        c = compare_exact(as_lists(p.params[name]), v.params[name])
        assert c.ok, f"{spec.name} {name}: {c}"


@pytest.mark.parametrize("spec, case", CASES, ids=[f"{s.name}-{c.name}" for s, c in CASES])
def test_output_input_grad_and_weight_grads_agree(spec, case):
    params = random_params(spec.make)
    comparisons = compare_layer(spec.make, case.x, grad_out_for(spec.make, case.x), params)
    assert set(comparisons) == {"forward", "input grad"} | {f"grad {name}" for name in params}
    assert_agree(comparisons, f"{spec.name}, {case.name}")


@pytest.mark.parametrize("nn, spec, case", FD_CASES, ids=[f"{nn.TWIN}-{s.name}" for nn, s, c in FD_CASES])
def test_gradients_pass_the_twins_own_gradcheck(nn, spec, case):
    layer = spec.make(nn)
    set_params(nn, layer, random_params(spec.make))
    report = nn.gradcheck(layer, for_twin(nn, case.x), max_checks=30)
    assert gradcheck_worst(report) <= GRADCHECK_RTOL, f"{nn.TWIN} {spec.name}:\n{report}"


@pytest.mark.parametrize("nn, spec, case", FD_CASES, ids=[f"{nn.TWIN}-{s.name}" for nn, s, c in FD_CASES])
def test_gradients_match_independent_finite_differences(nn, spec, case):
    worst = layer_fd_worst(nn, spec.make, case.x, grad_out_for(spec.make, case.x), random_params(spec.make))
    assert worst <= GRADCHECK_RTOL, f"{nn.TWIN} {spec.name}: worst error {worst:.3e}"


def test_a_cnn_saved_by_either_twin_loads_and_predicts_the_same_in_the_other(tmp_path):
    assert_agree(save_and_load_across(build_small_cnn, image_training_data(n=6).x, folder=str(tmp_path)), "CNN")
