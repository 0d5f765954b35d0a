"""The ingress's group commit on both backends: deliveries that arrive together share a transaction, a key
seen twice is new once, and a delivery that cannot be written fails alone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import field_serializer
from sqlalchemy import func
from sqlmodel import select

from contracts.chat import ChatAddress, ChatMessageReceived, ChatUser
from gateway import app as gateway_app
from gateway.ingress.writer import DeliveryWriter
from gateway.models import ProcessedWebhook
from kit.tables import outbox
from tests.support.backends import Backend
from tests.support.guildhall import gateway_settings

AT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class Unwritable(ChatMessageReceived):
    @field_serializer("text")
    def refuse(self, _: str) -> str:
        raise ValueError("cannot be serialized")


def message(number: int, cls: type[ChatMessageReceived] = ChatMessageReceived) -> ChatMessageReceived:
    return cls(
        chat=ChatAddress(platform="telegram", connection_id="conn_1", platform_chat_id="-1"),
        platform_message_id=str(number),
        sender=ChatUser(platform_user_id="7"),
        text=f"message {number}",
        sent_at=AT,
    )


@pytest.fixture
async def gateway(backend: Backend) -> AsyncIterator[FastAPI]:
    transports = {name: httpx.ASGITransport(app=FastAPI()) for name in ("membership", "gamification", "content")}
    app = gateway_app.create_app(gateway_settings(backend), transports=transports)
    async with app.router.lifespan_context(app):
        yield app


async def published(app: FastAPI) -> list[str]:
    """The message ids of the chat events in the gateway's outbox, oldest first."""
    async with app.state.sessionmaker() as session:
        rows = (await session.exec(select(outbox.c.envelope).order_by(outbox.c.seq))).all()
    return [json.loads(row)["data"]["platform_message_id"] for row in rows]


async def processed(app: FastAPI) -> int:
    async with app.state.sessionmaker() as session:
        return int((await session.exec(select(func.count()).select_from(ProcessedWebhook))).one())


def record(writer: DeliveryWriter, key: str | None, event: ChatMessageReceived) -> Any:
    return writer.record(connection_id="conn_1", community_id="cmty_1", dedupe_key=key, events=[event], now=AT)


async def test_deliveries_that_arrive_together_commit_together_and_a_repeated_key_is_new_once(gateway: FastAPI) -> None:
    writer: DeliveryWriter = gateway.state.delivery_writer
    keys = ["update:1", "update:2", "update:1", "update:3", None]

    results = await asyncio.gather(*(record(writer, key, message(n)) for n, key in enumerate(keys)))

    assert results == [True, True, False, True, True]
    assert await published(gateway) == ["0", "1", "3", "4"]
    assert await processed(gateway) == 3
    assert await record(writer, "update:2", message(9)) is False


async def test_a_delivery_that_cannot_be_written_fails_alone(gateway: FastAPI) -> None:
    writer: DeliveryWriter = gateway.state.delivery_writer

    results = await asyncio.gather(
        record(writer, "update:1", message(1)),
        record(writer, "update:2", message(2, Unwritable)),
        record(writer, "update:3", message(3)),
        return_exceptions=True,
    )

    assert results[0] is True and results[2] is True
    assert isinstance(results[1], ValueError)
    assert await published(gateway) == ["1", "3"]
    assert await processed(gateway) == 2
