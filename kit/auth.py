"""Who is calling, and the signed internal header that carries it from the gateway to the services.

The gateway authenticates the outside world (API keys, later member tokens) and forwards a
``Principal`` to services in ``X-Guildhall-Principal``, signed with the shared internal secret.
Services trust nothing else: a request without a valid, fresh signature is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Annotated, Literal

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from kit.errors import NotFound, Unauthenticated
from kit.ids import ulid

PRINCIPAL_HEADER = "X-Guildhall-Principal"
MAX_SKEW_SECONDS = 300
API_KEY_PREFIX = "ghk_"

Role = Literal["platform_admin", "community_admin", "system"]


class Principal(BaseModel):
    """An authenticated caller: a platform admin, a key of one community, or Guildhall itself."""

    role: Role
    key_id: str | None = None
    community_id: str | None = None

    @property
    def is_platform_admin(self) -> bool:
        return self.role in ("platform_admin", "system")

    def can_access(self, community_id: str) -> bool:
        return self.is_platform_admin or self.community_id == community_id


SYSTEM = Principal(role="system")


def ensure_community_access(principal: Principal, community_id: str) -> None:
    """Another community's data looks exactly like data that does not exist."""
    if not principal.can_access(community_id):
        raise NotFound(f"community {community_id} not found", code="community_not_found")


def _sign(secret: bytes, payload: str, timestamp: int) -> str:
    return hmac.new(secret, f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()


def sign_principal(principal: Principal, secret: str, *, now: float | None = None) -> str:
    payload = base64.urlsafe_b64encode(principal.model_dump_json(exclude_none=True).encode()).decode()
    timestamp = int(now if now is not None else time.time())
    return f"{payload}.{timestamp}.{_sign(secret.encode(), payload, timestamp)}"


def verify_principal(header: str | None, secret: str, *, now: float | None = None) -> Principal:
    if not header:
        raise Unauthenticated("missing internal principal header")
    try:
        payload, timestamp_text, signature = header.split(".")
        timestamp = int(timestamp_text)
    except ValueError:
        raise Unauthenticated("malformed internal principal header") from None
    expected = _sign(secret.encode(), payload, timestamp)
    # Bytes, not str: compare_digest refuses non-ASCII text, and header values are anything latin-1.
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogateescape")):
        raise Unauthenticated("bad internal principal signature")
    if abs((now if now is not None else time.time()) - timestamp) > MAX_SKEW_SECONDS:
        raise Unauthenticated("stale internal principal header")
    try:
        return Principal.model_validate_json(base64.urlsafe_b64decode(payload))
    except (ValidationError, ValueError):
        raise Unauthenticated("malformed internal principal") from None


async def get_principal(request: Request) -> Principal:
    secret: str = request.app.state.internal_secret
    return verify_principal(request.headers.get(PRINCIPAL_HEADER), secret)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


class MintedKey(BaseModel):
    key_id: str
    plaintext: str  # shown once to its owner, never stored
    key_hash: str


def hash_api_key(presented: str) -> str:
    # Minted keys carry 256 random bits, so a fast hash is enough: nobody can guess their way to a preimage.
    return hashlib.sha256(presented.encode()).hexdigest()


def mint_api_key() -> MintedKey:
    key_id = f"key_{ulid()}"
    plaintext = f"{API_KEY_PREFIX}{secrets.token_urlsafe(32)}"
    return MintedKey(key_id=key_id, plaintext=plaintext, key_hash=hash_api_key(plaintext))
