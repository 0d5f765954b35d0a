"""Probation: a trial tier first, promotion fed by gamification events or by days without strikes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from contracts.gamification.events import ChallengeCompleted, PointsAwarded
from kit.auth import Principal
from kit.clock import ManualClock
from services.membership.jobs import run_community
from tests.support.events import consume, publish
from tests.support.factories import rest_create_community
from tests.support.gate import post_payment, rest_join, rest_set_gate
from tests.support.guildhall import service_client
from tests.support.membership import rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")
START = datetime(2025, 5, 1, tzinfo=UTC)


async def probation_tiers(
    client: httpx.AsyncClient, cid: str, condition: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    trial = await rest_create_tier(client, cid, key=f"trial-{cid[-6:]}", period="days", period_days=30)
    core = await rest_create_tier(client, cid, key=f"core-{cid[-6:]}", period="yearly")
    await rest_set_gate(
        client, cid, core["id"], {"kind": "probation", "trial_tier_id": trial["id"], "promote_when": condition}
    )
    return trial, core


def points(member_id: str, lifetime: int) -> PointsAwarded:
    return PointsAwarded(
        member_id=member_id, entry_id=f"pe-{lifetime}", points=10, balance=lifetime, lifetime=lifetime, reason="x"
    )


async def test_enough_lifetime_points_promote_a_member_on_probation(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        trial, core = await probation_tiers(client, cid, {"kind": "points", "lifetime_points": 100})
        joined = await rest_join(client, cid, core["id"])
        member_id = joined["member"]["id"]
        await publish(membership, points(member_id, 60), producer="gamification", community_id=cid)
        await consume(membership, "membership")
        halfway = (await client.get(f"/v1/communities/{cid}/members/{member_id}")).json()
        await publish(membership, points(member_id, 120), producer="gamification", community_id=cid, times=2)
        await consume(membership, "membership")
        promoted = (await client.get(f"/v1/communities/{cid}/members/{member_id}")).json()
        tiers = {t["id"]: t["seats_taken"] for t in (await client.get(f"/v1/communities/{cid}/tiers")).json()}
        log = (await client.get(f"/v1/communities/{cid}/members/{member_id}/transitions")).json()["items"]

    assert joined["status"] == "probation"
    assert joined["member"]["membership"]["tier_id"] == trial["id"]
    assert joined["member"]["membership"]["expires_at"] is not None
    assert (halfway["membership"]["status"], halfway["membership"]["tier_id"]) == ("probation", trial["id"])
    assert (promoted["membership"]["status"], promoted["membership"]["tier_id"]) == ("active", core["id"])
    assert tiers == {trial["id"]: 0, core["id"]: 1}
    assert [(r["kind"], r["to_value"], r["actor"]) for r in log][-2:] == [
        ("tier", core["id"], "system"),
        ("status", "active", "system"),
    ]


async def test_completing_the_named_challenge_promotes_and_another_does_not(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        _, core = await probation_tiers(client, cid, {"kind": "challenge", "challenge_id": "chl_21days"})
        member_id = (await rest_join(client, cid, core["id"]))["member"]["id"]
        other = ChallengeCompleted(member_id=member_id, challenge_id="chl_other", enrollment_id="e1")
        await publish(membership, other, producer="gamification", community_id=cid)
        await consume(membership, "membership")
        before = (await client.get(f"/v1/communities/{cid}/members/{member_id}")).json()
        named = ChallengeCompleted(member_id=member_id, challenge_id="chl_21days", enrollment_id="e2")
        await publish(membership, named, producer="gamification", community_id=cid)
        await consume(membership, "membership")
        after = (await client.get(f"/v1/communities/{cid}/members/{member_id}")).json()

    assert before["membership"]["status"] == "probation"
    assert after["membership"]["status"] == "active" and after["membership"]["tier_id"] == core["id"]


async def probation_promote(app: FastAPI, community_id: str, clock: ManualClock) -> int:
    results = await run_community(
        app.state.sessionmaker, community_id=community_id, now=clock.now(), only="probation.promote"
    )
    promoted: int = results["probation.promote"]
    return promoted


async def test_the_job_promotes_after_the_days_without_strikes(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        clock = ManualClock(START)
        membership.state.clocks.set(cid, clock)
        _, core = await probation_tiers(client, cid, {"kind": "clean_days", "days": 7})
        member_id = (await rest_join(client, cid, core["id"]))["member"]["id"]
        clock.advance(timedelta(days=6))
        early = await probation_promote(membership, cid, clock)
        clock.advance(timedelta(days=1))
        due = await probation_promote(membership, cid, clock)
        again = await probation_promote(membership, cid, clock)
        after = (await client.get(f"/v1/communities/{cid}/members/{member_id}")).json()

    assert (early, due, again) == (0, 1, 0)
    assert after["membership"]["status"] == "active"
    assert after["membership"]["expires_at"] == "2026-05-08T00:00:00Z"


async def test_a_strike_during_probation_restarts_the_clean_days(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        clock = ManualClock(START)
        membership.state.clocks.set(cid, clock)
        _, core = await probation_tiers(client, cid, {"kind": "clean_days", "days": 7})
        member_id = (await rest_join(client, cid, core["id"]))["member"]["id"]
        clock.advance(timedelta(days=3))
        struck = await client.post(f"/v1/communities/{cid}/members/{member_id}/strikes", json={"rule": "no-ads"})
        clock.advance(timedelta(days=4))
        seven_days_in = await probation_promote(membership, cid, clock)
        clock.advance(timedelta(days=3, hours=1))
        seven_clean_days = await probation_promote(membership, cid, clock)
        after = (await client.get(f"/v1/communities/{cid}/members/{member_id}")).json()

    assert struck.status_code == 201, struck.text
    assert (seven_days_in, seven_clean_days) == (0, 1)
    assert after["membership"]["status"] == "active"


async def test_a_member_who_left_the_trial_is_not_promoted(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        _, core = await probation_tiers(client, cid, {"kind": "points", "lifetime_points": 10})
        member_id = (await rest_join(client, cid, core["id"]))["member"]["id"]
        await client.post(f"/v1/communities/{cid}/members/{member_id}/status", json={"to": "left"})
        await publish(membership, points(member_id, 50), producer="gamification", community_id=cid)
        await consume(membership, "membership")
        after = (await client.get(f"/v1/communities/{cid}/members/{member_id}")).json()

    assert after["membership"]["status"] == "left"


async def test_a_paid_tier_with_probation_is_paid_first_then_tried_then_entered(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        trial = await rest_create_tier(client, cid, key="trial", period="days", period_days=14)
        paid = await rest_create_tier(client, cid, key="paid", price_amount=5_000, currency="CNY", period="monthly")
        condition = {"kind": "points", "lifetime_points": 30}
        await rest_set_gate(
            client, cid, paid["id"], {"kind": "probation", "trial_tier_id": trial["id"], "promote_when": condition}
        )
        joined = await rest_join(client, cid, paid["id"])
        member_id = joined["member"]["id"]
        confirmed = await post_payment(client, cid, member_id=member_id, amount=5_000, currency="CNY")
        await publish(membership, points(member_id, 30), producer="gamification", community_id=cid)
        await consume(membership, "membership")
        after = (await client.get(f"/v1/communities/{cid}/members/{member_id}")).json()

    assert joined["status"] == "pending_payment"
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["member"]["membership"]["status"] == "probation"
    assert confirmed.json()["member"]["membership"]["tier_id"] == trial["id"]
    assert (after["membership"]["status"], after["membership"]["tier_id"]) == ("active", paid["id"])
