"""The label store's tables as the code reads and writes them today.

These definitions describe the schema *after* every migration in ``migrations.py``; the
migrations themselves spell out their own DDL so that an old migration never changes when a
column is added here (a test checks the two agree).
"""

from __future__ import annotations

from datetime import datetime, timezone
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on every backend.

    SQLite keeps no time zone and PostgreSQL's ``timestamptz`` answers in the session's zone;
    normalising to UTC on the way in and out makes both backends compare and return alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the label store only accepts time-zone-aware times")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
)

# One row per revision. A correction inserts a new row and clears ``is_current`` on the old one,
# so history is never rewritten; the partial unique index keeps one current row per key.
label_revisions = Table(
    "label_revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("comment_id", String(512), nullable=False),
    Column("annotator", String(200), nullable=False),
    Column("source", String(200), nullable=False),
    Column("split", String(16), nullable=False),
    Column("thread_id", String(512), nullable=True),
    Column("author", String(200), nullable=True),
    Column("text", Text, nullable=False),
    Column("labels", JSON, nullable=False),
    Column("spans", JSON, nullable=False),
    Column("span_labels", JSON, nullable=False),
    Column("meta", JSON, nullable=False),
    Column("note", Text, nullable=True),
    Column("content_hash", String(64), nullable=False),
    Column("labelled_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("replaces_id", Integer, nullable=True),
)
Index("ix_label_revisions_key", label_revisions.c.comment_id, label_revisions.c.annotator)
Index(
    "uq_label_revisions_current",
    label_revisions.c.comment_id,
    label_revisions.c.annotator,
    unique=True,
    sqlite_where=label_revisions.c.is_current == true(),
    postgresql_where=label_revisions.c.is_current == true(),
)
Index("ix_label_revisions_recorded_at", label_revisions.c.recorded_at)

# Comments waiting for a human label (the review page's queue). ``margin`` is how close the
# model's scores were to its thresholds when the comment was queued: smallest first is
# "most uncertain first". A comment leaves the queue by being labelled (see review_queue.py).
review_queue = Table(
    "review_queue",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("comment_id", String(512), nullable=False, unique=True),
    Column("source", String(200), nullable=False),
    Column("thread_id", String(512), nullable=True),
    Column("author", String(200), nullable=True),
    Column("text", Text, nullable=False),
    Column("meta", JSON, nullable=False),
    Column("margin", Float, nullable=False),
    Column("model_version", String(200), nullable=False),
    Column("enqueued_at", UTCDateTime, nullable=False),
)
Index("ix_review_queue_margin", review_queue.c.margin, review_queue.c.id)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
