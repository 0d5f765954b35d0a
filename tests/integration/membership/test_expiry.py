"""The expiry job: a notice ahead of time, once; then the fallback tier or ``expired``, and removals from
the groups the member no longer belongs in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from kit.auth import Principal
from kit.clock import Clocks, ManualClock
from services.membership.jobs import DueWorkLoop, run_community
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.lifecycle import outbox_events, rest_create_group, rest_make_owner
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def run_jobs(app: FastAPI, community_id: str, now: datetime) -> Any:
    results = await run_community(app.state.sessionmaker, community_id=community_id, now=now)
    return results["membership.expiry"]


async def in_group(client: httpx.AsyncClient, cid: str, group: dict[str, Any], member: dict[str, Any]) -> None:
    response = await client.post(
        f"/v1/communities/{cid}/groups/{group['id']}/members", json={"member_id": member["id"]}
    )
    assert response.status_code == 201, response.text


async def test_expiring_is_announced_once_per_expiry_date_within_the_configured_days(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        await client.patch(f"/v1/communities/{cid}", json={"settings": {"lifecycle": {"expiring_days_ahead": 5}}})
        membership.state.clocks.set(cid, ManualClock(START))
        tier = await rest_create_tier(client, cid, period="days", period_days=30)
        member = await rest_add_member(client, cid, tier_id=tier["id"])
        early = await run_jobs(membership, cid, START + timedelta(days=24))
        due = await run_jobs(membership, cid, START + timedelta(days=25))
        again = await run_jobs(membership, cid, START + timedelta(days=26))
        membership.state.clocks.set(cid, ManualClock(START + timedelta(days=26)))
        await client.post(f"/v1/communities/{cid}/members/{member['id']}/renewals", json={})
        next_period = await run_jobs(membership, cid, START + timedelta(days=55))

    assert (early.notices, due.notices, again.notices, next_period.notices) == (0, 1, 0, 1)
    notices = await outbox_events(membership, "membership.expiring")
    assert [n["data"]["expires_at"] for n in notices] == ["2026-03-31T08:00:00Z", "2026-04-30T08:00:00Z"]
    assert notices[0]["data"]["member_id"] == member["id"]


async def test_an_expired_member_falls_back_and_is_removed_from_groups_of_the_paid_tier(membership: FastAPI) -> None:
    membership.state.clocks.default = ManualClock(START)
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        free = await rest_create_tier(client, cid, key="free", rank=0)
        paid = await rest_create_tier(client, cid, key="paid", rank=1, period="monthly", fallback_tier_id=free["id"])
        lounge = await rest_create_group(client, cid, platform_chat_id="-1")
        premium = await rest_create_group(client, cid, platform_chat_id="-2", tier_ids=[paid["id"]])
        member = await rest_add_member(
            client, cid, tier_id=paid["id"], identities=[{"platform": "telegram", "platform_user_id": "777"}]
        )
        await in_group(client, cid, lounge, member)
        await in_group(client, cid, premium, member)
        not_yet = await run_jobs(membership, cid, START + timedelta(days=30))
        run = await run_jobs(membership, cid, START + timedelta(days=31))
        after = (await client.get(f"/v1/communities/{cid}/members/{member['id']}")).json()
        rerun = await run_jobs(membership, cid, START + timedelta(days=32))

    assert (not_yet.moved_to_fallback, run.moved_to_fallback, run.expired, run.removals) == (0, 1, 0, 1)
    assert after["membership"]["status"] == "active"
    assert after["membership"]["tier_id"] == free["id"] and after["membership"]["expires_at"] is None
    assert (rerun.moved_to_fallback, rerun.removals) == (0, 0)
    actions = await outbox_events(membership, "chat.action")
    assert [a["data"]["chat"]["platform_chat_id"] for a in actions] == ["-2"]
    assert actions[0]["data"]["action"] == "remove" and actions[0]["data"]["platform_user_id"] == "777"
    assert actions[0]["data"]["chat"]["connection_id"] == "conn_telegram"
    expired = await outbox_events(membership, "membership.expired")
    assert [(e["data"]["tier_id"], e["data"]["fallback_tier_id"]) for e in expired] == [(paid["id"], free["id"])]
    tier_changes = await outbox_events(membership, "member.tier_changed")
    assert tier_changes[-1]["data"]["to_tier_id"] == free["id"]


async def test_without_a_fallback_the_membership_expires_and_leaves_every_group(membership: FastAPI) -> None:
    membership.state.clocks.default = ManualClock(START)
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        paid = await rest_create_tier(client, cid, period="days", period_days=7)
        lounge = await rest_create_group(client, cid, platform_chat_id="-1")
        unbound = await rest_create_group(client, cid, platform_chat_id="-3", connection_id=None)
        member = await rest_add_member(
            client, cid, tier_id=paid["id"], identities=[{"platform": "telegram", "platform_user_id": "9"}]
        )
        owner = await rest_add_member(client, cid, tier_id=paid["id"])
        await rest_make_owner(client, cid, owner["id"])
        await in_group(client, cid, lounge, member)
        await in_group(client, cid, unbound, member)
        run = await run_jobs(membership, cid, START + timedelta(days=8))
        after = (await client.get(f"/v1/communities/{cid}/members/{member['id']}")).json()
        owner_after = (await client.get(f"/v1/communities/{cid}/members/{owner['id']}")).json()
        seats = (await client.get(f"/v1/communities/{cid}/tiers/{paid['id']}")).json()["seats_taken"]

    assert (run.expired, run.removals) == (1, 1)  # the group without a connection cannot be addressed
    assert after["membership"]["status"] == "expired"
    assert owner_after["membership"]["status"] == "active"  # a community always keeps its owner
    assert seats == 1
    actions = await outbox_events(membership, "chat.action")
    assert [a["data"]["chat"]["platform_chat_id"] for a in actions] == ["-1"]
    assert [e["data"]["member_id"] for e in await outbox_events(membership, "membership.expired")] == [member["id"]]


async def test_the_loop_runs_each_community_at_its_own_clock(membership: FastAPI) -> None:
    clocks = Clocks(default=ManualClock(START))
    membership.state.clocks = clocks
    async with service_client(membership, ADMIN) as client:
        ahead = await rest_create_community(client)
        behind = await rest_create_community(client)
        members = {}
        for community in (ahead, behind):
            tier = await rest_create_tier(client, community["id"], period="days", period_days=7)
            members[community["id"]] = await rest_add_member(client, community["id"], tier_id=tier["id"])
        clocks.set(ahead["id"], ManualClock(START + timedelta(days=10)))
        loop = DueWorkLoop(sessionmaker=membership.state.sessionmaker, clocks=clocks, interval=60)
        passed = await loop.run_once()
        statuses = {
            cid: (await client.get(f"/v1/communities/{cid}/members/{m['id']}")).json()["membership"]["status"]
            for cid, m in members.items()
        }

    assert passed == 2
    assert statuses == {ahead["id"]: "expired", behind["id"]: "active"}
