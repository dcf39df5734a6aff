"""Versioned schema migrations, applied in order when a store is opened.

``schema_version`` holds one row per applied migration. Each migration runs in its own
transaction together with the insert of its version row, so a crash leaves the database at
the previous version, never half-way. Migrations spell out their own DDL instead of using
``models.py``: a migration must create the same tables forever, whatever the models become.

To change the schema, append ``Migration(2, "what it does", function)`` to ``MIGRATIONS`` and
update ``models.py`` to match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

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
    func,
    select,
    true,
)
from sqlalchemy.engine import Connection, Engine

from service.labels.models import schema_version, utc_now

class SchemaTooNewError(RuntimeError):
    """The database was migrated by a newer Threadguard than this one."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _create_label_revisions(conn: Connection) -> None:
    md = MetaData()
    table = Table(
        "label_revisions",
        md,
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
        Column("labelled_at", DateTime(timezone=True), nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("is_current", Boolean, nullable=False),
        Column("replaces_id", Integer, nullable=True),
    )
    Index("ix_label_revisions_key", table.c.comment_id, table.c.annotator)
    Index(
        "uq_label_revisions_current",
        table.c.comment_id,
        table.c.annotator,
        unique=True,
        sqlite_where=table.c.is_current == true(),
        postgresql_where=table.c.is_current == true(),
    )
    Index("ix_label_revisions_recorded_at", table.c.recorded_at)
    md.create_all(conn)


def _create_review_queue(conn: Connection) -> None:
    md = MetaData()
    table = Table(
        "review_queue",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("comment_id", String(512), nullable=False, unique=True),
        Column("source", String(200), nullable=False),
        Column("thread_id", String(512), nullable=True),
        Column("author", String(200), nullable=True),
        Column("text", Text, nullable=False),
        Column("meta", JSON, nullable=False),
        Column("margin", Float, nullable=False),
        Column("model_version", String(200), nullable=False),
        Column("enqueued_at", DateTime(timezone=True), nullable=False),
    )
    Index("ix_review_queue_margin", table.c.margin, table.c.id)
    md.create_all(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "create label_revisions", _create_label_revisions),
    Migration(2, "create review_queue", _create_review_queue),
)

LATEST_VERSION = MIGRATIONS[-1].version


def current_version(conn: Connection) -> int:
    return conn.execute(select(func.coalesce(func.max(schema_version.c.version), 0))).scalar_one()


def migrate(engine: Engine, begin_write: Callable[[], object]) -> int:
    """Bring the database up to ``LATEST_VERSION``; return the version it is at.

    ``begin_write`` opens the store's write transaction, which serialises writers (SQLite's
    BEGIN IMMEDIATE, a PostgreSQL advisory lock), so two processes opening a fresh database
    do not both run migration 1.
    """
    for migration in MIGRATIONS:
        with begin_write() as conn:  # type: ignore[attr-defined]
            schema_version.create(conn, checkfirst=True)
            version = current_version(conn)
            if version > LATEST_VERSION:
                raise SchemaTooNewError(
                    f"label database is at schema version {version}, newer than this Threadguard knows ({LATEST_VERSION}); upgrade Threadguard"
                )
            if version >= migration.version:
                continue
            if version != migration.version - 1:
                raise RuntimeError(f"label database is at schema version {version}; cannot apply migration {migration.version}")
            migration.apply(conn)
            conn.execute(schema_version.insert().values(version=migration.version, name=migration.name, applied_at=utc_now()))
    with engine.connect() as conn:
        return current_version(conn)
