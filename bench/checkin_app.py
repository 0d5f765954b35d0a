"""The server under test for ``checkin_storm``: the gamification service's HTTP app, as ``guildhall serve
gamification`` runs it (its relay and consumers run in another process, ``guildhall worker gamification``).

Configured by the usual ``GUILDHALL_*`` variables; the database is migrated and seeded by the benchmark
before this starts. The heap is settled once the lifespan has started, as ``guildhall serve`` does.
"""

from __future__ import annotations

from typing import Any

from starlette.types import Message, Receive, Scope, Send

from kit.logging import configure_logging
from kit.runtime import settle_heap
from services.gamification.app import create_app as create_gamification
from services.gamification.settings import GamificationSettings


def create_app() -> Any:
    settings = GamificationSettings()
    configure_logging(settings.log_level, json_lines=False)
    service = create_gamification(settings)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await service(scope, receive, send)
            return

        async def send_and_settle(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                settle_heap()
            await send(message)

        await service(scope, receive, send_and_settle)

    return app
