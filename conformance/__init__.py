"""conformance: do the two twins, `pure` and `vectorized`, compute the same thing?

Feeds both twins the same seeded fixtures and checks that they agree on
outputs, gradients, optimizer steps, whole training runs and model files,
within the numeric policy in `conformance/tolerances.py`; and, because two
twins can share a bug, checks every gradient against central finite
differences, initializers against their formulas and the lessons' worked
numbers exactly.

    python -m pytest conformance -q          # the specification, test by test
    python -m conformance                    # one table row per component, exit 1 on any FAIL
    python -m conformance check MODEL.json   # one saved model, run in both twins
    python -m conformance grade FILE.py:NAME --like Dense   # your own layer against the reference

    conformance.compare_layer(MyDense, like="Dense")   # the same as an API (conformance/grade.py)
    conformance.grade.grade_source(text, like="ReLU")  # source text -> Graded(status, text): the page's
    conformance.grade.exercises()                      # the skeletons of lessons/exercises

Modules: tolerances (the policy and compare()), fixtures (seeded inputs),
twins (run both twins, compare, finite differences), differences (the central
differences themselves, standard library only: tests/ use them too),
components (what is checked, per report row), report (the table), checkmodel
(the `check` command), against (its --against torch,onnx columns), grade (the
`grade` command: a user's own layer), nested (tensors as nested lists, for grade).
The test_*.py files are the specification, one promise per test; a bug found
in a twin is a test marked xfail(strict=True, reason="BUG: ...") and a
KNOWN BUG row in the report, until the twin is fixed.
Recurrent and convolutional layers are checked when both twins export them.
Needs numpy (the vectorized twin does); `pure` itself never does, nor does `grade`
(it reads values through nested.py and grades plain-Python layers against the pure twin alone).
"""


def __getattr__(name):
    """conformance.compare_layer / compare_loss / GradeError, imported on first use (conformance/grade.py)."""
    if name in ("compare_layer", "compare_loss", "GradeError", "GradeReport"):
        from . import grade
        return getattr(grade, name)
    raise AttributeError(f"module 'conformance' has no attribute {name!r}")
