"""What a label is on its way into the store, and every check it must pass first.

A label is one annotator's judgement of one comment: the record schema of ``service/schema.py``
(text, comment labels, spans) plus who labelled it, when, and an optional note. Problems are
reported per field (``{"index", "field", "message"}``) so a caller can point at the bad input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Sequence

from service.schema import LABELS, SPAN_LABELS, Provenance, Record, Span, validate_record

MAX_TEXT_CHARS = 20_000
MAX_ID_CHARS = 512
MAX_NAME_CHARS = 200
MAX_NOTE_CHARS = 4_000
DEFAULT_SOURCE = "review"

Problem = dict[str, Any]


class LabelValidationError(ValueError):
    """One or more labels are invalid; ``errors`` lists every problem as ``{"index", "field", "message"}``."""

    def __init__(self, errors: list[Problem]):
        self.errors = errors
        shown = "; ".join(f"record {e['index']}: {e['field']}: {e['message']}" for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(shown + more)


@dataclass
class LabelIn:
    """One label to store. ``time`` is when it was labelled (``None``: when it is stored)."""

    comment_id: str
    text: str
    annotator: str
    labels: Mapping[str, int] = field(default_factory=dict)
    spans: Sequence[Span] = ()
    span_labels: Sequence[str] | None = None  # None: every span label if there are spans, else none
    source: str = DEFAULT_SOURCE
    split: str = "train"
    thread_id: str | None = None
    author: str | None = None
    note: str | None = None
    time: datetime | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: Any, index: int = 0, default_annotator: str | None = None) -> "LabelIn":
        """Parse a record-schema dict (``annotator``/``time``/``thread_id``/``note`` may also sit at top level)."""
        label, problems = parse_label_dict(d, default_annotator)
        if problems or label is None:
            raise LabelValidationError([{"index": index, "field": f, "message": m} for f, m in problems])
        return label

    @classmethod
    def from_record(cls, record: Record) -> "LabelIn":
        return cls.from_dict(record.to_dict())

    def to_dict(self) -> dict[str, Any]:
        """The label as one line of our JSONL record schema (thread id and note travel in ``meta``)."""
        label = normalise(self)
        meta = dict(label.meta)
        if label.thread_id is not None:
            meta["thread_id"] = label.thread_id
        if label.note is not None:
            meta["note"] = label.note
        provenance: dict[str, Any] = {"annotator": label.annotator}
        if label.time is not None:
            provenance["time"] = label.time.isoformat()
        out: dict[str, Any] = {
            "source": label.source,
            "split": label.split,
            "comment_id": label.comment_id,
            "author": label.author,
            "text": label.text,
            "labels": dict(label.labels),
            "spans": [s.to_dict() for s in label.spans],
            "span_labels": list(label.span_labels or []),
            "provenance": provenance,
        }
        if meta:
            out["meta"] = meta
        return out

    def to_record(self) -> Record:
        label = normalise(self)
        time = label.time.isoformat() if label.time else ""
        meta = label.to_dict().get("meta", {})
        return Record(
            source=label.source,
            split=label.split,
            comment_id=label.comment_id,
            text=label.text,
            labels=dict(label.labels),
            spans=list(label.spans),
            span_labels=list(label.span_labels or []),
            author=label.author,
            provenance=Provenance(label.annotator, time),
            meta=meta,
        )


def parse_label_dict(d: Any, default_annotator: str | None = None) -> tuple[LabelIn | None, list[tuple[str, str]]]:
    """A dict → (label, []) or (None, [(field, message), ...]); ``LabelIn.from_dict`` raises instead."""
    if not isinstance(d, dict):
        return None, [("record", "expected a JSON object")]
    prov = d.get("provenance") or {}
    if not isinstance(prov, dict):
        return None, [("provenance", "expected an object")]
    meta = d.get("meta") or {}
    if not isinstance(meta, dict):
        return None, [("meta", "expected an object")]
    meta = dict(meta)
    # Each value remembers the field it came from, so that errors name what the caller wrote.
    annotator_field = "annotator" if "annotator" in d else "provenance.annotator"
    annotator = d.get("annotator", prov.get("annotator", default_annotator))
    time_field = "time" if "time" in d else "provenance.time"
    time_value = d.get("time", prov.get("time"))
    thread_field = "thread_id" if "thread_id" in d else "meta.thread_id"
    thread_id = d["thread_id"] if "thread_id" in d else meta.get("thread_id")
    note_field = "note" if "note" in d else "meta.note"
    note = d["note"] if "note" in d else meta.get("note")
    meta.pop("thread_id", None)
    meta.pop("note", None)

    problems: list[tuple[str, str]] = []
    time: datetime | None = None
    if isinstance(time_value, datetime):
        time = time_value if time_value.tzinfo else time_value.replace(tzinfo=timezone.utc)
    elif isinstance(time_value, str) and time_value.strip():
        try:
            time = parse_time(time_value)
        except ValueError:
            problems.append((time_field, f"{time_value!r} is not an ISO 8601 date-time"))
    elif time_value not in (None, ""):
        problems.append((time_field, "expected an ISO 8601 date-time string"))

    comment_id = d.get("comment_id")
    if isinstance(comment_id, int) and not isinstance(comment_id, bool):
        comment_id = str(comment_id)
    if isinstance(thread_id, int) and not isinstance(thread_id, bool):
        thread_id = str(thread_id)

    spans_raw = d.get("spans") or []
    labels_raw = d.get("labels") or {}
    candidate = {**d, "source": d.get("source", DEFAULT_SOURCE), "comment_id": comment_id}
    for f, m in _record_problems(candidate):
        problems.append((f, m))
    problems += _field_problems(
        [
            ("annotator", annotator_field, annotator, True, MAX_NAME_CHARS),
            ("thread_id", thread_field, thread_id, False, MAX_ID_CHARS),
            ("note", note_field, note, False, MAX_NOTE_CHARS),
        ]
    )
    problems += _json_problems("meta", meta)
    if problems:
        return None, problems
    span_labels = d.get("span_labels")
    label = LabelIn(
        comment_id=comment_id,
        text=d["text"],
        annotator=annotator,
        labels={k: int(v) for k, v in labels_raw.items() if v is not None},
        spans=[Span(int(s["start"]), int(s["end"]), s["label"]) for s in spans_raw],
        span_labels=None if span_labels is None else list(span_labels),
        source=candidate["source"],
        split=d.get("split", "train"),
        thread_id=thread_id,
        author=d.get("author"),
        note=note,
        time=time,
        meta=meta,
    )
    return normalise(label), []


def parse_time(value: str) -> datetime:
    """ISO 8601 → aware UTC datetime; a time without a zone is taken as UTC."""
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _record_problems(d: dict[str, Any]) -> list[tuple[str, str]]:
    """The shared record checks plus the store's own limits, as (field, message) pairs."""
    problems = []
    for error in validate_record(d):
        name, _, message = error.partition(": ")
        problems.append((name, message))
    text = d.get("text")
    if isinstance(text, str):
        if len(text) > MAX_TEXT_CHARS:
            problems.append(("text", f"{len(text)} characters, over the limit of {MAX_TEXT_CHARS}"))
        elif not text.strip():
            problems.append(("text", "empty"))
    problems += _field_problems(
        [
            ("comment_id", "comment_id", d.get("comment_id"), True, MAX_ID_CHARS),
            ("source", "source", d.get("source"), True, MAX_NAME_CHARS),
            ("author", "author", d.get("author"), False, MAX_NAME_CHARS),
        ]
    )
    return _dedupe(problems)


def _field_problems(checks: Iterable[tuple[str, str, Any, bool, int]]) -> list[tuple[str, str]]:
    problems = []
    for _, where, value, required, limit in checks:
        if value is None:
            if required:
                problems.append((where, "missing"))
        elif not isinstance(value, str):
            problems.append((where, f"expected a string, got {type(value).__name__}"))
        elif required and not value.strip():
            problems.append((where, "empty"))
        elif len(value) > limit:
            problems.append((where, f"{len(value)} characters, over the limit of {limit}"))
    return problems


def _json_problems(where: str, value: Any) -> list[tuple[str, str]]:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        return [(where, f"not JSON-serialisable ({exc})")]
    return []


def _dedupe(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def label_problems(label: LabelIn) -> list[tuple[str, str]]:
    """Every problem with a ``LabelIn`` built in code (``from_dict`` checks the same things on dicts)."""
    if not isinstance(label, LabelIn):
        return [("record", f"expected a LabelIn, got {type(label).__name__}")]
    spans: Any = label.spans
    if isinstance(spans, (list, tuple)):
        spans = [s.to_dict() if isinstance(s, Span) else s for s in spans]
    d = {
        "source": label.source,
        "split": label.split,
        "comment_id": label.comment_id,
        "text": label.text,
        "labels": dict(label.labels) if isinstance(label.labels, Mapping) else label.labels,
        "spans": spans,
        "span_labels": list(label.span_labels) if isinstance(label.span_labels, (list, tuple)) else label.span_labels,
        "author": label.author,
    }
    problems = _record_problems(d)
    problems += _field_problems(
        [
            ("annotator", "annotator", label.annotator, True, MAX_NAME_CHARS),
            ("thread_id", "thread_id", label.thread_id, False, MAX_ID_CHARS),
            ("note", "note", label.note, False, MAX_NOTE_CHARS),
        ]
    )
    if not isinstance(label.meta, Mapping):
        problems.append(("meta", "expected an object"))
    else:
        problems += _json_problems("meta", dict(label.meta))
    if label.time is not None and (not isinstance(label.time, datetime) or label.time.tzinfo is None):
        problems.append(("time", "expected a time-zone-aware datetime"))
    return _dedupe(problems)


def validate_labels(labels: Sequence[LabelIn]) -> None:
    """Raise ``LabelValidationError`` listing every problem in ``labels`` (index = position)."""
    errors = [
        {"index": i, "field": f, "message": m} for i, label in enumerate(labels) for f, m in label_problems(label)
    ]
    if errors:
        raise LabelValidationError(errors)


def normalise(label: LabelIn) -> LabelIn:
    """The canonical form: spans sorted and unique, span labels resolved and ordered, nulls dropped.

    Two labels that mean the same thing normalise to equal values, which is what makes a
    re-post of the same label recognisable as a repeat.
    """
    spans = sorted(set(label.spans))
    if label.span_labels is None:
        span_labels = list(SPAN_LABELS) if spans else []
    else:
        wanted = set(label.span_labels)
        span_labels = [name for name in SPAN_LABELS if name in wanted]
    order = sorted(label.labels, key=lambda name: (LABELS.index(name) if name in LABELS else len(LABELS), name))
    labels = {name: int(label.labels[name]) for name in order if label.labels[name] is not None}
    return LabelIn(
        comment_id=label.comment_id,
        text=label.text,
        annotator=label.annotator,
        labels=labels,
        spans=spans,
        span_labels=span_labels,
        source=label.source,
        split=label.split,
        thread_id=label.thread_id,
        author=label.author,
        note=label.note,
        time=label.time.astimezone(timezone.utc) if label.time else None,
        meta=dict(label.meta),
    )
