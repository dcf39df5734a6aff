"""The review page end to end in headless Chromium: queue a comments.jsonl, mark spans by
selecting words in the highlighted text (keyboard), relabel and remove spans (buttons),
accept and reject; every save lands in the label store with exact code point offsets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from tiny_model import with_spans_everywhere

from api_server import Server, start_server
from service.labels.store import LabelStore

KEY = "review-annotator-key"
# An astral character first, so UTF-16 (the DOM) and code point (the store) offsets differ.
SLUR_TEXT = "🙂 Honestly, those zorblats ruin every thread they touch."
HTML_TEXT = "<b>bold</b> & <script>window.pwned = 1</script> <img src=x onerror=\"window.pwned = 2\"> is just text"
ACCEPT_TEXT = "Thanks for the write-up, the council should read it."
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    exe = chromium_path()
    if exe is None:
        pytest.skip("Chromium not found (apt-get install chromium; scripts/setup.sh does it): review page not tested in a browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright's Python package is not installed (pip install playwright, the dev extra): review page not tested in a browser")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def span_tiny_model(tiny_model_dir: Path, tmp_path_factory) -> Path:
    """The tiny model with every span threshold at 0: its spans cover the text, so the page's
    DOM is cut into many highlight elements (span thresholds are not hashed)."""
    return with_spans_everywhere(tiny_model_dir, tmp_path_factory.mktemp("span_tiny"))


@pytest.fixture(scope="module")
def world(span_tiny_model, tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    db = f"sqlite:///{root / 'labels.db'}"
    env = {"THREADGUARD_LABELS_DB": db, "THREADGUARD_ANNOTATOR_KEYS": f"rev:{KEY}", "THREADGUARD_ACCESS_LOG": "false"}
    srv = start_server(span_tiny_model, root, env)
    yield srv, db, root
    srv.stop()


def select_word_and_press(page, word: str, key: str) -> None:
    """Double-click ``word`` in the comment as a user would (the browser selects the word), then press ``key``."""
    box = page.evaluate(
        """(word) => {
            const walker = document.createTreeWalker(document.getElementById("text"), NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const at = n.data.indexOf(word);
                if (at >= 0) {
                    const r = document.createRange(); r.setStart(n, at); r.setEnd(n, at + word.length);
                    const b = r.getBoundingClientRect(); return {x: b.x + b.width / 2, y: b.y + b.height / 2};
                }
            }
            return null;
        }""",
        word,
    )
    assert box is not None, f"{word!r} is not inside one text node"
    page.mouse.dblclick(box["x"], box["y"])
    assert page.evaluate("window.getSelection().toString()") == word
    page.keyboard.press(key)


def stored(db: str, comment_id: str):
    with LabelStore(db) as store:
        return store.get(comment_id, "rev")


def test_review_page_labels_spans_accepts_and_rejects(world, browser):
    srv, db, root = world
    rows = [
        {"thread_id": "t1", "comment_id": "c-slur", "author": "sam", "text": SLUR_TEXT},
        {"thread_id": "t1", "comment_id": "c-html", "author": "<i>eve</i>", "text": HTML_TEXT},
        {"thread_id": "t1", "comment_id": "c-accept", "author": None, "text": ACCEPT_TEXT},
    ]
    upload = root / "comments.jsonl"
    upload.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + "not json\n", encoding="utf-8")
    model_view = httpx.post(f"{srv.url}/v1/score", json={"comments": [{"text": ACCEPT_TEXT}]}, headers={"x-api-key": KEY}).json()["results"][0]

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{srv.url}/review")
    page.fill("#key", KEY)
    page.press("#key", "Enter")
    page.wait_for_selector("body[data-state=empty]")
    page.set_input_files("#upload", str(upload))
    page.wait_for_selector("body[data-state=ready]")
    assert "Queued 3 new comment(s)" in page.text_content("#status") and "1 line(s) unreadable" in page.text_content("#status")
    page.evaluate("document.activeElement.blur()")

    done: set[str] = set()
    for _ in range(3):
        page.wait_for_selector("body[data-state=ready]")
        comment = page.evaluate("document.body.dataset.comment")
        assert comment not in done
        if comment == "c-slur":
            assert page.locator("#text mark").count() >= 1 and page.locator("#spans li").count() >= 1  # the model's spans
            # Select everything (element boundary points, not text nodes) and remove every span.
            page.evaluate("""() => { const r = document.createRange(); r.selectNodeContents(document.getElementById("text"));
                                     const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); }""")
            page.keyboard.press("x")
            assert page.locator("#text mark").count() == 0 and page.locator("#spans li").count() == 0
            select_word_and_press(page, "Honestly", "5")  # profanity
            select_word_and_press(page, "ruin", "4")  # insult
            select_word_and_press(page, "zorblats", "3")  # slur: its text node now sits between two marks
            select_word_and_press(page, "thread", "1")  # toxic, removed again below with its button
            assert page.locator("#text mark").count() == 4
            # A selection from inside one highlight into the next text node: x removes the span it touches.
            page.evaluate("""() => { const mark = [...document.querySelectorAll("#text mark")].find((m) => m.textContent === "Honestly");
                                     const r = document.createRange(); r.setStart(mark.firstChild, 3); r.setEnd(mark.nextSibling, 3);
                                     const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); }""")
            page.keyboard.press("x")
            assert page.locator("#spans li", has_text="Honestly").count() == 0 and page.locator("#text mark").count() == 3
            page.locator("#spans li", has_text="ruin").locator("select").select_option("threat")  # relabel
            page.locator("#spans li", has_text="thread").locator("button").click()  # remove
            assert page.locator("#text mark").count() == 2
            assert page.is_checked("#label-slur") and page.is_checked("#label-toxic")
            page.keyboard.press("s")
        elif comment == "c-html":
            assert page.text_content("#text") == HTML_TEXT
            assert page.locator("#text b, #text script, #text img, #meta i").count() == 0
            assert "<i>eve</i>" in page.text_content("#meta")
            page.keyboard.press("r")
        elif comment == "c-accept":
            page.keyboard.press("a")
        else:
            pytest.fail(f"unexpected comment {comment!r}")
        page.wait_for_function("(id) => document.body.dataset.saved === id", arg=comment)
        done.add(comment)
    page.wait_for_selector("body[data-state=empty]")
    assert errors == [] and page.evaluate("window.pwned") is None
    page.close()

    slur = stored(db, "c-slur")
    assert slur is not None and slur.text == SLUR_TEXT and slur.thread_id == "t1" and slur.author == "sam"
    spans = sorted((s.start, s.end, s.label) for s in slur.spans)
    z, r = SLUR_TEXT.index("zorblats"), SLUR_TEXT.index("ruin")
    assert spans == [(z, z + len("zorblats"), "slur"), (r, r + len("ruin"), "threat")]
    assert [SLUR_TEXT[s:e] for s, e, _ in spans] == ["zorblats", "ruin"]
    assert slur.labels["slur"] == 1 and slur.labels["toxic"] == 1 and slur.meta["review"] == "relabel"

    rejected = stored(db, "c-html")
    assert rejected.text == HTML_TEXT and rejected.labels == {n: 0 for n in rejected.labels} and len(rejected.labels) == 6
    assert list(rejected.spans) == [] and len(rejected.span_labels) == 6

    accepted = stored(db, "c-accept")
    assert accepted.labels == {n: int(f) for n, f in model_view["flags"].items()}
    assert sorted((s.start, s.end, s.label) for s in accepted.spans) == sorted({(s["start"], s["end"], s["label"]) for s in model_view["spans"]})
    assert accepted.meta == {"review": "accept", "model": model_view["model"]}


def test_review_page_refuses_without_a_valid_key(world, browser):
    srv: Server = world[0]
    page = browser.new_page()
    page.goto(f"{srv.url}/review")
    page.fill("#key", "wrong-key")
    page.press("#key", "Enter")
    page.wait_for_selector("#status.error")
    assert "401" in page.text_content("#status")
    page.close()
