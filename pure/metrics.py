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
    inferred = n_classes is None
    if inferred:
        n_classes = min(max(t + p) + 1, MAX_CLASSES + 1) if t else 0
    limit = min(n_classes, MAX_CLASSES) if isinstance(n_classes, int) else None
    check_classes(n_classes, inferred, first_outside(t, limit), first_outside(p, limit), t, p)
    matrix = [[0] * n_classes for _ in range(n_classes)]
    for a, b in zip(t, p):
        matrix[a][b] += 1
    return matrix


# A confusion matrix of n classes holds n * n counts: a label of 10**9 (a typo, an id where a class
# belongs) would ask for 10**18 of them. At most this many classes.
MAX_CLASSES = 4096


def first_outside(labels, n_classes: int):
    """Index of the first label that is not a class 0..n_classes-1, or None."""
    if not isinstance(n_classes, int):
        return None                     # check_classes says what is wrong with n_classes
    for i, label in enumerate(labels):
        if not 0 <= label < n_classes:
            return i
    return None


def check_classes(n_classes, inferred: bool, bad_true, bad_pred, t, p) -> None:
    """confusion_matrix: n_classes a whole number up to MAX_CLASSES, and every label one of its classes.
    bad_true, bad_pred: the index of the first label outside 0..min(n_classes, MAX_CLASSES)-1, or None;
    inferred: n_classes is the largest label + 1. Shared by both twins."""
    if not inferred and (isinstance(n_classes, bool) or not isinstance(n_classes, int)
                         or not 0 <= n_classes <= MAX_CLASSES):
        raise ValueError(f"confusion_matrix: n_classes must be a whole number from 0 to {MAX_CLASSES:,}, "
                         f"got {n_classes!r:.40}")
    for name, bad, labels in (("y_true", bad_true, t), ("y_pred", bad_pred, p)):
        if bad is not None and inferred:
            raise ValueError(f"confusion_matrix: {name}[{bad}] is {int(labels[bad])}: a matrix with a row and a "
                             f"column for every class up to it is too large (at most {MAX_CLASSES:,} classes); "
                             f"labels are class numbers 0, 1, 2..., not ids")
        if bad is not None:
            raise ValueError(f"confusion_matrix: {name}[{bad}] is {int(labels[bad])}, outside the {n_classes} "
                             f"classes 0..{n_classes - 1} (n_classes={n_classes})")


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
