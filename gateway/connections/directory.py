"""The ingress's view of connections: opened credentials, remembered briefly so a webhook costs no read.

Entries live ``ttl`` seconds; a mutation in this process forgets its connection at once, and a delivery
that fails verification against a cached entry is checked once more against a fresh read (a rotation made
by another replica is then seen at once, not after the ttl).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from contracts.chat import Platform
from gateway.connections.cipher import CredentialCipher
from gateway.connectors import ConnectionRef, Credentials
from gateway.models import Connection
from kit.db import Sessionmaker


@dataclass(frozen=True)
class OpenConnection:
    ref: ConnectionRef
    current: Credentials
    previous: Credentials | None
    previous_valid_until: datetime | None
    disabled: bool

    def candidates(self, now: datetime) -> list[Credentials]:
        """The credentials a delivery may be signed with now: the current set, then the previous during its grace."""
        found = [self.current]
        if self.previous is not None and self.previous_valid_until is not None and now < self.previous_valid_until:
            found.append(self.previous)
        return found


def open_connection(row: Connection, cipher: CredentialCipher) -> OpenConnection:
    platform: Platform = row.platform  # type: ignore[assignment]  # written only from the Platform literal
    previous = cipher.open(row.previous_credentials, connection_id=row.id) if row.previous_credentials else None
    return OpenConnection(
        ref=ConnectionRef(id=row.id, community_id=row.community_id, platform=platform),
        current=cipher.open(row.credentials, connection_id=row.id),
        previous=previous,
        previous_valid_until=row.previous_valid_until,
        disabled=row.disabled_at is not None,
    )


class ConnectionDirectory:
    def __init__(
        self, sessionmaker: Sessionmaker, cipher: CredentialCipher, *, ttl_seconds: float, max_entries: int = 10_000
    ) -> None:
        self._sessionmaker = sessionmaker
        self._cipher = cipher
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._cache: dict[str, tuple[float, OpenConnection | None]] = {}

    async def get(self, connection_id: str, *, fresh: bool = False) -> OpenConnection | None:
        cached = self._cache.get(connection_id)
        if not fresh and cached is not None and cached[0] > time.monotonic():
            return cached[1]
        async with self._sessionmaker() as session:
            row = await session.get(Connection, connection_id)
        found = open_connection(row, self._cipher) if row is not None else None
        if len(self._cache) >= self._max_entries:
            self._cache.clear()
        self._cache[connection_id] = (time.monotonic() + self._ttl, found)
        return found

    def forget(self, connection_id: str) -> None:
        self._cache.pop(connection_id, None)
