"""API keys: ``Authorization: Bearer KEY`` or ``x-api-key: KEY``; ``?key=KEY`` on the Perspective route,
because that is how Perspective clients send theirs.

Keys are held as SHA-256 digests and every presented key is compared against every stored
digest with ``hmac.compare_digest``, so neither timing nor an early exit tells which key,
or how much of one, matched. Keys are never logged; the access log drops query strings.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Iterable

from fastapi import Request
from pydantic import SecretStr

from service.api.errors import ApiError

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="threadguard"'}


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def presented_key(request: Request, allow_query: bool = False) -> str | None:
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, credentials = auth.partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return credentials.strip()
    header = request.headers.get("x-api-key")
    if header:
        return header.strip()
    if allow_query:
        return request.query_params.get("key") or None
    return None


class KeyChecker:
    def __init__(self, api_keys: Iterable[SecretStr], admin_keys: Iterable[SecretStr]) -> None:
        self._admin = [_digest(k.get_secret_value()) for k in admin_keys]
        # An admin key may also score.
        self._scoring = [_digest(k.get_secret_value()) for k in api_keys] + self._admin

    @property
    def scoring_open(self) -> bool:
        return not self._scoring

    @staticmethod
    def _matches(key: str, digests: list[bytes]) -> bool:
        candidate = _digest(key)
        found = False
        for d in digests:
            found |= hmac.compare_digest(candidate, d)
        return found

    def check_scoring(self, request: Request, allow_query: bool = False) -> None:
        if self.scoring_open:
            return
        key = presented_key(request, allow_query)
        if key is None:
            raise ApiError(401, "an API key is required (Authorization: Bearer KEY or x-api-key: KEY)", headers=CHALLENGE)
        if not self._matches(key, self._scoring):
            raise ApiError(401, "the API key is not valid", headers=CHALLENGE)

    def check_admin(self, request: Request) -> None:
        if not self._admin:
            raise ApiError(403, "admin routes are disabled: no admin keys are configured (THREADGUARD_ADMIN_KEYS)")
        key = presented_key(request)
        if key is None:
            raise ApiError(401, "an admin key is required (Authorization: Bearer KEY or x-api-key: KEY)", headers=CHALLENGE)
        if not self._matches(key, self._admin):
            if self._matches(key, self._scoring):
                raise ApiError(403, "this key may score but not use admin routes")
            raise ApiError(401, "the API key is not valid", headers=CHALLENGE)
