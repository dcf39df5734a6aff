"""Batch inference independent of the backend: windows in, comment probabilities and
per-token probabilities out, then spans decoded onto the original text.

The backend is any ``forward(input_ids, attention_mask) -> (comment_logits, token_logits)``:
onnxruntime when serving, torch when training evaluates itself, so evaluation measures
exactly the decoding the service runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from tokenizers import Tokenizer

from service.runtime.windows import EncodedComment, Window, encode_comments, pad_windows

Forward = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


@dataclass(frozen=True)
class Prediction:
    encoded: EncodedComment
    comment_probs: np.ndarray  # (n_labels,)
    token_probs: np.ndarray  # (n_tokens, n_span_labels)


@dataclass(frozen=True)
class SpanHit:
    start: int
    end: int
    label: str
    score: float
    text: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "label": self.label, "score": round(self.score, 4), "text": self.text}


class Engine:
    def __init__(
        self,
        tokenizer: Tokenizer,
        forward: Forward,
        span_labels: Sequence[str],
        max_length: int = 128,
        stride: int = 96,
        max_batch_windows: int = 64,
    ) -> None:
        self.tokenizer = tokenizer
        self.forward = forward
        self.span_labels = tuple(span_labels)
        self.max_length = max_length
        self.stride = stride
        self.max_batch_windows = max_batch_windows
        self.cls_id = tokenizer.token_to_id("[CLS]")
        self.sep_id = tokenizer.token_to_id("[SEP]")
        self.pad_id = tokenizer.token_to_id("[PAD]") or 0

    def encode(self, texts: Sequence[str]) -> list[EncodedComment]:
        return encode_comments(self.tokenizer, texts, self.max_length, self.stride, self.cls_id, self.sep_id)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        encoded = self.encode(texts)
        windows: list[Window] = [w for e in encoded for w in e.windows]
        # Length-sorted batches waste almost nothing on padding.
        order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids))
        comment_logits: list[np.ndarray | None] = [None] * len(windows)
        token_logits: list[np.ndarray | None] = [None] * len(windows)
        for b in range(0, len(order), self.max_batch_windows):
            idx = order[b : b + self.max_batch_windows]
            ids, mask = pad_windows([windows[i] for i in idx], self.pad_id)
            c_logits, t_logits = self.forward(ids, mask)
            for row, i in enumerate(idx):
                comment_logits[i] = c_logits[row]
                token_logits[i] = t_logits[row, 1 : len(windows[i].input_ids) - 1]

        out: list[Prediction] = []
        cursor = 0
        for enc in encoded:
            n_tokens = len(enc.offsets)
            comment = None
            tokens = np.full((n_tokens, len(self.span_labels)), -np.inf, dtype=np.float32)
            for w in enc.windows:
                c = comment_logits[cursor]
                t = token_logits[cursor]
                cursor += 1
                # A label present anywhere in a long comment is present in the comment.
                comment = c if comment is None else np.maximum(comment, c)
                if len(t):
                    seg = tokens[w.first_token : w.first_token + len(t)]
                    np.maximum(seg, t, out=seg)
            out.append(Prediction(enc, sigmoid(comment.astype(np.float32)), sigmoid(tokens)))
        return out

    def decode_spans(self, pred: Prediction, thresholds: Sequence[float]) -> list[SpanHit]:
        """Flagged tokens → whole words → merged runs → spans on the original text."""
        norm = pred.encoded.normalised
        text = norm.text
        offsets = pred.encoded.offsets
        hits: list[SpanHit] = []
        if not len(offsets):
            return hits
        over = pred.token_probs >= np.asarray(thresholds, dtype=np.float32)
        for j in np.flatnonzero(over.any(axis=0)):  # most comments have no label to decode
            label = self.span_labels[j]
            flagged = np.flatnonzero(over[:, j])
            runs: list[list[float]] = []  # [start, end, score] in normalised coordinates
            for t in flagged:
                s, e = int(offsets[t, 0]), int(offsets[t, 1])
                # A flagged sub-word flags its whole word.
                while s > 0 and text[s - 1].isalnum():
                    s -= 1
                while e < len(text) and text[e].isalnum():
                    e += 1
                p = float(pred.token_probs[t, j])
                if runs and (s <= runs[-1][1] or not text[int(runs[-1][1]) : s].strip()):
                    runs[-1][1] = max(runs[-1][1], e)
                    runs[-1][2] = max(runs[-1][2], p)
                else:
                    runs.append([s, e, p])
            for s, e, p in runs:
                os_, oe = norm.to_original(int(s), int(e))
                piece = norm.original[os_:oe]
                # Trim whitespace so every span starts and ends on a visible character.
                lead = len(piece) - len(piece.lstrip())
                trail = len(piece) - len(piece.rstrip())
                os_, oe = os_ + lead, oe - trail
                if oe > os_:
                    hits.append(SpanHit(os_, oe, label, p, norm.original[os_:oe]))
        hits.sort(key=lambda h: (h.start, h.end, h.label))
        return hits
