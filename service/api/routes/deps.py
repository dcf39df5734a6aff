"""Dependencies shared by the routes: the process state and the key checks."""

from __future__ import annotations

from fastapi import Request

from service.api.state import ServiceState


def get_state(request: Request) -> ServiceState:
    return request.app.state.service


def require_scoring_key(request: Request) -> None:
    get_state(request).keys.check_scoring(request)


def require_perspective_key(request: Request) -> None:
    # Perspective clients put their key in the query string.
    get_state(request).keys.check_scoring(request, allow_query=True)


def require_admin_key(request: Request) -> None:
    get_state(request).keys.check_admin(request)


def require_labeller_key(request: Request) -> str:
    """The annotator name of the request's admin or annotator key."""
    return get_state(request).keys.check_labeller(request)


def require_perspective_labeller_key(request: Request) -> str:
    return get_state(request).keys.check_labeller(request, allow_query=True)
