"""Distributed mode: every part its own process, configured only by URLs, talking real HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

import httpx
import pytest

from kit.auth import PRINCIPAL_HEADER, Principal, sign_principal
from tests.e2e.test_community_slice import community_with_defaults
from tests.support.backends import Backend
from tests.support.factories import create_community
from tests.support.guildhall import ADMIN_KEY, INTERNAL_SECRET, GraphQL, eventually
from tests.support.processes import MIGRATE_OUTPUT, Processes, free_port

SERVICES = ("membership", "gamification", "content")


@pytest.fixture
def processes(backend: Backend) -> Iterator[Processes]:
    env = {
        "GUILDHALL_ENV": "test",
        "GUILDHALL_LOG_JSON": "true",
        "GUILDHALL_REDIS_URL": backend.redis_url,
        "GUILDHALL_INTERNAL_SECRET": INTERNAL_SECRET,
        "GUILDHALL_BOOTSTRAP_API_KEY": ADMIN_KEY,
        **{f"GUILDHALL_{part.upper()}_DATABASE_URL": url for part, url in backend.database_urls.items()},
    }
    running = Processes(env)
    yield running
    running.stop_all()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_parts_in_their_own_processes_serve_the_slice(processes: Processes) -> None:
    migrated = processes.run("migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.split() == MIGRATE_OUTPUT

    ports = {name: free_port() for name in (*SERVICES, "gateway")}
    processes.env.update({f"GUILDHALL_{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}" for name in SERVICES})
    servers = [processes.start("serve", name, "--port", str(port), port=port) for name, port in ports.items()]
    for service in SERVICES:
        processes.start("worker", service)
    for server in servers:
        await processes.wait_healthy(server)

    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{ports['gateway']}", headers={"Authorization": f"Bearer {ADMIN_KEY}"}
    ) as http:
        admin = GraphQL(http)
        created = await create_community(admin, name="Across processes", timezone="America/Sao_Paulo")
        community = await community_with_defaults(admin, created["id"])
        await a_test_clock_moves_for_every_process(admin, ports)

    assert community["timezone"] == "America/Sao_Paulo"
    assert len(community["levels"]) == 5
    assert "Across processes" in community["welcomeTemplate"]["body"]
    exit_codes = processes.stop_all()
    assert set(exit_codes.values()) == {0}, exit_codes


def test_the_gateway_refuses_to_start_distributed_without_the_service_urls(processes: Processes) -> None:
    result = processes.run("serve", "gateway", "--port", str(free_port()), timeout=30)

    assert result.returncode != 0
    assert "GUILDHALL_MEMBERSHIP_URL" in result.stderr + result.stdout


SANDBOX = """
mutation($input: CreateCommunityInput!) {
  createCommunity(input: $input) { __typename ... on CreateCommunitySuccess { community { id } } }
}
"""
ADVANCE = """
mutation($input: AdvanceTestClockInput!) {
  advanceTestClock(input: $input) {
    __typename ... on AdvanceTestClockSuccess { testClock { now } ran { service work } } ... on UserError { code }
  }
}
"""
DAY_BOARD = "query($id: ID!) { leaderboard(communityId: $id, window: DAY) { period } }"


async def a_test_clock_moves_for_every_process(admin: GraphQL, ports: dict[str, int]) -> None:
    """A sandbox's clock, advanced through the gateway and then straight at its owner, moves in every process."""
    input = {"name": "Sandbox", "timezone": "UTC", "sandbox": True, "testClockStart": "2026-03-01T08:00:00Z"}
    cid = (await admin(SANDBOX, input=input))["data"]["createCommunity"]["community"]["id"]
    await community_with_defaults(admin, cid)

    def day_board_at(day: str) -> Callable[[], Awaitable[str | None]]:
        async def probe() -> str | None:
            period: str = (await admin(DAY_BOARD, id=cid))["data"]["leaderboard"]["period"]
            return period if period == day else None

        return probe

    # Every process learns a new sandbox's clock within a refresh (about a second).
    before = await eventually(day_board_at("2026-03-01"), within=3.0)
    advanced = (await admin(ADVANCE, input={"communityId": cid, "by": "2d", "step": "1d"}))["data"]
    # Straight to the owner, past the gateway: only Redis tells the gamification process about this one.
    principal = sign_principal(Principal(role="platform_admin", key_id="key_admin"), INTERNAL_SECRET)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{ports['membership']}", headers={PRINCIPAL_HEADER: principal}
    ) as membership:
        moved = await membership.post(f"/v1/communities/{cid}/test-clock/advance", json={"by": "1d"})
    seen = await eventually(day_board_at("2026-03-04"), within=3.0)

    assert before == "2026-03-01"
    assert advanced["advanceTestClock"]["testClock"] == {"now": "2026-03-03T08:00:00+00:00"}
    assert {run["service"] for run in advanced["advanceTestClock"]["ran"]} >= {"membership", "gamification"}
    assert moved.status_code == 200, moved.text
    assert seen == "2026-03-04"
