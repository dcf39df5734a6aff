"""``POST /v1/labels`` (store human labels) and ``GET /v1/labels`` (export them, page by page).

Both need an admin or annotator key. A label is one record of our JSONL schema
(``docs/labels.md``); ``annotator`` may be given at the top level or in ``provenance`` and
defaults to the key's annotator name. The body is one label, a list of labels, or
``{"labels": [...]}``; all of them are stored in one transaction, or none when any is invalid
(422 naming the first bad field, every problem in ``details``). The response comes after
the commit, so a label whose POST returned 200 survives a crash.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Callable, Optional

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from service.api.errors import ApiError, error_responses
from service.api.labelling import exported, parse_labels, store_labels, stored_summary
from service.api.routes.deps import get_state, require_labeller_key
from service.labels.validation import parse_time

router = APIRouter(tags=["labels"])

MAX_PAGE = 1000
_LABEL_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]},
                "example": {
                    "comment_id": "t1:c7",
                    "text": "those zorblats should go back where they came from",
                    "labels": {"toxic": 1, "hate": 1, "slur": 1, "insult": 0, "profanity": 0, "threat": 0},
                    "spans": [{"start": 6, "end": 14, "label": "slur"}],
                    "span_labels": ["slur", "hate", "insult", "profanity", "threat", "toxic"],
                },
            }
        },
    }
}


def _items(body: Any) -> tuple[list[Any], Callable[[int], str]]:
    """The labels in a body, and how to name a field of the i-th one in errors."""
    if isinstance(body, list):
        return body, lambda i: f"{i}."
    if isinstance(body, dict) and isinstance(body.get("labels"), list) and "text" not in body:
        return body["labels"], lambda i: f"labels.{i}."
    return [body], lambda _: ""


@router.post("/v1/labels", openapi_extra=_LABEL_BODY, responses=error_responses(401, 403, 413, 422, 503))
async def post_labels(request: Request, annotator: str = Depends(require_labeller_key)) -> JSONResponse:
    """Store one or many labels (one transaction); answers after the commit."""
    state = get_state(request)
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(422, f"malformed JSON: {exc}", "body") from None
    items, prefix = _items(body)
    if not items:
        raise ApiError(422, "no labels in the request", "labels")
    if len(items) > state.settings.max_comments:
        raise ApiError(413, f"{len(items)} labels in one request (limit {state.settings.max_comments})", "labels")
    labels = parse_labels(items, annotator, prefix)
    stored = await store_labels(state.labels, labels, prefix)
    return JSONResponse(stored_summary(stored))


@router.get("/v1/labels", dependencies=[Depends(require_labeller_key)], responses=error_responses(401, 403, 422, 503))
async def get_labels(
    request: Request,
    since: Optional[str] = Query(None, description="Only labels recorded at or after this ISO 8601 time (UTC if no zone)."),
    after_id: int = Query(0, ge=0, description="Continue after this revision id: the previous page's next_after_id."),
    limit: int = Query(100, ge=1, le=MAX_PAGE, description="Labels per page."),
    as_of: Optional[int] = Query(None, ge=0, description="The labels as they were at this snapshot_id (pin it across pages)."),
) -> JSONResponse:
    """The current label of every (comment, annotator), oldest first, one page at a time."""
    state = get_state(request)
    since_time: datetime | None = None
    if since:
        try:
            since_time = parse_time(since)
        except ValueError:
            raise ApiError(422, f"since: {since!r} is not an ISO 8601 date-time", "since") from None

    def page(store: Any) -> dict[str, Any]:
        snapshot = as_of if as_of is not None else store.snapshot_id()
        got = store.current(since=since_time, limit=limit, after_id=after_id, as_of=as_of)
        return {"labels": [exported(label) for label in got.items], "next_after_id": got.next_after_id, "snapshot_id": snapshot}

    return JSONResponse(await state.labels.call(page))
