"""OpenAI-compatible ``POST /v1/moderations``, for clients of OpenAI's moderation endpoint.

Point an OpenAI client's ``base_url`` at ``http://HOST:PORT/v1``. Categories map onto our
labels as tabled in ``service.api.compat``; categories we do not model are left out. Text
inputs only: a string, a list of strings, or a list of ``{"type": "text", "text": ...}``.
The ``model`` field is accepted and ignored: the response names the model that scored.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Optional, Union

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from service.api.compat import openai_result
from service.api.errors import SCORING_ERRORS
from service.api.routes.deps import get_state, require_scoring_key

router = APIRouter(tags=["openai"])


def _text_inputs(value: Any) -> Any:
    """A string, or a non-empty list of strings and ``{"type": "text", "text": ...}`` parts, as strings."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list) or not value:
        raise ValueError("must be a string or a non-empty list of strings or text parts")
    texts = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict) and item.get("type") == "text" and isinstance(item.get("text"), str):
            texts.append(item["text"])
        elif isinstance(item, dict) and item.get("type") not in (None, "text"):
            raise ValueError(f"item {i}: only text inputs are supported, not {item.get('type')!r}")
        else:
            raise ValueError(f'item {i}: expected a string or {{"type": "text", "text": "..."}}')
    return texts


TextInputs = Annotated[Union[str, list[str]], BeforeValidator(_text_inputs)]


class ModerationRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{"input": ["You people are vermin.", "Nice photo!"]}]})

    input: TextInputs = Field(..., description='A string, a list of strings, or a list of {"type": "text", "text": ...} parts.')
    model: Optional[str] = None


class ModerationResult(BaseModel):
    flagged: bool
    categories: dict[str, bool]
    category_scores: dict[str, float]
    category_applied_input_types: dict[str, list[str]]


class ModerationResponse(BaseModel):
    id: str
    model: str
    results: list[ModerationResult]


@router.post("/v1/moderations", response_model=ModerationResponse, dependencies=[Depends(require_scoring_key)], responses=SCORING_ERRORS)
async def moderations(body: ModerationRequest, request: Request) -> JSONResponse:
    """Classify each input; one result per input, in order."""
    state = get_state(request)
    if isinstance(body.input, str):
        texts, text_field = [body.input], (lambda _: "input")
    else:
        texts, text_field = body.input, (lambda i: f"input.{i}")
    results = await state.score(list(range(len(texts))), texts, spans=False, where="input", text_field=text_field)
    return JSONResponse(
        {
            "id": f"modr-{uuid.uuid4().hex}",
            "model": f"{state.scorer.manifest.name}-{results[-1]['model']}",
            "results": [openai_result(r) for r in results],
        }
    )
