"""The label store: one database, SQLite by default or PostgreSQL by URL, through the same code.

Every label is a revision row keyed by (comment id, annotator). Storing a label that equals the
current revision changes nothing; a different one becomes a new current revision and the
earlier ones stay, so a correction never destroys what it corrects.

Durability: a call to ``add`` returns only after its transaction is committed to disk. On
SQLite the store runs in WAL mode with ``synchronous=FULL``, which fsyncs the WAL at every
commit. ``NORMAL`` would survive a killed process too (the WAL write is in the OS cache) but
can lose the last commits on power loss or an OS crash, so a label whose POST returned 2xx
could vanish; labelling commits are rare, human-paced writes, so the fsync costs nothing that
matters. PostgreSQL commits synchronously by default (``synchronous_commit=on``).
"""

from __future__ import annotations

import hashlib
import json
import time as _time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator, Sequence

from sqlalchemy import Connection, create_engine, event, func, select, true
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from service.labels.migrations import migrate
from service.labels.models import label_revisions, utc_now
from service.labels.validation import LabelIn, normalise, validate_labels
from service.schema import Span

DEFAULT_URL = "sqlite:///labels.db"
DB_ENV = "THREADGUARD_LABELS_DB"
_WRITE_OPTION = "threadguard_write"
_IN_CHUNK = 500  # ids per IN (...) list: well under SQLite's bound-parameter limit
_RETRIES = 3
_PG_WRITE_LOCK_KEY = 0x7467_6C62  # "tglb": the label store's writer lock


@dataclass(kw_only=True)
class StoredLabel(LabelIn):
    """A stored revision: the label plus where it sits in the history.

    ``created`` is true when the ``add`` call that returned it wrote this revision, false when
    the label repeated the current revision and nothing was written.
    """

    revision_id: int
    recorded_at: datetime
    is_current: bool
    replaces_id: int | None = None
    created: bool = False


@dataclass
class LabelPage:
    """One page of an export. ``next_after_id`` is the ``after_id`` of the next page, ``None`` at the end."""

    items: list[StoredLabel] = field(default_factory=list)
    next_after_id: int | None = None


def engine_url(url: str) -> URL:
    """Parse a store URL; plain ``postgresql://`` (and ``postgres://``) get the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported label database {parsed.get_backend_name()!r}: use sqlite:///FILE or postgresql://...")
    return parsed


def content_hash(label: LabelIn) -> str:
    """Identity of a label's content; the labelling time is left out so a repeat is recognised."""
    label = normalise(label)
    payload = {
        "source": label.source,
        "split": label.split,
        "text": label.text,
        "labels": dict(label.labels),
        "spans": [s.to_dict() for s in label.spans],
        "span_labels": list(label.span_labels or []),
        "thread_id": label.thread_id,
        "author": label.author,
        "note": label.note,
        "meta": dict(label.meta),
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class LabelStore:
    """Labels with history in SQLite (``sqlite:///path.db``) or PostgreSQL (``postgresql://...``)."""

    def __init__(self, url: str = DEFAULT_URL):
        self.url = engine_url(url)
        self.engine = self._create_engine(self.url)
        try:
            self.schema_version = migrate(self.engine, self._begin_write)
        except BaseException:
            self.engine.dispose()
            raise

    @staticmethod
    def _create_engine(url: URL) -> Engine:
        if url.get_backend_name() != "sqlite":
            return create_engine(url, pool_pre_ping=True)
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _configure(dbapi_connection: Any, _record: Any) -> None:
            # The driver's own implicit BEGIN would start transactions only at the first write;
            # taking transactions over lets writers say BEGIN IMMEDIATE (see _on_begin).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # A writer takes the write lock up front: a read-then-write transaction that starts
            # as a reader can fail with SQLITE_BUSY when it upgrades, without waiting.
            write = conn.get_execution_options().get(_WRITE_OPTION, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    @contextmanager
    def _begin_write(self) -> Iterator[Connection]:
        """A write transaction; writers run one at a time on both backends, readers never wait.

        Serialising writers is what keeps "read the current revision, then replace it" correct
        under concurrent posts. SQLite does it with BEGIN IMMEDIATE; PostgreSQL with a
        transaction-scoped advisory lock, released at commit or rollback. Label writes are
        human-paced, so the lost parallelism does not matter.
        """
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_WRITE_LOCK_KEY})")
                yield conn

    # -- writing ---------------------------------------------------------------------------

    def add(self, records: Sequence[LabelIn]) -> list[StoredLabel]:
        """Validate every label, then store them all in one transaction; returns one revision per input.

        Raises ``LabelValidationError`` (nothing stored) when any label is invalid.
        """
        records = list(records)
        validate_labels(records)
        labels = [normalise(r) for r in records]
        now = utc_now()
        for attempt in range(_RETRIES):
            try:
                with self._begin_write() as conn:
                    return self._add_in(conn, labels, now)
            except (IntegrityError, OperationalError) as exc:
                # Writers are serialised (see _begin_write), so this is a safety net: a writer
                # that bypassed the lock, or a SQLite lock wait that outlasted busy_timeout.
                if attempt == _RETRIES - 1 or not _is_retryable(exc):
                    raise
                _time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _add_in(self, conn: Connection, labels: list[LabelIn], now: datetime) -> list[StoredLabel]:
        t = label_revisions
        heads: dict[tuple[str, str], dict[str, Any]] = {}
        comment_ids = sorted({label.comment_id for label in labels})
        for i in range(0, len(comment_ids), _IN_CHUNK):
            rows = conn.execute(
                select(t).where(t.c.comment_id.in_(comment_ids[i : i + _IN_CHUNK]), t.c.is_current == true())
            ).mappings()
            for row in rows:
                heads[(row["comment_id"], row["annotator"])] = dict(row)
        out: list[StoredLabel] = []
        for label in labels:
            key = (label.comment_id, label.annotator)
            digest = content_hash(label)
            head = heads.get(key)
            if head is not None and head["content_hash"] == digest:
                out.append(_stored(head, created=False))
                continue
            if head is not None:
                # Demote before inserting: the partial unique index allows one current row per key.
                conn.execute(t.update().where(t.c.id == head["id"]).values(is_current=False))
            row = {
                "comment_id": label.comment_id,
                "annotator": label.annotator,
                "source": label.source,
                "split": label.split,
                "thread_id": label.thread_id,
                "author": label.author,
                "text": label.text,
                "labels": dict(label.labels),
                "spans": [s.to_dict() for s in label.spans],
                "span_labels": list(label.span_labels or []),
                "meta": dict(label.meta),
                "note": label.note,
                "content_hash": digest,
                "labelled_at": label.time or now,
                "recorded_at": now,
                "is_current": True,
                "replaces_id": head["id"] if head is not None else None,
            }
            row["id"] = conn.execute(t.insert().values(**row)).inserted_primary_key[0]
            heads[key] = row
            out.append(_stored(row, created=True))
        return out

    # -- reading ---------------------------------------------------------------------------

    def current(
        self,
        since: datetime | None = None,
        limit: int = 1000,
        after_id: int = 0,
        as_of: int | None = None,
    ) -> LabelPage:
        """The current label of every (comment, annotator), oldest revision first, one page at a time.

        ``since``: only labels whose current revision was recorded at or after this time.
        ``after_id``: continue after this revision id (pass the previous page's ``next_after_id``).
        ``as_of``: the labels as they were when ``snapshot_id()`` returned this value, i.e. the
        newest revision per key with an id up to it (what a retrain trained on).
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        t = label_revisions
        query = select(t).where(t.c.id > after_id)
        if as_of is None:
            query = query.where(t.c.is_current == true())
        else:
            older = label_revisions.alias("older")
            newest_then = (
                select(func.max(older.c.id))
                .where(older.c.comment_id == t.c.comment_id, older.c.annotator == t.c.annotator, older.c.id <= as_of)
                .scalar_subquery()
            )
            query = query.where(t.c.id == newest_then)
        if since is not None:
            if since.tzinfo is None:
                raise ValueError("since must be time-zone-aware")
            query = query.where(t.c.recorded_at >= since)
        query = query.order_by(t.c.id).limit(limit + 1)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        items = [_stored(row) for row in rows[:limit]]
        next_after = items[-1].revision_id if len(rows) > limit else None
        return LabelPage(items=items, next_after_id=next_after)

    def iter_current(self, since: datetime | None = None, as_of: int | None = None, page_size: int = 1000) -> Iterator[StoredLabel]:
        """Every current label, page by page (pin ``as_of`` for a consistent export while others write)."""
        after = 0
        while True:
            page = self.current(since=since, limit=page_size, after_id=after, as_of=as_of)
            yield from page.items
            if page.next_after_id is None:
                return
            after = page.next_after_id

    def get(self, comment_id: str, annotator: str) -> StoredLabel | None:
        t = label_revisions
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t).where(t.c.comment_id == comment_id, t.c.annotator == annotator, t.c.is_current == true())
            ).mappings().first()
        return _stored(row) if row is not None else None

    def history(self, comment_id: str, annotator: str | None = None) -> list[StoredLabel]:
        """Every revision of a comment's labels (all annotators unless one is named), oldest first."""
        t = label_revisions
        query = select(t).where(t.c.comment_id == comment_id)
        if annotator is not None:
            query = query.where(t.c.annotator == annotator)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(t.c.id)).mappings().all()
        return [_stored(row) for row in rows]

    def count(self, include_history: bool = False) -> int:
        """Number of current labels, or of all revisions with ``include_history``."""
        t = label_revisions
        query = select(func.count()).select_from(t)
        if not include_history:
            query = query.where(t.c.is_current == true())
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def snapshot_id(self) -> int:
        """The newest revision id (0 when empty): pass it as ``as_of`` to see these labels again later."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(label_revisions.c.id), 0))).scalar_one())

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "LabelStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"LabelStore({self.url.render_as_string(hide_password=True)!r})"


def _is_retryable(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return "uq_label_revisions_current" in str(exc.orig) or "UNIQUE constraint failed" in str(exc.orig)
    return "database is locked" in str(exc.orig)


def _stored(row: Any, created: bool = False) -> StoredLabel:
    return StoredLabel(
        comment_id=row["comment_id"],
        text=row["text"],
        annotator=row["annotator"],
        labels=dict(row["labels"]),
        spans=[Span(int(s["start"]), int(s["end"]), s["label"]) for s in row["spans"]],
        span_labels=list(row["span_labels"]),
        source=row["source"],
        split=row["split"],
        thread_id=row["thread_id"],
        author=row["author"],
        note=row["note"],
        time=row["labelled_at"],
        meta=dict(row["meta"]),
        revision_id=int(row["id"]),
        recorded_at=row["recorded_at"],
        is_current=bool(row["is_current"]),
        replaces_id=row["replaces_id"],
        created=created,
    )
