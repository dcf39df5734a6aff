"""Disqus XML exports: ``thread`` elements describe pages, ``post`` elements are comments.

A post names its thread with ``<thread dsq:id="..."/>`` and, when it is a reply, its
parent with ``<parent dsq:id="..."/>``; ids are the ``dsq:id`` attributes. Threads come
before their posts in an export, so their titles are remembered (one short string per
thread) and attached to the comments as ``meta["thread_title"]``. The message is kept as
exported (Disqus stores it as HTML), so span offsets index the exported text.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

from service.threads.model import Comment
from service.threads.readers import Columns, Item, ReadError
from service.threads.xmlstream import child, child_text, finished_elements, local_name

__all__ = ["read_disqus"]

DSQ_ID = "{http://disqus.com/disqus-internals}id"


def read_disqus(stream: BinaryIO, file: str, columns: Columns = Columns()) -> Iterator[Item]:
    titles: dict[str, str] = {}
    record = 0
    # disqus > (category | thread | post): every top-level element is pruned once read.
    for event in finished_elements(stream, file, prune_depth=1):
        if isinstance(event, ReadError):
            yield event
            return
        elem, ancestors = event
        if len(ancestors) != 1:
            continue
        name = local_name(elem.tag)
        if name == "thread":
            tid = elem.get(DSQ_ID)
            title = (child_text(elem, "title") or "").strip()
            if tid and title:
                titles[tid] = title
        elif name == "post":
            record += 1
            yield _post(elem, titles, file, record)


def _post(elem, titles: dict[str, str], file: str, record: int) -> Item:
    where = f"record {record}"
    pid = (elem.get(DSQ_ID) or "").strip()
    if not pid:
        return ReadError(file, where, "post has no dsq:id")
    thread = child(elem, "thread")
    tid = (thread.get(DSQ_ID) or "").strip() if thread is not None else ""
    if not tid:
        return ReadError(file, where, f"post {pid} names no thread")
    text = child_text(elem, "message")
    if text is None:
        return ReadError(file, where, f"post {pid} has no message")
    parent_elem = child(elem, "parent")
    parent = (parent_elem.get(DSQ_ID) or "").strip() or None if parent_elem is not None else None
    author_elem = child(elem, "author")
    author = None
    if author_elem is not None:
        author = (child_text(author_elem, "username") or child_text(author_elem, "name") or "").strip() or None
    meta: dict[str, object] = {"record": record}
    for field, key in (("createdAt", "date"), ("isDeleted", "deleted"), ("isSpam", "spam")):
        value = (child_text(elem, field) or "").strip()
        if value:
            meta[key] = value
    if tid in titles:
        meta["thread_title"] = titles[tid]
    return Comment(pid, tid, text, 0, author, parent, meta)
