"""The FastAPI application: ``create_app(settings)``; ``app_from_env`` is what uvicorn imports.

Startup loads and verifies the model (a model that does not match its manifest stops the
process), starts the batcher, and warms up in the background (``/readyz`` turns 200 after).
Shutdown runs after uvicorn has stopped accepting and finished its in-flight requests;
it then drains whatever the batcher still holds.
"""

from __future__ import annotations

import logging
import sys
from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI

from service.api.errors import install_error_handlers
from service.api.middleware import BodyGuard, RequestMetrics
from service.api.routes import admin, health, labels, models, openai_compat, perspective, review, score, suggest, threads
from service.api.settings import ServiceSettings, load_settings
from service.api.state import ServiceState

DESCRIPTION = """Self-hosted moderation of comments: hate speech, slurs and toxicity with character spans.

Native routes (`/v1/score`, `/v1/threads/moderate`), Perspective-compatible routes
(`/v1alpha1/comments:analyze`, `/v1alpha1/comments:suggestscore`), an OpenAI-compatible route
(`/v1/moderations`), human labels (`/v1/labels`, the review page at `/review`) and hot model
reload (`/v1/admin/reload`).
"""


def configure_logging(level: str) -> None:
    """Give the service's loggers a stderr handler once per process (uvicorn only configures its own)."""
    logger = logging.getLogger("threadguard")
    logger.setLevel(level.upper())
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or load_settings()
    configure_logging(settings.log_level)
    state = ServiceState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await state.start()
        try:
            yield
        finally:
            await state.stop()

    from service import __version__ as package_version

    app = FastAPI(title="Threadguard", version=package_version, description=DESCRIPTION, lifespan=lifespan)
    app.state.service = state
    install_error_handlers(app)
    default_openapi = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = threads.add_request_schema(default_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    routers = [m.router for m in (score, threads, perspective, suggest, openai_compat, models, labels, review, health, admin)]
    for router in routers:
        app.include_router(router)
    # Added last = outermost: metrics also count what the body guard refuses.
    app.add_middleware(BodyGuard, max_bytes=settings.max_body_bytes)
    route_paths = frozenset(route.path for router in routers for route in router.routes)
    app.add_middleware(RequestMetrics, metrics=state.metrics, log_requests=settings.access_log, route_paths=route_paths)
    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory``: settings from ``THREADGUARD_*`` and ``THREADGUARD_CONFIG``."""
    return create_app(load_settings())
