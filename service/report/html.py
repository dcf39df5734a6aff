"""``report.html``: one self-contained page (inline CSS, no scripts, no fetches) that opens from disk.

It shows the most-flagged threads with their flagged comments in context (the comment
before and after in the thread, and the comment replied to), flagged spans highlighted as
``<mark data-label="..." title="...">`` with their labels on hover, a label histogram and
a per-author table. Only the most-flagged threads and a capped number of comments per thread
are shown, so a dump of millions of comments still gives a page a person can read; the
comments file is read twice, streaming, keeping only what the page shows.

Every piece of dump text is HTML-escaped: comments are untrusted input.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from service.io import atomic_write_text

__all__ = ["write_report", "render_report", "highlight", "MAX_THREADS", "MAX_FLAGGED_PER_THREAD"]

MAX_THREADS = 30
MAX_FLAGGED_PER_THREAD = 20
MAX_AUTHORS = 50
MAX_SHOWN_CHARS = 3000  # longer comments are cut to a window around their first span

LABEL_COLOURS = {
    "slur": "#ff8a80",
    "hate": "#ffab91",
    "threat": "#ce93d8",
    "insult": "#ffe082",
    "profanity": "#90caf9",
    "toxic": "#e0e0e0",
}


def _severity(label: str) -> int:
    order = list(LABEL_COLOURS)
    return order.index(label) if label in order else len(order)


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


# ---------------------------------------------------------------------------- spans


def _window(text: str, spans: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    if len(text) <= MAX_SHOWN_CHARS:
        return 0, len(text)
    first = min((int(s["start"]) for s in spans), default=0)
    start = max(0, min(first - MAX_SHOWN_CHARS // 5, len(text) - MAX_SHOWN_CHARS))
    return start, start + MAX_SHOWN_CHARS


def highlight(text: str, spans: Sequence[Mapping[str, Any]]) -> str:
    """``text`` escaped, with each run of characters covered by spans wrapped in one ``<mark>``.

    Overlapping spans are cut at every boundary; a run's ``data-label`` lists all the labels
    covering it and its ``title`` their scores, shown on hover.
    """
    lo, hi = _window(text, spans)
    clipped = [
        (max(int(s["start"]), lo), min(int(s["end"]), hi), str(s["label"]), s.get("score"))
        for s in spans
        if int(s["end"]) > lo and int(s["start"]) < hi
    ]
    cuts = sorted({lo, hi, *(a for a, _, _, _ in clipped), *(b for _, b, _, _ in clipped)})
    pieces: list[str] = ["… " if lo > 0 else ""]
    run_labels: tuple[str, ...] = ()
    run_titles: list[str] = []
    run_text: list[str] = []

    def flush() -> None:
        body = esc("".join(run_text))
        if run_labels:
            colour = LABEL_COLOURS.get(run_labels[0], "#fff59d")
            pieces.append(
                f'<mark data-label="{esc(" ".join(run_labels))}" title="{esc(", ".join(run_titles))}" '
                f'style="background:{colour}">{body}</mark>'
            )
        else:
            pieces.append(body)

    for a, b in zip(cuts, cuts[1:]):
        covering = [(label, score) for s, e, label, score in clipped if s <= a and e >= b]
        # Most severe label first: it picks the colour and leads the tooltip.
        labels = tuple(sorted(dict.fromkeys(label for label, _ in covering), key=_severity))
        if labels != run_labels and run_text:
            flush()
            run_text, run_titles = [], []
        run_labels = labels
        for label, score in covering:
            entry = f"{label} {score:.2f}" if isinstance(score, (int, float)) else label
            if entry not in run_titles:
                run_titles.append(entry)
        run_text.append(text[a:b])
    if run_text:
        flush()
    pieces.append(" …" if hi < len(text) else "")
    return "".join(pieces)


# ---------------------------------------------------------------------------- selection


@dataclass
class _Shown:
    ordinal: int
    row: dict[str, Any]
    role: str  # "flagged", "context" or "parent"


@dataclass
class _ThreadView:
    thread_id: str
    title: str | None = None
    shown: dict[int, _Shown] = field(default_factory=dict)
    flagged_shown: int = 0
    flagged_hidden: int = 0
    previous: tuple[int, dict[str, Any]] | None = None
    want_next: bool = False
    wanted_parents: set[str] = field(default_factory=set)


def _slim(row: Mapping[str, Any]) -> dict[str, Any]:
    keep = ("comment_id", "author", "parent_id", "text", "flags", "flagged", "spans", "scores", "file", "line", "record")
    return {k: row.get(k) for k in keep}


def _select(rows_twice: tuple[Iterable[Mapping[str, Any]], Iterable[Mapping[str, Any]]], thread_ids: Sequence[str]) -> list[_ThreadView]:
    views = {tid: _ThreadView(tid) for tid in thread_ids}
    first, second = rows_twice
    for ordinal, row in enumerate(first):
        view = views.get(row["thread_id"])
        if view is None:
            continue
        if view.title is None and isinstance(row.get("meta"), dict) and row["meta"].get("thread_title"):
            view.title = str(row["meta"]["thread_title"])
        if row["flagged"]:
            if view.flagged_shown >= MAX_FLAGGED_PER_THREAD:
                view.flagged_hidden += 1
            else:
                view.flagged_shown += 1
                if view.previous is not None and view.previous[0] not in view.shown:
                    view.shown[view.previous[0]] = _Shown(view.previous[0], view.previous[1], "context")
                view.shown[ordinal] = _Shown(ordinal, _slim(row), "flagged")
                view.want_next = True
                if row.get("parent_id"):
                    view.wanted_parents.add(str(row["parent_id"]))
                view.previous = (ordinal, view.shown[ordinal].row)
                continue
        elif view.want_next:
            view.shown[ordinal] = _Shown(ordinal, _slim(row), "context")
        view.want_next = False
        view.previous = (ordinal, _slim(row))
    # Replies may come before or after the comment they answer, so parents take a second pass.
    for view in views.values():
        view.wanted_parents -= {str(s.row["comment_id"]) for s in view.shown.values()}
    if any(v.wanted_parents for v in views.values()):
        for ordinal, row in enumerate(second):
            view = views.get(row["thread_id"])
            if view is not None and str(row["comment_id"]) in view.wanted_parents and ordinal not in view.shown:
                view.shown[ordinal] = _Shown(ordinal, _slim(row), "parent")
                view.wanted_parents.discard(str(row["comment_id"]))
    return [views[tid] for tid in thread_ids]


# ---------------------------------------------------------------------------- rendering

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d1d1f;background:#f6f6f7}
header,main{max-width:1100px;margin:0 auto;padding:0 20px}
header{padding-top:18px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:26px 0 10px}
.muted{color:#6b6b70;font-size:13px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:14px 0}
.card{background:#fff;border:1px solid #e2e2e6;border-radius:8px;padding:10px 14px;min-width:110px}
.card b{display:block;font-size:20px}
.hist{background:#fff;border:1px solid #e2e2e6;border-radius:8px;padding:12px 14px}
.bar{display:grid;grid-template-columns:90px 1fr 70px;align-items:center;gap:10px;margin:4px 0}
.bar .fill{height:14px;border-radius:3px;min-width:2px}
.bar .track{background:#f0f0f2;border-radius:3px}
.bar .n{text-align:right;font-variant-numeric:tabular-nums}
section.thread{background:#fff;border:1px solid #e2e2e6;border-radius:8px;padding:12px 16px;margin:0 0 16px}
section.thread h3{margin:0 0 2px;font-size:16px}
.comment{border-left:3px solid #d0d0d6;padding:6px 10px;margin:8px 0;background:#fafafb;border-radius:0 6px 6px 0}
.comment.flagged{border-left-color:#e53935;background:#fff}
.comment.context,.comment.parent{opacity:.8}
.comment .who{font-size:13px;color:#55555a;margin-bottom:3px}
.comment .text{white-space:pre-wrap;overflow-wrap:anywhere}
.badge{display:inline-block;font-size:11px;border-radius:9px;padding:0 7px;margin-left:4px;background:#eee;color:#333}
mark{border-radius:3px;padding:0 1px;position:relative;cursor:help}
mark:hover::after{content:attr(data-label);position:absolute;left:0;top:-1.7em;background:#222;color:#fff;font-size:11px;
 padding:1px 6px;border-radius:4px;white-space:nowrap;z-index:2}
table{border-collapse:collapse;background:#fff;width:100%;font-size:14px}
th,td{border-bottom:1px solid #ececf0;padding:5px 8px;text-align:left}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
"""


def _badges(row: Mapping[str, Any]) -> str:
    flags = [label for label, on in (row.get("flags") or {}).items() if on]
    scores = row.get("scores") or {}
    return "".join(
        f'<span class="badge" data-flag="{esc(label)}" style="background:{LABEL_COLOURS.get(label, "#eee")}" '
        f'title="{esc(label)} {float(scores.get(label, 0)):.2f}">{esc(label)}</span>'
        for label in flags
    )


def _render_comment(shown: _Shown, depth: int) -> str:
    row = shown.row
    who = esc(row.get("author") or "anonymous")
    where = f'{esc(row.get("file"))}, {"line " + esc(row["line"]) if row.get("line") else "record " + esc(row.get("record"))}'
    reply = f' · reply to {esc(row["parent_id"])}' if row.get("parent_id") else ""
    role = {"flagged": "", "context": " · context", "parent": " · replied to"}[shown.role]
    return (
        f'<div class="comment {shown.role}" id="c-{esc(row.get("comment_id"))}" style="margin-left:{min(depth, 6) * 22}px">'
        f'<div class="who"><b>{who}</b> · {esc(row.get("comment_id"))}{reply}{role}{_badges(row) if shown.role == "flagged" else ""}'
        f' <span class="muted">{where}</span></div>'
        f'<div class="text">{highlight(row.get("text") or "", row.get("spans") or [])}</div></div>'
    )


def _render_thread(view: _ThreadView, entry: Mapping[str, Any]) -> str:
    ordered = [view.shown[k] for k in sorted(view.shown)]
    depth_by_id: dict[str, int] = {}
    parts = []
    for shown in ordered:
        parent = shown.row.get("parent_id")
        depth = depth_by_id[str(parent)] + 1 if parent is not None and str(parent) in depth_by_id else 0
        depth_by_id.setdefault(str(shown.row.get("comment_id")), depth)
        parts.append(_render_comment(shown, depth))
    labels = ", ".join(f"{esc(k)} {v}" for k, v in (entry.get("labels") or {}).items())
    hidden = f" · {view.flagged_hidden} more flagged not shown" if view.flagged_hidden else ""
    title = f" — {esc(view.title)}" if view.title else ""
    return (
        f'<section class="thread" data-thread="{esc(view.thread_id)}"><h3>{esc(view.thread_id)}{title}</h3>'
        f'<div class="muted">{entry.get("flagged", 0)} of {entry.get("comments", 0)} comments flagged'
        f'{" · " + labels if labels else ""}{hidden}</div>{"".join(parts)}</section>'
    )


def _histogram(counts: Mapping[str, int], total: int) -> str:
    top = max([*counts.values(), 1])
    rows = []
    for label, n in counts.items():
        width = 100.0 * n / top
        share = f"{100.0 * n / total:.1f}%" if total else "–"
        rows.append(
            f'<div class="bar" data-label="{esc(label)}"><span>{esc(label)}</span><div class="track">'
            f'<div class="fill" style="width:{width:.1f}%;background:{LABEL_COLOURS.get(label, "#999")}"></div></div>'
            f'<span class="n" title="{share} of comments">{n:,}</span></div>'
        )
    return f'<div class="hist">{"".join(rows)}</div>'


def _author_table(authors: Sequence[Mapping[str, Any]], labels: Sequence[str]) -> str:
    if not authors:
        return '<p class="muted">No flagged comments by a named author.</p>'
    head = "".join(f'<th class="num">{esc(label)}</th>' for label in labels)
    body = []
    for a in authors[:MAX_AUTHORS]:
        cells = "".join(f'<td class="num">{(a.get("labels") or {}).get(label, 0)}</td>' for label in labels)
        body.append(
            f'<tr><td>{esc(a["author"])}</td><td class="num">{a["comments"]}</td><td class="num">{a["flagged"]}</td>{cells}</tr>'
        )
    return (
        f'<table id="authors"><thead><tr><th>author</th><th class="num">comments</th><th class="num">flagged</th>{head}</tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table>'
    )


def render_report(summary: Mapping[str, Any], views: Sequence[_ThreadView]) -> str:
    labels = list((summary.get("labels") or {}).keys())
    threads = {t["thread_id"]: t for t in summary.get("most_flagged_threads") or []}
    model = summary.get("model") or {}
    cards = [
        ("comments", summary.get("comments", 0)),
        ("flagged", summary.get("flagged", 0)),
        ("threads", summary.get("threads", 0)),
        ("authors", summary.get("authors", 0)),
        ("empty", summary.get("empty", 0)),
        ("skipped records", summary.get("skipped", 0)),
    ]
    inputs = ", ".join(esc(f.get("file")) for f in (summary.get("inputs") or [])[:10])
    more_inputs = len(summary.get("inputs") or []) - 10
    shown_note = (
        f"The {len(views)} most-flagged threads of {summary.get('threads', 0):,}, up to {MAX_FLAGGED_PER_THREAD} flagged comments each, "
        "with the comment before and after each and the comment it replies to. Hover a highlight for its labels."
    )
    threads_html = "".join(_render_thread(v, threads.get(v.thread_id, {})) for v in views) or '<p class="muted">No comment was flagged.</p>'
    generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Threadguard moderation report</title><style>{CSS}</style></head>
<body><header><h1>Threadguard moderation report</h1>
<div class="muted">model {esc(model.get("name"))} {esc(model.get("version"))} · generated {generated} · inputs: {inputs}{f" and {more_inputs} more" if more_inputs > 0 else ""}</div>
<div class="cards">{"".join(f'<div class="card" data-count="{esc(k)}"><b>{v:,}</b>{esc(k)}</div>' for k, v in cards)}</div></header>
<main><h2>Flagged comments by label</h2>{_histogram({label: int(summary["labels"][label]) for label in labels}, int(summary.get("comments", 0)))}
<h2>Most-flagged threads</h2><p class="muted">{esc(shown_note)}</p>{threads_html}
<h2>Authors with flagged comments</h2><p class="muted">The {min(MAX_AUTHORS, len(summary.get("most_flagged_authors") or []))} authors with the most flagged comments; summary.json has every author.</p>
{_author_table(summary.get("most_flagged_authors") or [], labels)}
</main></body></html>
"""


def _rows(path: Path) -> Iterable[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def write_report(comments: Path, summary: Mapping[str, Any], out: Path) -> None:
    """Write ``out`` from the comment rows in ``comments`` and the run's summary."""
    thread_ids = [t["thread_id"] for t in (summary.get("most_flagged_threads") or [])[:MAX_THREADS]]
    views = _select((_rows(comments), _rows(comments)), thread_ids) if thread_ids else []
    atomic_write_text(out, render_report(summary, views))
