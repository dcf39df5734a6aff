"""Reddit comments as the API and Pushshift archives give them: one JSON object per line.

The thread is the submission (``link_id`` without its ``t3_`` prefix); a comment whose
``parent_id`` is another comment (``t1_...``) is a reply to it, one whose parent is the
submission is top-level. Reddit escapes ``&``, ``<`` and ``>`` in bodies as HTML entities;
they are unescaped so the model reads what people typed. Removed and deleted comments
("[removed]", "[deleted]") are kept: they score as what they are.
"""

from __future__ import annotations

from typing import Any, BinaryIO, Iterator

from service.threads.jsonl_csv import json_object_lines
from service.threads.model import Comment
from service.threads.readers import Columns, Item, ReadError

__all__ = ["read_reddit", "unescape_reddit"]


def unescape_reddit(body: str) -> str:
    if "&" not in body:
        return body
    return body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _strip_kind(fullname: Any, kind: str) -> str | None:
    if not isinstance(fullname, str) or not fullname:
        return None
    return fullname[len(kind) + 1 :] if fullname.startswith(kind + "_") else fullname


def read_reddit(stream: BinaryIO, file: str, columns: Columns = Columns()) -> Iterator[Item]:
    for item in json_object_lines(stream, file):
        yield item if isinstance(item, ReadError) else _comment(item[2], file, item[0], item[1])


def _comment(obj: dict[str, Any], file: str, line: int, record: int) -> Item:
    where = f"line {line}"
    body = obj.get("body")
    if not isinstance(body, str):
        return ReadError(file, where, "no string 'body' (not a Reddit comment)")
    cid = obj.get("id") if isinstance(obj.get("id"), str) else _strip_kind(obj.get("name"), "t1")
    if not cid:
        return ReadError(file, where, "no comment 'id'")
    thread = _strip_kind(obj.get("link_id"), "t3")
    if not thread:
        return ReadError(file, where, f"comment {cid} has no 'link_id'")
    parent_full = obj.get("parent_id")
    parent = _strip_kind(parent_full, "t1") if isinstance(parent_full, str) and parent_full.startswith("t1_") else None
    author = obj.get("author") if isinstance(obj.get("author"), str) else None
    meta: dict[str, Any] = {"line": line, "record": record}
    for key in ("subreddit", "created_utc", "score"):
        if obj.get(key) is not None:
            meta[key] = obj[key]
    return Comment(cid, thread, unescape_reddit(body), 0, author, parent, meta)
