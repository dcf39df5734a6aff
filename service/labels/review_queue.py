"""The review queue: comments waiting for a human label, most uncertain first.

Comments are queued with a ``margin`` (how close the model's scores came to its thresholds;
the caller computes it) and leave the queue by being labelled: ``pending`` lists only
comments that no annotator has a current label for, so nothing needs deleting and two
reviewers working the same queue stop seeing a comment as soon as either has saved it.
The queue lives in the label store's database, so it survives restarts and every server
process sees the same one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Sequence

from sqlalchemy import and_, exists, func, select, true

from service.labels.models import label_revisions, review_queue, utc_now
from service.labels.store import LabelStore
from service.labels.validation import DEFAULT_SOURCE

_IN_CHUNK = 500


@dataclass
class QueuedComment:
    comment_id: str
    text: str
    margin: float
    model_version: str
    source: str = DEFAULT_SOURCE
    thread_id: str | None = None
    author: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None
    enqueued_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "comment_id": self.comment_id,
            "text": self.text,
            "source": self.source,
            "thread_id": self.thread_id,
            "author": self.author,
            "meta": dict(self.meta),
            "margin": self.margin,
            "queued_by_model": self.model_version,
            "enqueued_at": self.enqueued_at.isoformat() if self.enqueued_at else None,
        }


def enqueue(store: LabelStore, comments: Sequence[QueuedComment]) -> tuple[int, int]:
    """Queue the comments not queued before (by comment id; the first of a repeated id wins).

    Returns (queued, already queued). One transaction: all of them or none.
    """
    q = review_queue
    now = utc_now()
    wanted: dict[str, QueuedComment] = {}
    for c in comments:
        wanted.setdefault(c.comment_id, c)
    ids = sorted(wanted)
    # The store's own write transaction: writers one at a time on both backends.
    with store._begin_write() as conn:
        known: set[str] = set()
        for i in range(0, len(ids), _IN_CHUNK):
            known.update(conn.execute(select(q.c.comment_id).where(q.c.comment_id.in_(ids[i : i + _IN_CHUNK]))).scalars())
        rows = [
            {
                "comment_id": c.comment_id,
                "source": c.source,
                "thread_id": c.thread_id,
                "author": c.author,
                "text": c.text,
                "meta": dict(c.meta),
                "margin": float(c.margin),
                "model_version": c.model_version,
                "enqueued_at": now,
            }
            for cid, c in wanted.items()
            if cid not in known
        ]
        if rows:
            conn.execute(q.insert(), rows)
    return len(rows), len(comments) - len(rows)


def _unlabelled():
    t = label_revisions
    return ~exists().where(and_(t.c.comment_id == review_queue.c.comment_id, t.c.is_current == true()))


def pending(store: LabelStore, limit: int = 50) -> list[QueuedComment]:
    """Queued comments nobody has labelled yet, smallest margin first (then oldest)."""
    q = review_queue
    query = select(q).where(_unlabelled()).order_by(q.c.margin, q.c.id).limit(limit)
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [
        QueuedComment(
            comment_id=r["comment_id"],
            text=r["text"],
            margin=float(r["margin"]),
            model_version=r["model_version"],
            source=r["source"],
            thread_id=r["thread_id"],
            author=r["author"],
            meta=dict(r["meta"]),
            id=int(r["id"]),
            enqueued_at=r["enqueued_at"],
        )
        for r in rows
    ]


def pending_count(store: LabelStore) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(review_queue).where(_unlabelled())).scalar_one())
