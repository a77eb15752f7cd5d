"""Victor Zhou's worked numbers (series A, part 1) hold exactly, ==, in both twins.

    neuron  w = [0, 1], b = 4, sigmoid, x = [2, 3]              -> 0.9990889488055994
    network 2-2-1 sigmoid, every w = [0, 1], b = 0, x = [2, 3]  -> 0.7216325609518421
    MSE of [1, 0, 0, 1] against zeros                           -> 0.5
"""
import pytest

from conformance.components import WORKED_EXAMPLES
from conformance.twins import TWINS


@pytest.mark.parametrize("example", WORKED_EXAMPLES, ids=[e.name for e in WORKED_EXAMPLES])
@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_worked_example_is_exact(nn, example):
    value = example.compute(nn)
    assert value == example.expected, f"{nn.TWIN} {example.name}: {value!r}, the lesson says {example.expected!r}"


@pytest.mark.parametrize("name", ["a1_neuron", "b1_backprop", "b6_activations", "d3_step_neuron", "d5_backprop_xor",
                                  "autograd"])
def test_lessons_print_the_same_figures_and_worked_steps_in_both_twins(name):
    """The figures, the hand-worked step (forward values, every gradient) and the checks: identical text."""
    import importlib
    lesson = importlib.import_module(f"lessons.{name}")
    pure_twin, vectorized_twin = TWINS
    first, second = lesson.run(pure_twin, quick=True), lesson.run(vectorized_twin, quick=True)
    assert first.ours == second.ours
    assert first.lines == second.lines
    assert first.checks == second.checks and first.ok


@pytest.mark.parametrize("derivation", ["bptt_by_hand.show", "conv_by_hand.show", "c1_logistic.derive_p_minus_t"])
def test_the_derivations_print_the_same_numbers_in_both_twins(derivation):
    """a2's BPTT, a3's conv and max-pool backward and c1's p - t: identical text and checks from either twin."""
    import importlib

    from lessons.common import Result
    module, function = derivation.split(".")
    show = getattr(importlib.import_module(f"lessons.{module}"), function)
    results = []
    for nn in TWINS:
        result = Result(derivation, "")
        show(nn, result)
        results.append(result)
    assert results[0].lines == results[1].lines
    assert results[0].checks == results[1].checks and results[0].ok
