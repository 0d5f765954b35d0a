"""Builders and probes for moderation tests: strikes through REST, groups and roles set in the database,
and the chat commands the service emitted."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlmodel import select

from kit.clock import ManualClock
from kit.ids import new_id
from kit.tables import outbox
from services.membership.models import Group, Membership

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def manual_clock(app: FastAPI, community_id: str, start: datetime = START) -> ManualClock:
    clock = ManualClock(start)
    app.state.clocks.set(community_id, clock)
    return clock


async def rest_add_strike(
    client: httpx.AsyncClient, community_id: str, member_id: str, **overrides: Any
) -> dict[str, Any]:
    body = {"rule": "no ads", **overrides}
    response = await client.post(f"/v1/communities/{community_id}/members/{member_id}/strikes", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def set_role(app: FastAPI, member_id: str, role: str) -> None:
    async with app.state.sessionmaker() as session:
        row = (await session.exec(select(Membership).where(Membership.member_id == member_id))).one()
        row.role = role
        await session.commit()


async def add_group(
    app: FastAPI, community_id: str, *, platform: str = "telegram", tier_ids: list[str] | None = None
) -> Group:
    """A group bound through a connection (groups have no REST endpoint on this branch yet)."""
    group = Group(
        id=new_id("grp"),
        community_id=community_id,
        name="Group",
        platform=platform,
        connection_id=new_id("conn"),
        platform_chat_id=f"-100{new_id('x')[-8:]}",
        tier_ids=tier_ids or [],
        created_at=START,
    )
    async with app.state.sessionmaker() as session:
        session.add(group)
        await session.commit()
    return group


async def emitted(app: FastAPI, *types: str) -> list[dict[str, Any]]:
    """Envelopes in the outbox, oldest first, of the given types (all when none are given)."""
    async with app.state.sessionmaker() as session:
        rows = (await session.exec(select(outbox.c.envelope).order_by(outbox.c.seq))).all()
    envelopes = [json.loads(row) for row in rows]
    return [envelope for envelope in envelopes if not types or envelope["type"] in types]


async def chat_commands(app: FastAPI) -> list[tuple[str, str, str | None]]:
    """(kind, platform chat id, action or text) for each chat.send and chat.action emitted, in order."""
    commands = []
    for envelope in await emitted(app, "chat.send", "chat.action"):
        data = envelope["data"]
        detail = data.get("action") if envelope["type"] == "chat.action" else data.get("text")
        commands.append((envelope["type"], data["chat"]["platform_chat_id"], detail))
    return commands
