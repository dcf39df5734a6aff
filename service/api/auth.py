"""API keys: ``Authorization: Bearer KEY`` or ``x-api-key: KEY``; ``?key=KEY`` on the Perspective routes,
because that is how Perspective clients send theirs.

Three kinds: scoring keys, admin keys (everything) and annotator keys (labelling and scoring;
each carries the annotator's name, which labels posted with it default to).

Keys are held as SHA-256 digests and every presented key is compared against every stored
digest with ``hmac.compare_digest``, so neither timing nor an early exit tells which key,
or how much of one, matched. Keys are never logged; the access log drops query strings.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Iterable, Mapping

from fastapi import Request
from pydantic import SecretStr

from service.api.errors import ApiError

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="threadguard"'}
ADMIN_ANNOTATOR = "admin"  # the annotator name of labels posted with an admin key that name none


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
    def __init__(
        self,
        api_keys: Iterable[SecretStr],
        admin_keys: Iterable[SecretStr],
        annotator_keys: Mapping[str, SecretStr] | None = None,
    ) -> None:
        self._admin = [_digest(k.get_secret_value()) for k in admin_keys]
        # Labellers, as (digest, name): admin keys first, under the name "admin".
        self._labellers = [(d, ADMIN_ANNOTATOR) for d in self._admin]
        self._labellers += [(_digest(k.get_secret_value()), name) for name, k in (annotator_keys or {}).items()]
        # Admin and annotator keys may also score (the review page scores what it shows).
        self._scoring = [_digest(k.get_secret_value()) for k in api_keys] + [d for d, _ in self._labellers]

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

    def check_labeller(self, request: Request, allow_query: bool = False) -> str:
        """The annotator name of the presented admin or annotator key; 401/403 otherwise."""
        if not self._labellers:
            raise ApiError(403, "labelling is disabled: no admin or annotator keys are configured (THREADGUARD_ANNOTATOR_KEYS)")
        key = presented_key(request, allow_query)
        if key is None:
            raise ApiError(401, "an annotator or admin key is required (Authorization: Bearer KEY or x-api-key: KEY)", headers=CHALLENGE)
        candidate = _digest(key)
        name: str | None = None
        for digest, owner in self._labellers:  # no early exit: every digest is compared
            if hmac.compare_digest(candidate, digest) and name is None:
                name = owner
        if name is not None:
            return name
        if self._matches(key, self._scoring):
            raise ApiError(403, "this key may score but not label")
        raise ApiError(401, "the API key is not valid", headers=CHALLENGE)
