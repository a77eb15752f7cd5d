"""`python -m conformance grade`: every hint text, asserted for the case it names.

A hint is only useful when it is said for its own case and no other: each test below
builds the situation a hint describes (by hand: arrays typed here, or a small layer
with one deliberate bug) and asserts the exact words, and that the neighbouring hints
are not said.
"""
import math

import numpy as np
import pytest

import conformance
from conformance import grade
from conformance.test_grade import Dense


def ref(case, yours, reference):
    return grade._against_reference(case, np.array(yours, dtype=float), np.array(reference, dtype=float))


# ---------------------------------------------------------------- against the reference: the hints of one finding

def test_equal_values_agree_without_a_hint():
    f = ref("c", [[1.0, 2.0]], [[1.0, 2.0]])
    assert f.ok and f.hint == "" and f.problem == ""


def test_none_and_ragged_outputs_are_problems():
    assert grade._against_reference("c", None, [[1.0]]).problem == "yours gave None"
    f = grade._against_reference("c", [[1.0, 2.0], [3.0]], [[1.0, 2.0], [3.0, 4.0]])
    assert not f.ok and f.problem.startswith("yours is not a rectangular tensor of numbers: ")


def test_a_transposed_2d_shape_is_named():
    f = ref("c", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]])
    assert f.problem == "yours has shape (2, 3), the reference (3, 2)"
    assert f.hint == ("your shape is the reference's transposed: the contract stores Dense's W as (n_in, n_out), "
                      "y = x W + b")


@pytest.mark.parametrize("yours, reference", [
    ([[1.0, 2.0, 3.0]], [1.0, 2.0, 3.0]),                           # another shape, not transposed
    ([[[1.0], [2.0]]], [[[1.0, 2.0]]]),                             # 3-d: (1, 2, 1) vs (1, 1, 2)
    (np.zeros((1, 2, 3)).tolist(), np.zeros((3, 2, 1)).tolist()),   # 3-d and reversed: no Dense hint either
    ([[1.0, 2.0]], [[1.0, 2.0, 3.0]]),
])
def test_other_shapes_get_no_transposed_hint(yours, reference):
    f = ref("c", yours, reference)
    assert f.problem.startswith("yours has shape ") and f.hint == ""


def test_an_overflow_is_named():
    f = ref("c", [[1.0, math.inf, 3.0]], [[1.0, 2.0, 3.0]])
    assert f.hint == "yours is not finite where the reference is: an overflow (exp of a large number?)"
    assert f.index == (0, 1) and f.yours == math.inf and f.other == 2.0


def test_a_flipped_sign_is_named_everywhere_or_in_part():
    f = ref("c", [[-1.0, 2.0], [-3.0, -4.0]], [[1.0, -2.0], [3.0, 4.0]])
    assert f.hint == "every wrong element has the opposite sign of the reference's: a sign flipped?"
    f = ref("c", [[-1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]])        # one of four flipped
    assert f.hint == "every wrong element has the opposite sign of the reference's: a sign flipped?"


def test_a_factor_everywhere_is_named_with_its_value():
    f = ref("c", [[2.0, 4.0], [6.0, -8.0]], [[1.0, 2.0], [3.0, -4.0]])
    assert f.hint == "yours is 2 times the reference everywhere: a factor missing or too many?"
    f = ref("c", [[0.5, 1.0]], [[1.0, 2.0]])
    assert f.hint == "yours is 0.5 times the reference everywhere: a factor missing or too many?"
    f = ref("c", [[1.0001, 2.0002, 3.0003]], [[1.0, 2.0, 3.0]])
    assert f.hint == "yours is 1.0001 times the reference everywhere: a factor missing or too many?"


def test_a_factor_in_part_is_named_as_such():
    f = ref("c", [[3.0, 2.0], [9.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]])          # elements 0 and 2, times 3
    assert f.hint == "where yours differs it is 3 times the reference's value"


def test_a_count_of_wrong_elements_when_no_single_factor():
    f = ref("c", [[2.0, 2.0], [3.0, 5.0]], [[1.0, 2.0], [3.0, 4.0]])          # x2 and x1.25: 2 of 4
    assert f.hint == "2 of 4 elements differ"
    f = ref("c", [[2.0, 5.0, 3.0]], [[1.0, 2.0, 3.0]])                        # 2 of 3
    assert f.hint == "2 of 3 elements differ"


def test_no_hint_when_every_element_differs_by_another_factor():
    f = ref("c", [[2.0, 3.0], [3.5, 4.5]], [[1.0, 2.0], [3.0, 4.0]])
    assert not f.ok and f.hint == ""


def test_no_factor_hint_where_the_reference_is_zero():
    f = ref("c", [[1.0, 0.0]], [[0.0, 0.0]])                                   # no ratio to a zero
    assert not f.ok and f.hint == ""


def test_the_worst_element_and_its_relative_error_are_reported():
    f = ref("c", [[1.0, 2.5], [3.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]])
    assert (f.index, f.yours, f.other) == ((0, 1), 2.5, 2.0)
    assert f.error == pytest.approx(0.25)                                      # |2.5 - 2| / 2


# ---------------------------------------------------------------- against finite differences

def test_a_tensor_forward_does_not_use_is_named():
    f = grade._against_fd("c", np.array([1.0, 2.0]), {(0,): 0.0, (1,): 0.0})
    assert f.hint == "moving this tensor does not change your forward's output at all: does forward() use it?"
    f = grade._against_fd("c", np.array([1.0, 2.0]), {(0,): 1.5, (1,): 2.0})   # wrong, but it is used
    assert not f.ok and f.hint == "" and f.index == (0,)
    assert f.error == pytest.approx(0.5 / 2.5)                               # |1 - 1.5| / (|1| + |1.5|)


def test_finite_differences_within_the_tolerance_agree():
    assert grade._against_fd("c", np.array([1.0, 2.0]), {(0,): 1.0 + 1e-9, (1,): 2.0}).ok
    f = grade._against_fd("c", np.array([[1.0]]), {(0, 3): 1.0})
    assert f.problem == "your gradient has shape (1, 1), which does not match"
    assert grade._against_fd("c", None, {(0,): 1.0}).problem == "your gradient is missing or not a tensor of numbers"


# ---------------------------------------------------------------- the digits that agree

@pytest.mark.parametrize("error, words", [
    (1e-4, ": the two agree to about 4 significant digits"),
    (3e-7, ": the two agree to about 6 significant digits"),
    (0.05, ": the two agree to about 1 significant digit"),
    (0.5, ": not even the first significant digit agrees"),
    (1.0, ""), (2.0, ""), (0.0, ""), (math.inf, ""), (math.nan, ""),
])
def test_digits_that_agree(error, words):
    assert grade._digits(error) == words


# ---------------------------------------------------------------- where the bug probably is (the diagnosis)

def finding(ok, case="a"):
    return grade.Finding(case, ok)


def test_diagnosis_a_backward_bug():
    rows = [grade.Row("forward", "", [finding(True)], []),
            grade.Row("dL/dx", "", [finding(False), finding(True, "b")], [finding(False)])]
    lines = grade._diagnose(rows, rows[1], rows[1].reference[0], "reference")
    assert lines == ['  It does agree on 1 of 2 cases, e.g. "b".',
                     "  Your forward agrees with the reference, but this gradient is not the derivative of your own "
                     "forward (finite differences): the bug is in backward()."]


def test_diagnosis_a_gradient_true_to_a_wrong_forward():
    rows = [grade.Row("forward", "", [finding(False)], []),
            grade.Row("dL/dW", "", [finding(False)], [finding(True)])]
    lines = grade._diagnose(rows, rows[1], rows[1].reference[0], "reference")
    assert lines == ["  This gradient is the derivative of your own forward (finite differences agree), but your "
                     "forward differs from the reference: fix forward() first."]


def test_diagnosis_a_forward_bug_and_the_tensors_it_ignores():
    unused = grade.Finding("a", False, hint="moving this tensor does not change your forward's output at all: "
                                            "does forward() use it?")
    rows = [grade.Row("forward", "", [finding(False), finding(True, "b"), finding(True, "c"), finding(True, "d"),
                                      finding(True, "e")], []),
            grade.Row("dL/dx", "", [finding(True)], [finding(True)]),
            grade.Row("dL/dW", "", [finding(True)], [unused]),
            grade.Row("dL/db", "", [finding(True)], [unused])]
    lines = grade._diagnose(rows, rows[0], rows[0].reference[0], "reference")
    assert lines == ['  It does agree on 4 of 5 cases, e.g. "b"; "c"; "d".',
                     "  The bug is in forward() (or in how it reads params); gradients may be right for the "
                     "function your forward computes, which finite differences check.",
                     "  Finite differences show that your forward() ignores params['W'] and params['b']: moving it "
                     "changes nothing."]


def test_diagnosis_against_finite_differences_lists_no_agreeing_cases():
    rows = [grade.Row("forward", "", [finding(True)], []),
            grade.Row("dL/dx", "", [finding(True, "b")], [finding(False)])]
    lines = grade._diagnose(rows, rows[1], rows[1].fd[0], "finite differences")
    assert lines == ["  Your forward agrees with the reference, but this gradient is not the derivative of your own "
                     "forward (finite differences): the bug is in backward()."]


# ---------------------------------------------------------------- the first disagreement, in words

def test_explain_against_the_reference():
    row = grade.Row("dL/dW", "what backward leaves in grads['W']", [], [])
    f = grade.Finding("batch of 1", False, (0, 1), 2.0, 1.0, 1.0, hint="yours is 2 times the reference everywhere")
    assert grade._explain(row, f, "reference") == [
        "The first disagreement: dL/dW (what backward leaves in grads['W']), case \"batch of 1\".",
        "  Yours gives 2.0 at index [0, 1]; the reference gives 1.0.",
        "  Relative error 1.0e+00; allowed: 1e-12 + 1e-10 x |reference| (a correct layer differs only by rounding, "
        "about 1e-16).",
        "  This is the element that differs most in this case.",
        "  Hint: yours is 2 times the reference everywhere"]


def test_explain_against_finite_differences():
    row = grade.Row("dL/dx", "what backward returns", [], [])
    f = grade.Finding("zeros", False, (3,), 1.001, 1.0, 1e-3)
    assert grade._explain(row, f, "finite differences") == [
        "The first disagreement: dL/dx (what backward returns), case \"zeros\".",
        "  Yours gives 1.001 at index [3]; finite differences of your forward give 1.0.",
        "  Relative error 1.0e-03; allowed 1e-06 (finite differences of a correct backward agree to about 1e-8).",
        "  This is the element that differs most in this case: the two agree to about 3 significant digits."]


def test_explain_a_problem_instead_of_numbers():
    row = grade.Row("forward", "what forward(x) returns", [], [])
    f = grade.Finding("c", False, problem="yours gave None")
    assert grade._explain(row, f, "reference") == [
        "The first disagreement: forward (what forward(x) returns), case \"c\".", "  yours gave None"]


# ---------------------------------------------------------------- whole reports: each hint for its own bug

class SignFlippedInputGrad(Dense):
    def backward(self, grad_out):
        return -super().backward(grad_out)


class DoubledForward(Dense):
    def forward(self, x):
        return 2.0 * super().forward(x)


class IgnoresX(Dense):
    def forward(self, x):
        self.x = x
        return np.zeros((len(x), self.params["W"].shape[1])) + self.params["b"]


class TransposedOutput(Dense):
    def forward(self, x):
        return super().forward(x).T


def test_report_a_sign_flipped_input_gradient():
    text = str(conformance.compare_layer(SignFlippedInputGrad, like="Dense"))
    assert "Hint: every wrong element has the opposite sign of the reference's: a sign flipped?" in text
    assert "the bug is in backward()" in text and "times the reference everywhere" not in text


def test_report_a_doubled_forward():
    report = conformance.compare_layer(DoubledForward, like="Dense")
    text = str(report)
    assert "Hint: yours is 2 times the reference everywhere: a factor missing or too many?" in text
    assert "The bug is in forward() (or in how it reads params)" in text
    assert "ignores" not in text and "the bug is in backward()" not in text


def test_report_a_forward_that_ignores_x():
    text = str(conformance.compare_layer(IgnoresX, like="Dense"))
    # x unused: W (multiplied by x) unused too; b is used
    assert ("Finite differences show that your forward() ignores x and params['W']: moving it changes nothing."
            in text)


def test_report_a_transposed_output():
    report = conformance.compare_layer(TransposedOutput, like="Dense")
    hints = {f.case.split(", ", 2)[-1]: f.hint for f in report.row("forward").reference if not f.ok}
    assert hints["batch of 1"].startswith("your shape is the reference's transposed")


def test_report_a_dropout_that_drops_too_few():
    class DropsTooFew:
        def __init__(self, p=0.5):
            self.p, self.params, self.grads, self.training = p, {}, {}, True

        def forward(self, x):
            x = np.asarray(x)
            if not self.training:
                return x
            dropped = np.arange(x.size).reshape(x.shape) % 10 == 0                     # drops 1 in 10
            self.mask = np.where(dropped, 0.0, 1.0 / (1 - self.p))
            return x * self.mask

        def backward(self, g):
            return np.asarray(g) * self.mask

    report = conformance.compare_layer(DropsTooFew, like="Dropout")
    rate = report.row("drop rate")
    assert not rate.ok and "but p = 0.5 (allowed" in rate.reference[0].problem
    assert report.agrees("forward (eval)") and report.agrees("forward") and report.agrees("dL/dx")
    assert any(n.startswith("Dropout draws its own random mask") for n in report.notes)


def test_drop_rate_by_hand():
    # p = 0.5 over 100 values: allowed 4 sqrt(0.25 / 100) + 0.02 = 0.22, so 28% to 72%
    assert grade._drop_rate_finding(0.5, 28, 100).ok and grade._drop_rate_finding(0.5, 72, 100).ok
    f = grade._drop_rate_finding(0.5, 27, 100)
    assert f.problem == "yours dropped 27.0% of 100 values, but p = 0.5 (allowed 28.0% to 72.0%)"
    assert not grade._drop_rate_finding(0.5, 73, 100).ok
    assert grade._drop_rate_finding(0.5, 0, 0).problem == "no values to count"


def test_the_embedding_note():
    import vectorized
    report = conformance.compare_layer(vectorized.Embedding, like="Embedding")
    assert report.notes == ["Embedding takes integer ids: there is no dL/dx, only dL/dW."]


def test_what_cannot_be_graded_is_said():
    with pytest.raises(grade.GradeError, match=r"--like 'TimeDistributed': not a layer or loss of the contract; "
                                               r"choose one of Dense, "):
        conformance.compare_layer(Dense, like="TimeDistributed")
    with pytest.raises(grade.GradeError, match="is neither a layer class nor a layer object"):
        conformance.compare_layer(42, like="Dense")

    class NoParams:
        def __init__(self, n_in, n_out):
            pass

        def forward(self, x):
            return x

    with pytest.raises(grade.GradeError, match="has no `params` dict; the contract needs one"):
        conformance.compare_layer(NoParams, like="Dense")

    class TakesNothing:
        def __init__(self):
            self.params = {}

    with pytest.raises(grade.GradeError, match=r"could not build .* as TakesNothing\(n_in=5, n_out=3\) "
                                               r"\(nor with those values positionally\)"):
        conformance.compare_layer(TakesNothing, like="Dense")


def test_a_raising_layer_is_named_with_its_file_and_line():
    class Raises(Dense):
        def backward(self, grad_out):
            raise ValueError("not yet")

    f = grade._failure("c", "backward()", _raised(Raises))
    assert f.problem.startswith("your backward() raised ValueError: not yet (test_grade_hints.py, line ")


def _raised(cls):
    try:
        cls(1, 1).backward(None)
    except ValueError as e:
        return e
    raise AssertionError("did not raise")


# ---------------------------------------------------------------- nested.compare is tolerances.compare without numpy

def test_the_standard_library_comparison_agrees_with_the_numpy_one():
    """grade compares through conformance/nested.py (no numpy): the same verdict, worst element and relative error."""
    import random

    from conformance import nested, tolerances
    rng = random.Random(0)
    specials = [0.0, -0.0, 1.0, -1.0, 1e-300, 1e308, -1e308, math.inf, -math.inf, math.nan, 1e-13, 2.0 + 1e-11]
    for trial in range(500):
        dims = [rng.randint(1, 3) for _ in range(rng.randint(0, 3))]
        n = 1
        for d in dims:
            n *= d
        ref_flat = [rng.choice(specials) if rng.random() < 0.3 else rng.uniform(-3, 3) for _ in range(n)]
        yours_flat = [r if rng.random() < 0.5 else (rng.choice(specials) if rng.random() < 0.3
                                                    else r * (1 + rng.choice([1e-12, 1e-9, 1e-3, -2.0])))
                      for r in ref_flat]
        y, r = nested.Tensor(tuple(dims), yours_flat), nested.Tensor(tuple(dims), ref_flat)
        shaped = (lambda t: np.array(t.flat, dtype=float).reshape(t.shape))
        mine, theirs = nested.compare(y, r), tolerances.compare(shaped(y), shaped(r))
        assert mine.ok == theirs.ok, (trial, y, r)
        assert (mine.index or ()) == (theirs.index or ()), (trial, y, r)
        assert mine.max_rel == theirs.max_rel or (math.isnan(mine.max_rel) and math.isnan(theirs.max_rel))
        assert nested.numbers(shaped(y).tolist()) == y or any(math.isnan(v) for v in yours_flat)
