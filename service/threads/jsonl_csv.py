"""Record dumps: JSON Lines (one object per line) and CSV/TSV (header row, one record per row).

Which field holds the text, id, author, thread and parent is configurable (``Columns``);
by default the first of the usual names that is present is used. A record without a
thread is put in a thread named after the file; one without an id is named after its line.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Mapping

from service.threads.compressed import inner_name
from service.threads.model import Comment
from service.threads.readers import Columns, Item, ReadError, iter_lines

__all__ = ["read_jsonl", "read_csv", "default_thread_id", "comment_from_fields"]

# Generous enough for any real comment, small enough that an unclosed quote that swallows
# the rest of a file is reported instead of read into memory.
CSV_FIELD_LIMIT = 1 << 20


def default_thread_id(file: str) -> str:
    """The thread of records that name none: the file's name without its extensions."""
    name = inner_name(file)
    return Path(name).stem or name


def _lookup(obj: Mapping[str, Any], dotted: str) -> tuple[bool, Any]:
    value: Any = obj
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False, None
        value = value[part]
    return True, value


def _first(obj: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str | None, Any]:
    for name in names:
        found, value = _lookup(obj, name)
        if found:
            return name, value
    return None, None


def _as_id(value: Any) -> tuple[bool, str | None]:
    """``(valid, id)``: ids may be strings or integers; null and blank strings mean "none"."""
    if value is None:
        return True, None
    if isinstance(value, bool):
        return False, None
    if isinstance(value, (int, str)):
        return True, str(value).strip() or None
    if isinstance(value, float) and value.is_integer():
        return True, str(int(value))
    return False, None


def comment_from_fields(
    obj: Mapping[str, Any], columns: Columns, file: str, line: int, record: int
) -> Comment | ReadError:
    """One JSON object or CSV row as a ``Comment``, or the reason it cannot be one."""
    where = f"line {line}"
    text_name, text = _first(obj, columns.candidates("text"))
    if text_name is None:
        return ReadError(file, where, f"no text field (looked for {', '.join(columns.candidates('text'))})")
    if text is None:
        text = ""  # a null text is an empty comment: kept, scored zero
    if not isinstance(text, str):
        return ReadError(file, where, f"field {text_name!r} must be a string, got {type(text).__name__}")
    fields: dict[str, str | None] = {}
    for role in ("id", "author", "thread", "parent"):
        name, value = _first(obj, columns.candidates(role))
        valid, fields[role] = _as_id(value)
        if not valid:
            return ReadError(file, where, f"field {name!r} must be a string or an integer, got {type(value).__name__}")
    thread_id = fields["thread"] or default_thread_id(file)
    cid = fields["id"] or f"{default_thread_id(file)}:{line}"
    return Comment(cid, thread_id, text, 0, fields["author"], fields["parent"], {"line": line, "record": record})


def json_object_lines(stream: BinaryIO, file: str) -> Iterator[ReadError | tuple[int, int, dict[str, Any]]]:
    """Each non-blank line as (line number, record number, JSON object), or the ReadError saying why not."""
    record = 0
    for lineno, raw in iter_lines(stream):
        where = f"line {lineno}"
        if raw is None:
            yield ReadError(file, where, "line too long (not a comment record)")
            continue
        if not raw.strip():
            continue
        record += 1
        try:
            obj = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield ReadError(file, where, f"not UTF-8 ({exc.reason} at byte {exc.start})")
            continue
        except json.JSONDecodeError as exc:
            yield ReadError(file, where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield ReadError(file, where, f"expected a JSON object, got {type(obj).__name__}")
            continue
        yield lineno, record, obj


def read_jsonl(stream: BinaryIO, file: str, columns: Columns = Columns()) -> Iterator[Item]:
    for item in json_object_lines(stream, file):
        yield item if isinstance(item, ReadError) else comment_from_fields(item[2], columns, file, item[0], item[1])


def _decoded_lines(stream: BinaryIO) -> Iterator[str]:
    # Undecodable bytes become lone surrogates so the CSV parser keeps its place in the
    # file; the record that holds them is then reported, not the rest of the file.
    for _, raw in iter_lines(stream):
        yield "\ufffe" if raw is None else raw.decode("utf-8", errors="surrogateescape")


def _has_surrogates(values: list[str]) -> bool:
    return any(any("\udc80" <= ch <= "\udcff" for ch in v) for v in values if not v.isascii())


def _resolve_header(header: list[str], columns: Columns) -> dict[str, int] | str:
    positions = {name.strip(): i for i, name in enumerate(header)}
    resolved: dict[str, int] = {}
    for role in ("text", "id", "author", "thread", "parent"):
        for name in columns.candidates(role):
            if name in positions:
                resolved[role] = positions[name]
                break
        else:
            if role == "text" or getattr(columns, role):
                wanted = ", ".join(columns.candidates(role))
                return f"no {role} column (looked for {wanted}; header has {', '.join(positions)})"
    return resolved


def read_csv(stream: BinaryIO, file: str, columns: Columns = Columns()) -> Iterator[Item]:
    delimiter = "\t" if inner_name(file).lower().endswith(".tsv") else ","
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(_decoded_lines(stream), delimiter=delimiter)
    header: list[str] | None = None
    resolved: dict[str, int] = {}
    record = 0
    last_line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield ReadError(file, f"line {last_line + 1}", f"malformed CSV ({exc})")
            last_line = reader.line_num
            continue
        start_line, last_line = last_line + 1, reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if any("\ufffe" in v for v in row):
            yield ReadError(file, f"line {start_line}", "line too long (not a comment record)")
            continue
        if _has_surrogates(row):
            yield ReadError(file, f"line {start_line}", "not UTF-8")
            continue
        if header is None:
            header = row
            found = _resolve_header(header, columns)
            if isinstance(found, str):
                yield ReadError(file, f"line {start_line}", found)
                return
            resolved = found
            continue
        record += 1
        if len(row) != len(header):
            yield ReadError(file, f"line {start_line}", f"{len(row)} fields, the header has {len(header)}")
            continue
        fields = {role: row[i] for role, i in resolved.items()}
        named = Columns(**{role: role for role in resolved})
        yield comment_from_fields(fields, named, file, start_line, record)
