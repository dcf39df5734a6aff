"""Turning comments into fixed-size token windows, shared by training and serving.

Both sides must cut text identically, or the served model sees windows it was never
trained on; that is why this lives in the runtime and ``training`` imports it.

A comment is normalised (evasions undone), tokenised once without special tokens, then cut
into windows of at most ``max_length - 2`` tokens whose starts are ``stride`` tokens apart,
so a span past the first window is still seen whole by some window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from tokenizers import Tokenizer

from service.runtime.normalise import Normalised, normalise


@dataclass(frozen=True)
class Window:
    comment: int  # index of the comment in the batch it came from
    first_token: int  # index of this window's first token in the comment's token list
    input_ids: np.ndarray  # [CLS] tokens... [SEP], int64


@dataclass(frozen=True)
class EncodedComment:
    normalised: Normalised
    offsets: np.ndarray  # (n_tokens, 2) character offsets into normalised.text, no special tokens
    windows: list[Window]


def load_tokenizer(path: str) -> Tokenizer:
    tok = Tokenizer.from_file(path)
    # We window by hand; the tokenizer must hand back every token, unpadded.
    tok.no_truncation()
    tok.no_padding()
    return tok


def window_starts(n_tokens: int, body: int, stride: int) -> list[int]:
    """Window start positions covering ``n_tokens`` tokens, the last window ending at the end."""
    if n_tokens <= body:
        return [0]
    starts = list(range(0, n_tokens - body, stride))
    starts.append(n_tokens - body)
    return starts


def encode_comments(
    tokenizer: Tokenizer,
    texts: Sequence[str],
    max_length: int,
    stride: int,
    cls_id: int,
    sep_id: int,
) -> list[EncodedComment]:
    normalised = [normalise(t) for t in texts]
    encodings = tokenizer.encode_batch([n.text for n in normalised], add_special_tokens=False)
    body = max_length - 2
    out: list[EncodedComment] = []
    for i, (norm, enc) in enumerate(zip(normalised, encodings)):
        ids = np.asarray(enc.ids, dtype=np.int64)
        offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
        windows = []
        for start in window_starts(len(ids), body, stride):
            piece = ids[start : start + body]
            windows.append(Window(i, start, np.concatenate(([cls_id], piece, [sep_id])).astype(np.int64)))
        out.append(EncodedComment(norm, offsets, windows))
    return out


def pad_windows(windows: Sequence[Window], pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Pad to the longest window in this batch only (dynamic padding)."""
    width = max(len(w.input_ids) for w in windows)
    ids = np.full((len(windows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(windows), width), dtype=np.int64)
    for row, w in enumerate(windows):
        ids[row, : len(w.input_ids)] = w.input_ids
        mask[row, : len(w.input_ids)] = 1
    return ids, mask
