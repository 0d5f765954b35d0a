"""The server under test for ``ingress``: the gateway and its outbox relay in one process.

That is the gateway's part of distributed mode (the services run elsewhere and are not called by the
ingress). Configured by the usual ``GUILDHALL_*`` variables (``GUILDHALL_GATEWAY_DATABASE_URL``,
``GUILDHALL_REDIS_URL``); migrates the gateway database at startup. Two routes of its own:

- ``POST /bench/connections``: ``{"platform": {credentials}, ...}`` → ``{"platform": connection_id}``,
  connections of one community written straight to the gateway's table;
- ``GET /bench/counts``: outbox rows (all, and published by the relay), dedupe rows, and the length of the
  gateway's stream in Redis, for checking afterwards that a duplicate delivery had no effect.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from sqlalchemy import func
from sqlmodel import select
from starlette.types import Receive, Scope, Send

from gateway import app as gateway_app
from gateway.connections.cipher import CredentialCipher, key_from_settings
from gateway.connections.store import create_connection
from gateway.models import ProcessedWebhook
from gateway.settings import GatewaySettings
from guildhall.parts import GATEWAY
from guildhall.workers import gateway_workers
from kit.events.envelope import stream_of
from kit.logging import configure_logging
from kit.migrations import upgrade
from kit.runtime import settle_heap
from kit.tables import outbox

COMMUNITY = "cmty_01benchingress00000000000"


def create_app() -> Any:
    settings = GatewaySettings()
    # The ingress calls no service; GraphQL's clients need somewhere to point all the same.
    unused = dict.fromkeys(("membership_url", "gamification_url", "content_url"), "http://127.0.0.1:9")
    settings = settings.model_copy(update={k: v for k, v in unused.items() if getattr(settings, k) is None})
    configure_logging(settings.log_level, json_lines=False)
    gateway = gateway_app.create_app(settings)
    stack = AsyncExitStack()
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    bench = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @bench.post("/bench/connections")
    async def connections(request: Request) -> dict[str, str]:
        cipher = CredentialCipher(key_from_settings(settings))
        wanted: dict[str, dict[str, str]] = await request.json()
        created: dict[str, str] = {}
        async with gateway.state.sessionmaker() as session, session.begin():
            for platform, credentials in wanted.items():
                row = create_connection(
                    session,
                    cipher,
                    community_id=COMMUNITY,
                    platform=platform,
                    name=f"bench {platform}",
                    credentials=credentials,
                    now=datetime.now(UTC),
                )
                created[platform] = row.id
        return created

    @bench.get("/bench/counts")
    async def counts() -> dict[str, int]:
        async with gateway.state.sessionmaker() as session:
            rows = (await session.exec(select(func.count()).select_from(outbox))).one()
            published = (
                await session.exec(select(func.count()).select_from(outbox).where(outbox.c.published_at.is_not(None)))
            ).one()
            processed = (await session.exec(select(func.count()).select_from(ProcessedWebhook))).one()
        stream = await gateway.state.redis.xlen(stream_of(GATEWAY))
        return {"outbox": int(rows), "published": int(published), "processed": int(processed), "stream": int(stream)}

    async def startup() -> None:
        await upgrade(GATEWAY, settings.database_url)
        await stack.enter_async_context(gateway.router.lifespan_context(gateway))
        await gateway.state.redis.delete(stream_of(GATEWAY))  # this run's events only
        tasks.extend(asyncio.create_task(worker(stop)) for worker in gateway_workers(gateway, settings))
        settle_heap()  # as `guildhall serve` does

    async def shutdown() -> None:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await stack.aclose()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await startup()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await shutdown()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope.get("path", "").startswith("/bench/"):
            await bench(scope, receive, send)
            return
        await gateway(scope, receive, send)

    return app
