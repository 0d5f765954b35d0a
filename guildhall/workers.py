"""Background work of each part: outbox relays, consumer groups, scheduled jobs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from fastapi import FastAPI

from gateway.dispatch import dispatch_workers
from gateway.housekeeping import Housekeeping
from gateway.settings import GatewaySettings
from guildhall.parts import GATEWAY, ServicePart
from kit.events import ConsumerGroup, OutboxRelay
from kit.settings import KitSettings

log = logging.getLogger(__name__)

Worker = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


def relay_of(producer: str, app: FastAPI, settings: KitSettings) -> OutboxRelay:
    return OutboxRelay(
        producer=producer,
        sessionmaker=app.state.sessionmaker,
        redis=app.state.redis,
        stream_maxlen=settings.event_stream_maxlen,
        retention=timedelta(hours=settings.outbox_retention_hours),
        max_idle_sleep=settings.idle_poll,
    )


def gateway_workers(app: FastAPI, settings: KitSettings) -> list[Worker]:
    """The gateway's background work: the relay that publishes its ``chat.*`` events (accepted webhooks,
    delivery outcomes), the chat dispatcher (intake of every service's commands, and the sender), and the
    housekeeping that forgets old dedupe keys and finished deliveries."""
    assert isinstance(settings, GatewaySettings)
    housekeeping = Housekeeping.of(app.state.sessionmaker, settings)
    return [relay_of(GATEWAY, app, settings).run, *dispatch_workers(app, settings), housekeeping.run]


def workers_of(part: ServicePart, app: FastAPI, settings: KitSettings) -> list[Worker]:
    """The relay, the consumer group and the scheduled jobs of one service, against its app's database and Redis."""
    state = app.state
    workers: list[Worker] = [relay_of(part.name, app, settings).run]
    if part.streams:
        consumer = ConsumerGroup(
            group=part.name,
            streams=part.streams,
            subscriptions=part.subscriptions,
            sessionmaker=state.sessionmaker,
            redis=state.redis,
            max_idle_sleep=settings.idle_poll,
        )
        workers.append(consumer.run)
    if part.jobs is not None:
        workers.extend(part.jobs(app))
    return workers


async def run_until_stopped(workers: list[Worker], stop: asyncio.Event) -> None:
    """Run every worker until ``stop`` is set; a worker that crashes takes the others down with it."""
    tasks = [asyncio.create_task(worker(stop)) for worker in workers]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            if task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
    finally:
        stop.set()
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
