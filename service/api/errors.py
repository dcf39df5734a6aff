"""One JSON error envelope for every failure, shaped so each client family can read it.

``{"error": {"code": 413, "status": "PAYLOAD_TOO_LARGE", "message": "...", "field": "comments.3.text"}}``
is Google's API error shape (``code``/``status``/``message``), which Perspective clients
parse; OpenAI-compatible routes add ``type`` and ``param`` as OpenAI clients expect. The
Perspective route reports malformed requests as 400 INVALID_ARGUMENT, as Google does,
where the rest of the API uses 422.
"""

from __future__ import annotations

import logging
from typing import Any, Mapping, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("threadguard.api")

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "INVALID_REQUEST",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
OPENAI_TYPES = {401: "authentication_error", 403: "permission_error", 404: "not_found_error", 503: "server_error", 504: "timeout", 500: "server_error"}

PERSPECTIVE_PREFIX = "/v1alpha1/"
OPENAI_PATHS = ("/v1/moderations",)


class ErrorDetail(BaseModel):
    code: int
    status: str
    message: str
    field: str | None = None
    details: list[dict[str, Any]] | None = None


class ErrorEnvelope(BaseModel):
    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the errors a route can answer with."""
    return {status: {"model": ErrorEnvelope, "description": STATUS_NAMES.get(status, "error")} for status in statuses}


SCORING_ERRORS = error_responses(400, 401, 413, 415, 422, 503, 504)


class ApiError(Exception):
    """A failure with its HTTP status, readable message and, when one field is to blame, its path."""

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
        details: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = dict(headers or {})
        self.details = list(details or [])


def field_path(loc: Sequence[Any]) -> str:
    """``("body", "comments", 3, "text")`` → ``"comments.3.text"``; the body itself is ``"body"``."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts
    return ".".join(parts)


def error_body(path: str, status: int, message: str, field: str | None = None, details: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    error: dict[str, Any] = {"code": status, "status": STATUS_NAMES.get(status, "ERROR"), "message": message}
    if field is not None:
        error["field"] = field
    if details:
        error["details"] = list(details)
    if path in OPENAI_PATHS:
        error["type"] = OPENAI_TYPES.get(status, "invalid_request_error")
        error["param"] = field
    return {"error": error}


def error_response(request: Request, error: ApiError) -> JSONResponse:
    status = error.status
    if request.url.path.startswith(PERSPECTIVE_PREFIX) and status == 422:
        status = 400
    body = error_body(request.url.path, status, error.message, error.field, error.details)
    return JSONResponse(body, status_code=status, headers=error.headers)


def _validation_message(err: Mapping[str, Any]) -> str:
    if err.get("type") == "json_invalid":
        reason = (err.get("ctx") or {}).get("error", "invalid JSON")
        loc = err.get("loc") or ()
        where = f" at character {loc[-1]}" if loc and isinstance(loc[-1], int) else ""
        return f"malformed JSON: {reason}{where}"
    where = field_path(err.get("loc") or ())
    return f"{where}: {err.get('msg', 'invalid value')}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        first = errors[0] if errors else {}
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type and "json" not in content_type and first.get("loc") == ("body",):
            # FastAPI leaves a non-JSON body unparsed; say so instead of "not an object".
            return error_response(request, ApiError(415, f"send the body as JSON (Content-Type: application/json), not {content_type}", "body"))
        loc = first.get("loc") or ("body",)
        field = "body" if first.get("type") == "json_invalid" else field_path(loc)
        details = [{"field": field_path(e.get("loc") or ()), "message": e.get("msg", ""), "type": e.get("type", "")} for e in errors]
        return error_response(request, ApiError(422, _validation_message(first), field, details=details))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404:
            message = f"no route {request.url.path}"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(request, ApiError(exc.status_code, message, headers=getattr(exc, "headers", None)))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The exception type only: its message may quote comment text.
        log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return error_response(request, ApiError(500, "internal error"))
