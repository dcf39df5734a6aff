"""``POST /v1/threads/moderate``: a whole thread, scored, with a summary of who was flagged for what.

The thread comes either as JSON (``ThreadRequest``) or as the raw dump in the body with its
format named in the query: ``?format=scraped`` (a plain-text page scrape, split by
``parse_scraped_page``) or ``?format=jsonl`` (one ``{"id", "text", "author"?, "parent_id"?}``
per line). Comments from a dump carry ``offset``: where their text starts in the dump, so
``offset + span.start`` locates a span in the dump itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal, Optional

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from service.api.errors import SCORING_ERRORS, ApiError, field_path
from service.api.routes.deps import get_state, require_scoring_key
from service.api.schemas import ThreadRequest, ThreadResponse
from service.schema import LABELS
from service.threads.model import comment_id
from service.threads.scraped import parse_scraped_page

router = APIRouter(tags=["threads"])

DumpFormat = Literal["scraped", "jsonl"]


@dataclass(frozen=True)
class ThreadComment:
    id: Any
    text: str
    author: str | None = None
    parent_id: Any = None
    offset: int | None = None


def _json_thread(raw: bytes) -> tuple[str, list[ThreadComment], dict[str, float] | None, bool]:
    try:
        req = ThreadRequest.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            raise ApiError(422, f"malformed JSON: {(first.get('ctx') or {}).get('error', 'invalid JSON')}", "body") from None
        where = field_path(first["loc"])
        raise ApiError(422, f"{where}: {first['msg']}", where) from None
    comments = [
        ThreadComment(c.id if c.id is not None else comment_id(req.thread_id, n), c.text, c.author, c.parent_id)
        for n, c in enumerate(req.comments, 1)
    ]
    return req.thread_id, comments, req.thresholds, req.spans


def _text_offset(line: str, text: str, line_start: int) -> int | None:
    """Where ``text`` starts in the dump, when its line stores it verbatim (no JSON escapes)."""
    literal = json.dumps(text, ensure_ascii=False)
    if literal[1:-1] != text:
        return None
    m = re.search(r'"text"\s*:\s*' + re.escape(literal), line)
    return line_start + m.end() - len(literal) + 1 if m else None


def _jsonl_comments(dump: str, thread_id: str) -> list[ThreadComment]:
    comments: list[ThreadComment] = []
    offset = 0
    # Lines end at "\n" only: str.splitlines would also split at U+2028 and friends inside strings.
    for lineno, line in enumerate(dump.split("\n"), 1):
        start = offset
        offset += len(line) + 1
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ApiError(422, f"line {lineno}: invalid JSON ({exc.msg} at column {exc.colno})", f"line {lineno}") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise ApiError(422, f"line {lineno}: expected an object with a string 'text'", f"line {lineno}.text")
        author = obj.get("author")
        if author is not None and not isinstance(author, str):
            raise ApiError(422, f"line {lineno}: 'author' must be a string", f"line {lineno}.author")
        text = obj["text"]
        cid = obj.get("id", comment_id(thread_id, len(comments) + 1))
        comments.append(ThreadComment(cid, text, author, obj.get("parent_id"), _text_offset(line, text, start)))
    return comments


def _dump_comments(dump: str, fmt: DumpFormat, thread_id: str) -> list[ThreadComment]:
    if fmt == "jsonl":
        return _jsonl_comments(dump, thread_id)
    thread = parse_scraped_page(dump, thread_id)
    return [ThreadComment(c.id, c.text, c.author, c.parent_id, c.offset) for c in thread.comments]


def _summary(results: list[dict[str, Any]], comments: list[ThreadComment]) -> dict[str, Any]:
    label_counts = {name: 0 for name in LABELS}
    authors: dict[str, dict[str, int]] = {}
    flagged_ids = []
    for comment, result in zip(comments, results):
        if comment.author is not None:
            entry = authors.setdefault(comment.author, {"comments": 0, "flagged": 0})
            entry["comments"] += 1
            entry["flagged"] += int(result["flagged"])
        if result["flagged"]:
            flagged_ids.append(result["id"])
        for name, flagged in result["flags"].items():
            label_counts[name] = label_counts.get(name, 0) + int(flagged)
    return {
        "comments": len(results),
        "flagged": len(flagged_ids),
        "label_counts": label_counts,
        "flagged_ids": flagged_ids,
        "authors": authors,
    }


def add_request_schema(spec: dict[str, Any]) -> dict[str, Any]:
    """Put ``ThreadRequest`` into the OpenAPI components: the route reads its body by hand, so
    FastAPI never sees the model, but ``_BODY_DOC`` refers to it."""
    schema = ThreadRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    components.update(schema.pop("$defs", {}))
    components["ThreadRequest"] = schema
    return spec


_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ThreadRequest"}},
            "text/plain": {"schema": {"type": "string"}, "example": "Article title\n...\n3 Comments\nJane Doe\nMarch 3, 2021\nFirst!"},
        },
    }
}


@router.post(
    "/v1/threads/moderate",
    response_model=ThreadResponse,
    dependencies=[Depends(require_scoring_key)],
    openapi_extra=_BODY_DOC,
    responses=SCORING_ERRORS,
)
async def moderate_thread(
    request: Request,
    format: Optional[DumpFormat] = Query(None, description="Raw dump format when the body is not JSON: scraped or jsonl."),
    thread_id: str = Query("thread", description="Thread id for a raw dump (comment ids are THREAD_ID:cN)."),
    spans: bool = Query(True, description="Return character spans (raw dumps; JSON bodies say it in the body)."),
) -> JSONResponse:
    """Score every comment of a thread and summarise: counts per label, flagged ids, per-author counts."""
    state = get_state(request)
    raw = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    thresholds: dict[str, float] | None = None
    if format is None:
        if content_type not in ("application/json", ""):
            raise ApiError(415, f"a {content_type} body needs ?format=scraped or ?format=jsonl", "format")
        thread_id, comments, thresholds, spans = _json_thread(raw)
    else:
        comments = _dump_comments(raw.decode("utf-8"), format, thread_id)
    if not comments:
        return JSONResponse({"thread_id": thread_id, "model": state.scorer.version, "comments": [], "summary": _summary([], [])})
    results = await state.score([c.id for c in comments], [c.text for c in comments], thresholds, spans)
    out = []
    for comment, result in zip(comments, results):
        row = {**result, "author": comment.author, "parent_id": comment.parent_id}
        if comment.offset is not None:
            row["offset"] = comment.offset
        out.append(row)
    # The model that scored the last comment: a reload during a long thread can only move forward.
    return JSONResponse({"thread_id": thread_id, "model": results[-1]["model"], "comments": out, "summary": _summary(results, comments)})
