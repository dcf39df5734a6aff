"""Records → window-level training examples with masked targets.

Comment targets: one value per label, weight 0 where the source does not say.
Token targets: one value per span label per token, weight 0 for span labels the record was
not annotated for, a reduced weight for weak (lexicon) spans. The ``toxic`` span channel is
the union of every gold span: any offending word is toxic, the specific labels say why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from tokenizers import Tokenizer

from service.runtime.windows import encode_comments
from service.schema import LABELS, SPAN_LABELS, Record

IMPLIES_TOXIC = ("hate", "slur", "insult", "profanity", "threat")


@dataclass
class Example:
    input_ids: np.ndarray  # (T,) with [CLS] ... [SEP]
    comment_target: np.ndarray  # (n_labels,) float32
    comment_weight: np.ndarray  # (n_labels,) float32
    token_target: np.ndarray  # (T, n_span_labels) float32, rows for [CLS]/[SEP] are zero
    token_weight: np.ndarray  # (n_span_labels,) float32
    source: str
    weight: float = 1.0


def comment_targets(record: Record, weak_weight: float) -> tuple[np.ndarray, np.ndarray]:
    target = np.zeros(len(LABELS), np.float32)
    weight = np.zeros(len(LABELS), np.float32)
    labels = dict(record.labels)
    if "toxic" not in labels and any(labels.get(k) == 1 for k in IMPLIES_TOXIC):
        labels["toxic"] = 1
    for j, name in enumerate(LABELS):
        if name in labels:
            target[j] = labels[name]
            weight[j] = 1.0
    # Sources without a comment-level slur label still say "slur" through lexicon hits.
    weak = record.meta.get("weak_span_labels") or []
    for name in ("slur", "profanity"):
        j = LABELS.index(name)
        if weight[j] == 0 and name in weak:
            target[j] = float(any(s.label == name for s in record.spans))
            weight[j] = weak_weight
    return target, weight


def token_channels(record: Record, weak_weight: float) -> tuple[list[list[tuple[int, int]]], np.ndarray]:
    """Per span label: the original-text ranges that are positive, and the channel's weight."""
    weak = set(record.meta.get("weak_span_labels") or [])
    gold = set(record.span_labels)
    ranges: list[list[tuple[int, int]]] = []
    weight = np.zeros(len(SPAN_LABELS), np.float32)
    for j, name in enumerate(SPAN_LABELS):
        if name == "toxic":
            chosen = [s for s in record.spans if s.label in gold]
        else:
            chosen = [s for s in record.spans if s.label == name]
        ranges.append([(s.start, s.end) for s in chosen])
        if name in gold:
            weight[j] = 1.0
        elif name in weak:
            weight[j] = weak_weight
    return ranges, weight


def build_examples(
    records: list[Record],
    tokenizer: Tokenizer,
    max_length: int,
    stride: int,
    weak_weight: float,
    batch: int = 2048,
) -> list[Example]:
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    examples: list[Example] = []
    for b in range(0, len(records), batch):
        chunk = records[b : b + batch]
        encoded = encode_comments(tokenizer, [r.text for r in chunk], max_length, stride, cls_id, sep_id)
        for record, enc in zip(chunk, encoded):
            c_target, c_weight = comment_targets(record, weak_weight)
            ranges, t_weight = token_channels(record, weak_weight)
            n = len(enc.offsets)
            tok_target = np.zeros((n, len(SPAN_LABELS)), np.float32)
            if n and any(ranges):
                orig = np.array([enc.normalised.to_original(int(s), int(e)) if e > s else (0, 0) for s, e in enc.offsets])
                for j, spans in enumerate(ranges):
                    for s, e in spans:
                        tok_target[(orig[:, 0] < e) & (orig[:, 1] > s), j] = 1.0
            multi = len(enc.windows) > 1
            for k, w in enumerate(enc.windows):
                body = len(w.input_ids) - 2
                t = np.zeros((len(w.input_ids), len(SPAN_LABELS)), np.float32)
                t[1:-1] = tok_target[w.first_token : w.first_token + body]
                cw = c_weight.copy()
                if multi and k > 0:
                    # A positive comment label may come from another window; negatives hold everywhere.
                    cw[c_target > 0] = 0.0
                examples.append(Example(w.input_ids, c_target, cw, t, t_weight, record.source))
    return examples
