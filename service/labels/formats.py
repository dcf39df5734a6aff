"""Label files in and out: our JSONL records, Label Studio tasks and doccano JSONL.

- ``jsonl``: one record per line in the schema of ``service/schema.py`` (lossless).
- ``label-studio``: a JSON array of tasks, one per label. Spans are ``labels`` results on the
  ``text`` field, comment labels a ``choices`` result listing the labels that apply.
- ``doccano``: one JSON object per line, ``{"text", "label": [[start, end, label], ...], "cats": [...]}``.

Label Studio and doccano only say which labels *apply*. So that a round trip keeps "0" apart
from "absent", the writers add ``labels_judged`` (the comment labels given a value) and
``span_labels`` next to the text; files from elsewhere have neither, and then every comment label
counts as judged when the file carries a choice list (Label Studio ``choices``, doccano
``cats``), and every span label as checked when it carries span annotations. The other
fields our schema has (``comment_id``, ``source``, ``annotator``, ...) travel the same way.
A comment without an id gets ``text:<hash of the text>`` (so importing the same file twice
stores nothing new) and a label without a source gets the format's name.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, TextIO

from service.labels.validation import LabelIn, LabelValidationError, Problem, normalise, parse_label_dict
from service.schema import LABELS, SPAN_LABELS

FORMATS: tuple[str, ...] = ("jsonl", "label-studio", "doccano")
LS_SPAN_CONTROL = "label"
LS_CHOICE_CONTROL = "comment_labels"
LS_TEXT_OBJECT = "text"
# Fields of our schema that Label Studio's task data and doccano's lines carry for the round trip.
_EXTRA_FIELDS = ("comment_id", "source", "split", "thread_id", "author", "annotator", "note", "time", "meta")


class LabelFormatError(ValueError):
    """The file as a whole cannot be read (not JSON, not any known format)."""


@dataclass
class _Draft:
    """A label assembled from a foreign format, with where each of its parts came from."""

    record: dict[str, Any]
    origins: dict[str, str]  # our field name (or "spans[i]") → the path in the source file

    def field_in_source(self, name: str) -> str:
        if name in self.origins:
            return self.origins[name]
        head, dot, rest = name.partition(".")
        if head.startswith("spans[") and head in self.origins:
            return self.origins[head]  # the span's entry in the file; the message says what is wrong
        if head in self.origins:
            return self.origins[head] + dot + rest
        return self.origins.get("*", "") + name


def text_comment_id(text: str) -> str:
    return "text:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# -- reading --------------------------------------------------------------------------------


def detect_format(text: str) -> str:
    """Guess a file's format from its first record."""
    stripped = text.lstrip()
    if not stripped:
        raise LabelFormatError("the file is empty")
    if stripped.startswith("["):
        return "label-studio"
    first_line = stripped.splitlines()[0]
    try:
        first = json.loads(first_line)
    except json.JSONDecodeError:
        try:
            first = json.loads(stripped)  # one pretty-printed Label Studio task
        except json.JSONDecodeError as exc:
            raise LabelFormatError(f"not JSON or JSONL ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if not isinstance(first, dict):
        raise LabelFormatError("expected JSON objects, one per line, or a JSON array of Label Studio tasks")
    if "data" in first and isinstance(first["data"], dict):
        return "label-studio"
    if "spans" in first or "labels" in first or "provenance" in first:
        return "jsonl"
    if "label" in first or "entities" in first or "cats" in first:
        return "doccano"
    return "jsonl"


def read_labels(text: str, fmt: str = "auto", default_annotator: str | None = None) -> list[LabelIn]:
    """Parse a whole file. Every problem is collected into one ``LabelValidationError`` whose
    ``index`` is the 0-based line (``jsonl``, ``doccano``) or task (``label-studio``) and whose
    ``field`` is the path inside that line or task."""
    if fmt == "auto":
        fmt = detect_format(text)
    if fmt not in FORMATS:
        raise LabelFormatError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    labels: list[LabelIn] = []
    errors: list[Problem] = []
    if fmt == "label-studio":
        for index, task in _label_studio_tasks(text, errors):
            drafts, problems = _from_label_studio(task)
            errors += [{"index": index, "field": f, "message": m} for f, m in problems]
            for draft in drafts:
                _finish(draft, index, default_annotator, labels, errors)
        if not labels and not errors:
            raise LabelFormatError("no Label Studio annotations in the file (only skipped ones, or none)")
    else:
        for index, obj in _json_lines(text, errors):
            draft = _from_doccano(obj) if fmt == "doccano" else _Draft(obj, {})
            _finish(draft, index, default_annotator, labels, errors)
    if errors:
        raise LabelValidationError(errors)
    return labels


def _finish(draft: _Draft, index: int, default_annotator: str | None, labels: list[LabelIn], errors: list[Problem]) -> None:
    label, problems = parse_label_dict(draft.record, default_annotator)
    if label is not None:
        labels.append(label)
    for name, message in problems:
        if name in ("annotator", "provenance.annotator") and message == "missing":
            message = "missing (name one in the file or pass --annotator)"
        errors.append({"index": index, "field": draft.field_in_source(name), "message": message})


def _json_lines(text: str, errors: list[Problem]) -> Iterator[tuple[int, Any]]:
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield lineno - 1, json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append({"index": lineno - 1, "field": "line", "message": f"not JSON ({exc.msg} at column {exc.colno})"})


def _label_studio_tasks(text: str, errors: list[Problem]) -> Iterator[tuple[int, Any]]:
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, list):
        yield from enumerate(whole)
    elif isinstance(whole, dict):
        yield 0, whole
    elif text.lstrip().startswith("["):
        raise LabelFormatError("not a valid JSON array of Label Studio tasks")
    else:  # one task per line
        yield from _json_lines(text, errors)


def _from_label_studio(task: Any) -> tuple[list[_Draft], list[tuple[str, str]]]:
    if not isinstance(task, dict):
        return [], [("task", "expected a JSON object")]
    data = task.get("data")
    if not isinstance(data, dict):
        return [], [("data", "missing or not an object")]
    annotations = task.get("annotations", task.get("completions"))  # "completions": Label Studio < 1.0
    if not isinstance(annotations, list) or not annotations:
        return [], [("annotations", "missing or empty: a task without annotations carries no labels")]
    drafts = []
    problems: list[tuple[str, str]] = []
    for j, annotation in enumerate(annotations):
        where = f"annotations[{j}]"
        if not isinstance(annotation, dict):
            problems.append((where, "expected an object"))
            continue
        if annotation.get("was_cancelled"):  # the annotator skipped the task
            continue
        results = annotation.get("result")
        if not isinstance(results, list):
            problems.append((f"{where}.result", "expected a list"))
            continue
        record, origins = _record_base(data, "data.", "label-studio")
        origins["text"] = "data.text"
        spans: list[dict[str, Any]] = []
        chosen: set[str] = set()
        choices_seen = spans_seen = False
        for k, result in enumerate(results):
            rwhere = f"{where}.result[{k}]"
            if not isinstance(result, dict) or not isinstance(result.get("value"), dict):
                problems.append((rwhere, "expected an object with a 'value' object"))
                continue
            value = result["value"]
            kind = result.get("type")
            if kind == "labels":
                spans_seen = True
                names = value.get("labels")
                if not isinstance(names, list) or not names:
                    problems.append((f"{rwhere}.value.labels", "expected a non-empty list of label names"))
                    continue
                start, end = _code_point_offsets(data.get("text"), value)
                for name in names:
                    origins[f"spans[{len(spans)}]"] = f"{rwhere}.value"
                    span = {"start": start, "end": end, "label": _name(name)}
                    if "text" in value:
                        span["text"] = value["text"]
                    spans.append(span)
            elif kind == "choices":
                choices_seen = True
                names = value.get("choices")
                if not isinstance(names, list):
                    problems.append((f"{rwhere}.value.choices", "expected a list"))
                    continue
                for name in names:
                    origins[f"labels.{_name(name)}"] = f"{rwhere}.value.choices"
                    chosen.add(_name(name))
            # other result types (ratings, text areas of other controls) carry no labels of ours
        record["spans"] = spans
        record["labels"] = _comment_labels(chosen, data.get("labels_judged"), choices_seen)
        origins.setdefault("labels", "data.labels_judged")
        record["span_labels"] = _span_labels(spans, data.get("span_labels"), spans_seen)
        origins["span_labels"] = "data.span_labels"
        annotator = _ls_annotator(annotation.get("completed_by"))
        if annotator is not None:
            record["annotator"] = annotator
            origins["annotator"] = f"{where}.completed_by"
        else:
            origins["provenance.annotator"] = "data.annotator" if "annotator" in data else f"{where}.completed_by"
        when = annotation.get("updated_at") or annotation.get("created_at")
        if when and "time" not in data:
            record["time"] = when
            origins["time"] = f"{where}.updated_at"
        drafts.append(_Draft(record, origins))
    return drafts, problems


def _record_base(data: dict[str, Any], prefix: str, default_source: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The fields of our schema carried next to the text, with ``source`` and ``comment_id`` filled in."""
    record: dict[str, Any] = {key: data[key] for key in _EXTRA_FIELDS if key in data}
    record["text"] = data.get("text")
    record.setdefault("source", default_source)
    if "comment_id" not in record and isinstance(data.get("text"), str):
        record["comment_id"] = text_comment_id(data["text"])
    origins = {key: prefix + key for key in (*_EXTRA_FIELDS, "text")}
    origins["*"] = prefix
    return record, origins


def _code_point_offsets(text: Any, value: dict[str, Any]) -> tuple[Any, Any]:
    """A span's offsets as Python string indices.

    Label Studio counts code points, but versions before 2022 counted JavaScript's UTF-16
    units, which drift by one after every emoji. When the offsets miss the span's own ``text``
    and reading them as UTF-16 units hits it, the UTF-16 reading is the right one.
    """
    start, end = value.get("start"), value.get("end")
    quoted = value.get("text")
    if not (isinstance(text, str) and isinstance(quoted, str) and isinstance(start, int) and isinstance(end, int)):
        return start, end
    if text[start:end] == quoted:
        return start, end
    index_of_unit: dict[int, int] = {}
    units = 0
    for index, char in enumerate(text):
        index_of_unit[units] = index
        units += 2 if ord(char) > 0xFFFF else 1
    index_of_unit[units] = len(text)
    if start in index_of_unit and end in index_of_unit and text[index_of_unit[start] : index_of_unit[end]] == quoted:
        return index_of_unit[start], index_of_unit[end]
    return start, end


def _ls_annotator(completed_by: Any) -> str | None:
    """Label Studio names its user by id, or by an object with an email, depending on version."""
    if isinstance(completed_by, dict):
        for key in ("email", "username", "id"):
            if completed_by.get(key) not in (None, ""):
                value = completed_by[key]
                return f"label-studio-user-{value}" if key == "id" else str(value)
        return None
    if isinstance(completed_by, int) and not isinstance(completed_by, bool):
        return f"label-studio-user-{completed_by}"
    if isinstance(completed_by, str) and completed_by.strip():
        return completed_by
    return None


def _name(name: Any) -> Any:
    # Labelling configs often capitalise their label names ("Slur"); ours are lower case.
    return name.strip().lower() if isinstance(name, str) else name


def _comment_labels(chosen: set[str], judged: Any, choice_list_seen: bool) -> dict[str, Any]:
    if isinstance(judged, list):
        judged_names = {_name(n) for n in judged}
    else:
        judged_names = set(LABELS) if choice_list_seen else set()
    labels: dict[str, Any] = {name: 0 for name in LABELS if name in judged_names}
    for name in judged_names - set(LABELS):
        labels[name] = 0  # an unknown name: validation reports it
    for name in chosen:
        labels[name] = 1
    return labels


def _span_labels(spans: list[dict[str, Any]], listed: Any, span_list_seen: bool) -> list[Any]:
    if isinstance(listed, list):
        names = [_name(n) for n in listed]
    else:
        names = list(SPAN_LABELS) if span_list_seen else []
    for span in spans:
        # Unknown span labels are reported once, on the span itself.
        if span["label"] in SPAN_LABELS and span["label"] not in names:
            names.append(span["label"])
    return names


def _from_doccano(obj: Any) -> _Draft:
    if not isinstance(obj, dict):
        return _Draft(obj, {})
    record, origins = _record_base(obj, "", "doccano")
    origins["provenance.annotator"] = "annotator"
    spans: list[dict[str, Any]] = []
    chosen: set[str] = set()
    spans_seen = "entities" in obj
    categories_seen = "cats" in obj
    items = obj.get("label")
    if isinstance(items, list):
        if all(isinstance(item, list) for item in items):
            spans_seen = True  # sequence labelling: an empty list is a checked comment without spans
        for k, item in enumerate(items):
            if isinstance(item, str):  # a text-classification project
                categories_seen = True
                chosen.add(_name(item))
                origins[f"labels.{_name(item)}"] = f"label[{k}]"
            elif isinstance(item, list) and len(item) == 3:
                origins[f"spans[{len(spans)}]"] = f"label[{k}]"
                spans.append({"start": item[0], "end": item[1], "label": _name(item[2])})
            else:
                origins[f"spans[{len(spans)}]"] = f"label[{k}]"
                spans.append({"start": None, "end": None, "label": None})
    for k, entity in enumerate(obj.get("entities") or []):
        origins[f"spans[{len(spans)}]"] = f"entities[{k}]"
        entity = entity if isinstance(entity, dict) else {}
        spans.append({"start": entity.get("start_offset"), "end": entity.get("end_offset"), "label": _name(entity.get("label"))})
    cats = obj.get("cats")
    explicit: dict[str, Any] = {}
    if isinstance(cats, list):
        for name in cats:
            chosen.add(_name(name))
            origins[f"labels.{_name(name)}"] = "cats"
    elif isinstance(cats, dict):  # spaCy style {"hate": 1.0, "threat": 0.0}
        for name, value in cats.items():
            explicit[_name(name)] = int(value) if value in (0, 1) and not isinstance(value, str) else value
            origins[f"labels.{_name(name)}"] = f"cats.{name}"
    record["labels"] = {**_comment_labels(chosen, obj.get("labels_judged"), categories_seen and not explicit), **explicit}
    origins.setdefault("labels", "labels_judged")
    record["spans"] = spans
    record["span_labels"] = _span_labels(spans, obj.get("span_labels"), spans_seen)
    return _Draft(record, origins)


# -- writing --------------------------------------------------------------------------------


def to_record_dict(label: LabelIn) -> dict[str, Any]:
    return label.to_dict()


def _extras(label: LabelIn) -> dict[str, Any]:
    extras: dict[str, Any] = {
        "comment_id": label.comment_id,
        "source": label.source,
        "split": label.split,
        "annotator": label.annotator,
        "labels_judged": sorted(label.labels, key=LABELS.index),
        "span_labels": list(label.span_labels or []),
    }
    for key in ("thread_id", "author", "note"):
        if getattr(label, key) is not None:
            extras[key] = getattr(label, key)
    if label.time is not None:
        extras["time"] = label.time.isoformat()
    if label.meta:
        extras["meta"] = dict(label.meta)
    return extras


def to_label_studio(label: LabelIn) -> dict[str, Any]:
    """One Label Studio task holding this label as its annotation."""
    label = normalise(label)
    results: list[dict[str, Any]] = []
    for i, span in enumerate(label.spans):
        results.append(
            {
                "id": f"span{i}",
                "type": "labels",
                "from_name": LS_SPAN_CONTROL,
                "to_name": LS_TEXT_OBJECT,
                "value": {"start": span.start, "end": span.end, "text": label.text[span.start : span.end], "labels": [span.label]},
            }
        )
    chosen = [name for name in LABELS if label.labels.get(name) == 1]
    if label.labels:
        results.append(
            {
                "id": "comment",
                "type": "choices",
                "from_name": LS_CHOICE_CONTROL,
                "to_name": LS_TEXT_OBJECT,
                "value": {"choices": chosen},
            }
        )
    annotation: dict[str, Any] = {"result": results}
    if label.time is not None:
        annotation["created_at"] = label.time.isoformat()
    return {"data": {"text": label.text, **_extras(label)}, "annotations": [annotation]}


def to_doccano(label: LabelIn) -> dict[str, Any]:
    label = normalise(label)
    return {
        "text": label.text,
        "label": [[s.start, s.end, s.label] for s in label.spans],
        "cats": [name for name in LABELS if label.labels.get(name) == 1],
        **_extras(label),
    }


def write_labels(labels: Iterable[LabelIn], fmt: str, out: TextIO) -> int:
    """Write labels in ``fmt`` to an open text stream; returns how many were written."""
    if fmt not in FORMATS:
        raise LabelFormatError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    n = 0
    if fmt == "label-studio":
        out.write("[")
        for label in labels:
            out.write(("\n" if n == 0 else ",\n") + json.dumps(to_label_studio(label), ensure_ascii=False))
            n += 1
        out.write("\n]\n" if n else "]\n")
        return n
    convert = to_doccano if fmt == "doccano" else to_record_dict
    for label in labels:
        out.write(json.dumps(convert(label), ensure_ascii=False) + "\n")
        n += 1
    return n


# Label Studio needs a labelling config whose control names match the results above.
LABEL_STUDIO_CONFIG = f"""<View>
  <Labels name="{LS_SPAN_CONTROL}" toName="{LS_TEXT_OBJECT}">
{chr(10).join(f'    <Label value="{name}"/>' for name in SPAN_LABELS)}
  </Labels>
  <Text name="{LS_TEXT_OBJECT}" value="$text"/>
  <Choices name="{LS_CHOICE_CONTROL}" toName="{LS_TEXT_OBJECT}" choice="multiple">
{chr(10).join(f'    <Choice value="{name}"/>' for name in LABELS)}
  </Choices>
</View>
"""
