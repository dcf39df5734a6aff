"""Streaming XML for the export readers: finished elements one at a time, memory kept flat.

``iterparse`` alone still builds the whole tree; here every element that ends near the top
of the document (a WordPress ``item``, a Disqus ``post``) is detached from its parent once
the reader has used it, so the tree never holds more than the record being read.

expat, under ``xml.etree``, expands no external entities and refuses entity-expansion
bombs, so an export from an untrusted source cannot make us fetch files or blow up memory.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import BinaryIO, Iterator, Union

from service.threads.readers import ReadError

__all__ = ["local_name", "namespace", "child", "child_text", "finished_elements"]


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def child(elem: ET.Element, name: str, ns_prefix: str | None = None) -> ET.Element | None:
    """The first child with this local name (and a namespace starting with ``ns_prefix``, when given)."""
    for c in elem:
        if local_name(c.tag) == name and (ns_prefix is None or namespace(c.tag).startswith(ns_prefix)):
            return c
    return None


def child_text(elem: ET.Element, name: str, ns_prefix: str | None = None) -> str | None:
    c = child(elem, name, ns_prefix)
    return None if c is None else (c.text or "")


Event = Union[tuple[ET.Element, list[ET.Element]], ReadError]


def finished_elements(stream: BinaryIO, file: str, prune_depth: int) -> Iterator[Event]:
    """``(element, ancestors)`` as each element ends; elements ending at depth <= ``prune_depth``
    (the root is depth 0) are detached after the consumer has seen them.

    A syntax error ends the stream with one ``ReadError``: XML cannot be resynchronised.
    """
    ancestors: list[ET.Element] = []
    try:
        for event, elem in ET.iterparse(stream, events=("start", "end")):
            if event == "start":
                ancestors.append(elem)
                continue
            ancestors.pop()
            yield elem, ancestors
            if ancestors and len(ancestors) <= prune_depth:
                elem.clear()
                ancestors[-1].remove(elem)
    except ET.ParseError as exc:
        line, column = exc.position
        yield ReadError(file, f"line {line}", f"XML syntax error at column {column + 1} ({exc.msg.split(':')[0]}); the rest of the file is skipped")
