"""WordPress WXR exports: each ``item`` (post) is a thread, each ``wp:comment`` in it a comment.

The thread id is the post's ``wp:post_id``, the comment id its ``wp:comment_id``;
``wp:comment_parent`` 0 means a top-level comment. Comments of every status are read
(approval, date and the post title go in ``meta``) because moderation wants to see spam
and pending comments too.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

from service.threads.model import Comment
from service.threads.readers import Columns, Item, ReadError
from service.threads.xmlstream import child_text, finished_elements, local_name, namespace

__all__ = ["read_wxr"]

WP_NAMESPACE = "http://wordpress.org/export/"  # followed by the WXR version: 1.0, 1.1, 1.2


def _is_wp(tag: str, name: str) -> bool:
    return local_name(tag) == name and namespace(tag).startswith(WP_NAMESPACE)


def read_wxr(stream: BinaryIO, file: str, columns: Columns = Columns()) -> Iterator[Item]:
    post_id: str | None = None
    title: str | None = None
    items = 0
    record = 0
    # rss > channel > item > wp:comment: items (depth 2) and everything beside them are pruned.
    for event in finished_elements(stream, file, prune_depth=2):
        if isinstance(event, ReadError):
            yield event
            return
        elem, ancestors = event
        parent = ancestors[-1] if ancestors else None
        in_item = parent is not None and local_name(parent.tag) == "item" and namespace(parent.tag) == ""
        if local_name(elem.tag) == "item" and namespace(elem.tag) == "":
            items += 1
            post_id = title = None  # the next item starts afresh
        elif in_item and _is_wp(elem.tag, "post_id"):
            post_id = (elem.text or "").strip() or None
        elif in_item and local_name(elem.tag) == "title" and namespace(elem.tag) == "":
            title = (elem.text or "").strip() or None
        elif in_item and _is_wp(elem.tag, "comment"):
            record += 1
            yield _comment(elem, post_id or f"item-{items + 1}", title, file, record)
            elem.clear()
            parent.remove(elem)  # a post with thousands of comments must not pile them up


def _comment(elem, thread_id: str, title: str | None, file: str, record: int) -> Item:
    where = f"record {record}"
    ns = WP_NAMESPACE
    cid = (child_text(elem, "comment_id", ns) or "").strip()
    if not cid:
        return ReadError(file, where, "wp:comment has no wp:comment_id")
    text = child_text(elem, "comment_content", ns)
    if text is None:
        return ReadError(file, where, f"wp:comment {cid} has no wp:comment_content")
    parent = (child_text(elem, "comment_parent", ns) or "").strip()
    if parent and not parent.isdigit():
        return ReadError(file, where, f"wp:comment {cid}: wp:comment_parent {parent!r} is not a comment id")
    author = (child_text(elem, "comment_author", ns) or "").strip() or None
    meta: dict[str, object] = {"record": record}
    for field, key in (("comment_date_gmt", "date"), ("comment_approved", "approved"), ("comment_type", "type")):
        value = (child_text(elem, field, ns) or "").strip()
        if value:
            meta[key] = value
    if title:
        meta["thread_title"] = title
    return Comment(cid, thread_id, text, 0, author, parent if parent not in ("", "0") else None, meta)
