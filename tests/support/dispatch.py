"""Running the gateway's chat dispatcher in tests: a gateway app on a test backend, connections, commands
published on a service's stream as its relay would, and the dispatcher's workers started and stopped."""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from pydantic import SecretStr
from sqlmodel import col, select

from contracts.chat import ChatAction, ChatAddress, ChatSend
from gateway import app as gateway_app
from gateway.connections.cipher import CredentialCipher, key_from_settings
from gateway.connections.store import create_connection
from gateway.dispatch import Dispatcher, build_dispatcher
from gateway.models import ChatDelivery
from gateway.settings import GatewaySettings
from kit.events import ConsumerGroup, Envelope
from kit.events.envelope import stream_of
from kit.ids import new_id
from kit.runtime import GC_THRESHOLD
from kit.tables import outbox
from tests.support.backends import Backend
from tests.support.guildhall import INTERNAL_SECRET, eventually

# Telegram's limits run 15 times faster in these tests: 5 messages a second per group, 450 per bot.
SCALE = 15.0


def dispatch_settings(backend: Backend, telegram_url: str, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "env": "test",
        "redis_url": backend.redis_url,
        "internal_secret": SecretStr(INTERNAL_SECRET),
        "gateway_database_url": backend.database_urls["gateway"],
        "telegram_api_url": telegram_url,
        # The dispatcher calls no service; the gateway app only needs to know where they would be.
        "membership_url": "http://membership.invalid",
        "gamification_url": "http://gamification.invalid",
        "content_url": "http://content.invalid",
        "dispatch_limit_scale": SCALE,
        "dispatch_limit_headroom": 0.1,
        "dispatch_backoff_seconds": 0.05,
        "dispatch_backoff_max_seconds": 0.2,
        "dispatch_poll_seconds": 0.2,
        "platform_timeout_seconds": 5.0,
    }
    return GatewaySettings(**{**values, **overrides})


@dataclass
class DispatchHarness:
    app: FastAPI
    settings: GatewaySettings
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    dispatchers: list[Dispatcher] = field(default_factory=list)

    async def connection(self, community_id: str, *, bot_token: str = "111:token") -> str:
        cipher = CredentialCipher(key_from_settings(self.settings))
        async with self.app.state.sessionmaker() as session, session.begin():
            row = create_connection(
                session,
                cipher,
                community_id=community_id,
                platform="telegram",
                name="bot",
                credentials={"bot_token": bot_token, "secret_token": "s"},
                now=datetime.now(UTC),
            )
        return row.id

    async def publish(
        self,
        command: ChatSend | ChatAction,
        *,
        community_id: str | None,
        producer: str = "membership",
        envelope_id: str | None = None,
    ) -> Envelope:
        envelope = Envelope(
            id=envelope_id or new_id("evt"),
            type=command.event_type,
            community_id=community_id,
            occurred_at=datetime.now(UTC),
            producer=producer,
            data=command.model_dump(mode="json"),
        )
        await self.app.state.redis.xadd(stream_of(producer), {"envelope": envelope.model_dump_json()})
        return envelope

    def intake(self) -> ConsumerGroup:
        intake, _ = build_dispatcher(self.app, self.settings)
        return intake

    def start(self, *, replicas: int = 1, intake: bool = True) -> None:
        """Run the intake and ``replicas`` senders (each with its own limiter and state) in the background."""
        for index in range(replicas):
            consumer, dispatcher = build_dispatcher(self.app, self.settings)
            self.dispatchers.append(dispatcher)
            if intake and index == 0:
                self._tasks.append(asyncio.create_task(consumer.run(self._stop)))
            self._tasks.append(asyncio.create_task(dispatcher.run(self._stop)))

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)
        for task in self._tasks:
            task.result()

    async def deliveries(self) -> list[ChatDelivery]:
        async with self.app.state.sessionmaker() as session:
            return list(await session.exec(select(ChatDelivery).order_by(col(ChatDelivery.id))))

    async def delivery(self, command_id: str) -> ChatDelivery | None:
        async with self.app.state.sessionmaker() as session:
            rows = await session.exec(select(ChatDelivery).where(ChatDelivery.command_id == command_id))
            found: ChatDelivery | None = rows.first()
            return found

    async def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """The gateway's outbox envelopes (``chat.delivered`` and ``chat.delivery_failed``), oldest first."""
        async with self.app.state.sessionmaker() as session:
            rows = (await session.exec(select(outbox.c.envelope).order_by(outbox.c.seq))).all()
        envelopes = [json.loads(row) for row in rows]
        return [e for e in envelopes if event_type is None or e["type"] == event_type]


@asynccontextmanager
async def dispatch_harness(settings: GatewaySettings) -> AsyncIterator[DispatchHarness]:
    app = gateway_app.create_app(settings)
    async with app.router.lifespan_context(app):
        harness = DispatchHarness(app, settings)
        try:
            with settled_heap():
                yield harness
        finally:
            if not harness._stop.is_set():
                await harness.stop()


@contextmanager
def settled_heap() -> Iterator[None]:
    """The heap settled as the gateway worker settles it (``kit.runtime.settle_heap``), for the test's length:
    a full collection walking the test process's large heap pauses the senders between a slot and its request,
    bunching requests into one of the platform's windows. Unfrozen and the thresholds restored afterwards."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def send(connection_id: str, chat_id: str, text: str = "hello", *, command_id: str | None = None) -> ChatSend:
    return ChatSend(
        command_id=command_id or new_id("cmd"),
        chat=ChatAddress(platform="telegram", connection_id=connection_id, platform_chat_id=chat_id),
        text=text,
    )


def remove(connection_id: str, chat_id: str, user_id: str, *, command_id: str | None = None) -> ChatAction:
    return ChatAction(
        command_id=command_id or new_id("cmd"),
        chat=ChatAddress(platform="telegram", connection_id=connection_id, platform_chat_id=chat_id),
        platform_user_id=user_id,
        action="remove",
    )


async def until(check: Callable[[], object], *, within: float = 20.0) -> None:
    """Wait until ``check()`` holds (what arrived at a fake platform, say), at most ``within`` seconds."""

    async def probe() -> bool | None:
        return True if check() else None

    await eventually(probe, within=within)


async def nonempty(found: Awaitable[list[dict[str, Any]]]) -> list[dict[str, Any]] | None:
    return (await found) or None
