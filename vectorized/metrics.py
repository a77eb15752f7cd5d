"""Classification metrics: accuracy, the confusion matrix, precision and recall per class.

The numpy twin of pure/metrics.py; results are plain Python numbers and lists,
identical to the pure twin's.
"""
from __future__ import annotations

from typing import List

import numpy as np


def to_labels(values) -> np.ndarray:
    """Rows of scores -> class indices; a single column is thresholded at 0.5; ints pass through."""
    if isinstance(values, (bytes, bytearray)):
        return np.frombuffer(bytes(values), dtype=np.uint8).astype(np.int64)
    arr = np.asarray(values)
    if arr.ndim == 2:
        if arr.shape[1] == 1:
            return (arr[:, 0] >= 0.5).astype(np.int64)
        return np.argmax(arr, axis=1)
    return arr.astype(np.int64)


def accuracy(pred, target) -> float:
    """Fraction of examples whose predicted class equals the target class."""
    p, t = to_labels(pred), to_labels(target)
    if len(p) != len(t):
        raise ValueError(f"accuracy: {len(p)} predictions but {len(t)} targets")
    if not len(p):
        raise ValueError("accuracy: no examples")
    return float(np.mean(p == t))


def confusion_matrix(target, pred, n_classes: int = None) -> List[List[int]]:
    """matrix[true][predicted] = how many examples of class `true` were predicted `predicted`."""
    t, p = to_labels(target), to_labels(pred)
    if len(p) != len(t):
        raise ValueError(f"confusion_matrix: {len(t)} targets but {len(p)} predictions")
    if n_classes is None:
        n_classes = int(max(t.max(initial=-1), p.max(initial=-1))) + 1
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (t, p), 1)
    return matrix.tolist()


def precision_recall(matrix):
    """Per class: precision = TP / (TP + FP), recall = TP / (TP + FN); 0.0 where undefined."""
    m = np.asarray(matrix, dtype=np.float64)
    tp = np.diag(m)
    predicted, actual = m.sum(axis=0), m.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        recall = np.where(actual > 0, tp / actual, 0.0)
    return precision.tolist(), recall.tolist()


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
