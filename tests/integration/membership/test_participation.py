"""Participation through the membership service: check-ins (API or chat), makeups, probe claims and
redemptions from gamification's events are activity, counted once, seen by purges, standing and the member."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI

from contracts.gamification.events import CheckinRecorded, ProbeClaimed, RewardRedeemed
from kit.auth import Principal
from kit.clock import ManualClock
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.membership import rest_add_member
from tests.support.standing import START, membership_on_clock

ADMIN = Principal(role="platform_admin", key_id="key_admin")
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def app(backend: Backend, clock: ManualClock) -> AsyncIterator[FastAPI]:
    async with membership_on_clock(backend, clock) as running:
        yield running


def checkin(member_id: str, n: int, *, makeup: bool = False, channel: str = "api") -> CheckinRecorded:
    return CheckinRecorded(
        member_id=member_id,
        challenge_id="chl_a",
        enrollment_id="enr_a",
        checkin_id=f"chk_{member_id}_{n}",
        day=n + 1,
        local_date=date(2026, 4, 1) + timedelta(days=n),
        makeup=makeup,
        channel=channel,
        streak=n + 1,
        days_done=n + 1,
    )


async def from_gamification(app: FastAPI, cid: str, data: Any, at: datetime, *, times: int = 1) -> None:
    await publish(app, data, producer="gamification", community_id=cid, occurred_at=at, times=times)


async def test_every_day_checked_in_is_activity_counted_once_and_keeps_the_member_off_the_purge_list(
    app: FastAPI, clock: ManualClock
) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        doer = (await rest_add_member(client, cid))["id"]
        silent = (await rest_add_member(client, cid))["id"]
        clock.advance(timedelta(days=40))
        now = clock.now()
        days = [now - timedelta(days=20 - n) for n in range(21)]
        for n, at in enumerate(days):
            # Day 5 from chat, day 9 made up on the day after, each delivered twice.
            data = checkin(doer, n, makeup=n == 9, channel="chat" if n == 5 else "api")
            await from_gamification(app, cid, data, at + timedelta(days=1) if n == 9 else at, times=2)
        # The same check-in once more under a new event id (an outbox re-emit): still one act.
        await from_gamification(app, cid, checkin(doer, 0), days[0])
        claim = ProbeClaimed(member_id=doer, probe_id="prb_a", claim_id="clm_a", latency_ms=1200)
        redemption = RewardRedeemed(member_id=doer, reward_id="rwd_a", redemption_id="rdm_a", cost=30)
        await from_gamification(app, cid, claim, now - timedelta(minutes=2))
        await from_gamification(app, cid, redemption, now - timedelta(minutes=1))
        await consume(app, "membership")
        await from_gamification(app, cid, redemption, now - timedelta(minutes=1))  # replayed after it counted
        await consume(app, "membership")

        activity = (await client.get(f"/v1/communities/{cid}/members/{doer}/activity")).json()
        member = (await client.get(f"/v1/communities/{cid}/members/{doer}")).json()
        preview = (await client.get(f"/v1/communities/{cid}/purge/preview", params={"inactive_days": 21})).json()
        rules = {"contributor": {"window_days": 21, "days_active": 20, "checkins": 20, "participations": 22}}
        assert (await client.put(f"/v1/communities/{cid}/standing/rules", json=rules)).status_code == 200
        recomputed = (await client.post(f"/v1/communities/{cid}/standing/recompute", json={})).json()

    by_day = {row["day"]: (row["checkins"], row["participations"]) for row in activity}
    local = [at.astimezone(SHANGHAI).date().isoformat() for at in days]
    # Day 9's makeup counts on the day it was made (the day of check-in 10, so that day has two).
    expected = dict.fromkeys(local[:9] + local[11:], (1, 1))
    expected[local[10]] = (2, 2)
    expected[local[20]] = (1, 3)  # and the claim and the redemption
    assert by_day == expected
    assert sum(row["messages"] + row["reactions"] for row in activity) == 0
    assert datetime.fromisoformat(member["membership"]["last_active_at"]) == now  # the last check-in
    assert [c["member_id"] for c in preview["candidates"]] == [silent]
    assert [(c["member_id"], c["to_standing"]) for c in recomputed["changes"]] == [(doer, "contributor")]


async def test_activity_never_goes_back_in_time_when_events_arrive_late(app: FastAPI, clock: ManualClock) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        member = (await rest_add_member(client, cid))["id"]
        now = clock.now()
        await from_gamification(app, cid, checkin(member, 1), now)
        await consume(app, "membership")
        await from_gamification(app, cid, checkin(member, 0), now - timedelta(hours=2))  # an earlier act, late
        await consume(app, "membership")

        [day] = (await client.get(f"/v1/communities/{cid}/members/{member}/activity")).json()
        shown = (await client.get(f"/v1/communities/{cid}/members/{member}")).json()

    assert (day["checkins"], day["participations"]) == (2, 2)
    assert datetime.fromisoformat(day["last_at"]) == now
    assert datetime.fromisoformat(shown["membership"]["last_active_at"]) == now


async def test_participation_of_an_unknown_community_is_dropped_and_of_a_stranger_counts_nothing_elsewhere(
    app: FastAPI, clock: ManualClock
) -> None:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        other = (await rest_create_community(client))["id"]
        member = (await rest_add_member(client, cid))["id"]
        await from_gamification(app, "cmty_gone", checkin(member, 0), clock.now())
        await from_gamification(app, other, checkin(member, 1), clock.now())
        handled = await consume(app, "membership")

        mine = (await client.get(f"/v1/communities/{cid}/members/{member}/activity")).json()

    assert handled == 2
    assert mine == []
