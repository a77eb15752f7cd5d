"""Classification metrics: accuracy, the confusion matrix, precision and recall per class.

One argument order everywhere, scikit-learn's: the true classes first, then
the predictions: accuracy(y_true, y_pred), confusion_matrix(y_true, y_pred),
binary_report(y_true, y_pred); both may be given by keyword.

y_pred may be model outputs (rows of scores: the class is the largest; a
single column: the class is 1 when the score is >= 0.5) or integer labels.
y_true must be classes: integer labels (2.0 counts as 2), one-hot rows, or
single-column 0/1 rows. Scores where classes belong (0.73, or a row that is
not one-hot) raise ValueError saying the two were probably swapped: with
both orders accepted silently, a swapped confusion matrix comes out
transposed and nobody notices.
"""
from __future__ import annotations

import math
import numbers
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


def true_labels(values, where: str) -> List[int]:
    """y_true as class indices: integer labels, one-hot rows or 0/1 columns; scores raise ValueError."""
    labels = []
    for i, v in enumerate(values):
        if isinstance(v, (list, tuple)):
            if len(v) == 1 and v[0] in (0, 1):
                labels.append(int(v[0]))
                continue
            if len(v) > 1 and sum(1 for e in v if e == 1) == 1 and all(e in (0, 1) for e in v):
                labels.append(argmax(v))
                continue
        elif isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v) and v == int(v):
            if v < 0:
                raise ValueError(f"{where}: y_true[{i}] is {v!r}; classes are numbered from 0")
            labels.append(int(v))
            continue
        raise ValueError(f"{where}: y_true[{i}] is {v!r:.60}, which is a score, not a class (an integer label, "
                         f"a one-hot row or a 0/1 column); the order is {where}(y_true, y_pred): "
                         f"were the two swapped?")
    return labels


def accuracy(y_true, y_pred) -> float:
    """Fraction of examples whose predicted class equals the true class."""
    t, p = true_labels(y_true, "accuracy"), to_labels(y_pred)
    if len(p) != len(t):
        raise ValueError(f"accuracy: {len(t)} true classes (y_true) but {len(p)} predictions (y_pred)")
    if not p:
        raise ValueError("accuracy: no examples")
    return sum(1 for a, b in zip(p, t) if a == b) / len(p)


def confusion_matrix(y_true, y_pred, n_classes: int = None) -> List[List[int]]:
    """matrix[true][predicted] = how many examples of class `true` were predicted `predicted`.

    A list of rows (in a notebook, pictures.notebook.show_confusion(matrix) draws it as a heat map)."""
    t, p = true_labels(y_true, "confusion_matrix"), to_labels(y_pred)
    if len(p) != len(t):
        raise ValueError(f"confusion_matrix: {len(t)} true classes (y_true) but {len(p)} predictions (y_pred)")
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


def binary_report(y_true, y_pred) -> dict:
    """For a two-class task (1 = positive): accuracy, precision, recall (sensitivity), specificity."""
    m = confusion_matrix(true_labels(y_true, "binary_report"), y_pred, 2)
    tn, fp, fn, tp = m[0][0], m[0][1], m[1][0], m[1][1]
    total = tn + fp + fn + tp
    return {
        "accuracy": (tp + tn) / total if total else 0.0,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "specificity": tn / (tn + fp) if tn + fp else 0.0,
        "confusion_matrix": m,
    }
