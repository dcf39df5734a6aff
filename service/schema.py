"""The labelled-span record: one schema for seed labels, public data, behaviour data and the label store.

A record is one comment with its comment labels and character spans. Offsets are into
``text``, end-exclusive, so ``text[span.start:span.end]`` is always the span's text.
See docs/labels.md for what each label means.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

LABELS: tuple[str, ...] = ("toxic", "hate", "slur", "insult", "profanity", "threat")
SPAN_LABELS: tuple[str, ...] = ("slur", "hate", "insult", "profanity", "threat", "toxic")
SPLITS: tuple[str, ...] = ("train", "dev", "test")


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass
class Provenance:
    annotator: str = "dataset"  # "dataset", "lexicon" (weak), "behaviour", or a person's handle
    time: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


@dataclass
class Record:
    """One labelled comment.

    ``labels`` holds only the labels the source gives (1 or 0); a missing key means
    "the source does not say" and is masked out of the loss. ``span_labels`` lists the
    span labels this record was annotated for: an empty list means no span supervision,
    and a label listed here with no span of that label is a confident "no such span".
    """

    source: str
    split: str
    comment_id: str
    text: str
    labels: dict[str, int] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    span_labels: list[str] = field(default_factory=list)
    author: str | None = None
    provenance: Provenance = field(default_factory=Provenance)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "source": self.source,
            "split": self.split,
            "comment_id": self.comment_id,
            "author": self.author,
            "text": self.text,
            "labels": dict(self.labels),
            "spans": [s.to_dict() for s in sorted(self.spans)],
            "span_labels": list(self.span_labels),
            "provenance": {"annotator": self.provenance.annotator, "time": self.provenance.time},
        }
        if self.meta:
            out["meta"] = self.meta
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Record":
        errors = validate_record(d)
        if errors:
            raise ValueError("; ".join(errors))
        prov = d.get("provenance") or {}
        labels = {k: int(v) for k, v in (d.get("labels") or {}).items() if v is not None}
        spans = [Span(int(s["start"]), int(s["end"]), s["label"]) for s in d.get("spans") or []]
        span_labels = d.get("span_labels")
        if span_labels is None:
            span_labels = list(SPAN_LABELS) if spans else []
        return cls(
            source=d["source"],
            split=d.get("split", "train"),
            comment_id=str(d["comment_id"]),
            text=d["text"],
            labels=labels,
            spans=spans,
            span_labels=list(span_labels),
            author=d.get("author"),
            provenance=Provenance(prov.get("annotator", "dataset"), prov.get("time", "")),
            meta=d.get("meta") or {},
        )


def validate_record(d: Any) -> list[str]:
    """Return every problem with one serialised record; an empty list means it is valid."""
    if not isinstance(d, dict):
        return ["record: expected a JSON object"]
    errors: list[str] = []
    for key in ("source", "comment_id", "text"):
        if key not in d:
            errors.append(f"{key}: missing")
    text = d.get("text")
    if "text" in d and not isinstance(text, str):
        errors.append("text: expected a string")
        text = None
    split = d.get("split", "train")
    if split not in SPLITS:
        errors.append(f"split: {split!r} is not one of {', '.join(SPLITS)}")
    labels = d.get("labels") or {}
    if not isinstance(labels, dict):
        errors.append("labels: expected an object")
        labels = {}
    for name, value in labels.items():
        if name not in LABELS:
            errors.append(f"labels.{name}: unknown label (expected one of {', '.join(LABELS)})")
        elif value not in (0, 1, None) or isinstance(value, bool):
            errors.append(f"labels.{name}: expected 1, 0 or null, got {value!r}")
    for name in d.get("span_labels") or []:
        if name not in SPAN_LABELS:
            errors.append(f"span_labels: unknown span label {name!r}")
    spans = d.get("spans") or []
    if not isinstance(spans, list):
        errors.append("spans: expected a list")
        spans = []
    for i, s in enumerate(spans):
        where = f"spans[{i}]"
        if not isinstance(s, dict):
            errors.append(f"{where}: expected an object")
            continue
        start, end, label = s.get("start"), s.get("end"), s.get("label")
        if label not in SPAN_LABELS:
            errors.append(f"{where}.label: {label!r} is not one of {', '.join(SPAN_LABELS)}")
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
            errors.append(f"{where}: start and end must be integers")
            continue
        if text is None:
            continue
        if not 0 <= start < end <= len(text):
            errors.append(f"{where}: offsets {start}:{end} outside the text (length {len(text)}) or empty")
            continue
        piece = text[start:end]
        if not piece.strip():
            errors.append(f"{where}: text[{start}:{end}] is only whitespace")
        elif "text" in s and s["text"] != piece:
            errors.append(f"{where}.text: {s['text']!r} != text[{start}:{end}] {piece!r}")
    return errors


def validate_lines(lines: Iterable[str], where: str = "<input>") -> list[str]:
    """Validate a JSONL stream: each record on its own and (source, comment_id) unique."""
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}:{lineno}: not JSON ({exc.msg})")
            continue
        errors.extend(f"{where}:{lineno}: {e}" for e in validate_record(d))
        if isinstance(d, dict) and "comment_id" in d:
            key = (str(d.get("source")), str(d["comment_id"]))
            if key in seen:
                errors.append(f"{where}:{lineno}: comment_id {key[1]!r} of {key[0]!r} repeats line {seen[key]}")
            else:
                seen[key] = lineno
    return errors


def read_records(path: str | Path) -> Iterator[Record]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield Record.from_dict(json.loads(line))


def write_records(path: str | Path, records: Iterable[Record]) -> int:
    """Write records as JSONL atomically (a crash never leaves half a file)."""
    from service.io import atomic_write_text

    lines = [json.dumps(r.to_dict(), ensure_ascii=False) for r in records]
    atomic_write_text(path, "".join(line + "\n" for line in lines))
    return len(lines)
