"""Connections: create, rotate credentials (the old set stays accepted for a grace period), disable, read.

Keyword-only functions over a session that never commit; the caller's transaction does.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway import standard_webhooks
from gateway.connections.cipher import CredentialCipher
from gateway.connectors import Connector
from gateway.models import Connection
from kit.ids import new_id

NAME_MAX_LENGTH = 100
VALUE_MAX_LENGTH = 4096
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True)
class CredentialProblem:
    field: str
    reason: str


def _format_problem(platform: str, name: str, value: str) -> str | None:
    if platform == "telegram" and name == "secret_token" and not _TELEGRAM_SECRET.fullmatch(value):
        return "must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
    if platform == "discord" and name == "public_key":
        try:
            if len(bytes.fromhex(value)) != 32:
                raise ValueError
        except ValueError:
            return "must be the application's Ed25519 public key: 64 hex digits"
    if platform == "wecom" and name == "encoding_aes_key":
        try:
            if len(value) != 43 or len(base64.b64decode(value + "=", validate=True)) != 32:
                raise ValueError
        except (binascii.Error, ValueError):
            return "must be the 43-character EncodingAESKey"
    if name in ("secret", "relay_secret"):
        try:
            standard_webhooks.secret_bytes(value)
        except ValueError:
            return "must be whsec_ followed by base64"
    return None


def credential_problems(
    connector: Connector, credentials: Mapping[str, str], *, partial: bool = False
) -> list[CredentialProblem]:
    """What is wrong with ``credentials`` for this platform; ``partial`` for a rotation of some of them."""
    fields = connector.credential_fields
    problems = [
        CredentialProblem(
            f"credentials.{name}",
            f"unknown for {connector.platform}; expected one of " + ", ".join(sorted(fields.allowed)),
        )
        for name in credentials
        if name not in fields.allowed
    ]
    if not partial:
        problems += [
            CredentialProblem(f"credentials.{name}", "is required")
            for name in sorted(fields.required)
            if not credentials.get(name, "").strip()
        ]
    for name, value in credentials.items():
        if name not in fields.allowed:
            continue
        if not value.strip():
            if partial:  # a rotation replaces a value, it never blanks one
                problems.append(CredentialProblem(f"credentials.{name}", "must not be empty"))
            continue
        if len(value) > VALUE_MAX_LENGTH:
            problems.append(CredentialProblem(f"credentials.{name}", f"must be at most {VALUE_MAX_LENGTH} characters"))
        elif (reason := _format_problem(connector.platform, name, value)) is not None:
            problems.append(CredentialProblem(f"credentials.{name}", reason))
    return problems


def _names(credentials: Mapping[str, str]) -> str:
    return ",".join(sorted(name for name, value in credentials.items() if value))


def create_connection(
    session: AsyncSession,
    cipher: CredentialCipher,
    *,
    community_id: str,
    platform: str,
    name: str,
    credentials: Mapping[str, str],
    now: datetime,
) -> Connection:
    connection_id = new_id("conn")
    kept = {k: v for k, v in credentials.items() if v}
    row = Connection(
        id=connection_id,
        community_id=community_id,
        platform=platform,
        name=name,
        credentials=cipher.seal(kept, connection_id=connection_id),
        credential_names=_names(kept),
        created_at=now,
    )
    session.add(row)
    return row


def rotate_credentials(
    row: Connection,
    cipher: CredentialCipher,
    *,
    changes: Mapping[str, str],
    grace: timedelta,
    now: datetime,
) -> Connection:
    """Replace the named credentials; the whole previous set stays accepted on ingress until ``now + grace``."""
    current = cipher.open(row.credentials, connection_id=row.id)
    merged = {**current, **changes}
    row.previous_credentials = row.credentials if grace > timedelta(0) else None
    row.previous_valid_until = now + grace if grace > timedelta(0) else None
    row.credentials = cipher.seal(merged, connection_id=row.id)
    row.credential_names = _names(merged)
    row.rotated_at = now
    return row


def disable_connection(row: Connection, *, now: datetime) -> Connection:
    if row.disabled_at is None:
        row.disabled_at = now
    return row


async def get_connection(session: AsyncSession, connection_id: str) -> Connection | None:
    return await session.get(Connection, connection_id)


async def list_connections(
    session: AsyncSession, *, community_id: str, include: Callable[[Connection], bool] = lambda _: True
) -> list[Connection]:
    rows = await session.exec(
        select(Connection).where(Connection.community_id == community_id).order_by(col(Connection.id))
    )
    return [row for row in rows if include(row)]
