"""Output files built from the comment rows: the summary JSON and the optional CSV, both written atomically."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from service.io import atomic_open

__all__ = ["iter_jsonl", "write_summary", "write_csv", "CSV_FIELDS"]

CSV_FIELDS = ("thread_id", "comment_id", "author", "parent_id", "file", "line", "record", "offset", "length", "flagged", "flags")


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSONL file this pipeline wrote (so every line is one valid object); nothing if it is absent."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def write_summary(path: Path, summary: Mapping[str, Any], tables: Mapping[str, Iterable[tuple[str, Any]]] | None = None) -> None:
    """``summary`` as JSON, followed by each of ``tables`` as an object written entry by entry.

    The tables (every thread, every author) are the only part that grows with the dump, so
    they are never held whole, neither as dicts nor as one big string.
    """
    with atomic_open(path) as f:
        head = json.dumps(summary, ensure_ascii=False, indent=1)
        f.write(head[: head.rindex("}")].rstrip())
        member_sep = ",\n " if summary else "\n "
        for name, entries in (tables or {}).items():
            f.write(f"{member_sep}{json.dumps(name)}: {{")
            member_sep = ",\n "
            sep = "\n  "
            for key, value in entries:
                f.write(f"{sep}{json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}")
                sep = ",\n  "
            f.write("\n }" if sep != "\n  " else "}")
        f.write("\n}\n")


def _spans_cell(spans: Sequence[Mapping[str, Any]]) -> str:
    return "; ".join(f"{s['label']}@{s['start']}-{s['end']}" for s in spans)


def write_csv(comments: Path, path: Path, labels: Sequence[str]) -> None:
    """One row per comment: location, flags, a score column per label, spans as ``label@start-end`` and the text."""
    with atomic_open(path, newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*CSV_FIELDS, *(f"score_{label}" for label in labels), "spans", "text"])
        for row in iter_jsonl(comments):
            flags = ";".join(label for label in labels if row["flags"].get(label))
            writer.writerow(
                [
                    *(row.get(name) for name in CSV_FIELDS[:-2]),
                    int(row["flagged"]),
                    flags,
                    *(row["scores"].get(label) for label in labels),
                    _spans_cell(row["spans"]),
                    row["text"],
                ]
            )
