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


def test_span_f1_scores_against_human_spans_only():
    """Weak lexicon spans added for training must not count as gold in the SemEval metric."""
    from types import SimpleNamespace

    from service.schema import Record, Span
    from training.evaluate import gold_toxic_spans, span_f1

    text = "you damn idiot"
    record = Record(
        source="tsd", split="test", comment_id="1", text=text,
        spans=[Span(9, 14, "toxic"), Span(4, 8, "profanity")],
        span_labels=["toxic"], meta={"weak_span_labels": ["profanity"]},
    )
    assert gold_toxic_spans(record) == [Span(9, 14, "toxic")]

    def engine_predicting(*ranges):
        hits = [SimpleNamespace(start=s, end=e) for s, e in ranges]
        return SimpleNamespace(decode_spans=lambda pred, thresholds: hits)

    assert span_f1(engine_predicting((9, 14)), [record], [None], 0.5) == 1.0
    # Predicting the weak span as well is a false positive, not a hit.
    assert span_f1(engine_predicting((4, 8), (9, 14)), [record], [None], 0.5) == pytest.approx(2 * 5 / (9 + 5))


def test_calibration_sample_keeps_every_span_tuning_record():
    """The span threshold is tuned on the SemEval dev split: a cap on the sample must not cut it."""
    from service.schema import Record
    from training.evaluate import SPAN_TUNING_SOURCE, calibration_sample

    def records(source, n):
        return [Record(source=source, split="dev", comment_id=f"{source}{i}", text=f"comment {i}") for i in range(n)]

    tuning, other = records(SPAN_TUNING_SOURCE, 30), records("mlma", 200)
    sample = calibration_sample(other + tuning, 50)
    ids = [r.comment_id for r in sample]
    assert len(ids) == 50 and len(set(ids)) == 50
    assert {r.comment_id for r in tuning} <= set(ids)
    # Seeded, and mixed: a prefix is not all one source.
    assert ids == [r.comment_id for r in calibration_sample(other + tuning, 50)]
    assert {r.source for r in sample[:20]} == {SPAN_TUNING_SOURCE, "mlma"}
    # Smaller dev sets come back whole.
    assert len(calibration_sample(other[:10] + tuning[:5], 50)) == 15


def test_span_threshold_without_parent_is_the_best_mean():
    from training.evaluate import choose_span_threshold

    scores = {0.7: np.array([0.5, 0.5, 0.5]), 0.75: np.array([0.6, 0.6, 0.7]), 0.8: np.array([0.6, 0.6, 0.6])}
    assert choose_span_threshold(scores) == 0.75
    # Ties go to the lower threshold, as they always have.
    assert choose_span_threshold({0.7: np.array([1.0, 0.0]), 0.75: np.array([0.0, 1.0])}) == 0.7


def test_span_threshold_keeps_the_parents_unless_beaten_beyond_noise():
    """A gain smaller than the paired standard error does not move the served threshold."""
    from training.evaluate import choose_span_threshold

    rng = np.random.default_rng(0)
    parent = rng.random(400)
    noisy = parent + rng.normal(0.002, 0.08, 400)  # +0.002 on average, standard error 0.004
    clear = parent + rng.normal(0.05, 0.08, 400)
    assert noisy.mean() > parent.mean()
    assert choose_span_threshold({0.75: parent, 0.8: noisy}, parent=0.75) == 0.75
    assert choose_span_threshold({0.75: parent, 0.8: clear}, parent=0.75) == 0.8
    # A parent threshold off the grid cannot be compared, so the best one is taken.
    assert choose_span_threshold({0.75: parent, 0.8: noisy}, parent=0.77) == 0.8


def _flat_f1_scores(rng, n: int = 2000):
    """Scores whose best-F1 threshold sits on a flat stretch: positives and negatives overlap widely."""
    y = rng.random(n) < 0.6
    scores = np.clip(np.where(y, rng.normal(0.62, 0.2, n), rng.normal(0.38, 0.2, n)), 0, 1)
    return y, scores


def test_comment_threshold_keeps_the_parents_unless_beaten_beyond_noise():
    from training.evaluate import choose_comment_threshold
    from training.metrics import best_f1_threshold, precision_recall_f1

    y, scores = _flat_f1_scores(np.random.default_rng(1))
    best = best_f1_threshold(y, scores)
    near = round(best + 0.02, 2)  # F1 within noise of the best
    far = 0.9  # far worse: most positives unflagged
    f1 = lambda t: precision_recall_f1(y, scores >= t)[2]  # noqa: E731
    assert 0 < f1(best) - f1(near) < 0.01 and f1(best) - f1(far) > 0.2
    assert choose_comment_threshold(y, scores) == best
    assert choose_comment_threshold(y, scores, parent=near) == near
    assert choose_comment_threshold(y, scores, parent=far) == best
    assert choose_comment_threshold(y, scores, parent=best) == best


def test_calibration_keeps_a_parents_comment_and_span_thresholds_within_noise():
    """Through ``calibrate``: labels with too little gold stay at 0.5, the rest keep a parent's
    threshold when it is as good within noise and drop it when it is clearly worse."""
    from service.runtime.engine import Prediction
    from service.runtime.windows import EncodedComment
    from service.runtime.normalise import normalise
    from service.schema import LABELS, SPAN_LABELS, Record
    from training.evaluate import calibrate

    rng = np.random.default_rng(2)
    y, scores = _flat_f1_scores(rng, 600)
    j = LABELS.index("hate")
    records, preds = [], []
    for i, (gold, score) in enumerate(zip(y, scores)):
        probs = np.full(len(LABELS), 0.01, np.float32)
        probs[j] = score
        records.append(Record(source="x", split="dev", comment_id=str(i), text=f"comment {i}", labels={"hate": int(gold)}))
        enc = EncodedComment(normalise(f"comment {i}"), np.zeros((0, 2), np.int64), [])
        preds.append(Prediction(enc, probs, np.zeros((0, len(SPAN_LABELS)), np.float32)))
    own = calibrate(None, records, preds)["comment"]["hate"]
    near = round(own + 0.02, 2)
    kept = calibrate(None, records, preds, {"comment": {"hate": near, "toxic": 0.2}, "span": {"toxic": 0.75}})
    assert kept["comment"]["hate"] == near
    assert kept["comment"]["toxic"] == 0.5  # no toxic gold: nothing to calibrate on
    dropped = calibrate(None, records, preds, {"comment": {"hate": 0.95}, "span": {}})
    assert dropped["comment"]["hate"] == own
