"""``guildhall events dead|redrive``: an operator sees what a consumer group set aside and puts it back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from guildhall.cli import app
from kit.events.envelope import stream_of
from kit.ids import new_id
from kit.redis import create_redis, forget_memory_server

runner = CliRunner()


@pytest.fixture
def redis_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    # The in-process stand-in: every client made for this name in this process shares one server.
    name = new_id("cli")
    monkeypatch.setenv("GUILDHALL_REDIS_URL", f"memory://{name}")
    yield f"memory://{name}"
    forget_memory_server(name)


def on_redis(url: str, *commands: tuple[str, tuple[Any, ...]]) -> list[Any]:
    async def run() -> list[Any]:
        redis = create_redis(url)
        try:
            return [await getattr(redis, command)(*args) for command, args in commands]
        finally:
            await redis.aclose()

    return asyncio.run(run())


ENVELOPE = '{"id": "evt_1", "type": "member.joined", "community_id": null}'


def test_redrive_lists_with_a_dry_run_and_then_moves_the_dead_letters_back(redis_url: str) -> None:
    source = stream_of("gateway")
    on_redis(
        redis_url,
        ("xadd", ("dead.membership", {"envelope": ENVELOPE, "stream": source, "entry_id": "1-0", "reason": "boom"})),
        ("xadd", ("dead.membership", {"envelope": "", "stream": source, "entry_id": "2-0", "reason": "no envelope"})),
    )

    listed = runner.invoke(app, ["events", "dead", "membership"])
    dry = runner.invoke(app, ["events", "redrive", "membership", "--dry-run"])
    [after_dry] = on_redis(redis_url, ("xlen", (source,)))
    moved = runner.invoke(app, ["events", "redrive", "membership"])
    dead_left, entries = on_redis(redis_url, ("xlen", ("dead.membership",)), ("xrange", (source,)))

    assert listed.exit_code == 0, listed.output
    assert "member.joined" in listed.output and "boom" in listed.output
    assert listed.output.strip().endswith("2 dead letters in dead.membership")
    assert dry.exit_code == 0, dry.output
    assert dry.output.strip().endswith("would move 1 dead letters of membership; 1 stay in dead.membership")
    assert after_dry == 0
    assert moved.exit_code == 0, moved.output
    assert moved.output.strip().endswith("moved 1 dead letters of membership; 1 stay in dead.membership")
    assert dead_left == 1
    assert [fields[b"envelope"] for _, fields in entries] == [ENVELOPE.encode()]


def test_an_unknown_group_is_refused_with_the_groups_there_are(redis_url: str) -> None:
    result = runner.invoke(app, ["events", "redrive", "membershp"])

    assert result.exit_code == 2
    assert "membershp" in result.output
    assert "gateway.dispatch" in result.output
