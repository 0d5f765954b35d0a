"""The ``guildhall`` command."""

from __future__ import annotations

import asyncio
import signal
from enum import StrEnum
from typing import Annotated

import typer

from gateway import app as gateway_app
from gateway.settings import GatewaySettings
from guildhall.http import serve_http
from guildhall.parts import GATEWAY, MIGRATED_PARTS, SERVICES, database_url_of
from kit.logging import configure_logging
from kit.migrations import upgrade_sync

app = typer.Typer(help="Guildhall: the backend for communities that stay alive.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys: mint and list.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
leaderboard_app = typer.Typer(help="Leaderboards: rebuild from the ledger, check against it.", no_args_is_help=True)
app.add_typer(leaderboard_app, name="leaderboard")


class Service(StrEnum):
    membership = "membership"
    gamification = "gamification"
    content = "content"


class Servable(StrEnum):
    membership = "membership"
    gamification = "gamification"
    content = "content"
    gateway = "gateway"


class Part(StrEnum):
    membership = "membership"
    gamification = "gamification"
    content = "content"
    gateway = "gateway"


HostOption = Annotated[str | None, typer.Option(help="Interface to listen on (default: GUILDHALL_HOST).")]
PortOption = Annotated[int | None, typer.Option(help="Port to listen on (default: GUILDHALL_PORT, 8000).")]


def _logging() -> GatewaySettings:
    settings = GatewaySettings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    return settings


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


@app.command()
def dev(host: HostOption = None, port: PortOption = None) -> None:
    """Run everything in one process: SQLite files under the data directory, an in-process Redis."""
    from guildhall.devserver import run_embedded

    settings = GatewaySettings()
    configure_logging(settings.log_level, json_lines=False)
    asyncio.run(run_embedded(settings, host=host or settings.host, port=port or settings.port))


@app.command()
def serve(part: Servable, host: HostOption = None, port: PortOption = None) -> None:
    """Run one part's HTTP server (distributed mode)."""
    settings = _logging()
    if part.value == GATEWAY:
        missing = [n for n in SERVICES if getattr(settings, f"{n}_url") is None]
        if missing:
            names = ", ".join(f"GUILDHALL_{n.upper()}_URL" for n in missing)
            raise typer.BadParameter(f"the gateway needs the services' URLs in distributed mode: set {names}")
        application = gateway_app.create_app(settings)
    else:
        application = SERVICES[part.value].build(SERVICES[part.value].settings())
    asyncio.run(serve_http(application, host=host or settings.host, port=port or settings.port))


@app.command()
def worker(service: Service) -> None:
    """Run one service's background work: its outbox relay and its event consumers."""
    from guildhall.workers import run_until_stopped, workers_of

    _logging()
    part = SERVICES[service.value]

    async def main() -> None:
        settings = part.settings()
        application = part.build(settings)
        stop = asyncio.Event()
        _stop_on_signals(stop)
        async with application.router.lifespan_context(application):
            await run_until_stopped(workers_of(part, application, settings), stop)

    asyncio.run(main())


@app.command()
def migrate(part: Annotated[Part | None, typer.Option("--service", help="Only this part's database.")] = None) -> None:
    """Bring every part's database (or one) to the newest schema."""
    parts = [part.value] if part else list(MIGRATED_PARTS)
    for name in parts:
        upgrade_sync(name, database_url_of(name))
        typer.echo(f"migrated {name}")


@keys_app.command("create")
def keys_create(
    community: Annotated[
        str | None, typer.Option(help="The community the key acts for; omit for a platform key.")
    ] = None,
    name: Annotated[str, typer.Option(help="A name to recognise the key by.")] = "cli",
) -> None:
    """Mint an API key and print it. It is shown this once."""
    from guildhall.keycli import create_key

    typer.echo(asyncio.run(create_key(name=name, community_id=community)))


@keys_app.command("list")
def keys_list() -> None:
    """List API keys (never their secrets)."""
    from guildhall.keycli import list_keys

    for line in asyncio.run(list_keys()):
        typer.echo(line)


CommunityOption = Annotated[str, typer.Option("--community", help="The community's id.")]


@leaderboard_app.command("rebuild")
def leaderboard_rebuild(community: CommunityOption) -> None:
    """Rebuild every window's current board of a community from the points ledger."""
    from guildhall.leaderboardcli import rebuild

    total = asyncio.run(rebuild(community, echo=typer.echo))
    typer.echo(f"rebuilt {total} board entries")


@leaderboard_app.command("check")
def leaderboard_check(community: CommunityOption) -> None:
    """Compare the boards with the ledger's sums; exit 1 when they disagree."""
    from guildhall.leaderboardcli import check

    mismatches = asyncio.run(check(community))
    for line in mismatches:
        typer.echo(line)
    typer.echo("consistent" if not mismatches else f"{len(mismatches)} mismatches")
    raise typer.Exit(1 if mismatches else 0)


def main() -> None:
    app()
