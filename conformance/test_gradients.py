"""Every gradient against central finite differences, in each twin on its own.

Agreement between the twins cannot catch a bug they share, so each twin's
backward is checked against (L(p + eps) - L(p - eps)) / 2eps, twice over:

- with the twin's own `gradcheck` (the checker users run), and
- with `central_differences` (conformance/differences.py), written without either twin,
  so a bug in `gradcheck` cannot hide a bug in a gradient.

And the checkers are checked: below, a Dense + CrossEntropy gradient is
finite-differenced by a loop written out in the test itself, and a layer with
a deliberately wrong gradient must be caught.

Tolerance: |a - n| / max(|a| + |n|, 1e-3) <= GRADCHECK_RTOL = 1e-6 with
eps = 1e-6 (why, and why the floor: conformance/tolerances.py). The "fd"
fixtures keep inputs 0.1 or more away from the kinks of ReLU, LeakyReLU and ELU.
"""
import math

import pytest

from conformance import fixtures
from conformance.components import ACTIVATIONS, LOSSES, dense_factory, dense_params, dropout_factory, is_ragged
from conformance.tolerances import GRADCHECK_EPS, GRADCHECK_FLOOR, GRADCHECK_RTOL
from conformance.twins import (TWINS, as_lists, for_twin, gradcheck_layer, gradcheck_loss, layer_fd_worst,
                               gradcheck_worst, loss_fd_worst, relative_error, weights_by_label)

TWIN_IDS = [nn.TWIN for nn in TWINS]

LAYER_CASES = (
    [(f"Dense {c.name}", dense_factory(c), c.x, c.grad_out, dense_params(c))
     for c in fixtures.dense_cases() if c.fd]
    + [(f"{name} {c.name}", make, c.x, c.grad_out, None)
       for name, make in ACTIVATIONS for c in fixtures.elementwise_cases() if c.fd]
    + [(f"Flatten {c.name}", lambda nn: nn.Flatten(), c.x, c.grad_out, None) for c in fixtures.flatten_cases()]
)
LOSS_CASES = [(f"{name} {c.name}", make, c.pred, c.target)
              for name, make, cases in LOSSES for c in cases() if c.fd]
RECTANGULAR_LOSS_CASES = [c for c in LOSS_CASES if not is_ragged(c[2])]   # gradcheck samples rectangular inputs


@pytest.mark.parametrize("name, make, x, grad_out, params", LAYER_CASES, ids=[c[0] for c in LAYER_CASES])
@pytest.mark.parametrize("nn", TWINS, ids=TWIN_IDS)
def test_layer_gradients_pass_the_twins_own_gradcheck(nn, name, make, x, grad_out, params):
    report = gradcheck_layer(nn, make, x, params)
    assert report.relative, "gradcheck checked nothing"
    assert gradcheck_worst(report) <= GRADCHECK_RTOL, f"{nn.TWIN} {name}:\n{report}"


@pytest.mark.parametrize("name, make, x, grad_out, params", LAYER_CASES, ids=[c[0] for c in LAYER_CASES])
@pytest.mark.parametrize("nn", TWINS, ids=TWIN_IDS)
def test_layer_gradients_match_independent_finite_differences(nn, name, make, x, grad_out, params):
    worst = layer_fd_worst(nn, make, x, grad_out, params)
    assert worst <= GRADCHECK_RTOL, f"{nn.TWIN} {name}: worst relative error {worst:.3e}"


@pytest.mark.parametrize("case", fixtures.dropout_cases(), ids=[c.name for c in fixtures.dropout_cases()])
@pytest.mark.parametrize("nn", TWINS, ids=TWIN_IDS)
def test_dropout_gradient_in_training_mode_matches_finite_differences(nn, case):
    """gradcheck runs in eval mode; here a fresh layer with the same seed keeps the training mask fixed."""
    worst = layer_fd_worst(nn, dropout_factory(case), case.x, case.grad_out)
    assert worst <= GRADCHECK_RTOL, f"{nn.TWIN} Dropout {case.name}: worst relative error {worst:.3e}"


@pytest.mark.parametrize("name, make, pred, target", RECTANGULAR_LOSS_CASES,
                         ids=[c[0] for c in RECTANGULAR_LOSS_CASES])
@pytest.mark.parametrize("nn", TWINS, ids=TWIN_IDS)
def test_loss_gradients_pass_the_twins_own_gradcheck(nn, name, make, pred, target):
    report = gradcheck_loss(nn, make, pred, target)
    assert gradcheck_worst(report) <= GRADCHECK_RTOL, f"{nn.TWIN} {name}:\n{report}"


@pytest.mark.parametrize("name, make, pred, target", LOSS_CASES, ids=[c[0] for c in LOSS_CASES])
@pytest.mark.parametrize("nn", TWINS, ids=TWIN_IDS)
def test_loss_gradients_match_independent_finite_differences(nn, name, make, pred, target):
    worst = loss_fd_worst(nn, make, pred, target)
    assert worst <= GRADCHECK_RTOL, f"{nn.TWIN} {name}: worst relative error {worst:.3e}"


MODELS = [
    ("Dense-Tanh-Dropout-Dense + CrossEntropy",
     lambda nn: nn.Sequential([nn.Dense(3, 5, seed=1), nn.Tanh(), nn.Dropout(0.5, seed=2), nn.Dense(5, 4, seed=3)]),
     lambda nn: nn.CrossEntropy(), [0, 3, 1, 2]),
    ("Dense-Softplus-Dense-Sigmoid + BinaryCrossEntropy",
     lambda nn: nn.Sequential([nn.Dense(3, 4, seed=4), nn.Softplus(), nn.Dense(4, 2, seed=5), nn.Sigmoid()]),
     lambda nn: nn.BinaryCrossEntropy(), [[1.0, 0.0], [0.0, 0.0], [0.3, 1.0], [1.0, 1.0]]),
    ("Dense-ArcTan-Dense-Softmax + MSE",
     lambda nn: nn.Sequential([nn.Dense(3, 6, seed=6), nn.ArcTan(), nn.Dense(6, 3, seed=7), nn.Softmax()]),
     lambda nn: nn.MSE(), [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]),
]
MODEL_X = [[0.5, -1.2, 0.3], [1.5, 0.2, -0.7], [-0.4, 0.9, 1.1], [0.8, -0.6, -1.3]]


@pytest.mark.parametrize("name, build, make_loss, y", MODELS, ids=[m[0] for m in MODELS])
@pytest.mark.parametrize("nn", TWINS, ids=TWIN_IDS)
def test_whole_model_gradients_pass_gradcheck(nn, name, build, make_loss, y):
    report = nn.gradcheck(build(nn), for_twin(nn, MODEL_X), y=for_twin(nn, y), loss=make_loss(nn),
                          eps=GRADCHECK_EPS, max_checks=30)
    assert len(report.relative) >= 5, f"expected every parameter and the input checked, got {list(report.relative)}"
    assert gradcheck_worst(report) <= GRADCHECK_RTOL, f"{nn.TWIN} {name}:\n{report}"


# ----------------------------------------------------------------------------- the checkers, checked

DENSE_CE_X = [[0.5, -1.0, 2.0, 0.1], [-0.3, 0.8, -1.5, 1.2], [1.1, 0.4, 0.0, -0.9]]
DENSE_CE_Y = [2, 0, 1]


def dense_cross_entropy_loss(nn, W, b):
    """L(W, b) = CrossEntropy(x W + b, y) for twin nn: a fresh layer, nothing shared between calls."""
    dense = nn.Dense(4, 3)
    dense.params["W"], dense.params["b"] = for_twin(nn, W), for_twin(nn, b)
    return nn.CrossEntropy().forward(dense.forward(for_twin(nn, DENSE_CE_X)), for_twin(nn, DENSE_CE_Y))


@pytest.mark.parametrize("nn", TWINS, ids=TWIN_IDS)
def test_dense_cross_entropy_gradient_matches_finite_differences_written_out_here(nn):
    W = [[0.2, -0.5, 0.1], [0.7, 0.3, -0.2], [-0.4, 0.6, 0.5], [0.1, -0.1, 0.9]]
    b = [0.05, -0.1, 0.2]
    dense, loss = nn.Dense(4, 3), nn.CrossEntropy()
    dense.params["W"], dense.params["b"] = for_twin(nn, W), for_twin(nn, b)
    loss.forward(dense.forward(for_twin(nn, DENSE_CE_X)), for_twin(nn, DENSE_CE_Y))
    dense.backward(loss.backward())
    analytic_W, analytic_b = as_lists(dense.grads["W"]), as_lists(dense.grads["b"])
    eps = 1e-6
    worst = 0.0
    for i in range(4):
        for j in range(3):
            plus = [row[:] for row in W]
            minus = [row[:] for row in W]
            plus[i][j] += eps
            minus[i][j] -= eps
            numeric = (dense_cross_entropy_loss(nn, plus, b) - dense_cross_entropy_loss(nn, minus, b)) / (2 * eps)
            worst = max(worst, relative_error(analytic_W[i][j], numeric))
    for j in range(3):
        plus, minus = b[:], b[:]
        plus[j] += eps
        minus[j] -= eps
        numeric = (dense_cross_entropy_loss(nn, W, plus) - dense_cross_entropy_loss(nn, W, minus)) / (2 * eps)
        worst = max(worst, relative_error(analytic_b[j], numeric))
    assert worst <= GRADCHECK_RTOL, f"{nn.TWIN} Dense + CrossEntropy: worst relative error {worst:.3e}"


def broken_dense(nn, factor=1.001):
    """A Dense whose weight gradient is 0.1% too large: a bug every checker must catch."""
    class BrokenDense(nn.Dense):
        def backward(self, grad_out, need_input_grad=True):
            grad_in = super().backward(grad_out, need_input_grad)
            self.grads["W"] = self.grads["W"] * factor if nn.TWIN == "vectorized" else \
                [[v * factor for v in row] for row in self.grads["W"]]
            return grad_in
    return BrokenDense(4, 3, seed=0)


@pytest.mark.parametrize("nn", TWINS, ids=TWIN_IDS)
def test_gradcheck_catches_a_gradient_off_by_a_tenth_of_a_percent(nn):
    report = nn.gradcheck(broken_dense(nn), for_twin(nn, DENSE_CE_X), y=for_twin(nn, DENSE_CE_Y),
                          loss=nn.CrossEntropy(), eps=GRADCHECK_EPS)
    assert gradcheck_worst(report) > GRADCHECK_RTOL, f"{nn.TWIN} gradcheck missed a wrong gradient:\n{report}"
    assert report.relative["BrokenDense W"] > 1e-4 and report.relative["BrokenDense b"] <= GRADCHECK_RTOL


@pytest.mark.parametrize("nn", TWINS, ids=TWIN_IDS)
def test_independent_finite_differences_catch_a_gradient_off_by_a_tenth_of_a_percent(nn):
    params = {"W": [[0.1 * (i - j) + 0.05 for j in range(3)] for i in range(4)], "b": [0.1, 0.2, 0.3]}
    worst = layer_fd_worst(nn, lambda nn: broken_dense(nn), DENSE_CE_X, [[1.0, -0.5, 0.25]] * 3, params)
    assert worst > 1e-4, f"{nn.TWIN}: independent check missed a wrong gradient (worst {worst:.3e})"


def test_error_measure_is_relative_for_normal_entries_and_absolute_for_tiny_ones():
    assert math.isclose(relative_error(1.0, 1.1), 0.1 / 2.1)
    assert relative_error(1.0, 1.1) == relative_error(1.1, 1.0)
    assert math.isclose(relative_error(1e-5, 1e-5 + 5e-10), 5e-10 / GRADCHECK_FLOOR)   # passes: 5e-7
    assert relative_error(1e-5, 1e-5 + 5e-9) > GRADCHECK_RTOL                          # fails: 5e-6


def test_a_twins_report_is_read_with_the_same_measure():
    report = TWINS[0].GradcheckReport()
    report.add("small entry", 1e-5, 1e-5 + 2e-10)       # plain relative error 1e-5, absolute 2e-10
    report.add("large entry", 1.0, 1.0 + 1e-8)
    assert math.isclose(gradcheck_worst(report), 2e-10 / GRADCHECK_FLOOR)
    report.add("wrong entry", 0.5, 0.5005)
    assert gradcheck_worst(report) > 1e-4


def test_both_twins_gradcheck_the_same_tensors_and_the_same_number_of_entries():
    name, build, make_loss, y = MODELS[0]
    reports = [nn.gradcheck(build(nn), for_twin(nn, MODEL_X), y=for_twin(nn, y), loss=make_loss(nn), max_checks=7)
               for nn in TWINS]
    assert reports[0].checked == reports[1].checked, f"pure {reports[0].checked} vs vectorized {reports[1].checked}"


@pytest.mark.parametrize("nn", TWINS, ids=TWIN_IDS)
def test_gradcheck_leaves_the_weights_and_the_input_as_it_found_them(nn):
    name, build, make_loss, y = MODELS[0]
    model, x = build(nn), for_twin(nn, MODEL_X)
    before, x_before = weights_by_label(model), as_lists(x)
    nn.gradcheck(model, x, y=for_twin(nn, y), loss=make_loss(nn))
    assert weights_by_label(model) == before, f"{nn.TWIN}: gradcheck changed the weights"
    assert as_lists(x) == x_before, f"{nn.TWIN}: gradcheck changed the input"
