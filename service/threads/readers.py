"""Reading any supported dump as one stream of ``Comment``s and ``ReadError``s.

Every reader is a generator over one file that yields, in file order, a ``Comment`` for each
comment it could read and a ``ReadError`` for each line or record it could not; a bad record
never stops the file. Only damage that makes the rest of the file unreadable (an XML syntax
error, a truncated archive) ends that file, with one ``ReadError`` saying where.

Readers stream: they hold one record (or one scraped page) at a time, never the whole dump.
``Comment.offset`` is the offset of the comment's text in its source unit: the page for
scraped pages, the text field itself (so always 0) for record formats. ``meta["line"]``
and ``meta["record"]`` locate that unit in the file.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Union

from service.threads.compressed import open_binary
from service.threads.model import Comment

__all__ = ["FORMATS", "Columns", "ReadError", "Item", "iter_lines", "read_dump", "read_stream"]

FORMATS: tuple[str, ...] = ("page", "jsonl", "csv", "wxr", "disqus", "reddit")

# A line longer than this is reported and skipped instead of being held in memory whole: it is
# a corrupt file (or a binary one), not a comment.
MAX_LINE_BYTES = 8 << 20


@dataclass(frozen=True)
class ReadError:
    """A line or record that could not be read; ``location`` is "line 12", "record 3" or "byte 4096"."""

    file: str
    location: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file, "location": self.location, "reason": self.reason}


Item = Union[Comment, ReadError]


@dataclass(frozen=True)
class Columns:
    """Which fields of a JSONL object or CSV row hold what. ``None`` means: the first of the usual names present.

    Dotted names reach into nested JSON objects (``user.name``).
    """

    text: str | None = None
    id: str | None = None
    author: str | None = None
    thread: str | None = None
    parent: str | None = None

    def candidates(self, role: str) -> tuple[str, ...]:
        chosen = getattr(self, role)
        return (chosen,) if chosen else DEFAULT_COLUMNS[role]

    def to_dict(self) -> dict[str, str | None]:
        return {role: getattr(self, role) for role in DEFAULT_COLUMNS}


DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "comment", "content", "message"),
    "id": ("id", "comment_id"),
    "author": ("author", "user", "username", "user_name", "name"),
    "thread": ("thread_id", "thread", "post_id", "article_id", "link_id"),
    "parent": ("parent_id", "parent", "reply_to", "in_reply_to"),
}


def iter_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, bytes)`` for each line; ``None`` instead of bytes for a line over ``MAX_LINE_BYTES``."""
    lineno = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES)
        if not line:
            return
        lineno += 1
        if len(line) >= MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:  # drain the rest of the over-long line without keeping it
                more = stream.readline(MAX_LINE_BYTES)
                if not more or more.endswith(b"\n"):
                    break
            yield lineno, None
            continue
        if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        yield lineno, line


StreamReader = Callable[[BinaryIO, str, Columns], Iterator[Item]]


def _readers() -> dict[str, StreamReader]:
    # Imported here: each reader module imports this one for the shared types.
    from service.threads import disqus, jsonl_csv, pages, reddit, wxr

    return {
        "page": pages.read_page,
        "jsonl": jsonl_csv.read_jsonl,
        "csv": jsonl_csv.read_csv,
        "wxr": wxr.read_wxr,
        "disqus": disqus.read_disqus,
        "reddit": reddit.read_reddit,
    }


def _corruption_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError, EOFError, zlib.error]
    try:
        import zstandard

        errors.append(zstandard.ZstdError)
    except ImportError:
        pass
    return tuple(errors)


def read_stream(stream: BinaryIO, fmt: str, file: str, columns: Columns = Columns()) -> Iterator[Item]:
    """Read an open binary stream as format ``fmt``; ``file`` is the name errors and ids use."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    reader = _readers()[fmt](stream, file, columns)
    corrupt = _corruption_errors()
    try:
        yield from reader
    except corrupt as exc:
        # A damaged archive: what came before the damage has been yielded, the rest is lost.
        yield ReadError(file, "end of readable data", f"cannot read further: {type(exc).__name__}: {exc}")


def read_dump(path: str | Path, fmt: str, columns: Columns = Columns(), name: str | None = None) -> Iterator[Item]:
    """Read one dump file (plain, ``.gz`` or ``.zst``) as format ``fmt``."""
    name = name or str(path)
    try:
        stream, raw = open_binary(path)
    except OSError as exc:
        yield ReadError(name, "file", f"cannot open: {exc.strerror or exc}")
        return
    try:
        yield from read_stream(stream, fmt, name, columns)
    finally:
        stream.close()
        raw.close()
