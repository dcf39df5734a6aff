"""``GET /v1/models``: the manifest of the model being served."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from service.api.routes.deps import get_state, require_scoring_key

router = APIRouter(tags=["models"])


@router.get("/v1/models", dependencies=[Depends(require_scoring_key)])
async def models(request: Request) -> dict:
    """The active model: its manifest (name, version, labels, thresholds, file hashes, training summary)."""
    state = get_state(request)
    manifest = state.scorer.manifest
    return {
        "object": "list",
        "data": [
            {
                "id": f"{manifest.name}-{manifest.version}",
                "object": "model",
                "name": manifest.name,
                "version": manifest.version,
                "thresholds": state.scorer.thresholds_for(state.settings.thresholds),
                "manifest": manifest.raw,
            }
        ],
    }
