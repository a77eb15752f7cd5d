"""Metrics on a small hand-made example."""
import pytest

TARGET = [0, 0, 1, 1, 2, 2, 2]
PRED = [0, 1, 1, 1, 2, 0, 2]


def test_accuracy_from_labels_scores_and_probabilities(nn):
    assert nn.accuracy(PRED, TARGET) == 5 / 7
    scores = [[0.9, 0.1], [0.2, 0.8]]
    assert nn.accuracy(scores, [0, 1]) == 1.0
    assert nn.accuracy([[0.7], [0.2]], [[1.0], [1.0]]) == 0.5


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


def test_mismatched_lengths(nn):
    with pytest.raises(ValueError, match="3 predictions but 2 targets"):
        nn.accuracy([0, 1, 2], [0, 1])
