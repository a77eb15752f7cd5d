"""one_hot and the classification metrics: the same answers from both twins.

Metrics return plain Python numbers and lists in both twins, so they are
compared exactly (counts and ratios of counts leave no room for rounding).
"""
import pytest

import pure
import vectorized
from conformance.tolerances import compare_exact
from conformance.twins import TWINS, as_lists, for_twin

SCORES = [[0.2, 0.8, 0.0], [0.5, 0.5, 0.0], [0.1, 0.3, 0.6], [0.9, 0.05, 0.05], [0.3, 0.3, 0.4]]
LABELS = [1, 1, 2, 0, 0]
COLUMN = [[0.2], [0.7], [0.5], [0.49], [0.9]]
BINARY = [0, 1, 1, 0, 0]


def both(f):
    return [as_lists(f(nn)) for nn in TWINS]


@pytest.mark.parametrize("labels", [[0, 2, 1, 2], b"\x00\x02\x01", [3]], ids=["list", "bytes", "one label"])
def test_one_hot_gives_the_same_rows(labels):
    p, v = both(lambda nn: nn.one_hot(labels, 4))
    assert compare_exact(p, v).ok, f"pure {p} vs vectorized {v}"


@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_one_hot_names_a_label_outside_the_classes(nn):
    with pytest.raises(ValueError, match="outside 0..2"):
        nn.one_hot([0, 3], 3)


def test_one_hot_accepts_integer_valued_float_labels_in_both_twins():
    p, v = both(lambda nn: nn.one_hot([0.0, 2.0], 3))
    assert p == v == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]


@pytest.mark.parametrize("nn", [pure, vectorized], ids=["pure", "vectorized"])
def test_one_hot_refuses_a_label_that_is_not_a_whole_number(nn):
    with pytest.raises((ValueError, TypeError)):
        nn.one_hot([1.5], 3)


def test_accuracy_agrees_on_score_rows_with_ties():
    p, v = both(lambda nn: nn.accuracy(LABELS, for_twin(nn, SCORES)))
    assert p == v == 0.6, f"pure {p} vs vectorized {v} (ties go to the first class)"


def test_accuracy_thresholds_a_single_column_at_one_half_in_both_twins():
    p, v = both(lambda nn: nn.accuracy(BINARY, for_twin(nn, COLUMN)))
    assert p == v == 0.8, f"pure {p} vs vectorized {v}"


def test_confusion_matrix_agrees():
    p, v = both(lambda nn: nn.confusion_matrix(LABELS, for_twin(nn, SCORES)))
    assert p == v == [[1, 0, 1], [1, 1, 0], [0, 0, 1]], f"pure {p} vs vectorized {v}"


def test_precision_and_recall_agree():
    matrix = [[5, 1, 0], [2, 3, 1], [0, 0, 0]]
    p, v = both(lambda nn: nn.precision_recall(matrix))
    assert p == v, f"pure {p} vs vectorized {v}"


def test_binary_report_agrees():
    p, v = both(lambda nn: nn.binary_report(BINARY, for_twin(nn, COLUMN)))
    assert p == v, f"pure {p} vs vectorized {v}"
    assert p["confusion_matrix"] == [[2, 1], [0, 2]]


@pytest.mark.parametrize("name", ["accuracy", "confusion_matrix", "binary_report"])
def test_metrics_take_y_true_then_y_pred_and_name_a_swap_alike(name):
    import inspect

    signatures = [list(inspect.signature(getattr(nn, name)).parameters) for nn in TWINS]
    assert signatures[0] == signatures[1] and signatures[0][:2] == ["y_true", "y_pred"]
    messages = []
    for nn in TWINS:
        with pytest.raises(ValueError) as caught:
            getattr(nn, name)(for_twin(nn, COLUMN), BINARY)        # the two swapped
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and "were the two swapped?" in messages[0]
    p, v = both(lambda nn: getattr(nn, name)(y_pred=for_twin(nn, COLUMN), y_true=BINARY))
    assert p == v
