"""The label store on SQLite and, when PostgreSQL is installed, on a throwaway local server."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from pg_server import PostgresServer, find_binaries
from service.labels import LabelIn, LabelStore, LabelValidationError, MAX_TEXT_CHARS
from service.labels.migrations import LATEST_VERSION, MIGRATIONS, SchemaTooNewError
from service.labels.models import label_revisions
from service.labels.store import engine_url
from service.schema import Span

REPO = Path(__file__).resolve().parents[1]
TEXT = "Typical Americunts, you lazy fool."  # "Americunts" = 8:18, "lazy fool" = 24:33


@pytest.fixture(scope="session")
def postgres_server():
    bindir = find_binaries()
    if bindir is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found: install postgresql (scripts/setup.sh does) to run these")
    server = PostgresServer(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'labels.db'}"
    return request.getfixturevalue("postgres_server").create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def store(store_url):
    s = LabelStore(store_url)
    yield s
    s.close()


def label(comment_id: str = "c1", annotator: str = "ana", **changes) -> LabelIn:
    fields = dict(
        comment_id=comment_id,
        text=TEXT,
        annotator=annotator,
        labels={"toxic": 1, "slur": 1, "hate": 1, "threat": 0},
        spans=[Span(8, 18, "slur")],
        span_labels=["slur", "insult"],
        source="review",
        thread_id="t1",
    )
    fields.update(changes)
    return LabelIn(**fields)


def test_reposting_the_same_label_writes_no_new_revision(store):
    first = store.add([label()])[0]
    again = store.add([label(time=datetime(2020, 1, 1, tzinfo=timezone.utc))])  # a later re-post: same content
    assert first.created and not again[0].created
    assert again[0].revision_id == first.revision_id
    # the same label twice in one batch is one revision too
    twice = store.add([label("c2"), label("c2")])
    assert [s.created for s in twice] == [True, False] and twice[0].revision_id == twice[1].revision_id
    assert store.count() == 2 and store.count(include_history=True) == 2
    # equal up to ordering and defaults is still the same label
    reordered = label(spans=[Span(8, 18, "slur"), Span(8, 18, "slur")], span_labels=["insult", "slur"], labels={"threat": 0, "hate": 1, "slur": 1, "toxic": 1})
    assert not store.add([reordered])[0].created


def test_a_correction_is_a_new_current_revision_and_keeps_the_old_one(store):
    first = store.add([label(note="first pass")])[0]
    fixed = store.add([label(spans=[Span(8, 18, "slur"), Span(24, 33, "insult")], labels={"toxic": 1, "slur": 1, "hate": 1, "insult": 1})])[0]
    assert fixed.created and fixed.revision_id > first.revision_id and fixed.replaces_id == first.revision_id
    history = store.history("c1")
    assert [h.revision_id for h in history] == [first.revision_id, fixed.revision_id]
    assert [h.is_current for h in history] == [False, True]
    assert history[0].spans == [Span(8, 18, "slur")] and history[0].note == "first pass"
    assert store.get("c1", "ana").spans == [Span(8, 18, "slur"), Span(24, 33, "insult")]
    # going back to the first version is a third revision, not a rewrite
    back = store.add([label(note="first pass")])[0]
    assert back.created and back.revision_id > fixed.revision_id
    assert len(store.history("c1", "ana")) == 3 and store.count() == 1
    assert store.get("c1", "ana").note == "first pass"


def test_each_annotator_has_a_current_label_of_their_own(store):
    store.add([label(annotator="ana"), label(annotator="bob", labels={"toxic": 0})])
    assert store.count() == 2
    assert store.get("c1", "bob").labels == {"toxic": 0}
    assert {h.annotator for h in store.history("c1")} == {"ana", "bob"}
    assert [h.annotator for h in store.history("c1", annotator="bob")] == ["bob"]


def test_stored_fields_come_back_as_given(store):
    when = datetime(2024, 5, 2, 10, 14, tzinfo=timezone(timedelta(hours=2)))
    stored = store.add([label(author="Pete", note="check the thread", time=when, meta={"votes": 3}, split="dev")])[0]
    back = store.get("c1", "ana")
    assert back.time == when and back.time.tzinfo == timezone.utc  # returned in UTC
    assert back.recorded_at.tzinfo == timezone.utc and back.recorded_at >= stored.time
    assert (back.author, back.note, back.thread_id, back.split, back.meta) == ("Pete", "check the thread", "t1", "dev", {"votes": 3})
    assert back.labels == {"toxic": 1, "hate": 1, "slur": 1, "threat": 0}
    assert back.span_labels == ["slur", "insult"] and back.text == TEXT


def test_invalid_labels_name_the_field_and_store_nothing(store):
    batch = [
        label("ok"),
        label("bad-offsets", spans=[Span(8, 99, "slur")]),
        label("bad-label", labels={"rude": 1}),
        label("too-long", text="x" * (MAX_TEXT_CHARS + 1), spans=[]),
        label("bad-span-label", spans=[Span(8, 18, "racism")]),
        label("no-annotator", annotator=""),
        label("naive-time", time=datetime(2024, 1, 1)),
    ]
    with pytest.raises(LabelValidationError) as caught:
        store.add(batch)
    found = {(e["index"], e["field"]) for e in caught.value.errors}
    assert {(1, "spans[0]"), (2, "labels.rude"), (3, "text"), (4, "spans[0].label"), (5, "annotator"), (6, "time")} <= found
    assert not any(e["index"] == 0 for e in caught.value.errors)
    assert "20000" in next(e["message"] for e in caught.value.errors if e["field"] == "text")
    assert store.count(include_history=True) == 0  # validated first: the good label was not stored either


def test_parsing_a_dict_names_the_field_the_caller_wrote():
    base = {"comment_id": "c1", "text": TEXT, "spans": [{"start": 8, "end": 18, "label": "slur", "text": "Americunts"}]}
    assert LabelIn.from_dict({**base, "annotator": "ana"}).spans == [Span(8, 18, "slur")]
    with pytest.raises(LabelValidationError) as caught:
        LabelIn.from_dict(base, index=4)
    assert caught.value.errors == [{"index": 4, "field": "provenance.annotator", "message": "missing"}]
    with pytest.raises(LabelValidationError) as caught:
        LabelIn.from_dict({**base, "annotator": "ana", "time": "yesterday", "spans": [{"start": 8, "end": 18, "label": "slur", "text": "Americans"}]})
    assert {e["field"] for e in caught.value.errors} == {"time", "spans[0].text"}
    # record-schema provenance and meta carry annotator, time, thread and note
    parsed = LabelIn.from_dict({**base, "provenance": {"annotator": "ana", "time": "2024-05-02T10:14:00Z"}, "meta": {"thread_id": "t9", "note": "n"}})
    assert (parsed.annotator, parsed.thread_id, parsed.note, parsed.time.year) == ("ana", "t9", "n", 2024)


def test_pages_follow_revision_order_and_since(store):
    for i in range(5):
        store.add([label(f"c{i}")])
    pages, after = [], 0
    while True:
        page = store.current(limit=2, after_id=after)
        pages.append([s.comment_id for s in page.items])
        if page.next_after_id is None:
            break
        after = page.next_after_id
    assert pages == [["c0", "c1"], ["c2", "c3"], ["c4"]]
    cutoff = datetime.now(timezone.utc)
    store.add([label("c5"), label("c1", note="corrected")])
    recent = store.current(since=cutoff).items
    assert [s.comment_id for s in recent] == ["c5", "c1"]  # a correction counts as recent
    assert [s.comment_id for s in store.current().items] == ["c0", "c2", "c3", "c4", "c5", "c1"]
    assert [s.comment_id for s in store.iter_current(page_size=4)] == ["c0", "c2", "c3", "c4", "c5", "c1"]
    assert store.current(since=datetime.now(timezone.utc) + timedelta(hours=1)).items == []


def test_snapshot_id_pins_the_labels_a_retrain_used(store):
    assert store.snapshot_id() == 0
    store.add([label("c1"), label("c2")])
    snapshot = store.snapshot_id()
    store.add([label("c1", labels={"toxic": 0}), label("c3")])
    assert store.snapshot_id() > snapshot
    then = {s.comment_id: s.labels for s in store.current(as_of=snapshot).items}
    assert then == {"c1": {"toxic": 1, "hate": 1, "slur": 1, "threat": 0}, "c2": {"toxic": 1, "hate": 1, "slur": 1, "threat": 0}}
    assert store.get("c1", "ana").labels == {"toxic": 0}


def test_schema_version_is_recorded_once_and_reopening_keeps_the_data(store_url):
    with LabelStore(store_url) as first:
        assert first.schema_version == LATEST_VERSION
        first.add([label()])
    with LabelStore(store_url) as again:
        assert again.schema_version == LATEST_VERSION
        assert again.get("c1", "ana").spans == [Span(8, 18, "slur")]
        with again.engine.connect() as conn:
            rows = conn.execute(text("SELECT version, name FROM schema_version ORDER BY version")).all()
    assert [tuple(r) for r in rows] == [(m.version, m.name) for m in MIGRATIONS]


def test_a_database_from_a_newer_threadguard_is_refused(store_url):
    LabelStore(store_url).close()
    engine = create_engine(engine_url(store_url))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schema_version (version, name, applied_at) VALUES (:v, 'future', :t)"), {"v": LATEST_VERSION + 1, "t": datetime.now(timezone.utc).replace(tzinfo=None)})
    engine.dispose()
    with pytest.raises(SchemaTooNewError, match="newer"):
        LabelStore(store_url)


def test_migrations_build_the_tables_the_code_uses(store):
    inspector = inspect(store.engine)
    assert {c["name"] for c in inspector.get_columns("label_revisions")} == {c.name for c in label_revisions.columns}
    assert {i["name"] for i in inspector.get_indexes("label_revisions")} >= {"ix_label_revisions_key", "uq_label_revisions_current"}


def test_the_one_current_revision_per_key_is_enforced_by_the_database(store):
    store.add([label()])
    with pytest.raises(Exception, match="(?i)unique"):
        with store.engine.begin() as conn:
            row = dict(conn.execute(label_revisions.select()).mappings().one())
            del row["id"]
            conn.execute(label_revisions.insert().values(**row))  # a second current row for the same key


def test_concurrent_writers_leave_exactly_one_current_revision(store_url):
    stores = [LabelStore(store_url) for _ in range(4)]
    errors: list[BaseException] = []

    def write(s: LabelStore, k: int) -> None:
        try:
            for n in range(5):
                s.add([label(note=f"writer {k} pass {n}")])
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, k)) for k, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert errors == []
        history = stores[0].history("c1")
        assert len(history) == 20 and sum(h.is_current for h in history) == 1
        assert history[-1].is_current and stores[0].count() == 1
    finally:
        for s in stores:
            s.close()


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path):
    path = tmp_path / "nested" / "labels.db"
    with LabelStore(f"sqlite:///{path}") as s:
        s.add([label()])
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persistent in the file


def test_an_added_label_survives_sigkill(tmp_path):
    url = f"sqlite:///{tmp_path / 'labels.db'}"
    script = (
        "import os, signal, sys\n"
        "from service.labels import LabelIn, LabelStore\n"
        "s = LabelStore(sys.argv[1])\n"
        "r = s.add([LabelIn(comment_id='c1', text='you lazy fool', annotator='ana', labels={'insult': 1})])\n"
        "print(r[0].revision_id, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-c", script, url], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == -signal.SIGKILL, done.stderr
    revision = int(done.stdout.strip())
    with LabelStore(url) as s:
        assert s.get("c1", "ana").revision_id == revision


def test_postgres_urls_get_the_psycopg_3_driver():
    assert engine_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert engine_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    with pytest.raises(ValueError, match="unsupported"):
        engine_url("mysql://u@h/db")
