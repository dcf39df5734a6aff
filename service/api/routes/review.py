"""The review page (``GET /review``) and its queue (``/v1/review/queue``).

The page is static (``service/api/static/``): plain HTML, one stylesheet and one script, no
build step. It works with the user's key (kept in the tab's sessionStorage) through the
public routes: the queue below, ``/v1/score`` for the model's spans, ``/v1/labels`` to save.

The queue holds comments posted to it (the page posts the rows of a ``threadguard moderate``
run's ``comments.jsonl`` that the user picks; nothing is ever read from a server path). Each
is queued with its margin, the smallest distance between a score and its label's threshold
under the model serving at the time, and is served smallest margin first: the comments the
model is least sure about. A comment leaves the queue once anyone has labelled it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Optional, Union

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from service.api.errors import ApiError, error_responses
from service.api.routes.deps import get_state, require_labeller_key
from service.labels.review_queue import QueuedComment, enqueue, pending, pending_count
from service.labels.validation import MAX_ID_CHARS, MAX_NAME_CHARS
from service.schema import LABELS

router = APIRouter(tags=["review"])

STATIC = Path(__file__).resolve().parents[1] / "static"
# The page fetches only from its own origin and runs only its own script: comment text can
# never become markup (the script builds text nodes), and this header would stop it if it did.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
ASSETS = {"review.js": "text/javascript; charset=utf-8", "review.css": "text/css; charset=utf-8"}


@router.get("/review", include_in_schema=False)
async def review_page() -> FileResponse:
    return FileResponse(STATIC / "review.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


@router.get("/review/{asset}", include_in_schema=False)
async def review_asset(asset: str) -> FileResponse:
    if asset not in ASSETS:
        raise ApiError(404, f"no route /review/{asset}")
    return FileResponse(STATIC / asset, media_type=ASSETS[asset], headers=PAGE_HEADERS)


class QueueCommentIn(BaseModel):
    # comments.jsonl rows carry much more (flags, spans, file, line...): ignored.
    model_config = ConfigDict(extra="ignore")

    comment_id: Union[str, int]
    text: str = Field(..., min_length=1)
    thread_id: Optional[Union[str, int]] = None
    author: Optional[str] = Field(None, max_length=MAX_NAME_CHARS)
    scores: Optional[dict[str, float]] = Field(None, description="The model's scores, when known (a comments.jsonl row has them).")


class QueueRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"comments": [{"comment_id": "t1:c3", "text": "those zorblats ruin everything"}]}]})

    comments: list[QueueCommentIn] = Field(..., min_length=1)


def margin(scores: Mapping[str, float], thresholds: Mapping[str, float]) -> float:
    """How close the model came to changing its mind: the smallest |score - threshold|."""
    return round(min(abs(scores[name] - thresholds[name]) for name in LABELS), 6)


def _known_scores(scores: Optional[dict[str, float]]) -> dict[str, float] | None:
    if scores is None or any(name not in scores or not 0.0 <= scores[name] <= 1.0 for name in LABELS):
        return None  # incomplete or foreign scores: score the comment afresh
    return scores


@router.post("/v1/review/queue", responses=error_responses(401, 403, 413, 422, 503))
async def queue_comments(body: QueueRequest, request: Request, _annotator: str = Depends(require_labeller_key)) -> dict[str, Any]:
    """Queue comments for review (ids already queued are left as they are)."""
    state = get_state(request)
    comments = body.comments
    if len(comments) > state.settings.max_comments:
        raise ApiError(413, f"{len(comments)} comments in one request (limit {state.settings.max_comments})", "comments")
    for i, c in enumerate(comments):
        if len(str(c.comment_id)) > MAX_ID_CHARS or not str(c.comment_id).strip():
            raise ApiError(422, f"comments.{i}.comment_id: must be 1 to {MAX_ID_CHARS} characters", f"comments.{i}.comment_id")
        if c.thread_id is not None and len(str(c.thread_id)) > MAX_ID_CHARS:
            raise ApiError(422, f"comments.{i}.thread_id: over {MAX_ID_CHARS} characters", f"comments.{i}.thread_id")
    state.check_limits([c.text for c in comments], "comments")
    scorer = state.scorer
    thresholds = scorer.thresholds_for(state.settings.thresholds)
    scores = [_known_scores(c.scores) for c in comments]
    missing = [i for i, s in enumerate(scores) if s is None]
    if missing:
        results = await state.score(missing, [comments[i].text for i in missing], spans=False)
        for i, result in zip(missing, results):
            scores[i] = result["scores"]
    queued = [
        QueuedComment(
            comment_id=str(c.comment_id),
            text=c.text,
            margin=margin(s, thresholds),
            model_version=scorer.version,
            thread_id=None if c.thread_id is None else str(c.thread_id),
            author=c.author,
        )
        for c, s in zip(comments, scores)
        if s is not None
    ]
    added, known = await state.labels.call(lambda store: enqueue(store, queued))
    waiting = await state.labels.call(pending_count)
    return {"queued": added, "already_queued": known, "pending": waiting}


@router.get("/v1/review/queue", dependencies=[Depends(require_labeller_key)], responses=error_responses(401, 403, 503))
async def review_queue(request: Request, limit: int = Query(50, ge=1, le=500, description="Comments to return.")) -> dict[str, Any]:
    """Unlabelled queued comments, most uncertain first."""
    state = get_state(request)

    def read(store: Any) -> dict[str, Any]:
        return {"comments": [c.to_dict() for c in pending(store, limit)], "pending": pending_count(store)}

    return await state.labels.call(read)
