"""Key management from the command line, straight against the gateway's database."""

from __future__ import annotations

from sqlmodel import col, select

from gateway import keys
from gateway.models import ApiKey
from gateway.settings import GatewaySettings
from kit.db import create_engine, create_sessionmaker
from kit.migrations import upgrade


async def create_key(*, name: str, community_id: str | None) -> str:
    settings = GatewaySettings()
    await upgrade("gateway", settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            row, minted = await keys.create_key(session, name=name, community_id=community_id)
    finally:
        await engine.dispose()
    scope = f"community {community_id}" if community_id else "platform admin"
    return f"{minted.plaintext}\n(key {row.id}, {scope}; shown once, store it now)"


async def list_keys() -> list[str]:
    settings = GatewaySettings()
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = (await session.exec(select(ApiKey).order_by(col(ApiKey.created_at)))).all()
    finally:
        await engine.dispose()
    return [
        f"{row.id}\t{row.role}\t{row.community_id or '-'}\t{row.name}\t{'revoked' if row.revoked_at else 'active'}"
        for row in rows
    ]
