import numpy as np
import pytest

from training.metrics import best_f1_threshold, char_f1, offsets_of, precision_recall_f1, roc_auc


def test_auc_matches_pairwise_definition():
    rng = np.random.default_rng(0)
    y = rng.random(200) < 0.3
    p = np.round(rng.random(200), 1)  # many ties
    pos, neg = p[y], p[~y]
    pairwise = ((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (len(pos) * len(neg))
    assert roc_auc(y, p) == pytest.approx(pairwise)
    assert roc_auc(np.ones(3, bool), np.ones(3)) is None


def test_prf():
    assert precision_recall_f1(np.array([1, 1, 0, 0]), np.array([1, 0, 1, 0])) == (0.5, 0.5, 0.5)


def test_semeval_char_f1():
    assert char_f1(set(), set()) == 1.0
    assert char_f1({1}, set()) == 0.0
    assert char_f1(set(), {1}) == 0.0
    assert char_f1(offsets_of([(0, 4)]), offsets_of([(2, 6)])) == pytest.approx(0.5)


def test_threshold_separates():
    y = np.array([0, 0, 0, 1, 1, 1], bool)
    p = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.8])
    t = best_f1_threshold(y, p)
    assert 0.3 < t <= 0.6
