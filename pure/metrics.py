"""Classification metrics: accuracy, the confusion matrix, precision and recall per class.

Predictions may be given as model outputs (rows of scores: the class is the
largest; a single column: the class is 1 when the score is >= 0.5) or as
integer labels. Targets may be integer labels, one-hot rows, or single-column
0/1 rows.
"""
from __future__ import annotations

from typing import List, Sequence

from .ops import argmax


def to_labels(values) -> List[int]:
    """Rows of scores -> class indices; a single column is thresholded at 0.5; ints pass through."""
    labels = []
    for v in values:
        if isinstance(v, (list, tuple)):
            if len(v) == 1:
                labels.append(1 if v[0] >= 0.5 else 0)
            else:
                labels.append(argmax(v))
        else:
            labels.append(int(v))
    return labels


def accuracy(pred, target) -> float:
    """Fraction of examples whose predicted class equals the target class."""
    p, t = to_labels(pred), to_labels(target)
    if len(p) != len(t):
        raise ValueError(f"accuracy: {len(p)} predictions but {len(t)} targets")
    if not p:
        raise ValueError("accuracy: no examples")
    return sum(1 for a, b in zip(p, t) if a == b) / len(p)


def confusion_matrix(target, pred, n_classes: int = None) -> List[List[int]]:
    """matrix[true][predicted] = how many examples of class `true` were predicted `predicted`."""
    t, p = to_labels(target), to_labels(pred)
    if len(p) != len(t):
        raise ValueError(f"confusion_matrix: {len(t)} targets but {len(p)} predictions")
    if n_classes is None:
        n_classes = max(t + p) + 1 if t else 0
    matrix = [[0] * n_classes for _ in range(n_classes)]
    for a, b in zip(t, p):
        matrix[a][b] += 1
    return matrix


def precision_recall(matrix: Sequence[Sequence[int]]):
    """Per class: precision = TP / (TP + FP), recall = TP / (TP + FN); 0.0 where undefined.

    Returns two lists, one number per class.
    """
    n = len(matrix)
    precision, recall = [], []
    for k in range(n):
        tp = matrix[k][k]
        predicted_k = sum(matrix[i][k] for i in range(n))
        actual_k = sum(matrix[k])
        precision.append(tp / predicted_k if predicted_k else 0.0)
        recall.append(tp / actual_k if actual_k else 0.0)
    return precision, recall


def binary_report(target, pred) -> dict:
    """For a two-class task (1 = positive): accuracy, precision, recall (sensitivity), specificity."""
    m = confusion_matrix(target, pred, 2)
    tn, fp, fn, tp = m[0][0], m[0][1], m[1][0], m[1][1]
    total = tn + fp + fn + tp
    return {
        "accuracy": (tp + tn) / total if total else 0.0,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "specificity": tn / (tn + fp) if tn + fp else 0.0,
        "confusion_matrix": m,
    }
