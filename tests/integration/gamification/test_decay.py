"""Decay as configuration, run by the worker's due-work loop once per community-local day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from contracts.events import MemberActivity
from kit.auth import Principal
from kit.clock import ManualClock
from services.gamification.jobs import DueWorkLoop, run_community
from services.gamification.models import Community
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.gamification import COMMUNITY, OTHER_COMMUNITY, balance, change_point_settings, create_rule
from tests.support.guildhall import running_service, service_client

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
SETTINGS = f"/v1/communities/{COMMUNITY}/points/settings"


async def _say(app: FastAPI, member_id: str, at: datetime) -> None:
    text = "Morning, all of you!"
    said = MemberActivity(
        member_id=member_id, kind="message", group_id="grp_1", platform="telegram", text=text,
        text_length=len(text), occurred_at=at,
    )  # fmt: skip
    await publish(app, said, producer="membership", community_id=COMMUNITY)
    await consume(app, "gamification")


async def _entries(client: httpx.AsyncClient, member_id: str) -> list[tuple[str, int]]:
    page = (await client.get(f"/v1/communities/{COMMUNITY}/members/{member_id}/points/entries")).json()
    return [(e["kind"], e["points"]) for e in page["items"]]


async def test_an_inactive_balance_decays_once_a_day_after_n_days_and_an_active_one_does_not(
    backend: Backend,
) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = ManualClock(START)
        app.state.clocks.set(COMMUNITY, clock)
        configured = await change_point_settings(client, timezone="Europe/Berlin", decay_after_days=2, decay_percent=10)
        await create_rule(client, points=100)
        await _say(app, "mbr_idle", START)
        await _say(app, "mbr_busy", START)
        loop = DueWorkLoop(sessionmaker=app.state.sessionmaker, clocks=app.state.clocks)
        days: list[tuple[int, int, Any]] = []
        for _ in range(4):
            clock.advance(timedelta(days=1))
            await _say(app, "mbr_busy", clock.now())
            await loop.run_once()
            idle = (await balance(client, "mbr_idle"))["balance"]
            again = await run_community(
                app.state.sessionmaker, community_id=COMMUNITY, now=clock.now(), only="points.decay"
            )
            await loop.run_once()
            assert (await balance(client, "mbr_idle"))["balance"] == idle, "a second run the same day changed it"
            days.append((idle, (await balance(client, "mbr_busy"))["balance"], again["points.decay"]))
        # Another worker that missed the day marker: each member's entry is keyed by the day, so still nothing.
        async with app.state.sessionmaker() as session:
            await session.exec(update(Community).values(decayed_on=None))
            await session.commit()
        replayed = await run_community(
            app.state.sessionmaker, community_id=COMMUNITY, now=clock.now(), only="points.decay"
        )
        idle_totals, busy_totals = await balance(client, "mbr_idle"), await balance(client, "mbr_busy")
        idle_entries = await _entries(client, "mbr_idle")
        check = (await client.get(f"/v1/communities/{COMMUNITY}/leaderboards/check/consistency")).json()
        board = (await client.get(f"/v1/communities/{COMMUNITY}/leaderboards/all", params={"limit": 10})).json()
        read = (await client.get(SETTINGS)).json()

    assert configured.status_code == 200, configured.text
    # Active on day 0; inactive for more than 2 days from day 3 on: 10 % a day, rounded down.
    assert days == [(100, 200, 0), (100, 300, 0), (90, 400, 0), (81, 500, 0)]
    assert replayed == {"points.decay": 0}
    assert (idle_totals["balance"], idle_totals["lifetime"]) == (81, 100)
    assert (busy_totals["balance"], busy_totals["lifetime"]) == (500, 500)
    assert idle_entries == [("decay", -9), ("decay", -10), ("award", 100)]
    assert idle_totals["balance"] == sum(points for _, points in idle_entries)
    assert check == {"consistent": True, "mismatches": []}
    assert [(r["member_id"], r["score"]) for r in board["top"]] == [("mbr_busy", 500), ("mbr_idle", 100)]
    assert read == {"timezone": "Europe/Berlin", "decay_after_days": 2, "decay_percent": 10, "decayed_on": "2026-03-05"}


async def test_decay_runs_once_per_community_local_day_not_per_utc_day(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = ManualClock(START)
        app.state.clocks.set(COMMUNITY, clock)
        await change_point_settings(client, timezone="Asia/Shanghai", decay_after_days=1, decay_percent=50)
        await create_rule(client, points=80)
        await _say(app, "mbr_idle", START)
        results = []
        # 2026-03-02 15:30 UTC is 23:30 in Shanghai; 16:30 UTC, the same UTC day, is already the 3rd there.
        for at in (datetime(2026, 3, 2, 15, 30, tzinfo=UTC), datetime(2026, 3, 2, 16, 30, tzinfo=UTC)):
            clock.advance(at - clock.now())
            ran = await run_community(app.state.sessionmaker, community_id=COMMUNITY, now=at)
            results.append({"points.decay": ran["points.decay"]})
            results[-1]["balance"] = (await balance(client, "mbr_idle"))["balance"]

    assert results == [{"points.decay": 1, "balance": 40}, {"points.decay": 1, "balance": 20}]


async def test_bad_decay_settings_are_refused_naming_the_field_and_change_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        ok = await change_point_settings(client, decay_after_days=30, decay_percent=5)
        refused = {
            "days zero": await change_point_settings(client, decay_after_days=0, decay_percent=5),
            "percent zero": await change_point_settings(client, decay_after_days=3, decay_percent=0),
            "percent over": await change_point_settings(client, decay_after_days=3, decay_percent=101),
            "percent alone": await change_point_settings(client, decay_percent=5),
            "bad zone": await change_point_settings(
                client, timezone="Mars/Olympus", decay_after_days=3, decay_percent=5
            ),
        }
        unchanged = (await client.get(SETTINGS)).json()
        zone_only = (await change_point_settings(client, timezone="Asia/Tokyo")).json()
        off = await change_point_settings(client, decay_after_days=None, decay_percent=None)
        other = Principal(role="community_admin", key_id="key_other", community_id=OTHER_COMMUNITY)
        async with service_client(app, other) as foreign:
            foreign_read = await foreign.get(SETTINGS)
            foreign_put = await change_point_settings(foreign, decay_after_days=1, decay_percent=100)

    assert ok.status_code == 200
    fields = {name: [e["field"] for e in r.json()["errors"]] for name, r in refused.items()}
    assert {name: r.status_code for name, r in refused.items()} == dict.fromkeys(refused, 422)
    assert fields == {
        "days zero": ["decay_after_days"],
        "percent zero": ["decay_percent"],
        "percent over": ["decay_percent"],
        "percent alone": ["decay_after_days"],
        "bad zone": ["timezone"],
    }
    assert unchanged == {"timezone": "UTC", "decay_after_days": 30, "decay_percent": 5, "decayed_on": None}
    assert (zone_only["timezone"], zone_only["decay_after_days"], zone_only["decay_percent"]) == ("Asia/Tokyo", 30, 5)
    assert off.json() == {"timezone": "Asia/Tokyo", "decay_after_days": None, "decay_percent": None, "decayed_on": None}
    assert (foreign_read.status_code, foreign_put.status_code) == (404, 404)
