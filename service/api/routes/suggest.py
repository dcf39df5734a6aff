"""Perspective-compatible ``POST /v1alpha1/comments:suggestscore``: a client's correction,
stored as a label.

Suggested attribute scores map back onto our labels through ``service.api.compat`` (a value
of at least 0.5 is a "yes"); span scores of at least 0.5 become spans. Needs an admin or
annotator key (``?key=`` works, as for ``comments:analyze``); the key's annotator name is the
label's annotator. The comment id is derived from the text, so suggestions about the same
text from one annotator revise one label. Malformed requests get Perspective's 400
INVALID_ARGUMENT naming the field; the response has Perspective's shape.
"""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from service.api.compat import (
    PERSPECTIVE_ATTRIBUTES,
    POSITIVE,
    SuggestionConflict,
    checked_span_labels,
    labels_from_perspective,
    span_label_for,
)
from service.api.errors import ApiError, error_responses
from service.api.labelling import store_labels
from service.api.routes.deps import get_state, require_perspective_labeller_key
from service.api.routes.perspective import PerspectiveComment
from service.labels.formats import text_comment_id
from service.labels.validation import LabelIn
from service.schema import SPAN_LABELS, Span

router = APIRouter(tags=["perspective"])

SOURCE = "perspective"


class SuggestedScore(BaseModel):
    value: float = Field(..., ge=0.0, le=1.0)
    type: str = "PROBABILITY"


class SuggestedSpan(BaseModel):
    begin: int
    end: int
    score: SuggestedScore


class SuggestedAttribute(BaseModel):
    summaryScore: Optional[SuggestedScore] = None
    spanScores: Optional[list[SuggestedSpan]] = None


class SuggestRequest(BaseModel):
    # context and sessionId are accepted and not used, as by comments:analyze.
    model_config = ConfigDict(extra="ignore", json_schema_extra={
        "examples": [{"comment": {"text": "those zorblats ruin everything"}, "attributeScores": {"SLUR": {"summaryScore": {"value": 1}, "spanScores": [{"begin": 6, "end": 14, "score": {"value": 1}}]}}}]
    })

    comment: PerspectiveComment
    attributeScores: dict[str, SuggestedAttribute]
    languages: Optional[list[str]] = None
    communityId: Optional[str] = None
    clientToken: Optional[str] = None


def _field(attribute: str, rest: str = "") -> str:
    return f"attributeScores.{attribute}{rest}"


def suggestion_label(body: SuggestRequest, annotator: str) -> LabelIn:
    """The label a suggestion amounts to; ApiError(400) naming the field when it makes no sense."""
    text = body.comment.text
    if body.comment.type != "PLAIN_TEXT":
        raise ApiError(400, f"comment.type {body.comment.type} is not supported; only PLAIN_TEXT is", "comment.type")
    if not text.strip():
        raise ApiError(400, "Comment must be non-empty.", "comment.text")
    if not body.attributeScores:
        raise ApiError(400, "attributeScores must not be empty.", "attributeScores")
    summaries: dict[str, float] = {}
    for name, scores in body.attributeScores.items():
        if name not in PERSPECTIVE_ATTRIBUTES:
            raise ApiError(400, f"Unknown attribute: {name}. Supported attributes: {', '.join(PERSPECTIVE_ATTRIBUTES)}", _field(name))
        if scores.summaryScore is None and scores.spanScores is None:
            raise ApiError(400, f"{name}: give summaryScore or spanScores", _field(name))
        if scores.summaryScore is not None:
            summaries[name] = scores.summaryScore.value
    try:
        labels = labels_from_perspective(summaries)
    except SuggestionConflict as exc:
        raise ApiError(400, str(exc), _field(exc.attribute, ".summaryScore.value")) from None
    spans: list[Span] = []
    checked: set[str] = set()
    for name, scores in body.attributeScores.items():
        if scores.spanScores is None:
            continue
        checked.update(checked_span_labels(name))
        for i, span in enumerate(scores.spanScores):
            where = _field(name, f".spanScores.{i}")
            if not 0 <= span.begin < span.end <= len(text):
                raise ApiError(400, f"{where}: begin {span.begin} and end {span.end} must satisfy 0 <= begin < end <= {len(text)}", where)
            if span.score.value < POSITIVE:
                continue
            try:
                spans.append(Span(span.begin, span.end, span_label_for(name, labels)))
            except SuggestionConflict as exc:
                raise ApiError(400, str(exc), where) from None
    meta: dict[str, Any] = {}
    if body.communityId:
        meta["community_id"] = body.communityId
    return LabelIn(
        comment_id=text_comment_id(text),
        text=text,
        annotator=annotator,
        labels=labels,
        spans=spans,
        span_labels=[name for name in SPAN_LABELS if name in checked],
        source=SOURCE,
        meta=meta,
    )


@router.post("/v1alpha1/comments:suggestscore", responses=error_responses(400, 401, 403, 503))
async def suggest_score(body: SuggestRequest, request: Request, annotator: str = Depends(require_perspective_labeller_key)) -> JSONResponse:
    """Store a suggested score (a correction) as a label; answers after the commit."""
    state = get_state(request)
    label = suggestion_label(body, annotator)
    await store_labels(state.labels, [label], lambda _: "")
    response: dict[str, Any] = {}
    if body.languages:
        response["requestedLanguages"] = body.languages
    if body.clientToken is not None:
        response["clientToken"] = body.clientToken
    return JSONResponse(response)
