"""Scraped pages (article, then possibly a comment thread) as a dump format: one page per file."""

from __future__ import annotations

from dataclasses import replace
from typing import BinaryIO, Iterator

from service.threads.jsonl_csv import default_thread_id
from service.threads.readers import Columns, Item, ReadError
from service.threads.scraped import parse_scraped_page

__all__ = ["read_page", "MAX_PAGE_BYTES"]

# A page is parsed whole; anything this large is not a scraped article page.
MAX_PAGE_BYTES = 32 << 20


def read_page(stream: BinaryIO, file: str, columns: Columns = Columns()) -> Iterator[Item]:
    data = stream.read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        yield ReadError(file, "file", f"larger than {MAX_PAGE_BYTES >> 20} MiB: not a scraped page")
        return
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield ReadError(file, f"byte {exc.start}", f"not UTF-8 ({exc.reason})")
        return
    thread = parse_scraped_page(text, default_thread_id(file))
    line, line_start = 1, 0
    for record, comment in enumerate(thread.comments, 1):
        # Comments come in document order, so counting newlines forward stays linear.
        line += text.count("\n", line_start, comment.offset)
        line_start = comment.offset
        yield replace(comment, meta={**comment.meta, "line": line, "record": record})
