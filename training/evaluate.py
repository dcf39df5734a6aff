"""Evaluation through the runtime's own engine, so the numbers are the service's numbers.

- per source and split: per-label ROC-AUC, precision, recall, F1 at the calibrated thresholds;
- SemEval-2021 Task 5 character F1 of the ``toxic`` span channel (``tsd`` test = tsd_trial);
- per-behaviour accuracy on the held-out behaviour data;
- threshold calibration on dev data (comment labels: best F1; span labels: best char F1).
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Callable, Mapping, Sequence

import numpy as np

from service.runtime.engine import Engine, Prediction
from service.schema import LABELS, SPAN_LABELS, Record
from training.metrics import best_f1_threshold, char_f1, offsets_of, precision_recall_f1, roc_auc

TOXIC_SPAN = SPAN_LABELS.index("toxic")


def torch_forward(model) -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    import torch

    def forward(ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with torch.inference_mode():
            c, t = model(torch.from_numpy(ids), torch.from_numpy(mask))
        return c.numpy(), t.numpy()

    return forward


def torch_engine(model, tokenizer, max_length: int, stride: int) -> Engine:
    return Engine(tokenizer, torch_forward(model), SPAN_LABELS, max_length, stride)


def predict_records(engine: Engine, records: Sequence[Record], batch: int = 256) -> list[Prediction]:
    out: list[Prediction] = []
    for b in range(0, len(records), batch):
        out += engine.predict([r.text for r in records[b : b + batch]])
    return out


def gold_toxic_spans(record: Record) -> list:
    """The human-annotated spans behind the toxic channel, as training sees them.

    Weak lexicon spans (``meta.weak_span_labels``) are training hints, never gold: counting
    them would score the model against its own kind of guess, not against the annotators.
    """
    return [s for s in record.spans if s.label in record.span_labels]


def span_f1_scores(engine: Engine, records: Sequence[Record], preds: Sequence[Prediction],
                   threshold: float) -> np.ndarray:
    """Per-comment SemEval character F1 of the records annotated with toxic spans."""
    thresholds = [1.1] * len(SPAN_LABELS)
    thresholds[TOXIC_SPAN] = threshold
    scores = []
    for r, p in zip(records, preds):
        if "toxic" not in r.span_labels:
            continue
        gold = offsets_of((s.start, s.end) for s in gold_toxic_spans(r))
        hits = engine.decode_spans(p, thresholds)
        scores.append(char_f1(offsets_of((h.start, h.end) for h in hits), gold))
    return np.asarray(scores, dtype=np.float64)


def span_f1(engine: Engine, records: Sequence[Record], preds: Sequence[Prediction], threshold: float) -> float | None:
    """Mean SemEval character F1 over records annotated with toxic spans."""
    scores = span_f1_scores(engine, records, preds, threshold)
    return float(scores.mean()) if len(scores) else None


def label_metrics(records: Sequence[Record], preds: Sequence[Prediction], thresholds: Sequence[float]) -> dict:
    out: dict[str, dict] = {}
    for j, name in enumerate(LABELS):
        rows = [(r.labels[name], p.comment_probs[j]) for r, p in zip(records, preds) if name in r.labels]
        if not rows:
            continue
        y = np.array([a for a, _ in rows], bool)
        s = np.array([b for _, b in rows], np.float64)
        precision, recall, f1 = precision_recall_f1(y, s >= thresholds[j])
        auc = roc_auc(y, s)
        out[name] = {
            "n": len(rows),
            "positives": int(y.sum()),
            "auc": None if auc is None else round(auc, 4),
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
        }
    return out


SPAN_TUNING_SOURCE = "tsd"


def calibration_sample(dev: Sequence[Record], size: int, seed: int = 0) -> list[Record]:
    """Up to ``size`` dev records in a seeded order, holding every record of the span-tuning source.

    The span threshold is chosen on that source alone, where F1 is flat between neighbouring
    thresholds; on a random part of it the choice between them was left to chance (one
    candidate's threshold moved from 0.75 on all 749 SemEval dev comments to 0.80 on 571).
    """
    rng = random.Random(seed)
    tuning = [r for r in dev if r.source == SPAN_TUNING_SOURCE]
    rest = [r for r in dev if r.source != SPAN_TUNING_SOURCE]
    sample = tuning[:size] + rng.sample(rest, max(0, min(len(rest), size - len(tuning))))
    rng.shuffle(sample)  # callers take prefixes (activation ranges, parity): keep them mixed
    return sample


SPAN_GRID: tuple[float, ...] = tuple(float(t) for t in np.round(np.arange(0.2, 0.951, 0.05), 2))


def choose_span_threshold(scores: dict[float, np.ndarray], parent: float | None = None) -> float:
    """The threshold with the best mean per-comment F1; the parent's threshold if none beats it
    by more than one standard error of the paired per-comment difference.

    Neighbouring thresholds differ by about 0.002 in mean F1 on the 749 SemEval dev comments,
    against a standard error of about 0.004: left to the arg-max, the served threshold moved
    between releases on noise, and each move cost the other span set 0.01–0.03.
    """
    best = max(scores, key=lambda t: (scores[t].mean(), -t))
    if parent is None or parent not in scores or parent == best:
        return best
    diff = scores[best] - scores[parent]
    se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else 0.0
    return parent if diff.mean() <= se else best


def choose_comment_threshold(y: np.ndarray, scores: np.ndarray, parent: float | None = None,
                             rounds: int = 200, seed: int = 0) -> float:
    """The threshold with the best F1 on (``y``, ``scores``); the parent's threshold if the best
    does not beat it by more than one bootstrap standard error of the paired F1 difference.

    Pooled over sources, dev F1 is flat across a wide band: exported again from 2026.11.22-14's
    own weights, calibration picked toxic 0.54 (7-bit weights) and 0.37 (8-bit), against -14's
    0.64, and each move reshuffled the behaviour categories whose comments sit near it
    (fourteenth round in the model card).
    """
    y = np.asarray(y, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    best = best_f1_threshold(y, scores)
    if parent is None or abs(parent - best) < 1e-9:
        return best
    idx = np.random.default_rng(seed).integers(0, len(y), size=(rounds, len(y)))
    yb, sb = y[idx], scores[idx]

    def f1(yy: np.ndarray, flagged: np.ndarray) -> np.ndarray:
        tp = (yy & flagged).sum(-1)
        wrong = (yy != flagged).sum(-1)
        return 2 * tp / np.maximum(2 * tp + wrong, 1)

    diff = f1(yb, sb >= best) - f1(yb, sb >= parent)
    observed = float(f1(y, scores >= best) - f1(y, scores >= parent))
    return float(parent) if observed <= diff.std(ddof=1) else best


def calibrate(engine: Engine, records: Sequence[Record], preds: Sequence[Prediction],
              parent: Mapping[str, Mapping[str, float]] | None = None) -> dict[str, dict[str, float]]:
    """Per-label thresholds from dev data: best F1 for comments, best char F1 for spans.

    ``parent``: the thresholds (``{"comment": …, "span": …}``) of the model this one would
    replace; each is kept unless another beats it beyond noise (``choose_comment_threshold``,
    ``choose_span_threshold``), so a release moves its operating point only for a reason.
    """
    parent_comment = dict((parent or {}).get("comment") or {})
    comment: dict[str, float] = {}
    for j, name in enumerate(LABELS):
        rows = [(r.labels[name], p.comment_probs[j]) for r, p in zip(records, preds) if name in r.labels]
        y = np.array([a for a, _ in rows], bool)
        s = np.array([b for _, b in rows], np.float64)
        if len(rows) >= 20 and y.sum() >= 5:
            comment[name] = choose_comment_threshold(y, s, parent_comment.get(name))
        else:
            comment[name] = 0.5
    # Tune on the SemEval source when present: other span data (majority-merged typed spans)
    # follows other annotation habits and would pull the threshold away from the metric.
    pairs = [(r, p) for r, p in zip(records, preds) if r.source == SPAN_TUNING_SOURCE] or list(zip(records, preds))
    span_records, span_preds = [r for r, _ in pairs], [p for _, p in pairs]
    scores = {t: span_f1_scores(engine, span_records, span_preds, t) for t in SPAN_GRID}
    scores = {t: f for t, f in scores.items() if len(f)}
    parent_span = ((parent or {}).get("span") or {}).get("toxic")
    parent_span = None if parent_span is None else round(float(parent_span), 2)
    best_t = choose_span_threshold(scores, parent_span) if scores else 0.5
    # Only the toxic channel has enough gold to tune on; the others share its threshold.
    return {"comment": comment, "span": {name: best_t for name in SPAN_LABELS}}


def behaviour_correct(records: Sequence[Record], preds: Sequence[Prediction], thresholds: Sequence[float]) -> dict[str, np.ndarray]:
    """Per behaviour category, 1 for each example (in record order) whose hate and toxic flags match gold."""
    hits: dict[str, list[int]] = defaultdict(list)
    key = [LABELS.index("hate"), LABELS.index("toxic")]
    for r, p in zip(records, preds):
        gold = [r.labels.get("hate", 0), r.labels.get("toxic", 0)]
        got = [int(p.comment_probs[j] >= thresholds[j]) for j in key]
        hits[r.meta.get("behaviour", "?")].append(int(gold == got))
    return {b: np.asarray(v, dtype=np.int8) for b, v in sorted(hits.items())}


def behaviour_accuracy(records: Sequence[Record], preds: Sequence[Prediction], thresholds: Sequence[float]) -> dict:
    """A behaviour example is right when the flagged/not-flagged call on hate and toxic matches gold."""
    return {b: {"n": len(v), "accuracy": round(float(v.mean()), 4)}
            for b, v in behaviour_correct(records, preds, thresholds).items()}


def dev_score(model, tokenizer, dev_records: Sequence[Record], cfg) -> tuple[float, dict]:
    """The number training keeps its best checkpoint by: mean of toxic AUC, hate AUC and span F1."""
    engine = torch_engine(model, tokenizer, cfg.max_length, cfg.stride)
    preds = predict_records(engine, dev_records)
    metrics = label_metrics(dev_records, preds, [0.5] * len(LABELS))
    auc_toxic = (metrics.get("toxic") or {}).get("auc") or 0.0
    auc_hate = (metrics.get("hate") or {}).get("auc") or 0.0
    # Spans at their best threshold, as calibration will pick it later.
    f = max((span_f1(engine, dev_records, preds, t) or 0.0) for t in (0.5, 0.6, 0.7, 0.8))
    score = (auc_toxic + auc_hate + f) / 3
    return score, {"auc_toxic": auc_toxic, "auc_hate": auc_hate, "span_f1": round(f, 4)}


def full_report(engine: Engine, records: Sequence[Record], thresholds: dict[str, dict[str, float]]) -> dict:
    """Metrics on every source's dev and test split, the SemEval span F1, and the behaviour table."""
    comment_t = [thresholds["comment"][n] for n in LABELS]
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for r in records:
        if r.split in ("dev", "test"):
            groups[(r.source, r.split)].append(r)
    report: dict = {"sources": {}}
    for (source, split), rs in sorted(groups.items()):
        preds = predict_records(engine, rs)
        entry = {"n": len(rs), "labels": label_metrics(rs, preds, comment_t)}
        f = span_f1(engine, rs, preds, thresholds["span"]["toxic"])
        if f is not None:
            entry["span_char_f1"] = round(f, 4)
        if source == "behaviour":
            entry["behaviours"] = behaviour_accuracy(rs, preds, comment_t)
        report["sources"][f"{source}/{split}"] = entry
    return report
