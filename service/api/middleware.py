"""ASGI middleware: request metrics and access log, and the body guard (size limit, UTF-8).

Both are plain ASGI rather than ``BaseHTTPMiddleware``, which costs a task per request.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Awaitable, Callable

from service.api.errors import error_body
from service.api.metrics import ServiceMetrics

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("threadguard.access")

UNMATCHED_ROUTE = "unmatched"


async def _send_error(path: str, send: Send, status: int, message: str) -> None:
    status_code = 400 if path.startswith("/v1alpha1/") and status == 422 else status
    body = json.dumps(error_body(path, status_code, message), ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status_code,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyGuard:
    """Refuse bodies over ``max_bytes`` (413) and bodies that are not UTF-8 (400) before any parsing.

    The body is read whole (it has to be, to be parsed) and replayed to the app.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await _send_error(path, send, 413, f"request body of {int(value)} bytes is over the limit of {self.max_bytes}")
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _send_error(path, send, 413, f"request body is over the limit of {self.max_bytes} bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            await _send_error(path, send, 400, f"request body is not UTF-8 ({exc.reason} at byte {exc.start})")
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class RequestMetrics:
    """Counts and times every request by route template, method and status; writes the access log.

    The logged path never includes the query string (``?key=`` carries Perspective keys).
    """

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics, log_requests: bool, route_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.metrics = metrics
        self.log_requests = log_requests
        # Requests refused before routing (body guard) still count under their route.
        self.route_paths = route_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            route_path = getattr(route, "path", None)
            if route_path is None:
                path = scope.get("path", "")
                route_path = path if path in self.route_paths else UNMATCHED_ROUTE
            labels = (route_path, scope["method"], str(status))
            self.metrics.requests.inc(labels=labels)
            self.metrics.latency.observe(elapsed, labels=labels)
            if self.log_requests:
                access_log.info("%s %s %d %.1fms", scope["method"], scope.get("path", ""), status, elapsed * 1000)
