"""report.html: escaped text, spans highlighted in context, capped for huge dumps, and checked in headless Chromium."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from service.batch import LocalEngine, ModerateOptions, expand_inputs, run_moderation
from service.batch.summary import SummaryBuilder
from service.report import html as report
from service.runtime.bundle import ModelError, read_manifest
from service.runtime.scorer import Scorer

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
LABELS = ("toxic", "hate", "slur", "insult", "profanity", "threat")
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> & "quotes"'


# ---------------------------------------------------------------------------- highlight()


def test_highlight_escapes_text_and_marks_exact_spans() -> None:
    text = "you <b>absolute</b> idiot & co"
    start = text.index("idiot")
    out = report.highlight(text, [{"start": start, "end": start + 5, "label": "insult", "score": 0.91}])
    assert "<b>" not in out and "&lt;b&gt;absolute&lt;/b&gt;" in out and "&amp; co" in out
    marks = re.findall(r'<mark data-label="([^"]*)" title="([^"]*)"[^>]*>(.*?)</mark>', out)
    assert marks == [("insult", "insult 0.91", "idiot")]


def test_overlapping_spans_are_cut_at_every_boundary() -> None:
    text = "kill all the vermin now"
    spans = [
        {"start": 0, "end": 19, "label": "threat", "score": 0.8},
        {"start": 13, "end": 19, "label": "hate", "score": 0.7},
    ]
    marks = re.findall(r'<mark data-label="([^"]*)"[^>]*>(.*?)</mark>', report.highlight(text, spans))
    # The most severe label leads (and colours) a run covered by several.
    assert marks == [("threat", "kill all the "), ("hate threat", "vermin")]


def test_long_comments_are_cut_to_a_window_around_the_first_span() -> None:
    text = "a" * 10_000 + " SLUR " + "b" * 10_000
    start = text.index("SLUR")
    out = report.highlight(text, [{"start": start, "end": start + 4, "label": "slur", "score": 0.9}])
    assert len(out) < report.MAX_SHOWN_CHARS + 300
    assert out.startswith("… ") and out.endswith(" …") and ">SLUR</mark>" in out


# ---------------------------------------------------------------------------- selection and caps


def _row(thread: str, n: int, flagged: bool, text: str, parent: str | None = None, spans: list | None = None) -> dict[str, Any]:
    return {
        "thread_id": thread, "comment_id": f"{thread}-{n}", "author": f"user{n % 3}", "parent_id": parent, "file": "dump.jsonl",
        "line": n, "record": n, "offset": 0, "length": len(text), "text": text,
        "scores": {label: (0.9 if flagged else 0.1) for label in LABELS},
        "flags": {label: flagged and label in ("toxic", "insult") for label in LABELS},
        "flagged": flagged, "spans": spans or [], "model": "test",
    }


def _write(tmp_path: Path, all_rows: list[dict[str, Any]]) -> tuple[Path, dict[str, Any]]:
    comments = tmp_path / "comments.jsonl"
    comments.write_text("".join(json.dumps(r) + "\n" for r in all_rows), encoding="utf-8")
    builder = SummaryBuilder(LABELS)
    for r in all_rows:
        builder.add_comment(r)
    summary = builder.to_dict({"name": "m", "version": "test"}, [{"file": "dump.jsonl", "format": "jsonl", "bytes": 1}], {})
    out = tmp_path / "report.html"
    report.write_report(comments, summary, out)
    return out, summary


def test_flagged_comments_come_with_their_neighbours_and_the_comment_they_reply_to(tmp_path: Path) -> None:
    thread = [
        _row("t", 1, False, "The opening comment, replied to much later."),
        _row("t", 2, False, "Filler one."),
        _row("t", 3, False, "Just before the insult."),
        _row("t", 4, True, "Reply: you idiot.", parent="t-1", spans=[{"start": 11, "end": 16, "label": "insult", "score": 0.9}]),
        _row("t", 5, False, "Just after the insult."),
        _row("t", 6, False, "Unrelated, not shown."),
    ]
    out, _ = _write(tmp_path, thread)
    page = out.read_text(encoding="utf-8")
    shown = re.findall(r'<div class="comment (\w+)" id="c-([^"]+)"', page)
    assert shown == [("parent", "t-1"), ("context", "t-3"), ("flagged", "t-4"), ("context", "t-5")]
    assert "t-2" not in page and "t-6" not in page
    assert '<mark data-label="insult" title="insult 0.90"' in page and ">idiot</mark>" in page


def test_a_huge_dump_gives_a_capped_page(tmp_path: Path) -> None:
    many = [_row(f"thread{t:03d}", n, True, f"flagged comment {n} in thread {t}") for t in range(80) for n in range(t % 5 + 30)]
    out, summary = _write(tmp_path, many)
    page = out.read_text(encoding="utf-8")
    assert page.count('<section class="thread"') == report.MAX_THREADS
    assert max(s.count('class="comment flagged"') for s in page.split("<section")[1:]) == report.MAX_FLAGGED_PER_THREAD
    assert "more flagged not shown" in page
    assert len(page) < 2_000_000
    assert summary["threads"] == 80


def test_all_dump_text_is_escaped(tmp_path: Path) -> None:
    row = _row("<b>t</b>", 1, True, HOSTILE)
    row["author"] = '<img src=x onerror="alert(1)">'
    row["meta"] = {"thread_title": "<i>title</i>"}
    out, _ = _write(tmp_path, [row])
    page = out.read_text(encoding="utf-8")
    assert "<script>window" not in page and "<img" not in page and "<i>title" not in page and "<b>t</b>" not in page
    assert html.escape(HOSTILE) in page


# ---------------------------------------------------------------------------- headless Chromium


def _chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    exe = _chromium()
    if exe is None:
        pytest.skip("Chromium not found (apt-get install chromium; scripts/setup.sh does it): report not checked in a browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright's Python package is not installed (pip install playwright; scripts/setup.sh does it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def moderated_report(model_dir: Path, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run whose model marks spans everywhere and flags every comment, so the page must show highlights."""
    try:
        read_manifest(model_dir)
    except ModelError as exc:
        pytest.skip(f"no usable model: {exc}")
    scorer = Scorer(request.getfixturevalue("span_model_dir"), threads=1)
    src = tmp_path_factory.mktemp("report_dump")
    lines = [
        {"id": "a1", "thread_id": "bridge", "author": "ana", "text": "You are a stupid idiot."},
        {"id": "a2", "thread_id": "bridge", "author": "ben", "parent_id": "a1", "text": HOSTILE},
        {"id": "b1", "thread_id": "library", "author": "ana", "text": "Get lost, moron."},
    ]
    (src / "dump.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    engine = LocalEngine(scorer, thresholds={label: 0.0 for label in scorer.labels})
    out = src / "out"
    result = run_moderation(engine, ModerateOptions(inputs=expand_inputs([src / "dump.jsonl"]), out=out))
    assert result.summary["flagged"] == 3
    return out


def test_report_in_headless_chromium_shows_highlighted_spans(browser, moderated_report: Path) -> None:
    rows = [json.loads(line) for line in (moderated_report / "comments.jsonl").read_text(encoding="utf-8").splitlines()]
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((moderated_report / "report.html").as_uri())

    assert page.title() == "Threadguard moderation report"
    assert page.locator("section.thread").count() == 2
    marks = page.locator("mark[data-label]")
    assert marks.count() >= 3
    span_texts = {s["text"] for r in rows for s in r["spans"]}
    for i in range(marks.count()):
        mark = marks.nth(i)
        labels = mark.get_attribute("data-label").split()
        assert labels and set(labels) <= set(LABELS)
        assert all(label in mark.get_attribute("title") for label in labels)
        assert mark.inner_text().strip() and any(mark.inner_text().strip() in t for t in span_texts)
        assert mark.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    # Hovering a highlight shows its labels (CSS tooltip from data-label).
    marks.first.hover()
    tooltip = marks.first.evaluate("e => getComputedStyle(e, '::after').content")
    assert marks.first.get_attribute("data-label") in tooltip
    # Hostile comment text is shown as text, never run.
    assert page.evaluate("() => window.__pwned") is None
    assert "<script>window.__pwned" in page.locator("#c-a2 .text").inner_text()
    assert page.locator(".hist .bar").count() == len(LABELS)
    assert page.locator("#authors tbody tr").count() == 2
    assert all(url.startswith("file://") for url in requests), requests  # self-contained: nothing fetched

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "moderate_report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()
