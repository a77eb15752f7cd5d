"""RNN, LSTM, Embedding and TimeDistributed: the twins agree, and both match finite differences.

Sequences may differ in length (a ragged batch): pure loops over each
sequence's own steps, vectorized pads and masks. The fixtures include equal
and ragged lengths, a batch of one, single steps, zeros and 20-step
sequences; every comparison is held to the one-step policy.
"""
import pytest

import pure
import vectorized
from conformance.components import (HAS_RECURRENT, RECURRENT, RECURRENT_MODEL_INPUTS,
                                    build_recurrent_model, grad_out_for, is_ragged, random_params)
from conformance.tolerances import GRADCHECK_RTOL, compare, compare_exact
from conformance.twins import (TWINS, as_lists, assert_agree, compare_layer, for_twin, gradcheck_worst,
                               layer_fd_worst, save_and_load_across, set_params)

pytestmark = pytest.mark.skipif(not HAS_RECURRENT, reason="the twins have no recurrent layers yet")

CASES = [(spec, case) for spec in RECURRENT for case in spec.cases()]
FD_CASES = [(nn, spec, case) for nn in TWINS for spec, case in CASES if case.fd]
SPEC_IDS = [spec.name for spec in RECURRENT]


@pytest.mark.parametrize("spec", RECURRENT, ids=SPEC_IDS)
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


@pytest.mark.parametrize("nn, spec, case", [c for c in FD_CASES if not is_ragged(c[2].x)],
                         ids=[f"{nn.TWIN}-{s.name}-{c.name}" for nn, s, c in FD_CASES if not is_ragged(c.x)])
def test_gradients_pass_the_twins_own_gradcheck(nn, spec, case):
    layer = spec.make(nn)
    set_params(nn, layer, random_params(spec.make))
    report = nn.gradcheck(layer, for_twin(nn, case.x), check_input=spec.check_input, max_checks=30)
    assert gradcheck_worst(report) <= GRADCHECK_RTOL, f"{nn.TWIN} {spec.name} {case.name}:\n{report}"


@pytest.mark.parametrize("nn, spec, case", FD_CASES, ids=[f"{nn.TWIN}-{s.name}-{c.name}" for nn, s, c in FD_CASES])
def test_gradients_match_independent_finite_differences(nn, spec, case):
    worst = layer_fd_worst(nn, spec.make, case.x, grad_out_for(spec.make, case.x), random_params(spec.make),
                           check_input=spec.check_input)
    assert worst <= GRADCHECK_RTOL, f"{nn.TWIN} {spec.name} {case.name}: worst error {worst:.3e}"


@pytest.mark.parametrize("spec", [s for s in RECURRENT if s.name.startswith(("RNN", "LSTM"))],
                         ids=[s.name for s in RECURRENT if s.name.startswith(("RNN", "LSTM"))])
@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_a_ragged_batch_gives_what_its_sequences_give_one_by_one(nn, spec):
    x = next(c.x for c in spec.cases() if is_ragged(c.x))
    params = random_params(spec.make)
    layer = spec.make(nn)
    set_params(nn, layer, params)
    together = as_lists(layer.forward(for_twin(nn, x)))
    for n, sequence in enumerate(x):
        alone = as_lists(layer.forward(for_twin(nn, [sequence])))[0]
        c = compare(together[n], alone)
        assert c.ok, f"{nn.TWIN} {spec.name}: sequence {n} in the batch vs alone: {c}"


MODEL_INPUTS = [pytest.param(*m, id=m[0]) for m in RECURRENT_MODEL_INPUTS]


@pytest.mark.parametrize("label, build, x", MODEL_INPUTS)
def test_a_recurrent_model_saved_by_either_twin_loads_and_predicts_the_same_in_the_other(label, build, x, tmp_path):
    assert_agree(save_and_load_across(build, x, folder=str(tmp_path)), label)


def test_predict_returns_ragged_outputs_for_a_ragged_batch_in_both_twins():
    x = [[1, 2, 3], [4], [0, 5]]
    p = build_recurrent_model(pure).predict(for_twin(pure, x))
    v = build_recurrent_model(vectorized).predict(for_twin(vectorized, x))
    assert [len(seq) for seq in p] == [len(seq) for seq in v] == [3, 1, 2]
    c = compare(p, v)
    assert c.ok, c
