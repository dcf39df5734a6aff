"""Admin routes: always behind an admin key (refused outright when none is configured)."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from service.api.errors import error_responses
from service.api.routes.deps import get_state, require_admin_key

router = APIRouter(tags=["admin"], dependencies=[Depends(require_admin_key)])


class ReloadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", protected_namespaces=(), json_schema_extra={"examples": [{"version": "20261121-101500"}]})

    model_dir: Optional[str] = Field(None, description="A model directory on the server.")
    version: Optional[str] = Field(None, description="A version in the server's model registry.")


@router.get("/v1/admin/config")
async def config(request: Request) -> dict:
    """The effective settings of this process; keys are reported as counts only."""
    state = get_state(request)
    return {
        "settings": state.settings.public_view(),
        "model_dir": str(state.scorer.model_dir),
        "ready": state.ready,
        "queue_depth": state.batcher.depth if state.batcher else 0,
    }


@router.post("/v1/admin/reload", responses=error_responses(401, 403, 404, 422))
async def reload(request: Request, body: Optional[ReloadRequest] = None) -> dict:
    """Load a model beside the serving one, warm it, then swap it in; a model that fails
    verification is refused (422) and the old one keeps serving.

    No body: the model a restart would load ($THREADGUARD_MODEL_DIR, else the registry's
    ACTIVE version, else the shipped model).
    """
    state = get_state(request)
    body = body or ReloadRequest()
    target, field = state.reloader.resolve(body.model_dir, body.version)
    return await state.reloader.reload(target, field)
