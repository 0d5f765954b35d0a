"""Sandbox communities and their test clocks, through the membership API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI

from kit import sandbox_clock
from kit.auth import Principal
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.lifecycle import outbox_events
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def test_a_sandbox_lives_on_its_test_clock_from_creation(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        created = await rest_create_community(client, sandbox=True, test_clock_start=START.isoformat())
        clock = await client.get(f"/v1/communities/{created['id']}/test-clock")

    assert created["sandbox"] is True
    assert created["test_clock_now"] == "2026-03-01T08:00:00Z"
    assert created["created_at"] == "2026-03-01T08:00:00Z"
    assert clock.json() == {"community_id": created["id"], "now": "2026-03-01T08:00:00Z"}
    assert membership.state.clocks.now(created["id"]) == START
    assert await sandbox_clock.read_one(membership.state.redis, created["id"]) == START
    [event] = await outbox_events(membership, "community.created")
    assert event["occurred_at"] == "2026-03-01T08:00:00Z"


async def test_advancing_runs_due_work_on_the_way_and_expires_a_lapsed_member(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(
            client, sandbox=True, test_clock_start=START.isoformat(), timezone="Asia/Kathmandu"
        )
        cid = community["id"]
        tier = await rest_create_tier(client, cid, period="days", period_days=7)
        member = await rest_add_member(client, cid, tier_id=tier["id"])
        advanced = await client.post(f"/v1/communities/{cid}/test-clock/advance", json={"by": "21d"})
        after = (await client.get(f"/v1/communities/{cid}/members/{member['id']}")).json()

    assert advanced.status_code == 200, advanced.text
    body = advanced.json()
    assert (body["from"], body["now"]) == ("2026-03-01T08:00:00Z", "2026-03-22T08:00:00Z")
    assert body["steps"] == 21 * 24 + 21  # every UTC hour, and each Kathmandu midnight (18:15 UTC)
    assert body["ran"]["membership.expiry"]["expired"] == 1
    assert after["membership"]["status"] == "expired"
    [expired] = await outbox_events(membership, "membership.expired")
    assert expired["occurred_at"] == "2026-03-08T08:00:00Z"  # the step at which it fell due, not the end
    assert membership.state.clocks.now(cid) == START + timedelta(days=21)
    assert await sandbox_clock.read_one(membership.state.redis, cid) == START + timedelta(days=21)


async def test_the_clock_refuses_to_go_back_or_too_far_and_changes_nothing(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client, sandbox=True, test_clock_start=START.isoformat()))["id"]
        path = f"/v1/communities/{cid}/test-clock/advance"
        back = await client.post(path, json={"to": "2026-02-01T00:00:00Z"})
        far = await client.post(path, json={"by": "401d"})
        both = await client.post(path, json={"by": "1d", "to": START.isoformat()})
        garbled = await client.post(path, json={"by": "3 weeks"})
        clock = await client.get(f"/v1/communities/{cid}/test-clock")

    assert (back.status_code, back.json()["code"], back.json()["errors"][0]["field"]) == (
        422,
        "test_clock_backwards",
        "to",
    )
    assert (far.status_code, far.json()["code"], far.json()["errors"][0]["field"]) == (
        422,
        "test_clock_advance_too_far",
        "by",
    )
    assert both.status_code == 422 and both.json()["errors"][0]["field"] == "to"
    assert garbled.status_code == 422 and garbled.json()["errors"][0]["field"] == "by"
    assert clock.json()["now"] == "2026-03-01T08:00:00Z"


async def test_a_real_community_has_no_test_clock(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        advance = await client.post(f"/v1/communities/{cid}/test-clock/advance", json={"by": "1d"})
        clock = await client.get(f"/v1/communities/{cid}/test-clock")
        start_without_sandbox = await client.post(
            "/v1/communities", json={"name": "x", "timezone": "UTC", "test_clock_start": START.isoformat()}
        )

    assert (advance.status_code, advance.json()["code"]) == (409, "not_a_sandbox")
    assert (clock.status_code, clock.json()["code"]) == (409, "not_a_sandbox")
    assert start_without_sandbox.status_code == 422
    assert start_without_sandbox.json()["errors"][0]["field"] == "test_clock_start"
    assert await sandbox_clock.read_one(membership.state.redis, cid) is None


async def test_another_communitys_key_cannot_move_the_clock(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client, sandbox=True, test_clock_start=START.isoformat()))["id"]
    other = Principal(role="community_admin", key_id="key_other", community_id="cmty_other")
    async with service_client(membership, other) as client:
        response = await client.post(f"/v1/communities/{cid}/test-clock/advance", json={"by": "1d"})

    assert (response.status_code, response.json()["code"]) == (404, "community_not_found")


async def test_a_restarted_redis_gets_the_clocks_back_from_the_database(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client, sandbox=True, test_clock_start=START.isoformat()))["id"]
        await client.post(f"/v1/communities/{cid}/test-clock/advance", json={"by": "2h"})
    redis = membership.state.redis
    await redis.delete(sandbox_clock.HASH_KEY)

    refresher = sandbox_clock.SandboxClockRefresher(
        redis=redis, clocks=membership.state.clocks, source=membership.state.test_clock_source
    )
    await refresher.refresh_once()

    assert await sandbox_clock.read_one(redis, cid) == START + timedelta(hours=2)
