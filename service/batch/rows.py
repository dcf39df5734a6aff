"""The rows a batch run writes: one per comment in ``comments.jsonl``, one per unreadable record in ``errors.jsonl``.

Both engines build rows with these functions, so their outputs are equal field for field.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol, Sequence

from service.threads.model import Comment
from service.threads.readers import ReadError

__all__ = ["TextScorer", "comment_row", "error_row", "empty_result", "score_texts", "LOCATION_KEYS"]

LOCATION_KEYS = ("line", "record")


class TextScorer(Protocol):
    """What a batch run needs of a scorer (``service.runtime.scorer.Scorer`` is one)."""

    @property
    def version(self) -> str: ...

    @property
    def labels(self) -> tuple[str, ...]: ...

    def score(
        self, texts: Sequence[str], thresholds: Mapping[str, float] | None = None, spans: bool = True
    ) -> list[dict[str, Any]]: ...


def empty_result(labels: Sequence[str], model_version: str) -> dict[str, Any]:
    """The result of an empty comment: nothing to flag, so every score is zero."""
    return {
        "scores": {n: 0.0 for n in labels},
        "flags": {n: False for n in labels},
        "flagged": False,
        "spans": [],
        "model": model_version,
    }


def score_texts(
    scorer: TextScorer, texts: Sequence[str], thresholds: Mapping[str, float] | None, spans: bool
) -> list[dict[str, Any]]:
    """Results for ``texts`` in order; empty and blank texts are not sent to the model and score zero."""
    results: list[dict[str, Any] | None] = [None] * len(texts)
    todo = [i for i, t in enumerate(texts) if t.strip()]
    if todo:
        for i, result in zip(todo, scorer.score([texts[i] for i in todo], thresholds=thresholds, spans=spans)):
            results[i] = result
    empty = empty_result(scorer.labels, scorer.version)
    return [r if r is not None else {**empty, "scores": dict(empty["scores"]), "flags": dict(empty["flags"])} for r in results]


def comment_row(file: str, comment: Comment, result: Mapping[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in comment.meta.items() if k not in LOCATION_KEYS}
    row: dict[str, Any] = {
        "thread_id": comment.thread_id,
        "comment_id": comment.id,
        "author": comment.author,
        "parent_id": comment.parent_id,
        "file": file,
        "line": comment.meta.get("line"),
        "record": comment.meta.get("record"),
        "offset": comment.offset,
        "length": len(comment.text),
        "text": comment.text,
        **result,
    }
    if meta:
        row["meta"] = meta
    return row


def error_row(error: ReadError) -> dict[str, Any]:
    return error.to_dict()
