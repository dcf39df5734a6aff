"""Which reader a dump needs, from its name and its first bytes.

Content wins over the extension where they disagree about the family (an ``.xml`` file is
WordPress or Disqus by what it declares; a ``.jsonl`` of Reddit comments is Reddit), and
the extension decides where content alone is ambiguous (CSV versus a scraped page).
"""

from __future__ import annotations

import json
from pathlib import Path

from service.threads.compressed import inner_name, read_head

__all__ = ["detect_format", "is_label_file", "UNSUPPORTED_JSON_ARRAY"]

UNSUPPORTED_JSON_ARRAY = "a JSON array cannot be streamed: convert it to JSON Lines (jq -c '.[]')"

_BY_EXTENSION = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".wxr": "wxr",
    ".xml": "xml",
    ".txt": "page",
    ".text": "page",
    ".md": "page",
}


def _first_line(head: bytes) -> str:
    return head.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip()


def _looks_like_reddit(head: bytes) -> bool:
    try:
        obj = json.loads(_first_line(head))
    except json.JSONDecodeError:
        return False
    return isinstance(obj, dict) and "body" in obj and ("link_id" in obj or "subreddit" in obj)


# Keys of ``service.schema.Record``: a file of them is labelled training data, not a dump.
_LABEL_RECORD_KEYS = {"source", "split", "comment_id", "labels", "span_labels"}


def is_label_file(path: str | Path) -> bool:
    """Whether a file is Threadguard's own labelled records (seeds/labels.jsonl and the like)."""
    try:
        obj = json.loads(_first_line(read_head(path)))
    except json.JSONDecodeError:
        return False
    return isinstance(obj, dict) and _LABEL_RECORD_KEYS <= set(obj)


def _xml_flavour(head: bytes) -> str | None:
    text = head.decode("utf-8", errors="replace")
    if "wordpress.org/export/" in text:
        return "wxr"
    if "<disqus" in text or "http://disqus.com" in text:
        return "disqus"
    return None


def sniff(head: bytes, name: str) -> tuple[str | None, str]:
    """``(format, why)`` from a file's first bytes and its name (without a compression suffix)."""
    by_ext = _BY_EXTENSION.get(Path(name).suffix.lower())
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"<":
        flavour = _xml_flavour(head)
        if flavour:
            return flavour, "XML declaring its exporter"
        if by_ext in ("xml", "wxr"):
            return None, "XML that is neither a WordPress (WXR) nor a Disqus export"
    if start == b"{":
        return ("reddit", "JSON objects with Reddit's fields") if _looks_like_reddit(head) else ("jsonl", "JSON objects")
    if start == b"[" and by_ext == "jsonl":
        return None, UNSUPPORTED_JSON_ARRAY
    if by_ext in ("csv", "page", "jsonl", "wxr"):
        return by_ext, f"extension {Path(name).suffix}"
    if by_ext is None and head and b"\x00" not in head[:4096]:
        try:
            head[:4096].decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < 4092:  # a multi-byte character cut at the sample's end is fine
                return None, "neither a known extension nor UTF-8 text"
        return "page", "plain text"
    return None, "unrecognised file type"


def detect_format(path: str | Path) -> tuple[str | None, str]:
    """``(format, why)`` for a dump on disk; format is ``None`` when no reader fits."""
    return sniff(read_head(path), inner_name(path))
