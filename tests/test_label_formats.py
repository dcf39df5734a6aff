"""Label files: JSONL records, Label Studio tasks and doccano JSONL, both ways, and the `labels` CLI."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.labels import LabelIn, LabelStore, LabelValidationError
from service.labels.formats import FORMATS, LabelFormatError, detect_format, read_labels, text_comment_id, write_labels
from service.labels.validation import normalise
from service.schema import LABELS, SPAN_LABELS, Span

EMOJI_TEXT = "🙂🙂 Typical Americunts, you lazy fool."  # two astral characters before the words
FOOL = EMOJI_TEXT.index("fool")


def samples() -> list[LabelIn]:
    text = "Typical Americunts, you lazy fool."
    return [
        LabelIn(
            comment_id="t1:c1",
            text=text,
            annotator="ana",
            labels={"toxic": 1, "hate": 1, "slur": 1, "insult": 1, "threat": 0},  # profanity absent
            spans=[Span(8, 18, "slur"), Span(24, 33, "insult")],
            span_labels=["slur", "insult"],
            source="review",
            thread_id="t1",
            author="Pete",
            note="slur used as one",
            time=datetime(2024, 5, 2, 10, 14, tzinfo=timezone.utc),
            meta={"votes": 3},
        ),
        LabelIn(comment_id="t1:c2", text="Nice work on the bike lane.", annotator="bob", labels={name: 0 for name in LABELS}, span_labels=list(SPAN_LABELS)),
        LabelIn(comment_id="t1:c3", text="no opinion given", annotator="bob"),  # nothing judged at all
        LabelIn(comment_id="t2:c1", text=EMOJI_TEXT, annotator="ana", labels={"insult": 1}, spans=[Span(FOOL, FOOL + 4, "insult")], split="test"),
    ]


def dump(labels, fmt: str) -> str:
    buf = io.StringIO()
    write_labels(labels, fmt, buf)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_round_trips_every_field(fmt):
    text = dump(samples(), fmt)
    assert detect_format(text) == fmt
    back = read_labels(text)
    assert [b.to_dict() for b in back] == [s.to_dict() for s in samples()]


def test_labels_convert_to_and_from_schema_records():
    for label in samples():
        record = label.to_record()
        assert (record.provenance.annotator, record.meta.get("thread_id")) == (label.annotator, label.thread_id)
        assert LabelIn.from_record(record).to_dict() == label.to_dict()


def test_a_chain_through_all_formats_keeps_text_spans_and_labels():
    labels = samples()
    for fmt in ("label-studio", "doccano", "jsonl", "doccano", "label-studio", "jsonl"):
        labels = read_labels(dump(labels, fmt), fmt)
    for got, want in zip(labels, samples()):
        want = normalise(want)
        assert (got.text, got.spans, dict(got.labels), got.span_labels) == (want.text, want.spans, dict(want.labels), want.span_labels)
        assert all(got.text[s.start : s.end].strip() for s in got.spans)


def test_label_studio_output_is_a_task_list_with_labels_and_choices_results():
    tasks = json.loads(dump(samples()[:1], "label-studio"))
    result = tasks[0]["annotations"][0]["result"]
    spans = [r for r in result if r["type"] == "labels"]
    assert [(r["from_name"], r["to_name"]) for r in spans] == [("label", "text")] * 2
    assert [r["value"]["text"] for r in spans] == ["Americunts", "lazy fool"]
    assert spans[0]["value"]["labels"] == ["slur"]
    choices = [r for r in result if r["type"] == "choices"]
    assert choices[0]["value"]["choices"] == ["toxic", "hate", "slur", "insult"]
    assert tasks[0]["data"]["text"] == samples()[0].text


def test_doccano_output_has_text_label_triples_and_cats():
    line = json.loads(dump(samples()[:1], "doccano").splitlines()[0])
    assert line["label"] == [[8, 18, "slur"], [24, 33, "insult"]]
    assert line["cats"] == ["toxic", "hate", "slur", "insult"]


def test_a_label_studio_export_from_elsewhere_is_read():
    text = "Those Frogs again, I will find you."
    task = {
        "id": 17,
        "data": {"text": text},
        "annotations": [
            {
                "completed_by": 3,
                "updated_at": "2024-06-01T08:00:00.123456Z",
                "result": [
                    {"type": "labels", "from_name": "ner", "to_name": "text", "value": {"start": 6, "end": 11, "text": "Frogs", "labels": ["Slur"]}},
                    {"type": "labels", "from_name": "ner", "to_name": "text", "value": {"start": 19, "end": 34, "text": "I will find you", "labels": ["Threat"]}},
                    {"type": "choices", "from_name": "tox", "to_name": "text", "value": {"choices": ["Toxic", "Slur", "Threat", "Hate"]}},
                    {"type": "rating", "from_name": "confidence", "to_name": "text", "value": {"rating": 4}},
                ],
            },
            {"completed_by": {"id": 5, "email": "eve@example.org"}, "was_cancelled": True, "result": []},
        ],
    }
    (label,) = read_labels(json.dumps([task]))
    assert label.annotator == "label-studio-user-3" and label.source == "label-studio"
    assert label.comment_id == text_comment_id(text)
    assert label.spans == [Span(6, 11, "slur"), Span(19, 34, "threat")]
    assert label.span_labels == list(SPAN_LABELS)  # a span pass checks every span label
    assert label.labels == {"toxic": 1, "hate": 1, "slur": 1, "insult": 0, "profanity": 0, "threat": 1}
    assert label.time == datetime(2024, 6, 1, 8, 0, 0, 123456, tzinfo=timezone.utc)


def test_label_studio_utf16_offsets_are_repaired_using_the_span_text():
    # Label Studio before 2022 counted UTF-16 units: each emoji shifts later offsets by one.
    start_utf16 = EMOJI_TEXT.index("lazy fool") + 2
    task = {"data": {"text": EMOJI_TEXT}, "annotations": [{"completed_by": 1, "result": [
        {"type": "labels", "value": {"start": start_utf16, "end": start_utf16 + 9, "text": "lazy fool", "labels": ["insult"]}}]}]}
    (label,) = read_labels(json.dumps(task), "label-studio")
    (span,) = label.spans
    assert EMOJI_TEXT[span.start : span.end] == "lazy fool"


def test_doccano_files_from_elsewhere_are_read():
    text = "you lazy fool, damn it"
    lines = [
        {"id": 1, "text": text, "label": [[4, 13, "Insult"], [15, 19, "profanity"]]},
        {"id": 2, "text": text, "entities": [{"id": 9, "label": "insult", "start_offset": 4, "end_offset": 13}], "cats": {"insult": 1.0, "threat": 0.0}},
        {"id": 3, "text": "fine", "label": ["toxic"]},  # a text-classification project
    ]
    a, b, c = read_labels("\n".join(json.dumps(x) for x in lines), default_annotator="carol")
    assert a.annotator == "carol" and a.source == "doccano"
    assert a.spans == [Span(4, 13, "insult"), Span(15, 19, "profanity")]
    assert a.span_labels == list(SPAN_LABELS) and a.labels == {}  # spans given, comment labels not
    assert b.spans == [Span(4, 13, "insult")] and b.labels == {"insult": 1, "threat": 0}
    assert c.labels == {name: (1 if name == "toxic" else 0) for name in LABELS} and c.spans == []


@pytest.mark.parametrize(
    "fmt, content, index, field",
    [
        ("doccano", [{"text": "abc", "annotator": "x", "label": [[0, 9, "slur"]]}], 0, "label[0]"),
        ("doccano", [{"text": "abc", "annotator": "x", "cats": ["spam"]}], 0, "cats"),
        ("doccano", [{"text": "abc", "label": []}], 0, "annotator"),
        ("jsonl", [{"source": "s", "comment_id": "1", "text": "ok", "provenance": {"annotator": "x"}}, {"source": "s", "comment_id": "2", "text": "abc", "labels": {"rude": 1}, "provenance": {"annotator": "x"}}], 1, "labels.rude"),
        ("label-studio", {"data": {"text": "abc"}, "annotations": [{"completed_by": 1, "result": [{"type": "choices", "value": {"choices": ["spam"]}}]}]}, 0, "annotations[0].result[0].value.choices"),
        ("label-studio", {"data": {"text": "abc"}, "annotations": [{"completed_by": 1, "result": [{"type": "labels", "value": {"start": 0, "end": 2, "text": "xy", "labels": ["slur"]}}]}]}, 0, "annotations[0].result[0].value"),
        ("label-studio", {"data": {"text": "abc"}, "annotations": [{"result": []}]}, 0, "annotations[0].completed_by"),
        ("label-studio", {"data": {"text": "x" * 20_001}, "annotations": [{"completed_by": 1, "result": []}]}, 0, "data.text"),
        ("label-studio", {"data": {"text": "abc"}}, 0, "annotations"),
    ],
)
def test_problems_name_the_record_and_the_field_in_the_file(fmt, content, index, field):
    text = json.dumps(content) if isinstance(content, dict) else "\n".join(json.dumps(x) for x in content)
    with pytest.raises(LabelValidationError) as caught:
        read_labels(text, fmt)
    assert (index, field) in {(e["index"], e["field"]) for e in caught.value.errors}, caught.value.errors


def test_unreadable_files_are_a_format_error():
    for text in ("", "not json at all", "[1, 2"):
        with pytest.raises(LabelFormatError):
            read_labels(text)


# -- CLI ------------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store' / 'labels.db'}"
    monkeypatch.setenv("THREADGUARD_LABELS_DB", url)
    return url


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_cli_import_then_export_in_each_format_and_reimport_changes_nothing(tmp_path, db):
    source = tmp_path / "labels.jsonl"
    source.write_text(dump(samples(), "jsonl"), encoding="utf-8")
    first = run("labels", "import", str(source))
    assert first.exit_code == 0, first.output
    assert "4 new revision(s), 0 unchanged" in first.stdout
    for fmt in FORMATS:
        out = tmp_path / f"export.{fmt}"
        exported = run("labels", "export", "--format", fmt, "--out", str(out))
        assert exported.exit_code == 0, exported.output
        assert "exported 4 label(s)" in exported.stderr
        again = run("labels", "import", str(out), "--db", db)
        assert again.exit_code == 0, again.output
        assert "0 new revision(s), 4 unchanged" in again.stdout
    with LabelStore(db) as store:
        assert store.count(include_history=True) == 4
        stored = {s.comment_id: s.to_dict() for s in store.iter_current()}
    for want in samples():
        got = stored[want.comment_id]
        if want.time is None:  # stamped with the time it was stored
            assert got["provenance"].pop("time")
        assert got == want.to_dict()


def test_cli_export_to_stdout_and_as_of_a_snapshot(tmp_path, db):
    with LabelStore(db) as store:
        store.add(samples()[:2])
        snapshot = store.snapshot_id()
        store.add([LabelIn(comment_id="t1:c1", text="changed later", annotator="ana")])
    now = run("labels", "export")
    assert now.exit_code == 0 and "changed later" in now.stdout
    then = run("labels", "export", "--as-of", str(snapshot))
    assert [json.loads(line)["text"] for line in then.stdout.splitlines()] == [samples()[0].text, samples()[1].text]


def test_cli_errors_are_one_line_with_exit_codes(tmp_path, db):
    not_json = tmp_path / "notes.txt"
    not_json.write_text("this is not a label file\n", encoding="utf-8")
    result = run("labels", "import", str(not_json))
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "not JSON" in result.stderr

    one_bad = tmp_path / "one_bad.jsonl"
    good = samples()[1].to_dict()
    bad = {**samples()[1].to_dict(), "comment_id": "x", "spans": [{"start": 0, "end": 99, "label": "insult"}]}
    one_bad.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    result = run("labels", "import", str(one_bad))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"threadguard: error: {one_bad}: line 2: spans[0]: offsets 0:99 outside the text (length 27) or empty (nothing imported)"]

    many_bad = tmp_path / "many_bad.jsonl"
    many_bad.write_text("\n".join(json.dumps({**bad, "comment_id": str(i)}) for i in range(3)) + "\n{oops\n", encoding="utf-8")
    result = run("labels", "import", str(many_bad))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].endswith("4 problems (nothing imported)") and any("line 4: line: not JSON" in x for x in lines)

    with LabelStore(db) as store:
        assert store.count(include_history=True) == 0  # the good line of a bad file was not stored

    assert run("labels", "import", str(tmp_path / "missing.jsonl")).exit_code == 2
    assert run("labels", "import", str(one_bad), "--format", "xml").exit_code == 2
    assert run("labels", "export", "--format", "csv").exit_code == 2
    missing_db = run("labels", "export", "--db", f"sqlite:///{tmp_path / 'nowhere.db'}")
    assert missing_db.exit_code == 2 and "no such label database" in missing_db.stderr
    assert not (tmp_path / "nowhere.db").exists()
    bad_url = run("labels", "export", "--db", "mysql://u@h/x")
    assert bad_url.exit_code == 2 and len(bad_url.stderr.strip().splitlines()) == 1


def test_cli_annotator_option_fills_in_missing_annotators(tmp_path, db):
    doccano = tmp_path / "doccano.jsonl"
    doccano.write_text(json.dumps({"text": "you lazy fool", "label": [[4, 13, "insult"]]}) + "\n", encoding="utf-8")
    assert run("labels", "import", str(doccano)).exit_code == 1
    result = run("labels", "import", str(doccano), "--annotator", "dana")
    assert result.exit_code == 0, result.output
    with LabelStore(db) as store:
        (label,) = store.iter_current()
    assert (label.annotator, label.spans) == ("dana", [Span(4, 13, "insult")])
