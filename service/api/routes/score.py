"""``POST /v1/score``: one or many comments, each result as one line of ``threadguard score``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from service.api.errors import SCORING_ERRORS
from service.api.routes.deps import get_state, require_scoring_key
from service.api.schemas import ScoreRequest, ScoreResponse

router = APIRouter(tags=["score"])


@router.post("/v1/score", response_model=ScoreResponse, dependencies=[Depends(require_scoring_key)], responses=SCORING_ERRORS)
async def score(body: ScoreRequest, request: Request) -> JSONResponse:
    """Score comments; results come back in request order."""
    state = get_state(request)
    ids = [c.id if c.id is not None else i for i, c in enumerate(body.comments, 1)]
    results = await state.score(ids, [c.text for c in body.comments], body.thresholds, body.spans)
    return JSONResponse({"results": results})
