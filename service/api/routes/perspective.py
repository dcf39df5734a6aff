"""Perspective-compatible ``POST /v1alpha1/comments:analyze``, for clients of Google's Perspective API.

Attributes map onto our labels as tabled in ``service.api.compat``. Span scores are our
character spans (Unicode code points, end exclusive: ``text[begin:end]`` is the span), not
Perspective's per-sentence scores. The model reads English only: languages other than
English are refused as Perspective refuses an unsupported language, and with no
``languages`` given the comment is taken to be English. Nothing is ever stored, so
``doNotStore`` is accepted and changes nothing.
"""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from service.api.compat import PERSPECTIVE_ATTRIBUTES, perspective_attribute_scores
from service.api.errors import SCORING_ERRORS, ApiError
from service.api.routes.deps import get_state, require_perspective_key

router = APIRouter(tags=["perspective"])

ERROR_TYPE = "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"
SUPPORTED_LANGUAGE = "en"


class PerspectiveComment(BaseModel):
    text: str
    type: str = "PLAIN_TEXT"


class AttributeParameters(BaseModel):
    scoreType: str = "PROBABILITY"
    scoreThreshold: Optional[float] = Field(None, ge=0.0, le=1.0)


class AnalyzeRequest(BaseModel):
    # Perspective clients send context, sessionId, communityId...: accepted and not used.
    model_config = ConfigDict(extra="ignore", json_schema_extra={
        "examples": [{"comment": {"text": "You people are vermin."}, "requestedAttributes": {"TOXICITY": {}, "IDENTITY_ATTACK": {}}, "spanAnnotations": True}]
    })

    comment: PerspectiveComment
    requestedAttributes: dict[str, Optional[AttributeParameters]]
    spanAnnotations: bool = False
    languages: Optional[list[str]] = None
    doNotStore: bool = False
    clientToken: Optional[str] = None


class ScoreValue(BaseModel):
    value: float
    type: str = "PROBABILITY"


class SpanScore(BaseModel):
    begin: int
    end: int
    score: ScoreValue


class AttributeScores(BaseModel):
    summaryScore: ScoreValue
    spanScores: Optional[list[SpanScore]] = None


class AnalyzeResponse(BaseModel):
    attributeScores: dict[str, AttributeScores]
    languages: list[str]
    clientToken: Optional[str] = None


def _invalid(message: str, field: str, detail: dict[str, Any] | None = None) -> ApiError:
    details = [{"@type": ERROR_TYPE, **detail}] if detail else None
    return ApiError(400, message, field, details=details)


def _check_request(req: AnalyzeRequest) -> list[str]:
    """Perspective's own refusals; returns the languages the comment is scored in."""
    if req.comment.type != "PLAIN_TEXT":
        raise _invalid(f"comment.type {req.comment.type} is not supported; only PLAIN_TEXT is", "comment.type")
    if not req.comment.text:
        raise _invalid("Comment must be non-empty.", "comment.text")
    if not req.requestedAttributes:
        raise _invalid("requestedAttributes must name at least one attribute.", "requestedAttributes")
    for name, params in req.requestedAttributes.items():
        if name not in PERSPECTIVE_ATTRIBUTES:
            raise _invalid(
                f"Unknown attribute: {name}. Supported attributes: {', '.join(PERSPECTIVE_ATTRIBUTES)}",
                f"requestedAttributes.{name}",
                {"errorType": "UNKNOWN_ATTRIBUTE", "unknownAttributeError": {"attribute": name}},
            )
        if params is not None and params.scoreType != "PROBABILITY":
            raise _invalid(f"Attribute {name}: scoreType {params.scoreType} is not supported; only PROBABILITY is", f"requestedAttributes.{name}.scoreType")
    languages = [lang for lang in (req.languages or []) if lang]
    unsupported = [lang for lang in languages if lang.replace("_", "-").split("-")[0].lower() != SUPPORTED_LANGUAGE]
    if unsupported:
        first = next(iter(req.requestedAttributes))
        raise _invalid(
            f"Attribute {first} does not support request languages: {', '.join(unsupported)}",
            "languages",
            {
                "errorType": "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
                "languageNotSupportedByAttributeError": {"requestedLanguages": languages, "attribute": first},
            },
        )
    return languages or [SUPPORTED_LANGUAGE]


@router.post("/v1alpha1/comments:analyze", response_model=AnalyzeResponse, response_model_exclude_none=True, dependencies=[Depends(require_perspective_key)], responses=SCORING_ERRORS)
async def analyze(body: AnalyzeRequest, request: Request) -> JSONResponse:
    """Score one comment for the requested Perspective attributes."""
    languages = _check_request(body)
    state = get_state(request)
    result = (await state.score(["comment"], [body.comment.text], spans=body.spanAnnotations, where="comment", text_field=lambda _: "comment.text"))[0]
    attribute_scores: dict[str, Any] = {}
    for name, params in body.requestedAttributes.items():
        scores = perspective_attribute_scores(result, name, body.spanAnnotations)
        threshold = params.scoreThreshold if params is not None else None
        if threshold is not None:
            # Perspective leaves out what scores under the caller's threshold.
            if scores["summaryScore"]["value"] < threshold:
                continue
            if "spanScores" in scores:
                scores["spanScores"] = [s for s in scores["spanScores"] if s["score"]["value"] >= threshold]
        attribute_scores[name] = scores
    response: dict[str, Any] = {"attributeScores": attribute_scores, "languages": languages}
    if body.clientToken is not None:
        response["clientToken"] = body.clientToken
    return JSONResponse(response)
