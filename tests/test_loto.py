"""Leave-one-thread-out evaluation on seed labels: a held-out thread never reaches training."""

import json
import subprocess
import sys

import pytest

from service.schema import Record, Span, write_records

pytest.importorskip("torch", reason="leave-one-thread-out fine-tunes (the train extra)")

SLURS = ("kebabs", "vatniks", "Americunts")


def seed_records() -> list[Record]:
    records = []
    for thread in ("000_bike_lane", "002_border"):
        for n, slur in enumerate(SLURS, 1):
            text = f"comment {n} in {thread}: those {slur} again"
            start = text.index(slur)
            records.append(
                Record(
                    "seeds", "train", f"{thread}:c{n}", text, {"toxic": 1, "slur": 1},
                    [Span(start, start + len(slur), "toxic"), Span(start, start + len(slur), "slur")],
                    ["toxic", "slur"], meta={"thread_id": thread},
                )
            )
        records.append(Record("seeds", "train", f"{thread}:c9", f"a civil reply in {thread}", {"toxic": 0}, [], ["toxic"], meta={"thread_id": thread}))
    return records


def test_thread_of_reads_meta_then_comment_id():
    from training.loto import thread_of

    assert thread_of(Record("seeds", "train", "000_x:c3", "t", meta={"thread_id": "t1"})) == "t1"
    assert thread_of(Record("seeds", "train", "000_x:c3", "t")) == "000_x"


def test_each_thread_is_held_out_of_its_own_training(tiny_model_dir, tmp_path, monkeypatch):
    import training.loto as loto

    trained_on: list[set[str]] = []
    real_train = loto.train

    def recording_train(cfg, resume=True, stop_at=None, records=None):
        trained_on.append({r.text for r in records})
        return real_train(cfg, resume=resume, stop_at=stop_at, records=records)

    monkeypatch.setattr(loto, "train", recording_train)
    records = seed_records()
    report = loto.leave_one_thread_out(records, tiny_model_dir / "checkpoint.pt", 0.5, steps=2, batch_size=4, work_dir=tmp_path)

    assert [t["thread"] for t in report["threads"]] == ["000_bike_lane", "002_border"]
    assert [t["comments"] for t in report["threads"]] == [4, 4]
    for row, seen in zip(report["threads"], trained_on):
        held = {r.text for r in records if r.meta["thread_id"] == row["thread"]}
        others = {r.text for r in records} - held
        assert seen == others  # the other threads, all of them, and nothing of the held-out one
        assert 0.0 <= row["unseen_f1"] <= 1.0 and 0.0 <= row["held_out_f1"] <= 1.0
    assert report["held_out_f1"] is not None


def test_a_single_thread_has_no_held_out_score(tiny_model_dir, tmp_path):
    from training.loto import leave_one_thread_out

    one = [r for r in seed_records() if r.meta["thread_id"] == "000_bike_lane"]
    report = leave_one_thread_out(one, tiny_model_dir / "checkpoint.pt", 0.5, steps=1, work_dir=tmp_path)
    assert report["threads"][0]["held_out_f1"] is None and report["held_out_f1"] is None


def threadguard(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service.cli", *args], capture_output=True, text=True, timeout=600)


def test_cli_refuses_missing_labels_in_one_line(tiny_model_dir, tmp_path):
    result = threadguard("eval-seeds", "--labels", str(tmp_path / "none.jsonl"), "--model", str(tiny_model_dir))
    assert result.returncode == 2
    assert "no such file" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_cli_writes_report(tiny_model_dir, tmp_path):
    labels = tmp_path / "labels.jsonl"
    write_records(labels, seed_records())
    out = tmp_path / "loto.json"
    result = threadguard("eval-seeds", "--labels", str(labels), "--model", str(tiny_model_dir), "--steps", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    assert {t["thread"] for t in report["threads"]} == {"000_bike_lane", "002_border"}
    assert "all" in result.stdout
