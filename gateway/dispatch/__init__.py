"""The chat dispatcher: executes every service's ``chat.send`` and ``chat.action`` commands.

``intake`` accepts the commands from the event streams into the delivery log; ``sender`` sends them
fairly (``schedule``) within the platforms' limits (``limits``), shared by all replicas through Redis
(``limiter``), and records each outcome (``delivery``) with its ``chat.delivered`` or
``chat.delivery_failed`` event. ADR 0016 explains the design.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI

from gateway.dispatch.intake import GROUP, STREAMS, accept_command, intake_subscriptions
from gateway.dispatch.limiter import RateLimiter
from gateway.dispatch.sender import Dispatcher, DispatchSettings
from gateway.settings import GatewaySettings
from kit.events import ConsumerGroup

Worker = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


def build_dispatcher(app: FastAPI, settings: GatewaySettings) -> tuple[ConsumerGroup, Dispatcher]:
    """The intake consumer group and the sender of a gateway app whose lifespan is running."""
    state = app.state
    dispatcher = Dispatcher(
        sessionmaker=state.sessionmaker,
        limiter=RateLimiter(state.redis),
        connectors=state.connectors,
        directory=state.connection_directory,
        settings=DispatchSettings.of(settings),
    )
    intake = ConsumerGroup(
        group=GROUP,
        streams=STREAMS,
        subscriptions=intake_subscriptions(now=lambda: datetime.now(UTC), on_queued=dispatcher.wake),
        sessionmaker=state.sessionmaker,
        redis=state.redis,
    )
    return intake, dispatcher


def dispatch_workers(app: FastAPI, settings: GatewaySettings) -> list[Worker]:
    intake, dispatcher = build_dispatcher(app, settings)
    return [intake.run, dispatcher.run]


__all__ = [
    "GROUP",
    "STREAMS",
    "DispatchSettings",
    "Dispatcher",
    "RateLimiter",
    "accept_command",
    "build_dispatcher",
    "dispatch_workers",
    "intake_subscriptions",
]
