"""Admin routes: always behind an admin key (refused outright when none is configured)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from service.api.routes.deps import get_state, require_admin_key

router = APIRouter(tags=["admin"], dependencies=[Depends(require_admin_key)])


@router.get("/v1/admin/config")
async def config(request: Request) -> dict:
    """The effective settings of this process; keys are reported as counts only."""
    state = get_state(request)
    return {
        "settings": state.settings.public_view(),
        "model_dir": str(state.settings.model_dir),
        "ready": state.ready,
        "queue_depth": state.batcher.depth if state.batcher else 0,
    }
