"""``GET /healthz`` (process up), ``GET /readyz`` (model loaded and warm), ``GET /metrics`` (Prometheus)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from service.api.metrics import CONTENT_TYPE
from service.api.routes.deps import get_state

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """200 once the model is loaded and warmed up; 503 before (and while shutting down)."""
    state = get_state(request)
    if not state.ready:
        return JSONResponse({"status": "loading"}, status_code=503, headers={"Retry-After": "1"})
    return JSONResponse({"status": "ready", "model": state.scorer.version})


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(request: Request) -> PlainTextResponse:
    """Prometheus text exposition. Needs an admin key when metrics_public is false."""
    state = get_state(request)
    if not state.settings.metrics_public:
        state.keys.check_admin(request)
    return PlainTextResponse(state.metrics.render(), media_type=CONTENT_TYPE)
