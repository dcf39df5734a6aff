"""``threadguard moderate``: every format end to end, bad input, exit codes, progress, --resume after a kill."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from dump_fixtures import THREAD, write_csv, write_disqus, write_jsonl, write_reddit, write_wxr
from service.batch import LocalEngine, ModerateOptions, expand_inputs, run_moderation
from service.runtime.bundle import ModelError, read_manifest
from service.runtime.scorer import Scorer

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "threads"
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def usable_model(model_dir: Path) -> Path:
    """The model directory, or a skip when it is missing or broken (before the shipped model is committed)."""
    try:
        read_manifest(model_dir)
    except ModelError as exc:
        pytest.skip(f"no usable model: {exc}")
    return model_dir


@pytest.fixture(scope="module")
def scorer(usable_model: Path) -> Scorer:
    return Scorer(usable_model, threads=1)


def rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def moderate(scorer: Scorer, inputs: list[Path], out: Path, chunk_size: int = 256, **options: Any):
    engine = LocalEngine(scorer, chunk_size=chunk_size)
    return run_moderation(engine, ModerateOptions(inputs=expand_inputs(inputs, exclude=out), out=out, **options))


def cli(*args: str | Path, model_dir: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "service.cli", "moderate", *map(str, args), "--model", str(model_dir), "--threads", "1"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def big_dump(path: Path, n: int = 600) -> list[str]:
    """``n`` short comments in 20 threads, each after the first in a thread replying to the one before."""
    ids = []
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            thread = i % 20
            cid = f"t{thread}-{i // 20}"
            parent = f"t{thread}-{i // 20 - 1}" if i >= 20 else None
            text = ["I agree with the plan.", "You are an idiot.", "What time does it open?", "Thanks for sharing!"][i % 4]
            f.write(json.dumps({"id": cid, "thread_id": f"t{thread}", "parent_id": parent, "author": f"user{i % 37}", "text": f"{text} #{i}"}) + "\n")
            ids.append(cid)
    return ids


# ---------------------------------------------------------------------------- every format, one run


@pytest.fixture(scope="module")
def mixed_run(scorer: Scorer, tmp_path_factory: pytest.TempPathFactory):
    src = tmp_path_factory.mktemp("dumps")
    write_jsonl(src / "a_comments.jsonl", extra_lines=["{broken", '{"id": "x", "text": 42}'])
    write_csv(src / "b_comments.csv", thread_id="bridge-csv")
    write_wxr(src / "c_wordpress.xml")
    write_disqus(src / "d_disqus.xml")
    write_reddit(src / "e_RC_2021-03.zst")
    shutil.copy(FIXTURES / "wpdiscuz_bike_lane.txt", src / "f_page.txt")
    shutil.copy(FIXTURES / "article_only_library_hours.txt", src / "g_article_only.txt")
    (src / "h_blob.bin").write_bytes(bytes(range(256)) * 8)
    # Labelled records beside the dumps (as in seeds/): listed as ignored, never moderated.
    label = {"source": "seeds", "split": "train", "comment_id": "000_x:c1", "text": "labelled", "labels": {"slur": 1}, "spans": [], "span_labels": []}
    (src / "labels.jsonl").write_text(json.dumps(label) + "\n", encoding="utf-8")
    out = src / "out"
    result = moderate(scorer, [src], out, csv=True)
    return src, out, result


def by_file(out: Path) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows(out / "comments.jsonl"):
        grouped.setdefault(Path(row["file"]).name, []).append(row)
    return grouped


def test_every_format_is_read_with_threads_and_reply_structure(mixed_run) -> None:
    _, out, _ = mixed_run
    got = by_file(out)
    thread_shape = [(c["id"], c["parent"], c["author"], c["text"]) for c in THREAD]
    assert [(r["comment_id"], r["parent_id"], r["author"], r["text"]) for r in got["a_comments.jsonl"]] == thread_shape
    assert [(r["comment_id"], r["parent_id"], r["author"], r["text"]) for r in got["b_comments.csv"]] == thread_shape
    assert {r["thread_id"] for r in got["b_comments.csv"]} == {"bridge-csv"}
    wxr = got["c_wordpress.xml"]
    assert [r["thread_id"] for r in wxr] == ["10"] * 5 + ["11"]
    assert [r["parent_id"] for r in wxr[:5]] == [None, "100", "101", "100", None]
    disqus = got["d_disqus.xml"]
    assert [r["parent_id"] for r in disqus] == [None, "9000", "9001", "9000", None]
    reddit = got["e_RC_2021-03.zst"]
    assert [(r["thread_id"], r["parent_id"]) for r in reddit] == [("abc", None), ("abc", "rc1"), ("abc", "rc2"), ("abc", "rc1"), ("abc", None)]
    assert reddit[2]["text"] == THREAD[2]["text"]  # Reddit's &lt; &gt; &amp; undone
    page = got["f_page.txt"]
    assert len(page) == 9 and page[1]["parent_id"] == "f_page:c1"
    text = (FIXTURES / "wpdiscuz_bike_lane.txt").read_text(encoding="utf-8")
    assert all(text[r["offset"] : r["offset"] + r["length"]] == r["text"] for r in page)
    assert "g_article_only.txt" not in got


def test_rows_carry_location_and_full_scoring_result(mixed_run, scorer: Scorer) -> None:
    _, out, _ = mixed_run
    for row in rows(out / "comments.jsonl"):
        assert set(row) >= {"thread_id", "comment_id", "author", "parent_id", "file", "line", "record", "offset", "length", "text",
                            "scores", "flags", "flagged", "spans", "model"}
        assert row["model"] == scorer.version and set(row["scores"]) == set(scorer.labels)
        assert row["flagged"] == any(row["flags"].values())
        for span in row["spans"]:
            assert row["text"][span["start"] : span["end"]] == span["text"]


def test_empty_texts_are_kept_and_score_zero(mixed_run) -> None:
    _, out, result = mixed_run
    empty = [r for r in rows(out / "comments.jsonl") if r["text"] == ""]
    assert len(empty) == 5  # c5 of the thread, in each of the five record formats
    for r in empty:
        assert set(r["scores"].values()) == {0.0} and not r["flagged"] and r["spans"] == []
    assert result.summary["empty"] == 5


def test_malformed_records_go_to_errors_jsonl_and_set_the_exit_status(mixed_run) -> None:
    _, out, result = mixed_run
    errors = rows(out / "errors.jsonl")
    assert [(Path(e["file"]).name, e["location"]) for e in errors] == [
        ("a_comments.jsonl", "line 6"),
        ("a_comments.jsonl", "line 7"),
        ("h_blob.bin", "file"),
    ]
    assert "invalid JSON" in errors[0]["reason"] and "must be a string" in errors[1]["reason"]
    assert "format not recognised" in errors[2]["reason"]
    assert result.summary["skipped"] == 3 and result.exit_code == 1


def test_summary_counts_match_the_rows(mixed_run, scorer: Scorer) -> None:
    _, out, _ = mixed_run
    all_rows = rows(out / "comments.jsonl")
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["comments"] == len(all_rows) == 5 * 5 + 1 + 9
    assert s["flagged"] == sum(r["flagged"] for r in all_rows)
    assert s["labels"] == {label: sum(r["flags"][label] for r in all_rows) for label in scorer.labels}
    assert s["model"]["version"] == scorer.version
    assert s["threads"] == len({r["thread_id"] for r in all_rows})
    assert s["per_thread"]["10"]["comments"] == 5
    assert s["per_author"]["ana"]["comments"] == 2 * 5  # ana wrote two comments in each record format
    flagged_threads = [t["flagged"] for t in s["most_flagged_threads"]]
    assert flagged_threads == sorted(flagged_threads, reverse=True) and all(n > 0 for n in flagged_threads)
    per_file = {Path(f["file"]).name: (f["comments"], f["skipped"], f["format"]) for f in s["inputs"]}
    assert per_file["a_comments.jsonl"] == (5, 2, "jsonl") and per_file["h_blob.bin"] == (0, 1, None)
    assert per_file["labels.jsonl"] == (0, 0, None)
    assert "label records" in next(f["ignored"] for f in s["inputs"] if f["file"].endswith("labels.jsonl"))
    assert s["run"]["engine"] == "local" and s["run"]["elapsed_s"] > 0 and s["run"]["comments_per_s"] > 0


def test_csv_on_request_has_one_row_per_comment(mixed_run, scorer: Scorer) -> None:
    _, out, _ = mixed_run
    with open(out / "comments.csv", encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    all_rows = rows(out / "comments.jsonl")
    assert len(table) == len(all_rows)
    assert [t["comment_id"] for t in table] == [r["comment_id"] for r in all_rows]
    assert table[1]["text"] == all_rows[1]["text"]
    assert float(table[0][f"score_{scorer.labels[0]}"]) == all_rows[0]["scores"][scorer.labels[0]]


def test_outputs_are_final_and_no_partial_files_remain(mixed_run) -> None:
    _, out, _ = mixed_run
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "comments.csv", "comments.jsonl", "errors.jsonl", "report.html", "summary.json"
    ]
    assert not list((out / ".threadguard-run").glob("*.partial"))
    assert not list(out.glob(".*.tmp"))


# ---------------------------------------------------------------------------- seeds and scraped pages


def test_scraped_fixture_pages_give_comments_only_for_the_two_threads(scorer: Scorer, tmp_path: Path) -> None:
    result = moderate(scorer, [FIXTURES], tmp_path / "out")
    threads = {r["thread_id"] for r in rows(tmp_path / "out" / "comments.jsonl")}
    assert threads == {"wpdiscuz_bike_lane", "generic_community_kitchen"}
    assert result.summary["comments"] == 9 + 5 and result.exit_code == 0


SEED_DOCS = sorted(p for p in SEEDS.glob("[0-9][0-9][0-9]_*") if p.is_file()) if SEEDS.is_dir() else []


@pytest.mark.skipif(not SEED_DOCS, reason="seeds/ holds no NNN_* seed documents in this checkout (see README)")
def test_seeds_two_threads_found_none_in_the_other_three_and_slurs_flagged(usable_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = cli(SEEDS, "--out", out, model_dir=usable_model, timeout=600)
    assert res.returncode in (0, 1), res.stderr
    found = rows(out / "comments.jsonl")
    seed_threads = {p.stem for p in SEED_DOCS}
    with_comments = {r["thread_id"] for r in found if r["thread_id"] in seed_threads}
    assert {t[:3] for t in with_comments} == {"000", "002"}
    labels = SEEDS / "labels.jsonl"
    if not labels.is_file():
        pytest.skip("seeds/labels.jsonl is missing: cannot tell which comments are the slur comments")
    slur_ids = {r["comment_id"] for r in rows(labels) if (r.get("labels") or {}).get("slur") == 1}
    by_id = {r["comment_id"]: r for r in found}
    named = slur_ids & set(by_id)
    if not named:
        pytest.skip("seeds/labels.jsonl names no slur comment by a parser comment id")
    missed = sorted(cid for cid in named if not (by_id[cid]["flagged"] and by_id[cid]["flags"]["slur"]))
    assert not missed, f"slur comments not flagged as slur: {missed}"


# ---------------------------------------------------------------------------- CLI: exit status, reruns, progress


def test_cli_exit_status_and_refusals(usable_model: Path, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "ok.jsonl")
    out = tmp_path / "out"
    first = cli(tmp_path / "ok.jsonl", "--out", out, model_dir=usable_model)
    assert first.returncode == 0, first.stderr
    assert "5 comments in 1 threads" in first.stderr and "%|" not in first.stderr  # no bar in a pipe

    again = cli(tmp_path / "ok.jsonl", "--out", out, model_dir=usable_model)
    assert again.returncode == 2 and "--resume" in again.stderr and "--force" in again.stderr

    done = cli(tmp_path / "ok.jsonl", "--out", out, "--resume", model_dir=usable_model)
    assert done.returncode == 0 and "already complete" in done.stderr

    (tmp_path / "ok.jsonl").write_text('{"text": "changed"}\n')
    changed = cli(tmp_path / "ok.jsonl", "--out", out, "--resume", model_dir=usable_model)
    assert changed.returncode == 2 and "different inputs" in changed.stderr

    forced = cli(tmp_path / "ok.jsonl", "--out", out, "--force", model_dir=usable_model)
    assert forced.returncode == 0 and len(rows(out / "comments.jsonl")) == 1

    missing = cli(tmp_path / "nope.jsonl", "--out", tmp_path / "o2", model_dir=usable_model)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_progress_bar_when_asked_for(usable_model: Path, tmp_path: Path) -> None:
    big_dump(tmp_path / "big.jsonl", n=120)
    res = cli(tmp_path / "big.jsonl", "--out", tmp_path / "out", "--progress", "--chunk-size", "16", model_dir=usable_model)
    assert res.returncode == 0, res.stderr
    assert "%|" in res.stderr and "comments/s" in res.stderr and "ETA" in res.stderr


# ---------------------------------------------------------------------------- --resume


def _start(args: list[str | Path], model_dir: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "service.cli", "moderate", *map(str, args), "--model", str(model_dir), "--threads", "1"]
    # A shell without job control starts background jobs with SIGINT ignored, and children
    # inherit that; the run under test must see Ctrl-C as a terminal would deliver it.
    return subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for_progress(proc: subprocess.Popen, checkpoint: Path, at_least: int, timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"run ended before it could be interrupted: {proc.stderr.read() if proc.stderr else ''}")
        try:
            state = json.loads(checkpoint.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            state = {}
        if state.get("comments", 0) >= at_least:
            return state
        time.sleep(0.005)
    proc.kill()
    pytest.fail("run made no progress")


def _interrupted_run(tmp_path: Path, model_dir: Path, sig: int, at_least: int) -> tuple[list[str], Path, list[str | Path], subprocess.Popen]:
    """A moderate run over a 2,000-comment dump (too long to finish before the signal lands),
    sent ``sig`` once ``at_least`` comments are checkpointed; returns (ids, out, args, process)."""
    ids = big_dump(tmp_path / "big.jsonl", n=2000)
    out = tmp_path / "out"
    args: list[str | Path] = [tmp_path / "big.jsonl", "--out", out, "--chunk-size", "8"]
    proc = _start(args, model_dir)
    _wait_for_progress(proc, out / ".threadguard-run" / "checkpoint.json", at_least=at_least)
    proc.send_signal(sig)
    return ids, out, args, proc


def test_resume_after_kill_scores_every_comment_once(scorer: Scorer, usable_model: Path, tmp_path: Path) -> None:
    ids, out, args, proc = _interrupted_run(tmp_path, usable_model, signal.SIGKILL, at_least=40)
    proc.wait(timeout=30)
    proc.stdout.close(), proc.stderr.close()

    state = json.loads((out / ".threadguard-run" / "checkpoint.json").read_text())
    assert state["stage"] == "scoring" and 40 <= state["comments"] < len(ids)
    assert not (out / "comments.jsonl").exists() and not (out / "summary.json").exists()
    # The kill may land mid-chunk; make sure it did: half a row after the last checkpointed one.
    with open(out / ".threadguard-run" / "comments.jsonl.partial", "ab") as f:
        f.write(b'{"thread_id": "t3", "comment_id": "half-writ')

    resumed = subprocess.run(
        [sys.executable, "-m", "service.cli", "moderate", *map(str, args), "--resume", "--model", str(usable_model), "--threads", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed and finished" in resumed.stderr
    got = rows(out / "comments.jsonl")
    assert [r["comment_id"] for r in got] == ids  # no duplicates, no gaps, input order
    summary = json.loads((out / "summary.json").read_text())
    assert summary["comments"] == len(ids) and summary["run"]["sessions"] == 2

    # Scores equal an uninterrupted run's: the resumed run restarts at a chunk boundary.
    reference = moderate(scorer, [tmp_path / "big.jsonl"], tmp_path / "reference", chunk_size=8)
    assert reference.exit_code == 0
    assert (out / "comments.jsonl").read_bytes() == (tmp_path / "reference" / "comments.jsonl").read_bytes()


def test_ctrl_c_stops_cleanly_and_resume_finishes(usable_model: Path, tmp_path: Path) -> None:
    ids, out, args, proc = _interrupted_run(tmp_path, usable_model, signal.SIGINT, at_least=16)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "--resume" in err
    resumed = cli(*args, "--resume", model_dir=usable_model)
    assert resumed.returncode == 0, resumed.stderr
    assert [r["comment_id"] for r in rows(out / "comments.jsonl")] == ids


def test_in_process_resume_drops_rows_written_after_the_last_checkpoint(scorer: Scorer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that dies after writing a chunk's rows but before recording them: those rows are dropped and scored again, once."""
    from service.batch.checkpoint import Checkpoint

    ids = big_dump(tmp_path / "d.jsonl", n=60)
    out = tmp_path / "out"
    real_save = Checkpoint.save

    def dying_save(self, paths):
        if self.comments == 40:  # the fourth chunk's rows are on disk, fsynced; its checkpoint never lands
            raise KeyboardInterrupt
        real_save(self, paths)

    monkeypatch.setattr(Checkpoint, "save", dying_save)
    with pytest.raises(KeyboardInterrupt):
        moderate(scorer, [tmp_path / "d.jsonl"], out, chunk_size=10)
    monkeypatch.setattr(Checkpoint, "save", real_save)
    state = json.loads((out / ".threadguard-run" / "checkpoint.json").read_text())
    assert state["comments"] == 30 and state["next_item"] == 30
    assert len(rows(out / ".threadguard-run" / "comments.jsonl.partial")) == 40
    result = moderate(scorer, [tmp_path / "d.jsonl"], out, chunk_size=10, resume=True)
    assert result.resumed and [r["comment_id"] for r in rows(out / "comments.jsonl")] == ids
    assert result.summary["comments"] == 60
