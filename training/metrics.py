"""Metrics with numpy only: ROC-AUC, precision/recall/F1, SemEval-2021 character F1, threshold calibration."""

from __future__ import annotations

from typing import Iterable

import numpy as np


def roc_auc(y: np.ndarray, p: np.ndarray) -> float | None:
    """Rank-based AUC (ties get the mean rank); None when only one class is present."""
    y = np.asarray(y, dtype=bool)
    p = np.asarray(p, dtype=np.float64)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p), dtype=np.float64)
    sorted_p = p[order]
    # Average ranks over tied scores.
    boundaries = np.flatnonzero(np.diff(sorted_p)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [len(p)]))
    for s, e in zip(starts, ends):
        ranks[order[s:e]] = (s + e + 1) / 2.0
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def precision_recall_f1(y: np.ndarray, yhat: np.ndarray) -> tuple[float, float, float]:
    y = np.asarray(y, dtype=bool)
    yhat = np.asarray(yhat, dtype=bool)
    tp = int((y & yhat).sum())
    fp = int((~y & yhat).sum())
    fn = int((y & ~yhat).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def best_f1_threshold(y: np.ndarray, p: np.ndarray, lo: float = 0.05, hi: float = 0.95) -> float:
    """The threshold in [lo, hi] that maximises F1 on (y, p); 0.5 when y has no positives."""
    y = np.asarray(y, dtype=bool)
    if not y.any():
        return 0.5
    best, best_t = -1.0, 0.5
    for t in np.round(np.arange(lo, hi + 1e-9, 0.01), 2):
        f1 = precision_recall_f1(y, p >= t)[2]
        if f1 > best + 1e-12:
            best, best_t = f1, float(t)
    return best_t


def char_f1(predicted: set[int], gold: set[int]) -> float:
    """SemEval-2021 Task 5 per-comment F1 over character offsets; empty vs empty scores 1."""
    if not gold and not predicted:
        return 1.0
    if not gold or not predicted:
        return 0.0
    tp = len(predicted & gold)
    if tp == 0:
        return 0.0
    precision = tp / len(predicted)
    recall = tp / len(gold)
    return 2 * precision * recall / (precision + recall)


def offsets_of(spans: Iterable[tuple[int, int]]) -> set[int]:
    out: set[int] = set()
    for s, e in spans:
        out.update(range(s, e))
    return out
