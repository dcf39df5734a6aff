"""The label store as the API uses it: opened on first use, called off the event loop, and
label payloads parsed with errors that name the offending field.

The store is opened lazily so that a server nobody labels through never creates a database
file. Every store call runs in a worker thread: a commit waits for an fsync (see
``service.labels.store``), and the event loop must keep serving meanwhile. A route answers
only after ``LabelStore.add`` has returned, i.e. after the commit: a 2xx means durable.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any, Callable, TypeVar

from sqlalchemy.exc import DBAPIError

from service.api.errors import ApiError
from service.api.settings import redacted_url
from service.labels.store import LabelStore, StoredLabel
from service.labels.validation import LabelIn, LabelValidationError, Problem, parse_label_dict

log = logging.getLogger("threadguard.api")

T = TypeVar("T")


class LazyLabelStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self._store: LabelStore | None = None
        self._lock = threading.Lock()

    def _open(self) -> LabelStore:
        with self._lock:
            if self._store is None:
                self._store = LabelStore(self.url)
            return self._store

    async def call(self, fn: Callable[[LabelStore], T]) -> T:
        """``fn(store)`` in a worker thread; an unreachable or unusable store is a 503."""
        def run() -> T:
            try:
                store = self._open()
            except Exception as exc:  # bad URL, server down, schema too new: all mean "not now"
                first = (str(exc).splitlines() or [type(exc).__name__])[0][:300]
                log.error("label store %s unavailable: %s", redacted_url(self.url), first)
                raise ApiError(503, f"the label store is unavailable: {first}") from None
            try:
                return fn(store)
            except DBAPIError as exc:  # connection lost, lock wait exhausted...
                first = (str(exc.orig).splitlines() or [type(exc.orig).__name__])[0][:300]
                log.error("label store %s failed: %s", redacted_url(self.url), first)
                # Whether a commit cut short landed is unknown; a retry is safe either way,
                # since an identical label is stored once.
                raise ApiError(503, f"the label store failed ({first}); retrying is safe") from None

        return await asyncio.to_thread(run)

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def validation_error(problems: list[Problem], prefix: Callable[[int], str]) -> ApiError:
    """422 naming the first bad field (``prefix(index)`` + field); every problem in ``details``."""
    first = problems[0]
    field = prefix(first["index"]) + first["field"]
    message = f"{field}: {first['message']}"
    if len(problems) > 1:
        message += f" (and {len(problems) - 1} more problem(s), listed in details)"
    details = [{"field": prefix(p["index"]) + p["field"], "index": p["index"], "message": p["message"]} for p in problems]
    return ApiError(422, message, field, details=details)


def parse_labels(items: list[Any], annotator: str, prefix: Callable[[int], str]) -> list[LabelIn]:
    """Record-schema dicts → labels; the key's annotator name fills in for labels that name none.

    A label naming another annotator than the key's keeps the key's name in
    ``meta.submitted_by``, so who posted it is never lost.
    """
    labels: list[LabelIn] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        label, found = parse_label_dict(item, default_annotator=annotator)
        if found or label is None:
            problems += [{"index": index, "field": f, "message": m} for f, m in found]
            continue
        if label.annotator != annotator:
            label.meta = {**label.meta, "submitted_by": annotator}
        labels.append(label)
    if problems:
        raise validation_error(problems, prefix)
    return labels


async def store_labels(holder: LazyLabelStore, labels: list[LabelIn], prefix: Callable[[int], str]) -> list[StoredLabel]:
    """Commit ``labels`` in one transaction; returns once they are on disk."""
    try:
        return await holder.call(lambda store: store.add(labels))
    except LabelValidationError as exc:
        raise validation_error(exc.errors, prefix) from None


def stored_summary(stored: list[StoredLabel]) -> dict[str, Any]:
    return {
        "labels": [
            {
                "comment_id": s.comment_id,
                "annotator": s.annotator,
                "revision_id": s.revision_id,
                "created": s.created,
                "recorded_at": s.recorded_at.isoformat(),
            }
            for s in stored
        ],
        "created": sum(s.created for s in stored),
        "unchanged": sum(not s.created for s in stored),
    }


def exported(label: StoredLabel) -> dict[str, Any]:
    """One label as our JSONL record, plus where it sits in the store's history."""
    return {**label.to_dict(), "revision_id": label.revision_id, "recorded_at": label.recorded_at.isoformat()}
