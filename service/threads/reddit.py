"""Reddit comments as the API and Pushshift archives give them: one JSON object per line.

The thread is the submission (``link_id`` without its ``t3_`` prefix); a comment whose
``parent_id`` is another comment (``t1_...``) is a reply to it, one whose parent is the
submission is top-level. Reddit escapes ``&``, ``<`` and ``>`` in bodies as HTML entities;
they are unescaped so the model reads what people typed. Removed and deleted comments
("[removed]", "[deleted]") are kept: they score as what they are.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO, Iterator

from service.threads.model import Comment
from service.threads.readers import Columns, Item, ReadError, iter_lines

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
    record = 0
    for lineno, raw in iter_lines(stream):
        where = f"line {lineno}"
        if raw is None:
            yield ReadError(file, where, "line too long (not a comment record)")
            continue
        if not raw.strip():
            continue
        record += 1
        try:
            obj = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield ReadError(file, where, f"not UTF-8 ({exc.reason} at byte {exc.start})")
            continue
        except json.JSONDecodeError as exc:
            yield ReadError(file, where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield ReadError(file, where, f"expected a JSON object, got {type(obj).__name__}")
            continue
        yield _comment(obj, file, lineno, record)


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
