"""Metrics on a small hand-made example."""
import pytest

TARGET = [0, 0, 1, 1, 2, 2, 2]
PRED = [0, 1, 1, 1, 2, 0, 2]


def test_accuracy_from_labels_scores_and_probabilities(nn):
    assert nn.accuracy(TARGET, PRED) == 5 / 7
    scores = [[0.9, 0.1], [0.2, 0.8]]
    assert nn.accuracy([0, 1], scores) == 1.0
    assert nn.accuracy([[1.0], [1.0]], [[0.7], [0.2]]) == 0.5


def test_a_single_score_of_exactly_one_half_is_class_1(nn):
    """One column of scores: class 1 when the score is >= 0.5."""
    assert nn.accuracy([1, 0, 1], [[0.5], [0.49999999], [0.50000001]]) == 1.0


def test_confusion_matrix_rows_are_true_classes(nn):
    assert nn.confusion_matrix(TARGET, PRED) == [[1, 1, 0], [0, 2, 0], [1, 0, 2]]


def test_precision_and_recall_per_class(nn):
    precision, recall = nn.precision_recall(nn.confusion_matrix(TARGET, PRED))
    assert precision == pytest.approx([1 / 2, 2 / 3, 1.0])
    assert recall == pytest.approx([1 / 2, 1.0, 2 / 3])


def test_binary_report_has_recall_and_specificity(nn):
    report = nn.binary_report([1, 1, 1, 0, 0], [[0.9], [0.2], [0.6], [0.4], [0.7]])
    assert report["confusion_matrix"] == [[1, 1], [1, 2]]
    assert report["recall"] == 2 / 3 and report["specificity"] == 1 / 2 and report["accuracy"] == 3 / 5


def test_binary_report_where_false_positives_and_false_negatives_differ(nn):
    """Truth 1 1 0 0 0 0, predicted (p > 0.5) 1 0 1 1 0 0: TP 1, FN 1, FP 2, TN 2.
    precision TP/(TP+FP) = 1/3, recall TP/(TP+FN) = 1/2, specificity TN/(TN+FP) = 2/4 (TN/(TN+FN) would be 2/3)."""
    report = nn.binary_report([1, 1, 0, 0, 0, 0], [[0.9], [0.3], [0.8], [0.6], [0.1], [0.2]])
    assert report["confusion_matrix"] == [[2, 2], [1, 1]]
    assert report["precision"] == 1 / 3 and report["recall"] == 1 / 2
    assert report["specificity"] == 2 / 4 and report["accuracy"] == 3 / 6


def test_mismatched_lengths(nn):
    with pytest.raises(ValueError, match=r"3 true classes \(y_true\) but 2 predictions \(y_pred\)"):
        nn.accuracy([0, 1, 2], [0, 1])


def test_one_order_everywhere_true_classes_first_and_keywords_work(nn):
    import inspect

    for name in ("accuracy", "confusion_matrix", "binary_report"):
        assert list(inspect.signature(getattr(nn, name)).parameters)[:2] == ["y_true", "y_pred"], name
    assert nn.accuracy(y_pred=PRED, y_true=TARGET) == 5 / 7
    assert nn.confusion_matrix(y_pred=PRED, y_true=TARGET) == [[1, 1, 0], [0, 2, 0], [1, 0, 2]]
    # one-hot rows, 0/1 columns and whole floats are classes
    assert nn.accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.6, 0.4]]) == 1.0
    assert nn.accuracy([2.0, 1.0], [2, 0]) == 0.5


@pytest.mark.parametrize("name", ["accuracy", "confusion_matrix", "binary_report"])
def test_scores_given_as_y_true_are_called_swapped(nn, name):
    metric = getattr(nn, name)
    with pytest.raises(ValueError, match=rf"{name}: y_true\[0\] is \[0\.9, 0\.1\].*swapped"):
        metric([[0.9, 0.1], [0.2, 0.8]], [0, 1])
    with pytest.raises(ValueError, match=rf"{name}: y_true\[1\] is 0\.3.*were the two swapped"):
        metric([1, 0.3], [1, 0])
    with pytest.raises(ValueError, match=r"y_true\[0\] is \[0\.7\]"):
        metric([[0.7], [0.2]], [[1.0], [0.0]])
    with pytest.raises(ValueError, match=r"y_true\[1\] is -1; classes are numbered from 0"):
        metric([0, -1], [0, 1])
