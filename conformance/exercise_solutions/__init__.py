"""Solutions of the exercises in lessons/exercises, and the bugs learners make, for the tests.

One module per exercise, named as the exercise file. Each holds the solution (the class the
skeleton names, its NotImplementedError bodies written) and BUGS: the name of a class with one
classic bug -> words the grade report must say about it (conformance/test_exercises.py grades
them all, with and without numpy).
"""
