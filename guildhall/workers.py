"""Background work of a service: its outbox relay and its consumer group."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from fastapi import FastAPI

from guildhall.parts import GATEWAY, ServicePart
from kit.events import ConsumerGroup, OutboxRelay
from kit.settings import KitSettings
from services.membership import jobs as membership_jobs

log = logging.getLogger(__name__)

Worker = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


def relay_of(producer: str, app: FastAPI, settings: KitSettings) -> OutboxRelay:
    return OutboxRelay(
        producer=producer,
        sessionmaker=app.state.sessionmaker,
        redis=app.state.redis,
        stream_maxlen=settings.event_stream_maxlen,
        retention=timedelta(hours=settings.outbox_retention_hours),
    )


def gateway_workers(app: FastAPI, settings: KitSettings) -> list[Worker]:
    """The gateway's background work: the relay that publishes accepted webhooks as ``chat.*`` events."""
    return [relay_of(GATEWAY, app, settings).run]


def workers_of(part: ServicePart, app: FastAPI, settings: KitSettings) -> list[Worker]:
    """The relay and the consumer group of one service, running against its app's database and Redis."""
    state = app.state
    workers: list[Worker] = [relay_of(part.name, app, settings).run]
    if part.streams:
        consumer = ConsumerGroup(
            group=part.name,
            streams=part.streams,
            subscriptions=part.subscriptions,
            sessionmaker=state.sessionmaker,
            redis=state.redis,
        )
        workers.append(consumer.run)
    if part.name == "membership":
        workers.extend(standing_and_purge_workers(app))
    return workers


def standing_and_purge_workers(app: FastAPI) -> list[Worker]:
    """Membership's scheduled standing recomputation and purge removals, each community on its own clock."""
    state = app.state

    async def standing() -> None:
        await membership_jobs.recompute_standing_everywhere(state.sessionmaker, state.clocks)

    async def purges() -> None:
        await membership_jobs.run_due_purges_everywhere(state.sessionmaker, state.clocks)

    return [
        _repeat("standing.recompute", standing, every=membership_jobs.STANDING_EVERY_SECONDS),
        _repeat("purge.remove", purges, every=membership_jobs.PURGE_EVERY_SECONDS),
    ]


def _repeat(name: str, job: Callable[[], Awaitable[None]], *, every: float) -> Worker:
    """Run ``job`` now and then every ``every`` seconds until stopped; a failed pass is logged, not fatal."""

    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await job()
            except Exception:
                log.exception("scheduled job failed", extra={"job": name})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)

    return run


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
