"""Classification metrics: accuracy, the confusion matrix, precision and recall per class.

The numpy twin of pure/metrics.py (read the conventions there: the order is
scikit-learn's, (y_true, y_pred), and scores given as y_true raise ValueError);
results are plain Python numbers and lists, identical to the pure twin's.
"""
from __future__ import annotations

from typing import List

import numpy as np

from pure.metrics import MAX_CLASSES, check_classes
from pure.metrics import true_labels as _pure_true_labels



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


def true_labels(values, where: str) -> np.ndarray:
    """y_true as class indices: integer labels, one-hot rows or 0/1 columns; scores raise ValueError."""
    if isinstance(values, (bytes, bytearray)):
        return np.frombuffer(bytes(values), dtype=np.uint8).astype(np.int64)
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":        # strings, None, ragged rows: read one by one, as the pure twin does
        return np.asarray(_pure_true_labels(list(values), where), dtype=np.int64)
    if arr.dtype == bool:
        bad = np.arange(arr.shape[0]) if arr.ndim == 1 else np.array([], dtype=np.int64)
    elif arr.ndim == 2 and arr.shape[1] == 1:
        bad = np.flatnonzero((arr[:, 0] != 0) & (arr[:, 0] != 1))
    elif arr.ndim == 2:
        binary = np.all((arr == 0) | (arr == 1), axis=1)
        bad = np.flatnonzero(~binary | ((arr == 1).sum(axis=1) != 1))
    else:
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(~np.isfinite(arr.astype(np.float64)) | (arr != np.floor(arr)))
    if len(bad):
        i = int(bad[0])
        v = values[i]
        v = v.tolist() if hasattr(v, "tolist") else v
        raise ValueError(f"{where}: y_true[{i}] is {v!r:.60}, which is a score, not a class (an integer label, "
                         f"a one-hot row or a 0/1 column); the order is {where}(y_true, y_pred): "
                         f"were the two swapped?")
    if arr.ndim == 2:
        return arr[:, 0].astype(np.int64) if arr.shape[1] == 1 else np.argmax(arr, axis=1)
    negative = np.flatnonzero(arr < 0)
    if len(negative):
        i = int(negative[0])
        v = values[i]
        v = v.item() if hasattr(v, "item") else v
        raise ValueError(f"{where}: y_true[{i}] is {v!r}; classes are numbered from 0")
    return arr.astype(np.int64)


def accuracy(y_true, y_pred) -> float:
    """Fraction of examples whose predicted class equals the true class."""
    t, p = true_labels(y_true, "accuracy"), to_labels(y_pred)
    if len(p) != len(t):
        raise ValueError(f"accuracy: {len(t)} true classes (y_true) but {len(p)} predictions (y_pred)")
    if not len(p):
        raise ValueError("accuracy: no examples")
    return float(np.mean(p == t))


def confusion_matrix(y_true, y_pred, n_classes: int = None) -> List[List[int]]:
    """matrix[true][predicted] = how many examples of class `true` were predicted `predicted`.

    A list of rows (in a notebook, pictures.notebook.show_confusion(matrix) draws it as a heat map)."""
    t, p = true_labels(y_true, "confusion_matrix"), to_labels(y_pred)
    if len(p) != len(t):
        raise ValueError(f"confusion_matrix: {len(t)} true classes (y_true) but {len(p)} predictions (y_pred)")
    inferred = n_classes is None
    if inferred:
        n_classes = min(int(max(t.max(initial=-1), p.max(initial=-1))) + 1, MAX_CLASSES + 1)
    limit = min(n_classes, MAX_CLASSES) if isinstance(n_classes, int) else None
    check_classes(n_classes, inferred, first_outside(t, limit), first_outside(p, limit), t, p)
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (t, p), 1)
    return matrix.tolist()


def first_outside(labels, n_classes) -> "int | None":
    """Index of the first label that is not a class 0..n_classes-1, or None."""
    bad = np.flatnonzero((labels < 0) | (labels >= n_classes)) if isinstance(n_classes, int) else []
    return int(bad[0]) if len(bad) else None


def precision_recall(matrix):
    """Per class: precision = TP / (TP + FP), recall = TP / (TP + FN); 0.0 where undefined."""
    m = np.asarray(matrix, dtype=np.float64)
    tp = np.diag(m)
    predicted, actual = m.sum(axis=0), m.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        recall = np.where(actual > 0, tp / actual, 0.0)
    return precision.tolist(), recall.tolist()


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
