"""Lurker purges through the membership REST API: preview, warnings, grace, removal, the way back, cancel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

from contracts.events import AssignmentMissed
from kit.auth import Principal
from kit.clock import ManualClock
from services.membership import jobs
from services.membership.jobs import job_runners
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.factories import rest_create_community
from tests.support.guildhall import eventually, service_client
from tests.support.membership import rest_add_member, rest_create_tier
from tests.support.presence import add_presence
from tests.support.standing import START, add_activity, add_group, events, membership_on_clock, set_membership

ADMIN = Principal(role="platform_admin", key_id="key_admin")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def app(backend: Backend, clock: ManualClock) -> AsyncIterator[FastAPI]:
    async with membership_on_clock(backend, clock) as running:
        yield running


def telegram(user_id: str, name: str | None = None) -> list[dict[str, Any]]:
    return [{"platform": "telegram", "platform_user_id": user_id, "display_name": name}]


async def run_due(app: FastAPI, community_id: str, clock: ManualClock) -> list[str]:
    async with app.state.sessionmaker() as session:
        finished = await jobs.run_due_purges(session, community_id=community_id, now=clock.now())
        await session.commit()
    return [run.id for run in finished]


async def members_by_id(client: httpx.AsyncClient, community_id: str) -> dict[str, dict[str, Any]]:
    listed = (await client.get(f"/v1/communities/{community_id}/members")).json()["items"]
    return {member["id"]: member for member in listed}


async def test_the_preview_lists_silent_members_and_assignment_missers_with_reasons_and_exclusions(
    app: FastAPI, clock: ManualClock
) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        silent = await rest_add_member(client, cid)
        talker = await rest_add_member(client, cid)
        misser = await rest_add_member(client, cid)
        moderator = await rest_add_member(client, cid)
        locked = await rest_add_member(client, cid)
        exempt = await rest_add_member(client, cid)
        clock.advance(timedelta(days=40))
        newcomer = await rest_add_member(client, cid)
        await set_membership(app, moderator["id"], role="moderator")
        await client.post(f"/v1/communities/{cid}/members/{locked['id']}/standing/lock", json={})
        await client.put(f"/v1/communities/{cid}/members/{exempt['id']}/purge-exemption", json={"reason": "on leave"})
        local = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
        await add_activity(app, cid, talker["id"], days=[local - timedelta(days=3)], reactions=1)
        await add_activity(app, cid, misser["id"], days=[local], checkins=1)
        for n in range(3):
            due = clock.now() - timedelta(days=n + 1)
            miss = AssignmentMissed(member_id=misser["id"], assignment_id=f"asg_{n}", due_at=due)
            await publish(app, miss, producer="content", community_id=cid, times=2)  # redelivered: counts once
        old_miss = AssignmentMissed(member_id=talker["id"], assignment_id="asg_old", due_at=START)
        await publish(app, old_miss, producer="content", community_id=cid)
        await consume(app, "membership")

        preview = await client.get(f"/v1/communities/{cid}/purge/preview", params={"missed_assignments": 3})
        without_assignments = await client.get(f"/v1/communities/{cid}/purge/preview")

    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["rules"]["inactive_days"] == 30
    listed = {c["member_id"]: c for c in body["candidates"]}
    assert set(listed) == {silent["id"], misser["id"]}
    assert listed[silent["id"]]["reasons"] == [
        {"code": "inactive", "detail": "no message, reaction, check-in or other participation in 30 days"}
    ]
    assert listed[misser["id"]]["reasons"] == [
        {"code": "missed_assignments", "detail": "missed 3 assignments due in the last 30 days (limit 3)"}
    ]
    excluded = {c["member_id"]: c["exclusions"] for c in body["excluded"]}
    assert excluded == {moderator["id"]: ["staff"], locked["id"]: ["standing_locked"], exempt["id"]: ["exempt"]}
    assert newcomer["id"] not in listed
    assert {c["member_id"] for c in without_assignments.json()["candidates"]} == {silent["id"]}


async def test_a_run_warns_spares_the_active_removes_the_rest_and_lets_them_back(
    app: FastAPI, clock: ManualClock
) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid)
        quiet = await rest_add_member(client, cid, tier_id=tier["id"], identities=telegram("111", "Quiet"))
        wakes = await rest_add_member(client, cid, identities=telegram("222"))
        group = await add_group(app, cid)
        await add_group(app, cid, platform="slack", platform_chat_id="C1")  # nobody has a Slack identity
        clock.advance(timedelta(days=40))

        started = await client.post(
            f"/v1/communities/{cid}/purge/runs",
            json={"grace_days": 3, "return_days": 7, "note": "spring cleaning"},
            headers={"Idempotency-Key": "purge-1"},
        )
        replayed = await client.post(
            f"/v1/communities/{cid}/purge/runs",
            json={"grace_days": 3, "return_days": 7, "note": "spring cleaning"},
            headers={"Idempotency-Key": "purge-1"},
        )
        second = await client.post(f"/v1/communities/{cid}/purge/runs", json={})
        run_id = started.json()["id"]

        clock.advance(timedelta(days=1))
        woke_on = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
        await add_activity(app, cid, wakes["id"], days=[woke_on], messages=1, last_at=clock.now())
        clock.advance(timedelta(days=1))
        too_early = await run_due(app, cid, clock)
        clock.advance(timedelta(days=1))
        finished = await run_due(app, cid, clock)
        again = await run_due(app, cid, clock)
        run = (await client.get(f"/v1/communities/{cid}/purge/runs/{run_id}")).json()
        after = await members_by_id(client, cid)

        came_back = await client.post(f"/v1/communities/{cid}/purge/returns", json={"member_id": quiet["id"]})
        twice = await client.post(f"/v1/communities/{cid}/purge/returns", json={"member_id": quiet["id"]})
        never_purged = await client.post(f"/v1/communities/{cid}/purge/returns", json={"member_id": wakes["id"]})
        log = (await client.get(f"/v1/communities/{cid}/members/{quiet['id']}/transitions")).json()["items"]
        runs = (await client.get(f"/v1/communities/{cid}/purge/runs")).json()["items"]

    assert started.status_code == 201, started.text
    assert replayed.json()["id"] == run_id
    assert second.status_code == 409
    assert second.json()["code"] == "purge_run_open"
    assert started.json()["started_by"] == "platform:key_admin"
    assert started.json()["warnings_sent"] == 1
    warnings = await events(app, "chat.send")
    assert len(warnings) == 1
    assert warnings[0]["data"]["chat"]["platform_chat_id"] == group.platform_chat_id
    assert sorted(warnings[0]["data"]["mentions"]) == ["111", "222"]
    assert "@Quiet" in warnings[0]["data"]["text"]
    assert "3 days" in warnings[0]["data"]["text"]

    assert too_early == []
    assert finished == [run_id]
    assert again == []
    assert run["status"] == "completed"
    states = {m["member_id"]: (m["state"], m["warnings_sent"]) for m in run["members"]}
    assert states == {quiet["id"]: ("removed", 1), wakes["id"]: ("spared", 1)}
    assert after[quiet["id"]]["membership"]["status"] == "removed"
    assert after[wakes["id"]]["membership"]["status"] == "active"
    [removal] = await events(app, "chat.action")
    assert (removal["data"]["action"], removal["data"]["platform_user_id"]) == ("remove", "111")
    [removed] = await events(app, "member.removed")
    assert removed["data"]["actor"] == f"system:{run_id}"
    assert removed["data"]["reason"].startswith(f"lurker purge {run_id}: no message")

    assert came_back.status_code == 201, came_back.text
    assert (came_back.json()["status"], came_back.json()["tier_id"]) == ("active", tier["id"])
    assert came_back.json()["source"] == "purge_return"
    assert twice.status_code == 409
    assert twice.json()["code"] == "purge_return_not_allowed"
    assert never_purged.json()["code"] == "purge_return_not_allowed"
    assert (log[-1]["from_value"], log[-1]["to_value"], log[-1]["reason"]) == (
        "removed",
        "active",
        f"returned after purge {run_id}",
    )
    assert [(r["id"], r["status"], r["note"]) for r in runs] == [(run_id, "completed", "spring cleaning")]


async def test_the_way_back_closes_after_the_return_window(app: FastAPI, clock: ManualClock) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        member = await rest_add_member(client, cid)
        clock.advance(timedelta(days=40))
        await client.post(f"/v1/communities/{cid}/purge/runs", json={"grace_days": 0, "return_days": 2})
        await run_due(app, cid, clock)
        clock.advance(timedelta(days=2, seconds=1))
        late = await client.post(f"/v1/communities/{cid}/purge/returns", json={"member_id": member["id"]})
        after = await members_by_id(client, cid)

    assert late.status_code == 409
    assert late.json()["code"] == "purge_return_window_closed"
    assert after[member["id"]]["membership"]["status"] == "removed"


async def test_a_cancelled_run_removes_nobody(app: FastAPI, clock: ManualClock) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        member = await rest_add_member(client, cid)
        clock.advance(timedelta(days=40))
        run_id = (await client.post(f"/v1/communities/{cid}/purge/runs", json={})).json()["id"]
        cancelled = await client.post(f"/v1/communities/{cid}/purge/runs/{run_id}/cancel", json={"reason": "oops"})
        cancelled_twice = await client.post(f"/v1/communities/{cid}/purge/runs/{run_id}/cancel", json={})
        clock.advance(timedelta(days=10))
        finished = await run_due(app, cid, clock)
        after = await members_by_id(client, cid)

    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == ("cancelled", "oops")
    assert [m["state"] for m in cancelled.json()["members"]] == ["cancelled"]
    assert cancelled_twice.status_code == 409
    assert cancelled_twice.json()["code"] == "purge_run_not_open"
    assert finished == []
    assert after[member["id"]]["membership"]["status"] == "active"


async def test_bad_input_and_missing_rights_change_nothing(app: FastAPI, clock: ManualClock) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        await rest_add_member(client, cid)
        moderator = await rest_add_member(client, cid)
        await set_membership(app, moderator["id"], role="moderator")
        clock.advance(timedelta(days=40))
        not_listed = await client.post(f"/v1/communities/{cid}/purge/runs", json={"member_ids": [moderator["id"]]})
        out_of_range = await client.post(f"/v1/communities/{cid}/purge/runs", json={"grace_days": 99})
        bad_preview = await client.get(f"/v1/communities/{cid}/purge/preview", params={"inactive_days": 0})
        forbidden = await client.post(f"/v1/communities/{cid}/purge/runs", json={"acting_member_id": moderator["id"]})
        nobody = await client.post(f"/v1/communities/{cid}/purge/runs", json={"inactive_days": 365})
        runs = (await client.get(f"/v1/communities/{cid}/purge/runs")).json()["items"]

    assert not_listed.status_code == 422
    assert not_listed.json()["errors"][0]["field"] == "member_ids.0"
    assert out_of_range.status_code == 422
    assert out_of_range.json()["errors"][0]["field"] == "grace_days"
    assert bad_preview.status_code == 422
    assert bad_preview.json()["errors"][0]["field"] == "inactive_days"
    assert forbidden.status_code == 403
    assert nobody.status_code == 409
    assert nobody.json()["code"] == "purge_no_candidates"
    assert runs == []
    assert await events(app, "chat.send") == []


async def test_another_communitys_key_gets_404(app: FastAPI, clock: ManualClock) -> None:
    async with service_client(app, ADMIN) as client:
        mine = (await rest_create_community(client))["id"]
        theirs = (await rest_create_community(client))["id"]
        await rest_add_member(client, theirs)
        clock.advance(timedelta(days=40))
        run_id = (await client.post(f"/v1/communities/{theirs}/purge/runs", json={})).json()["id"]
    outsider = Principal(role="community_admin", key_id="key_x", community_id=mine)
    async with service_client(app, outsider) as client:
        preview = await client.get(f"/v1/communities/{theirs}/purge/preview")
        run = await client.get(f"/v1/communities/{theirs}/purge/runs/{run_id}")
        cancel = await client.post(f"/v1/communities/{theirs}/purge/runs/{run_id}/cancel", json={})
        own_view = await client.get(f"/v1/communities/{mine}/purge/runs/{run_id}")

    assert {preview.status_code, run.status_code, cancel.status_code, own_view.status_code} == {404}


async def test_an_exemption_can_be_lifted_and_the_member_is_listed_again(app: FastAPI, clock: ManualClock) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        member = await rest_add_member(client, cid)
        clock.advance(timedelta(days=40))
        path = f"/v1/communities/{cid}/members/{member['id']}/purge-exemption"
        exempted = await client.put(path, json={"reason": "travelling"})
        while_exempt = (await client.get(f"/v1/communities/{cid}/purge/preview")).json()
        lifted = await client.put(path, json={"exempt": False})
        read = (await client.get(path)).json()
        after = (await client.get(f"/v1/communities/{cid}/purge/preview")).json()

    assert exempted.json()["exempt"] is True
    assert exempted.json()["actor"] == "platform:key_admin"
    assert while_exempt["candidates"] == []
    assert lifted.json() == {"member_id": member["id"], "exempt": False, "actor": None, "reason": None, "at": None}
    assert read["exempt"] is False
    assert [c["member_id"] for c in after["candidates"]] == [member["id"]]


async def test_the_worker_loop_removes_members_whose_grace_period_ended(app: FastAPI, clock: ManualClock) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        member = await rest_add_member(client, cid)
        clock.advance(timedelta(days=40))
        await client.post(f"/v1/communities/{cid}/purge/runs", json={"grace_days": 1})
    clock.advance(timedelta(days=1))
    stop = asyncio.Event()
    loops = [asyncio.create_task(worker(stop)) for worker in job_runners(app)]

    async def removed() -> bool | None:
        async with service_client(app, ADMIN) as client:
            status = (await members_by_id(client, cid))[member["id"]]["membership"]["status"]
        return True if status == "removed" else None

    try:
        assert await eventually(removed)
    finally:
        stop.set()
        await asyncio.gather(*loops)


async def test_warnings_and_removals_go_where_presence_says_with_a_fallback_for_groups_of_unknown_presence(
    app: FastAPI, clock: ManualClock
) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        accounts = telegram("111", "Quiet") + telegram("112", "Quiet too")
        quiet = (await rest_add_member(client, cid, identities=accounts))["id"]
        other = (await rest_add_member(client, cid, identities=telegram("333", "Other")))["id"]
        quiet_in = await add_group(app, cid, platform_chat_id="-1001")
        other_in = await add_group(app, cid, platform_chat_id="-1002")
        unknown = await add_group(app, cid, platform_chat_id="-1003")  # nobody recorded there yet
        await add_presence(app, quiet_in, quiet, "112")
        await add_presence(app, other_in, other, "333")
        clock.advance(timedelta(days=40))
        started = await client.post(f"/v1/communities/{cid}/purge/runs", json={"grace_days": 1})
        clock.advance(timedelta(days=2))
        await run_due(app, cid, clock)

    assert started.status_code == 201, started.text
    warnings = {w["data"]["chat"]["platform_chat_id"]: w["data"]["mentions"] for w in await events(app, "chat.send")}
    assert warnings == {
        quiet_in.platform_chat_id: ["112"],
        other_in.platform_chat_id: ["333"],
        unknown.platform_chat_id: ["111", "112", "333"],
    }
    removals = {
        (r["data"]["chat"]["platform_chat_id"], r["data"]["platform_user_id"]) for r in await events(app, "chat.action")
    }
    assert removals == {
        (quiet_in.platform_chat_id, "112"),
        (other_in.platform_chat_id, "333"),
        (unknown.platform_chat_id, "111"),
        (unknown.platform_chat_id, "112"),
        (unknown.platform_chat_id, "333"),
    }
