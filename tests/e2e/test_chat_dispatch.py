"""Through the whole embedded Guildhall: a command membership emits goes through its outbox and relay to
the gateway's dispatcher, reaches the (fake) platform, and shows in the ``deliveries`` query."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from contracts.chat import ChatAddress
from guildhall.embedded import EmbeddedGuildhall
from guildhall.parts import SERVICES
from services.membership.usecases.chat_command import say
from tests.support.backends import Backend
from tests.support.connections import create_connection
from tests.support.dispatch import SCALE, until
from tests.support.factories import create_community, create_community_key
from tests.support.guildhall import ADMIN_KEY, GraphQL, eventually, gateway_settings, service_settings
from tests.support.limited_platform import LimitedPlatform, Window, limited_platform

DELIVERIES = """
query($communityId: ID!, $status: ChatDeliveryStatus, $first: Int, $after: String) {
  deliveries(communityId: $communityId, status: $status, first: $first, after: $after) {
    nodes { id commandId connectionId platform platformChatId kind status attempts platformMessageId lastError
            createdAt finishedAt }
    pageInfo { endCursor hasNextPage }
  }
}
"""


@pytest.fixture
async def telegram() -> AsyncIterator[LimitedPlatform]:
    async with limited_platform(per_chat=[Window(20, 60 / SCALE)], per_bot=[Window(30, 1 / SCALE)]) as platform:
        yield platform


@pytest.fixture
async def guildhall(backend: Backend, telegram: LimitedPlatform) -> AsyncIterator[EmbeddedGuildhall]:
    settings = gateway_settings(backend).model_copy(
        update={"telegram_api_url": telegram.url, "dispatch_limit_scale": SCALE, "dispatch_limit_headroom": 0.1}
    )
    embedded = EmbeddedGuildhall(
        gateway_settings=settings,
        service_settings={name: service_settings(backend, name) for name in SERVICES},
        migrate=False,
    )
    async with embedded:
        yield embedded


@pytest.fixture
async def admin(guildhall: EmbeddedGuildhall) -> AsyncIterator[GraphQL]:
    async with guildhall.client(api_key=ADMIN_KEY) as http:
        yield GraphQL(http)


async def test_membership_messages_reach_the_chat_and_the_delivery_log(
    admin: GraphQL, guildhall: EmbeddedGuildhall, telegram: LimitedPlatform
) -> None:
    community = await create_community(admin)
    cid = community["id"]
    connection = await create_connection(admin, cid, "telegram", {"bot_token": "123:abc", "secret_token": "s"})
    chat = ChatAddress(platform="telegram", connection_id=connection["id"], platform_chat_id="-1001")
    membership = guildhall.services["membership"]

    for text in ("Welcome!", "Day 2"):
        async with membership.state.sessionmaker() as session, session.begin():
            await say(session, chat, text, mentions=[], community_id=cid, at=datetime.now(UTC))
    await until(lambda: len(telegram.delivered("-1001")) == 2)

    async def sent() -> list[dict[str, Any]] | None:
        body = await admin(DELIVERIES, communityId=cid, status="SENT")
        nodes: list[dict[str, Any]] = body["data"]["deliveries"]["nodes"]
        return nodes if len(nodes) == 2 else None

    nodes = await eventually(sent)
    first_page = (await admin(DELIVERIES, communityId=cid, first=1))["data"]["deliveries"]
    second_page = (await admin(DELIVERIES, communityId=cid, first=1, after=first_page["pageInfo"]["endCursor"]))[
        "data"
    ]["deliveries"]
    failed = (await admin(DELIVERIES, communityId=cid, status="FAILED"))["data"]["deliveries"]["nodes"]

    assert [a.body["text"] for a in telegram.delivered()] == ["Welcome!", "Day 2"]
    assert {(n["platform"], n["platformChatId"], n["kind"], n["attempts"]) for n in nodes} == {
        ("TELEGRAM", "-1001", "SEND", 1)
    }
    assert all(n["platformMessageId"] and n["finishedAt"] for n in nodes)
    assert first_page["pageInfo"]["hasNextPage"] is True
    assert [n["id"] for n in first_page["nodes"] + second_page["nodes"]] == [n["id"] for n in nodes]
    assert second_page["pageInfo"]["hasNextPage"] is False
    assert failed == []


async def test_another_communitys_key_cannot_read_the_log(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    community = await create_community(admin)
    other = await create_community(admin)
    key = await create_community_key(admin, other["id"])

    async with guildhall.client(api_key=key) as http:
        body = await GraphQL(http)(DELIVERIES, communityId=community["id"])
        own = await GraphQL(http)(DELIVERIES, communityId=other["id"])

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert own["data"]["deliveries"]["nodes"] == []
