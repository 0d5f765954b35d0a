"""The ``guildhall`` command."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gateway.settings import GatewaySettings
from guildhall.http import serve_http
from guildhall.parts import GATEWAY, MIGRATED_PARTS, SERVICES, database_url_of
from kit.logging import configure_logging
from kit.migrations import upgrade_sync
from kit.runtime import settle_heap

app = typer.Typer(help="Guildhall: the backend for communities that stay alive.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys: mint and list.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
import_app = typer.Typer(help="Bring existing data in.", no_args_is_help=True)
app.add_typer(import_app, name="import")
leaderboard_app = typer.Typer(help="Leaderboards: rebuild from the ledger, check against it.", no_args_is_help=True)
app.add_typer(leaderboard_app, name="leaderboard")
deposits_app = typer.Typer(help="Deposit challenges: check the money journal.", no_args_is_help=True)
app.add_typer(deposits_app, name="deposits")
clock_app = typer.Typer(help="Test clocks of sandbox communities: show and advance.", no_args_is_help=True)
app.add_typer(clock_app, name="clock")
events_app = typer.Typer(help="Event consumer groups: list dead letters and re-drive them.", no_args_is_help=True)
app.add_typer(events_app, name="events")
certificates_app = typer.Typer(help="Certificates: sign them again after a key or suite change.", no_args_is_help=True)
app.add_typer(certificates_app, name="certificates")


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


DataDirOption = Annotated[
    Path | None,
    typer.Option(help="Where the SQLite files live (default: GUILDHALL_DATA_DIR, ./.guildhall).", file_okay=False),
]
PublicUrlOption = Annotated[
    str | None,
    typer.Option(
        help="The address people reach this server at, for join links and certificate pages"
        " (default: GUILDHALL_PUBLIC_URL, else http://HOST:PORT)."
    ),
]


@app.command(epilog="Other settings come from GUILDHALL_* environment variables, e.g. GUILDHALL_BOOTSTRAP_API_KEY.")
def dev(
    host: HostOption = None,
    port: PortOption = None,
    data_dir: DataDirOption = None,
    public_url: PublicUrlOption = None,
) -> None:
    """Run everything in one process: SQLite files under the data directory, an in-process Redis."""
    from guildhall.devserver import run_embedded

    # Every part reads its own settings from the environment, so the flags are handed on that way.
    if data_dir is not None:
        os.environ["GUILDHALL_DATA_DIR"] = str(data_dir)
    settings = GatewaySettings()
    configure_logging(settings.log_level, json_lines=False)
    host, port = host or settings.host, port or settings.port
    # Join links and certificate pages point at this server unless the operator named a public address.
    if public_url is not None:
        os.environ["GUILDHALL_PUBLIC_URL"] = public_url
    os.environ.setdefault("GUILDHALL_PUBLIC_URL", f"http://{host}:{port}")
    asyncio.run(run_embedded(settings, host=host, port=port))


@app.command()
def serve(part: Servable, host: HostOption = None, port: PortOption = None) -> None:
    """Run one part's HTTP server (distributed mode)."""
    settings = _logging()
    if part.value == GATEWAY:
        missing = [n for n in SERVICES if getattr(settings, f"{n}_url") is None]
        if missing:
            names = ", ".join(f"GUILDHALL_{n.upper()}_URL" for n in missing)
            raise typer.BadParameter(f"the gateway needs the services' URLs in distributed mode: set {names}")
        from gateway import app as gateway_app  # the GraphQL schema is costly to import: only where served

        application = gateway_app.create_app(settings)
    else:
        application = SERVICES[part.value].build(SERVICES[part.value].settings())
    asyncio.run(serve_http(application, host=host or settings.host, port=port or settings.port))


@app.command()
def worker(part: Servable) -> None:
    """Run one part's background work: its outbox relay and its event consumers (the gateway: its relay and
    the chat dispatcher)."""
    from guildhall.workers import gateway_workers, run_until_stopped, workers_of

    _logging()

    async def main() -> None:
        if part is Servable.gateway:
            gateway_settings = GatewaySettings()
            from gateway import app as gateway_app

            application = gateway_app.create_app(gateway_settings)
        else:
            service = SERVICES[part.value]
            settings = service.settings()
            application = service.build(settings)
        stop = asyncio.Event()
        _stop_on_signals(stop)
        async with application.router.lifespan_context(application):
            settle_heap()
            if part is Servable.gateway:
                workers = gateway_workers(application, gateway_settings)
            else:
                workers = workers_of(service, application, settings)
            await run_until_stopped(workers, stop)

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


@import_app.command("members")
def import_members(
    csv_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="UTF-8 CSV, header row first.")],
    community: Annotated[str, typer.Option(help="The community to import into.")],
    tier: Annotated[str | None, typer.Option(help="Tier key for rows that name none.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row; keep nothing.")] = False,
    errors: Annotated[Path | None, typer.Option(help="Also write the row errors to this CSV file.")] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=500, help="Rows per request (one transaction each).")] = 200,
) -> None:
    """Import members from CSV: display_name, external_ref, tier, role, a column per platform (telegram,
    wecom, ...), attr.<name>, tags (a;b), joined_at, expires_at. Bad rows are reported and change nothing;
    people already imported are skipped, so running the same file again is safe."""
    from guildhall import importcli

    _logging()
    try:
        rows, problems = importcli.read_rows(csv_file)
    except importcli.ImportRefused as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(2) from None

    async def run() -> importcli.ImportReport:
        async with importcli.membership_http() as http:
            with typer.progressbar(length=len(rows), label="importing") as bar:
                return await importcli.import_members(
                    http,
                    rows,
                    community_id=community,
                    tier=tier,
                    dry_run=dry_run,
                    batch_size=batch_size,
                    on_batch=bar.update,
                )

    try:
        report = asyncio.run(run())
    except importcli.ImportRefused as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(2) from None
    report.problems = sorted([*problems, *report.problems], key=lambda problem: problem.row)
    report.failed += len({problem.row for problem in problems})
    for problem in report.problems:
        typer.echo(f"row {problem.row}: {problem.field}: {problem.reason}")
    if errors is not None:
        importcli.write_problems(errors, report.problems)
    if dry_run:
        typer.echo(f"dry run: {report.valid} valid, {report.skipped} skipped, {report.failed} failed; nothing was kept")
    else:
        typer.echo(f"created {report.created}, skipped {report.skipped}, failed {report.failed}")
    if report.failed:
        raise typer.Exit(1)


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


@deposits_app.command("check")
def deposits_check(
    community: Annotated[str | None, typer.Option("--community", help="Only this community (default: all).")] = None,
) -> None:
    """Check the deposit journal: every transaction balances, no balance is negative, nothing was paid out
    that was not payable, no member got back more than their stake plus share; exit 1 on a violation."""
    from guildhall.depositcli import check

    audit = asyncio.run(check(community))
    for line in audit.violations:
        typer.echo(line)
    typer.echo(f"{audit.transactions} transactions, {audit.postings} postings, {audit.accounts} accounts")
    typer.echo("consistent" if not audit.violations else f"{len(audit.violations)} violations")
    raise typer.Exit(1 if audit.violations else 0)


@certificates_app.command("resign")
def certificates_resign(
    community: Annotated[str | None, typer.Option("--community", help="Only this community (default: all).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would be signed; change nothing.")] = False,
) -> None:
    """Sign every issued certificate again (eddsa-rdfc-2022, the issuer's did:key, a place in its community's
    status list); texts and serials stay as issued, so links and printed copies keep working."""
    from guildhall.certificatecli import resign

    count = asyncio.run(resign(community, dry_run=dry_run))
    typer.echo(f"{count} certificates {'would be signed' if dry_run else 'signed'} again")


def _consumer_group(group: str) -> str:
    from guildhall.eventscli import GROUPS

    if group not in GROUPS:
        raise typer.BadParameter(f"no consumer group {group!r}; the groups are {', '.join(GROUPS)}")
    return group


GroupArgument = Annotated[
    str, typer.Argument(help="The consumer group (a service, or gateway.dispatch).", callback=_consumer_group)
]


@events_app.command("dead")
def events_dead(group: GroupArgument) -> None:
    """List the group's dead letters (dead.<group>), oldest first: id, stream, entry, type, when, reason."""
    from guildhall.eventscli import dead, line

    letters = asyncio.run(dead(group))
    for letter in letters:
        typer.echo(line(letter))
    typer.echo(f"{len(letters)} dead letters in dead.{group}")


@events_app.command("redrive")
def events_redrive(
    group: GroupArgument,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be moved.")] = False,
) -> None:
    """Put the group's dead letters back on their source streams for another try (fix the cause first).
    Safe to repeat: the group's inbox turns an event it already handled into a no-op."""
    from guildhall.eventscli import line, redrive

    moved, left = asyncio.run(redrive(group, dry_run=dry_run))
    for letter in moved:
        typer.echo(line(letter))
    verb = "would move" if dry_run else "moved"
    typer.echo(f"{verb} {len(moved)} dead letters of {group}; {left} stay in dead.{group}")


GatewayUrlOption = Annotated[
    str | None, typer.Option("--url", help="The gateway (default: http://GUILDHALL_HOST:GUILDHALL_PORT).")
]
ApiKeyOption = Annotated[
    str, typer.Option("--api-key", envvar="GUILDHALL_API_KEY", help="An admin key of the gateway.")
]
ToOption = Annotated[datetime | None, typer.Option(help="To this time (UTC unless it says otherwise); safe to retry.")]


def _gateway_url(url: str | None) -> str:
    if url is not None:
        return url
    settings = GatewaySettings()
    return f"http://{settings.host}:{settings.port}"


@clock_app.command("show")
def clock_show(community: CommunityOption, api_key: ApiKeyOption, url: GatewayUrlOption = None) -> None:
    """Print where a sandbox community's test clock stands."""
    from guildhall import clockcli

    async def run() -> str:
        async with clockcli.gateway_http(_gateway_url(url), api_key) as http:
            return await clockcli.show(http, community)

    try:
        typer.echo(asyncio.run(run()))
    except clockcli.ClockRefused as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(1) from None


@clock_app.command("advance")
def clock_advance(
    community: CommunityOption,
    api_key: ApiKeyOption,
    by: Annotated[str | None, typer.Option(help="How far: 21d, 36h, 1d12h, 90m.")] = None,
    to: ToOption = None,
    step: Annotated[str, typer.Option(help="Due work runs at least this often on the way (1m to 1d).")] = "1h",
    url: GatewayUrlOption = None,
) -> None:
    """Move a sandbox community's test clock forward; everything that falls due on the way runs, in every service."""
    from guildhall import clockcli

    if (by is None) == (to is None):
        raise typer.BadParameter("give exactly one of --by and --to")
    at = to.replace(tzinfo=UTC) if to is not None else None

    async def run() -> list[str]:
        async with clockcli.gateway_http(_gateway_url(url), api_key) as http:
            return await clockcli.advance(http, community, to=at, by=by, step=step)

    try:
        lines = asyncio.run(run())
    except clockcli.ClockRefused as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(1) from None
    for line in lines:
        typer.echo(line)


def main() -> None:
    app()
