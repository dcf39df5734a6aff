import json

import pytest

from service.schema import LABELS, Record, Span, read_records, validate_lines, validate_record, write_records


def good() -> dict:
    text = "those Americunts again"
    return {
        "source": "t",
        "split": "train",
        "comment_id": "1",
        "text": text,
        "labels": {"toxic": 1, "hate": 1, "slur": 1, "insult": 0, "profanity": 0, "threat": 0},
        "spans": [{"start": 6, "end": 15, "label": "slur"}],
    }


def test_valid_record_has_no_errors():
    assert validate_record(good()) == []


def test_span_text_is_the_slice():
    d = good()
    d["spans"][0]["end"] = 16
    r = Record.from_dict(d)
    s = r.spans[0]
    assert r.text[s.start : s.end] == "Americunts"


@pytest.mark.parametrize(
    "mutate, needle",
    [
        (lambda d: d["spans"].append({"start": 5, "end": 99, "label": "slur"}), "outside the text"),
        (lambda d: d["spans"].append({"start": 5, "end": 6, "label": "slur"}), "only whitespace"),
        (lambda d: d["spans"].append({"start": 3, "end": 3, "label": "slur"}), "empty"),
        (lambda d: d["spans"].append({"start": 0, "end": 5, "label": "rude"}), "spans[1].label"),
        (lambda d: d["labels"].update(racism=1), "labels.racism"),
        (lambda d: d["labels"].update(hate=2), "labels.hate"),
        (lambda d: d.update(split="holdout"), "split"),
        (lambda d: d.pop("text"), "text: missing"),
        (lambda d: d["spans"].append({"start": 0, "end": 5, "label": "toxic", "text": "nope"}), "spans[1].text"),
    ],
)
def test_invalid_records_name_the_field(mutate, needle):
    d = good()
    mutate(d)
    errors = validate_record(d)
    assert errors and any(needle in e for e in errors), errors


def test_duplicate_ids_and_bad_json_are_reported():
    lines = [json.dumps(good()), json.dumps(good()), "{not json"]
    errors = validate_lines(lines, where="f.jsonl")
    assert any("repeats line 1" in e for e in errors)
    assert any("f.jsonl:3: not JSON" in e for e in errors)


def test_round_trip_through_file(tmp_path):
    r = Record(source="s", split="dev", comment_id="a", text="you idiot", labels={"insult": 1}, spans=[Span(4, 9, "insult")], span_labels=["insult"])
    path = tmp_path / "r.jsonl"
    assert write_records(path, [r]) == 1
    (back,) = list(read_records(path))
    assert back.to_dict() == r.to_dict()
    assert not list(tmp_path.glob(".*tmp"))  # atomic write leaves no temp file


def test_cli_validate(tmp_path):
    from typer.testing import CliRunner

    from service.cli import app

    ok = tmp_path / "ok.jsonl"
    ok.write_text(json.dumps(good()) + "\n")
    bad = tmp_path / "bad.jsonl"
    d = good()
    d["spans"][0]["end"] = 500
    bad.write_text(json.dumps(d) + "\n")
    runner = CliRunner()
    assert runner.invoke(app, ["data", "validate", str(ok)]).exit_code == 0
    res = runner.invoke(app, ["data", "validate", str(bad)])
    assert res.exit_code == 1 and "outside the text" in res.output
    assert runner.invoke(app, ["data", "validate", str(tmp_path / "missing.jsonl")]).exit_code == 2
    assert set(LABELS) == {"toxic", "hate", "slur", "insult", "profanity", "threat"}
