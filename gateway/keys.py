"""API keys: minted and shown once, stored hashed, scoped to the platform or to one community."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.models import ApiKey
from kit.auth import MintedKey, Principal, Role, hash_api_key, mint_api_key
from kit.db import Sessionmaker
from kit.ids import new_id

BOOTSTRAP_KEY_NAME = "bootstrap"


def principal_of(key: ApiKey) -> Principal:
    role: Role = "platform_admin" if key.role == "platform_admin" else "community_admin"
    return Principal(role=role, key_id=key.id, community_id=key.community_id)


async def create_key(
    session: AsyncSession, *, name: str, community_id: str | None, now: datetime | None = None
) -> tuple[ApiKey, MintedKey]:
    """A new key of one community, or a platform-admin key when ``community_id`` is None."""
    minted = mint_api_key()
    key = ApiKey(
        id=minted.key_id,
        name=name,
        key_hash=minted.key_hash,
        role="community_admin" if community_id else "platform_admin",
        community_id=community_id,
        created_at=now or datetime.now(UTC),
    )
    session.add(key)
    return key, minted


async def ensure_bootstrap_key(session: AsyncSession, plaintext: str) -> ApiKey:
    """Make ``plaintext`` a platform-admin key, once; starting again with the same key changes nothing."""
    key_hash = hash_api_key(plaintext)
    existing = (await session.exec(select(ApiKey).where(ApiKey.key_hash == key_hash))).first()
    if existing is not None:
        return existing
    key = ApiKey(
        id=new_id("key"),
        name=BOOTSTRAP_KEY_NAME,
        key_hash=key_hash,
        role="platform_admin",
        community_id=None,
        created_at=datetime.now(UTC),
    )
    session.add(key)
    return key


class KeyAuthenticator:
    """Resolves presented keys to principals, remembering answers briefly to keep the database off the hot path."""

    def __init__(self, sessionmaker: Sessionmaker, *, ttl_seconds: float = 30.0, max_entries: int = 10_000) -> None:
        self._sessionmaker = sessionmaker
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    async def authenticate(self, presented: str) -> Principal | None:
        key_hash = hash_api_key(presented)
        cached = self._cache.get(key_hash)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        async with self._sessionmaker() as session:
            key = (await session.exec(select(ApiKey).where(ApiKey.key_hash == key_hash))).first()
        principal = principal_of(key) if key is not None and key.revoked_at is None else None
        if len(self._cache) >= self._max_entries:
            self._cache.clear()
        self._cache[key_hash] = (time.monotonic() + self._ttl, principal)
        return principal
