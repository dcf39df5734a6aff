"""The thread model every dump reader yields: an optional article and its comments.

Each reader (plain-text page scrapes now; JSONL, CSV, WordPress WXR, Disqus and Reddit
dumps later) turns one source document into a ``Thread`` whose comments carry the exact
text and its character offset in that document, so that spans found in a comment can
always be mapped back to the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def comment_id(thread_id: str, n: int) -> str:
    """The stable id of the ``n``-th comment (counting from 1, in document order) of a thread."""
    if n < 1:
        raise ValueError(f"comment numbers count from 1, got {n}")
    return f"{thread_id}:c{n}"


@dataclass(frozen=True)
class Comment:
    id: str
    thread_id: str
    text: str
    offset: int  # dump[offset:offset + len(text)] == text for the dump the reader was given
    author: str | None = None
    parent_id: str | None = None
    # Reader-specific extras (date, votes, reply-to name...). Left out of the hash because a
    # dict is unhashable; it still takes part in equality.
    meta: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Article:
    title: str
    body: str


@dataclass(frozen=True)
class Thread:
    id: str
    article: Article | None
    comments: tuple[Comment, ...]
