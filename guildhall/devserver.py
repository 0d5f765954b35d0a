"""``guildhall dev``: the embedded Guildhall behind a real HTTP server."""

from __future__ import annotations

import logging

from sqlmodel import select

from gateway import keys
from gateway.models import ApiKey
from gateway.settings import GatewaySettings
from guildhall.embedded import EmbeddedGuildhall
from guildhall.http import serve_http
from kit.warmup import warm_up

log = logging.getLogger("guildhall")


async def _first_key_if_none(guildhall: EmbeddedGuildhall) -> str | None:
    """On a brand-new data directory with no bootstrap key, mint a platform key so the tour can start."""
    assert guildhall.gateway is not None
    async with guildhall.gateway.state.sessionmaker() as session, session.begin():
        if (await session.exec(select(ApiKey.id).limit(1))).first() is not None:
            return None
        _, minted = await keys.create_key(session, name="first dev key", community_id=None)
    return minted.plaintext


async def run_embedded(settings: GatewaySettings, *, host: str, port: int) -> None:
    async with EmbeddedGuildhall(gateway_settings=settings) as guildhall:
        assert guildhall.gateway is not None
        first_key = await _first_key_if_none(guildhall)
        url = f"http://{host}:{port}"
        lines = [f"Guildhall (embedded) on {url}  ·  data in {settings.data_dir.resolve()}"]
        if settings.graphiql_enabled:
            lines.append(f"GraphiQL: {url}/graphql")
        if first_key:
            lines.append(f"A platform-admin API key was minted for you (shown once): {first_key}")
        print("\n" + "\n".join(lines) + "\n", flush=True)  # noqa: T201
        for app in guildhall.services.values():
            await warm_up(app)
        # The lifespans are ours (entered above), so uvicorn must not run them again.
        await serve_http(guildhall.gateway, host=host, port=port, lifespan="off")
        log.info("shutting down: stopping workers and closing databases")
