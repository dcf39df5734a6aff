"""Small dumps in every supported format, written by the tests themselves (no data is checked in).

Each builder returns what the file should read back as, so tests compare against the
source of truth rather than against the reader's own output.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

# One thread with nested replies, shared by the record formats:
# c1 <- c2 <- c3 (three levels), c1 <- c4, c5 top-level.
THREAD = [
    {"id": "c1", "parent": None, "author": "ana", "text": "The new bridge design looks great to me."},
    {"id": "c2", "parent": "c1", "author": "ben", "text": "Agreed, though the cycle lane is narrow & steep."},
    {"id": "c3", "parent": "c2", "author": "ana", "text": "Is it? The plans say <2 m> wide."},
    {"id": "c4", "parent": "c1", "author": "cy", "text": "Anyone who likes this is an idiot."},
    {"id": "c5", "parent": None, "author": "dee", "text": ""},
]


def write_jsonl(path: Path, thread_id: str = "bridge", extra_lines: list[str] | None = None) -> list[dict[str, Any]]:
    lines = [
        json.dumps({"id": c["id"], "thread_id": thread_id, "parent_id": c["parent"], "author": c["author"], "text": c["text"]})
        for c in THREAD
    ]
    path.write_text("\n".join(lines + (extra_lines or [])) + "\n", encoding="utf-8")
    return THREAD


def write_csv(path: Path, thread_id: str = "bridge") -> list[dict[str, Any]]:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["comment_id", "thread", "reply_to", "user", "body"])
        for c in THREAD:
            w.writerow([c["id"], thread_id, c["parent"] or "", c["author"], c["text"]])
    return THREAD


def wxr_text(posts: list[tuple[str, str, list[dict[str, Any]]]], version: str = "1.2", body: str = "The article body.") -> str:
    """A WordPress export: ``posts`` are ``(post_id, title, comments)``; comment parents are ids or None."""
    items = []
    for post_id, title, comments in posts:
        cs = []
        for c in comments:
            cs.append(
                "<wp:comment>"
                f"<wp:comment_id>{c['id']}</wp:comment_id>"
                f"<wp:comment_author><![CDATA[{c['author']}]]></wp:comment_author>"
                "<wp:comment_author_email>x@example.org</wp:comment_author_email>"
                "<wp:comment_date_gmt>2021-03-03 10:00:00</wp:comment_date_gmt>"
                f"<wp:comment_content><![CDATA[{c['text']}]]></wp:comment_content>"
                "<wp:comment_approved>1</wp:comment_approved>"
                f"<wp:comment_parent>{c['parent'] or 0}</wp:comment_parent>"
                "<wp:commentmeta><wp:meta_key>akismet</wp:meta_key><wp:meta_value>ok</wp:meta_value></wp:commentmeta>"
                "</wp:comment>"
            )
        items.append(
            f"<item><title>{title}</title><link>https://example.org/?p={post_id}</link>"
            f"<content:encoded><![CDATA[<p>{body} It is not a comment.</p>]]></content:encoded>"
            f"<wp:post_id>{post_id}</wp:post_id><wp:post_type>post</wp:post_type>{''.join(cs)}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:wp="http://wordpress.org/export/{version}/">\n<channel><title>Site</title>'
        f"<wp:wxr_version>{version}</wp:wxr_version>"
        "<wp:author><wp:author_login>admin</wp:author_login></wp:author>\n" + "\n".join(items) + "\n</channel></rss>\n"
    )


def write_wxr(path: Path) -> list[dict[str, Any]]:
    """Two posts: the shared thread (ids renumbered as WordPress numbers comments) and a one-comment post."""
    ids = {c["id"]: str(100 + i) for i, c in enumerate(THREAD)}
    bridge = [{"id": ids[c["id"]], "parent": ids.get(c["parent"]), "author": c["author"], "text": c["text"]} for c in THREAD]
    library = [{"id": "200", "parent": None, "author": "eve", "text": "Finally, weekend hours!"}]
    path.write_text(wxr_text([("10", "Bridge plans", bridge), ("11", "Library hours", library)]), encoding="utf-8")
    return [{**c, "thread": "10"} for c in bridge] + [{**c, "thread": "11"} for c in library]


def disqus_text(threads: list[tuple[str, str]], posts: list[dict[str, Any]]) -> str:
    ts = "".join(
        f'<thread dsq:id="{tid}"><id/><forum>site</forum><link>https://example.org/{tid}</link>'
        f"<title>{title}</title><message/><isClosed>false</isClosed></thread>"
        for tid, title in threads
    )
    ps = []
    for p in posts:
        parent = f'<parent dsq:id="{p["parent"]}"/>' if p.get("parent") else ""
        ps.append(
            f'<post dsq:id="{p["id"]}"><id/><message><![CDATA[{p["text"]}]]></message>'
            "<createdAt>2021-03-03T10:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>"
            f"<author><name>{p['author'].title()}</name><isAnonymous>false</isAnonymous><username>{p['author']}</username></author>"
            f'<thread dsq:id="{p["thread"]}"/>{parent}</post>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
        'xmlns:dsq="http://disqus.com/disqus-internals" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<category dsq:id="1"><forum>site</forum><title>General</title><isDefault>true</isDefault></category>\n'
        + ts
        + "\n"
        + "\n".join(ps)
        + "\n</disqus>\n"
    )


def write_disqus(path: Path) -> list[dict[str, Any]]:
    ids = {c["id"]: str(9000 + i) for i, c in enumerate(THREAD)}
    posts = [{"thread": "900", "id": ids[c["id"]], "parent": ids.get(c["parent"]), "author": c["author"], "text": c["text"]} for c in THREAD]
    path.write_text(disqus_text([("900", "Bridge plans")], posts), encoding="utf-8")
    return posts


def reddit_objects() -> list[dict[str, Any]]:
    out = []
    for c in THREAD:
        body = c["text"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out.append(
            {
                "id": f"r{c['id']}",
                "link_id": "t3_abc",
                "parent_id": f"t1_r{c['parent']}" if c["parent"] else "t3_abc",
                "author": c["author"],
                "body": body,
                "subreddit": "city",
                "created_utc": 1614765600,
            }
        )
    return out


def write_reddit(path: Path) -> list[dict[str, Any]]:
    data = ("\n".join(json.dumps(o) for o in reddit_objects()) + "\n").encode("utf-8")
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(data))
    elif path.name.endswith(".zst"):
        import zstandard

        path.write_bytes(zstandard.ZstdCompressor().compress(data))
    else:
        path.write_bytes(data)
    return THREAD
