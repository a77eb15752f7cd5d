"""Run inside Pyodide (by test_pyodide.py): a representative subset of the pure twin's spec tests.

The subset covers every kind of layer, loss, optimizer and file the page uses, training with
fit (checkpoints, early stopping, divergence), gradients against finite differences and the
lessons' worked examples, and pure.fast's loops against the plain ones bit for bit (Python 3.14's
compensated sum() included). Left out: the command-line and lesson tests (they start
subprocesses, which Pyodide cannot), the fuzz tests (hypothesis is not installed here), the
checkpoint kill tests (signals), and the memory test.
"""
import os
import sys

SUBSET = [
    "tests/test_layers.py", "tests/test_losses.py", "tests/test_optimizers.py", "tests/test_training.py",
    "tests/test_gradcheck.py", "tests/test_worked_examples.py", "tests/test_conv.py", "tests/test_recurrent.py",
    "tests/test_io.py", "tests/test_metrics.py", "data/tests/test_toy.py",
    "tests/test_fast.py", "tests/test_by_hand.py",     # the fast loops bit for bit on Python 3.14; worked numbers
]

if __name__ == "__main__":
    import pytest

    os.environ["TWINS"] = "pure"          # the pure twin only: there is no numpy here
    sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "-W", "error::pytest.PytestUnraisableExceptionWarning",
                          *SUBSET]))
