"""The gateway's housekeeping on both backends: dedupe keys past their retention and finished deliveries
past theirs are deleted in batches; recent keys keep deduping redeliveries, queued deliveries stay."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import col, select

from contracts.chat import ChatAddress, ChatMessageReceived, ChatUser
from gateway import app as gateway_app
from gateway.housekeeping import Housekeeping, Pruned
from gateway.ingress.writer import DeliveryWriter
from gateway.models import ChatDelivery, ProcessedWebhook
from tests.support.backends import Backend
from tests.support.guildhall import gateway_settings

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
async def gateway(backend: Backend) -> AsyncIterator[FastAPI]:
    transports = {name: httpx.ASGITransport(app=FastAPI()) for name in ("membership", "gamification", "content")}
    app = gateway_app.create_app(gateway_settings(backend), transports=transports)
    async with app.router.lifespan_context(app):
        yield app


def housekeeping(app: FastAPI, *, at: datetime = NOW) -> Housekeeping:
    return Housekeeping(
        sessionmaker=app.state.sessionmaker,
        dedupe_retention=7 * DAY,
        delivery_retention=30 * DAY,
        batch_size=2,  # several batches per pass
        now=lambda: at,
    )


async def deliver(app: FastAPI, key: str, *, at: datetime) -> bool:
    writer: DeliveryWriter = app.state.delivery_writer
    event = ChatMessageReceived(
        chat=ChatAddress(platform="telegram", connection_id="conn_1", platform_chat_id="-1"),
        platform_message_id=key,
        sender=ChatUser(platform_user_id="7"),
        text="hi",
        sent_at=at,
    )
    return await writer.record(connection_id="conn_1", community_id="cmty_1", dedupe_key=key, events=[event], now=at)


async def dedupe_keys(app: FastAPI) -> list[str]:
    async with app.state.sessionmaker() as session:
        rows = await session.exec(select(ProcessedWebhook.dedupe_key).order_by(col(ProcessedWebhook.dedupe_key)))
        return list(rows)


def delivery(number: int, *, status: str, finished: datetime | None, created: datetime) -> ChatDelivery:
    return ChatDelivery(
        id=f"dlv_{number:03}",
        command_id=f"cmd_{number:03}",
        community_id="cmty_1",
        connection_id="conn_1",
        platform="telegram",
        platform_chat_id="-1",
        kind="send",
        command="{}",
        status=status,
        next_attempt_at=created,
        created_at=created,
        updated_at=finished or created,
        finished_at=finished,
    )


async def delivery_ids(app: FastAPI) -> list[str]:
    async with app.state.sessionmaker() as session:
        return list(await session.exec(select(ChatDelivery.id).order_by(col(ChatDelivery.id))))


async def test_dedupe_keys_past_retention_go_and_recent_ones_still_dedupe(gateway: FastAPI) -> None:
    for n in range(5):
        assert await deliver(gateway, f"old:{n}", at=NOW - 8 * DAY) is True
    assert await deliver(gateway, "recent", at=NOW - 6 * DAY) is True
    assert await deliver(gateway, "today", at=NOW - timedelta(minutes=5)) is True

    pruned = await housekeeping(gateway).run_once()

    assert pruned == Pruned(processed_webhooks=5, deliveries=0)
    assert await dedupe_keys(gateway) == ["recent", "today"]
    # A redelivery inside the window is still a redelivery; a key past it is new again.
    assert await deliver(gateway, "recent", at=NOW) is False
    assert await deliver(gateway, "today", at=NOW) is False
    assert await deliver(gateway, "old:0", at=NOW) is True


async def test_finished_deliveries_past_retention_go_and_queued_ones_stay(gateway: FastAPI) -> None:
    old = NOW - 40 * DAY
    rows = [
        delivery(1, status="sent", finished=NOW - 31 * DAY, created=old),
        delivery(2, status="failed", finished=NOW - 31 * DAY, created=old),
        delivery(3, status="sent", finished=NOW - 35 * DAY, created=old),
        delivery(4, status="sent", finished=NOW - 29 * DAY, created=old),
        delivery(5, status="failed", finished=NOW - DAY, created=old),
        delivery(6, status="queued", finished=None, created=old),
    ]
    async with gateway.state.sessionmaker() as session, session.begin():
        session.add_all(rows)

    pruned = await housekeeping(gateway).run_once()

    assert pruned == Pruned(processed_webhooks=0, deliveries=3)
    assert await delivery_ids(gateway) == ["dlv_004", "dlv_005", "dlv_006"]
    assert await housekeeping(gateway).run_once() == Pruned()
