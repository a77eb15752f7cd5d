"""The exercises of lessons/exercises: each skeleton, its solution and its classic bugs, graded.

Every skeleton fails with the skeleton hint (not a traceback); its solution
(conformance/exercise_solutions/<same name>.py) passes; each bug there fails with the words
its BUGS entry names. No numpy here: tox's `pure` environment runs this file too, and
test_grade_pure.py runs the command itself with numpy blocked.
"""
import importlib
import os
import subprocess
import sys

import pytest

from conformance import grade

HERE = os.path.dirname(os.path.abspath(__file__))
SOLUTIONS = os.path.join(HERE, "exercise_solutions")
EXERCISES = grade.exercises()
WORKED = {"my_dense.py"}        # the worked example: its own MyDense and BuggyDense, graded in test_grade.py


def solutions(exercise):
    return importlib.import_module("conformance.exercise_solutions." + exercise.path.rsplit("/", 1)[1][:-3])


def test_the_exercises_are_found_in_their_order():
    assert [(e.path, e.name, e.like) for e in EXERCISES] == [
        ("lessons/exercises/my_relu.py", "MyReLU", "ReLU"),
        ("lessons/exercises/my_sigmoid.py", "MySigmoid", "Sigmoid"),
        ("lessons/exercises/my_linear.py", "MyLinear", "Dense"),
        ("lessons/exercises/my_mse.py", "MyMSE", "MSE"),
        ("lessons/exercises/my_cross_entropy.py", "MyCrossEntropy", "CrossEntropy"),
        ("lessons/exercises/my_sgd.py", "MySGD", "SGD"),
        ("lessons/exercises/my_conv2d.py", "MyConv2D", "Conv2D"),
        ("lessons/exercises/my_rnn.py", "MyRNN", "RNN"),
    ]
    assert all(e.title.startswith("Exercise ") for e in EXERCISES)


def test_every_exercise_file_has_a_solution_and_a_bug():
    """A new file in lessons/exercises cannot go untested: it needs a GRADE marker, a solution, bugs."""
    listed = {e.path.rsplit("/", 1)[1] for e in EXERCISES}
    folder = os.path.join(HERE, "..", "lessons", "exercises")
    for entry in sorted(os.listdir(folder)):
        if not entry.endswith(".py") or entry in WORKED:
            continue
        assert entry in listed, f"lessons/exercises/{entry} has no GRADE = {{'name': ..., 'like': ...}} marker"
        assert os.path.isfile(os.path.join(SOLUTIONS, entry)), f"conformance/exercise_solutions/{entry} is missing"
    for exercise in EXERCISES:
        module = solutions(exercise)
        assert hasattr(module, exercise.name), f"{exercise.path}: its solution defines no {exercise.name}"
        assert getattr(module, "BUGS", None), f"{exercise.path}: its solution module lists no BUGS"


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_the_skeleton_fails_with_the_skeleton_hint(exercise):
    graded = grade.grade_source(exercise.source(), filename=exercise.path)
    assert graded.status == 1, graded.text
    assert "Hint: this is still the exercise's skeleton: write " in graded.text
    assert "raised NotImplementedError: " in graded.text and "Traceback" not in graded.text


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_the_solution_passes(exercise):
    path = os.path.join(SOLUTIONS, exercise.path.rsplit("/", 1)[1])
    graded = grade.grade_file(path, like=exercise.like, name=exercise.name)
    assert graded.status == 0, graded.text
    assert "nested lists" in graded.text.split("\n")[0]


@pytest.mark.parametrize("exercise, bug", [(e, bug) for e in EXERCISES for bug in sorted(solutions(e).BUGS)],
                         ids=lambda v: getattr(v, "name", v))
def test_each_classic_bug_fails_with_its_hint(exercise, bug):
    path = os.path.join(SOLUTIONS, exercise.path.rsplit("/", 1)[1])
    graded = grade.grade_file(path, like=exercise.like, name=bug)
    assert graded.status == 1, graded.text
    assert "FAIL" in graded.text
    for words in solutions(exercise).BUGS[bug]:
        assert words in graded.text, f"{bug}: the report does not say {words!r}:\n{graded.text}"


def test_the_command_grades_an_exercise_by_its_file_name_alone():
    result = subprocess.run([sys.executable, "-m", "conformance", "grade", "lessons/exercises/my_relu.py"],
                            cwd=os.path.join(HERE, ".."), capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and result.stderr == ""
    assert "Grading lessons/exercises/my_relu.py:MyReLU against the reference ReLU" in result.stdout
    assert "still the exercise's skeleton" in result.stdout
