"""Builders for communities' groups, roles and chat events, through the membership REST API."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlmodel import select

from contracts.chat import (
    ChatAddress,
    ChatMemberJoinedGroup,
    ChatMemberLeftGroup,
    ChatMessageReceived,
    ChatReactionAdded,
    ChatUser,
)
from kit.tables import outbox
from tests.support.events import consume, publish

_numbers = itertools.count(1)


def group_input(**overrides: Any) -> dict[str, Any]:
    number = next(_numbers)
    return {
        "name": f"Group {number}",
        "platform": "telegram",
        "connection_id": "conn_telegram",
        "platform_chat_id": f"-100{number}",
        **overrides,
    }


async def rest_create_group(client: httpx.AsyncClient, community_id: str, **overrides: Any) -> dict[str, Any]:
    response = await client.post(f"/v1/communities/{community_id}/groups", json=group_input(**overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def rest_set_role(client: httpx.AsyncClient, community_id: str, member_id: str, role: str) -> httpx.Response:
    return await client.post(f"/v1/communities/{community_id}/members/{member_id}/role", json={"role": role})


async def rest_make_owner(client: httpx.AsyncClient, community_id: str, member_id: str) -> dict[str, Any]:
    response = await client.post(f"/v1/communities/{community_id}/ownership", json={"member_id": member_id})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def outbox_events(app: FastAPI, event_type: str | None = None) -> list[dict[str, Any]]:
    """Envelopes the service wrote to its outbox, oldest first (only ``event_type`` if given)."""
    async with app.state.sessionmaker() as session:
        rows = (await session.exec(select(outbox.c.envelope).order_by(outbox.c.seq))).all()
    envelopes = [json.loads(row) for row in rows]
    return [e for e in envelopes if event_type is None or e["type"] == event_type]


def chat(group: dict[str, Any]) -> ChatAddress:
    return ChatAddress(
        platform=group["platform"], connection_id=group["connection_id"], platform_chat_id=group["platform_chat_id"]
    )


def user(platform_user_id: str, display_name: str | None = None) -> ChatUser:
    return ChatUser(platform_user_id=platform_user_id, display_name=display_name)


class ChatFeed:
    """Publishes chat events on the gateway's stream and lets the membership consumer take them in."""

    def __init__(self, app: FastAPI, community_id: str) -> None:
        self.app = app
        self.community_id = community_id
        self._ids = itertools.count(1)

    async def _send(self, data: Any) -> None:
        await publish(self.app, data, producer="gateway", community_id=self.community_id)
        await consume(self.app, "membership")

    async def message(
        self, group: dict[str, Any], sender: ChatUser, text: str, *, at: datetime | None = None, **extra: Any
    ) -> None:
        await self._send(
            ChatMessageReceived(
                chat=chat(group),
                platform_message_id=f"m{next(self._ids)}",
                sender=sender,
                text=text,
                sent_at=at or datetime.now(UTC),
                **extra,
            )
        )

    async def join(self, group: dict[str, Any], member: ChatUser, *, at: datetime | None = None) -> None:
        await self._send(ChatMemberJoinedGroup(chat=chat(group), member=member, joined_at=at or datetime.now(UTC)))

    async def leave(self, group: dict[str, Any], member: ChatUser, *, at: datetime | None = None) -> None:
        await self._send(ChatMemberLeftGroup(chat=chat(group), member=member, left_at=at or datetime.now(UTC)))

    async def reaction(
        self, group: dict[str, Any], reactor: ChatUser, reaction: str = "👍", *, at: datetime | None = None
    ) -> None:
        await self._send(
            ChatReactionAdded(
                chat=chat(group),
                platform_message_id="m1",
                user=reactor,
                reaction=reaction,
                reacted_at=at or datetime.now(UTC),
            )
        )
