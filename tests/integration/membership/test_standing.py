"""Standing through the membership REST API: recomputed from activity, demoted after grace, locked by admins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI

from kit.auth import Principal
from kit.clock import ManualClock
from services.membership import jobs
from services.membership.usecases.standing import StandingChange
from tests.support.backends import Backend
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.membership import rest_add_member
from tests.support.standing import START, add_activity, days_back, events, membership_on_clock, set_membership

ADMIN = Principal(role="platform_admin", key_id="key_admin")
RULES = {
    "contributor": {"window_days": 30, "days_active": 10, "messages": 50},
    "core": {"window_days": 30, "days_active": 20, "messages": 200},
    "grace_days": 14,
}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def app(backend: Backend, clock: ManualClock) -> AsyncIterator[FastAPI]:
    async with membership_on_clock(backend, clock) as running:
        yield running


async def test_meeting_every_criterion_promotes_logs_and_announces(app: FastAPI, clock: ManualClock) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        assert (await client.put(f"/v1/communities/{cid}/standing/rules", json=RULES)).status_code == 200
        busy = await rest_add_member(client, cid)
        almost = await rest_add_member(client, cid)
        local = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
        await add_activity(app, cid, busy["id"], days=days_back(local, 10), messages=5)
        await add_activity(app, cid, almost["id"], days=days_back(local, 9), messages=10)
        # Activity older than the window does not count.
        await add_activity(app, cid, almost["id"], days=days_back(local, 1, offset=30), messages=10)

        recomputed = await client.post(f"/v1/communities/{cid}/standing/recompute", json={})
        busy_standing = (await client.get(f"/v1/communities/{cid}/members/{busy['id']}/standing")).json()
        almost_standing = (await client.get(f"/v1/communities/{cid}/members/{almost['id']}/standing")).json()
        log = (await client.get(f"/v1/communities/{cid}/members/{busy['id']}/transitions")).json()["items"]

    assert recomputed.status_code == 200, recomputed.text
    assert recomputed.json()["changes"] == [
        {
            "member_id": busy["id"],
            "from_standing": "follower",
            "to_standing": "contributor",
            "reason": "promoted: days_active 10/10, messages 50/50",
        }
    ]
    assert busy_standing["standing"] == "contributor"
    assert almost_standing["standing"] == "follower"
    contributor = almost_standing["levels"][0]
    assert contributor["level"] == "contributor"
    assert contributor["criteria"] == [
        {"metric": "days_active", "minimum": 10, "value": 9},
        {"metric": "messages", "minimum": 50, "value": 90},
    ]
    assert (contributor["met"], contributor["held"]) == (False, True)
    assert [(row["kind"], row["from_value"], row["to_value"]) for row in log][-1] == (
        "standing",
        "follower",
        "contributor",
    )
    [changed] = await events(app, "member.standing_changed")
    assert changed["data"]["member_id"] == busy["id"]
    assert (changed["data"]["from_standing"], changed["data"]["to_standing"]) == ("follower", "contributor")


async def test_demotion_waits_for_the_grace_period_below_ninety_percent(app: FastAPI, clock: ManualClock) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        await client.put(f"/v1/communities/{cid}/standing/rules", json=RULES)
        member = await rest_add_member(client, cid)
    local = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    await add_activity(app, cid, member["id"], days=days_back(local, 10), messages=5)

    async def recompute() -> list[StandingChange]:
        async with app.state.sessionmaker() as session:
            changes = await jobs.recompute_standing(session, community_id=cid, now=clock.now())
            await session.commit()
        return changes

    promoted = await recompute()
    clock.advance(timedelta(days=26))  # 5 of the 10 active days left the 30-day window: 5 days, 25 messages
    first_below = await recompute()
    clock.advance(timedelta(days=13))
    still_in_grace = await recompute()
    async with service_client(app, ADMIN) as client:
        during = (await client.get(f"/v1/communities/{cid}/members/{member['id']}/standing")).json()
    clock.advance(timedelta(days=1))
    demoted = await recompute()

    assert [c.to_standing for c in promoted] == ["contributor"]
    assert first_below == still_in_grace == []
    assert during["standing"] == "contributor"
    first_day_below = (local + timedelta(days=26)).isoformat()
    assert during["below_since"] == first_day_below
    assert [(c.to_standing, c.reason) for c in demoted] == [
        (
            "follower",
            f"demoted: days_active 0 < 90% of 10; messages 0 < 90% of 50 since {first_day_below}",
        )
    ]


async def test_a_locked_standing_is_left_alone_until_unlocked(app: FastAPI, clock: ManualClock) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        member = await rest_add_member(client, cid)
        path = f"/v1/communities/{cid}/members/{member['id']}/standing"
        locked = await client.post(f"{path}/lock", json={"standing": "core", "reason": "founding member"})
        recomputed = await client.post(f"/v1/communities/{cid}/standing/recompute", json={})
        after_recompute = (await client.get(path)).json()
        unlocked = await client.post(f"{path}/unlock", json={})
        recomputed_again = await client.post(f"/v1/communities/{cid}/standing/recompute", json={})
        log = (await client.get(f"/v1/communities/{cid}/members/{member['id']}/transitions")).json()["items"]

    assert locked.status_code == 200, locked.text
    assert (locked.json()["standing"], locked.json()["locked"]) == ("core", True)
    assert recomputed.json()["changes"] == []
    assert (after_recompute["standing"], after_recompute["locked"]) == ("core", True)
    assert unlocked.json()["locked"] is False
    # Unlocked, with no activity at all and no grace period running yet: the grace period starts first.
    assert recomputed_again.json()["changes"] == []
    assert [(row["kind"], row["to_value"], row["reason"]) for row in log[1:]] == [
        ("standing", "core", "set by an admin: founding member"),
        ("standing_lock", "locked:core", "founding member"),
        ("standing_lock", "unlocked", None),
    ]
    [changed] = await events(app, "member.standing_changed")
    assert changed["data"]["locked"] is True
    assert changed["data"]["actor"] == "platform:key_admin"


async def test_a_moderator_may_not_lock_and_nothing_changes(app: FastAPI) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        member = await rest_add_member(client, cid)
        moderator = await rest_add_member(client, cid)
        await set_membership(app, moderator["id"], role="moderator")
        path = f"/v1/communities/{cid}/members/{member['id']}/standing"
        refused = await client.post(f"{path}/lock", json={"standing": "core", "acting_member_id": moderator["id"]})
        after = (await client.get(path)).json()

    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert (after["standing"], after["locked"]) == ("follower", False)


async def test_bad_rules_are_refused_naming_the_field_and_change_nothing(app: FastAPI) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        before = (await client.get(f"/v1/communities/{cid}/standing/rules")).json()
        unknown = await client.put(f"/v1/communities/{cid}/standing/rules", json={"core": {"posts": 5}})
        too_many_days = await client.put(
            f"/v1/communities/{cid}/standing/rules", json={"contributor": {"window_days": 7, "days_active": 8}}
        )
        bad_level = await client.post(
            f"/v1/communities/{cid}/members/mbr_nobody/standing/lock", json={"standing": "king"}
        )
        after = (await client.get(f"/v1/communities/{cid}/standing/rules")).json()

    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "core.posts", "reason": unknown.json()["errors"][0]["reason"]}]
    assert "unknown criterion" in unknown.json()["errors"][0]["reason"]
    assert too_many_days.status_code == 422
    assert too_many_days.json()["errors"][0]["field"] == "contributor.days_active"
    assert bad_level.status_code == 422
    assert bad_level.json()["errors"][0]["field"] == "standing"
    assert after == before
    assert before["contributor"] == {"window_days": 30, "days_active": 10, "messages": 50}


async def test_another_communitys_key_gets_404(app: FastAPI) -> None:
    async with service_client(app, ADMIN) as client:
        mine = (await rest_create_community(client))["id"]
        theirs = (await rest_create_community(client))["id"]
        member = await rest_add_member(client, theirs)
    outsider = Principal(role="community_admin", key_id="key_x", community_id=mine)
    async with service_client(app, outsider) as client:
        path = f"/v1/communities/{theirs}/members/{member['id']}/standing"
        read = await client.get(path)
        locked = await client.post(f"{path}/lock", json={"standing": "core"})
        recompute = await client.post(f"/v1/communities/{theirs}/standing/recompute", json={})

    assert {read.status_code, locked.status_code, recompute.status_code} == {404}
