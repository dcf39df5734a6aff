"""``GET /v1/models``: the manifest of the model being served, and the model registry."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from service.api.routes.deps import get_state, require_scoring_key
from service.runtime.bundle import ModelError

router = APIRouter(tags=["models"])


@router.get("/v1/models", dependencies=[Depends(require_scoring_key)])
async def models(request: Request) -> dict:
    """The active model (its manifest: name, version, labels, thresholds, file hashes, training
    summary) and the registry's versions, with the one its ACTIVE pointer names."""
    state = get_state(request)
    scorer = state.scorer  # one read: a reload may swap it while this runs
    manifest = scorer.manifest
    registry = state.reloader.registry
    try:
        entries = registry.entries()
        active_version = registry.active_version()
    except (ModelError, OSError):
        entries, active_version = [], None
    return {
        "object": "list",
        "data": [
            {
                "id": f"{manifest.name}-{manifest.version}",
                "object": "model",
                "name": manifest.name,
                "version": manifest.version,
                "thresholds": scorer.thresholds_for(state.settings.thresholds),
                "int8_kernel": scorer.int8_kernel,
                "manifest": manifest.raw,
            }
        ],
        "active": {"name": manifest.name, "version": manifest.version},
        "registry": {
            "active_version": active_version,
            "versions": [
                {"version": e.version, "created": e.created, "parent": e.parent, "active": e.active} for e in entries
            ],
        },
    }
