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
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, ValidationError

from kit.errors import NotFound, Unauthenticated
from kit.ids import ulid

PRINCIPAL_HEADER = "X-Guildhall-Principal"
MAX_SKEW_SECONDS = 300
API_KEY_PREFIX = "ghk_"

Role = Literal["platform_admin", "community_admin", "system"]


class Principal(BaseModel):
    """An authenticated caller: a platform admin, a key of one community, or Guildhall itself."""

    # Frozen: one verified principal serves every request that carries the same signed header.
    model_config = ConfigDict(frozen=True)

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


# A signature is reused for this long, well inside the skew a receiver allows: a gateway request makes several calls.
RESIGN_AFTER_SECONDS = 60
_CACHE_LIMIT = 4096
_signed: dict[tuple[Principal, str], tuple[int, str]] = {}
_verified: dict[tuple[str, str], tuple[int, Principal]] = {}


def sign_principal(principal: Principal, secret: str, *, now: float | None = None) -> str:
    timestamp = int(now if now is not None else time.time())
    made = _signed.get((principal, secret)) if now is None else None
    if made is not None and timestamp - made[0] < RESIGN_AFTER_SECONDS:
        return made[1]
    payload = base64.urlsafe_b64encode(principal.model_dump_json(exclude_none=True).encode()).decode()
    header = f"{payload}.{timestamp}.{_sign(secret.encode(), payload, timestamp)}"
    if now is None:
        _remember(_signed, (principal, secret), (timestamp, header))
    return header


def verify_principal(header: str | None, secret: str, *, now: float | None = None) -> Principal:
    if not header:
        raise Unauthenticated("missing internal principal header")
    at = now if now is not None else time.time()
    # The same header, byte for byte, verifies the same way: only its age needs checking again.
    if (seen := _verified.get((header, secret))) is not None:
        timestamp, principal = seen
    else:
        timestamp, principal = _verify(header, secret)
        _remember(_verified, (header, secret), (timestamp, principal))
    if abs(at - timestamp) > MAX_SKEW_SECONDS:
        raise Unauthenticated("stale internal principal header")
    return principal


def _verify(header: str, secret: str) -> tuple[int, Principal]:
    try:
        payload, timestamp_text, signature = header.split(".")
        timestamp = int(timestamp_text)
    except ValueError:
        raise Unauthenticated("malformed internal principal header") from None
    expected = _sign(secret.encode(), payload, timestamp)
    # Bytes, not str: compare_digest refuses non-ASCII text, and header values are anything latin-1.
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogateescape")):
        raise Unauthenticated("bad internal principal signature")
    try:
        return timestamp, Principal.model_validate_json(base64.urlsafe_b64decode(payload))
    except (ValidationError, ValueError):
        raise Unauthenticated("malformed internal principal") from None


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()  # principals are few (a platform key, a key per community): a full cache is a flood
    cache[key] = value


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
