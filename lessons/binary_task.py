"""Series C's binary task on data we have: "is this digit an 8?" (one class against the rest).

The series used a photo set (one class against the rest, 64x64 RGB). We
substitute MNIST: label 1 for the digit 8, 0 for every other digit. About
10% of the examples are positive, so accuracy alone flatters a model (always
saying "no" scores 90%): recall and specificity tell the truth.
"""
from .common import mnist, tensor

POSITIVE = 8


def load(nn, train_limit, test_limit, directory=None, result=None):
    """(x_train, t_train, x_test, t_test) with targets as (N, 1) rows of 0.0/1.0: the first images of each split."""
    x_train, y_train = mnist(nn, "train", limit=train_limit, directory=directory, result=result)
    x_test, y_test = mnist(nn, "test", limit=test_limit, directory=directory)
    t_train = tensor(nn, [[1.0 if label == POSITIVE else 0.0] for label in y_train])
    t_test = tensor(nn, [[1.0 if label == POSITIVE else 0.0] for label in y_test])
    return x_train, t_train, x_test, t_test


def report(nn, model, x_test, t_test):
    """The binary report (accuracy, precision, recall, specificity, confusion matrix) on the test set."""
    return nn.binary_report(t_test, model.predict(x_test))
