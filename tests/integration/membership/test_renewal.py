"""Renewal by hand: one more period from the later of now and the current expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI

from kit.auth import Principal
from kit.clock import ManualClock
from services.membership.usecases.expiry import run_due
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.lifecycle import outbox_events
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


async def test_a_running_membership_is_extended_from_its_expiry_and_a_retry_changes_nothing(
    membership: FastAPI,
) -> None:
    clock = ManualClock(START)
    membership.state.clocks.default = clock
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        tier = await rest_create_tier(client, cid, period="days", period_days=30, price_amount=9900, currency="CNY")
        member = await rest_add_member(client, cid, tier_id=tier["id"])
        clock.advance(timedelta(days=10))
        path = f"/v1/communities/{cid}/members/{member['id']}/renewals"
        renewed = await client.post(path, json={"reason": "paid by bank transfer"}, headers={"Idempotency-Key": "r1"})
        retried = await client.post(path, json={"reason": "paid by bank transfer"}, headers={"Idempotency-Key": "r1"})
        log = (await client.get(f"/v1/communities/{cid}/members/{member['id']}/transitions")).json()["items"]

    assert renewed.status_code == 201, renewed.text
    assert renewed.json()["membership"]["expires_at"] == iso(START + timedelta(days=60))
    assert retried.json() == renewed.json()
    assert log[-1]["kind"] == "renewal" and log[-1]["reason"] == "paid by bank transfer"
    events = await outbox_events(membership, "membership.renewed")
    assert len(events) == 1
    assert events[0]["data"]["expires_at"] == iso(START + timedelta(days=60))


async def test_an_expired_membership_comes_back_for_one_period_from_now(membership: FastAPI) -> None:
    clock = ManualClock(START)
    membership.state.clocks.default = clock
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        tier = await rest_create_tier(client, cid, period="monthly", capacity=5)
        member = await rest_add_member(client, cid, tier_id=tier["id"])
        clock.advance(timedelta(days=40))
        async with membership.state.sessionmaker() as session:
            await run_due(session, community_id=cid, now=clock.now())
            await session.commit()
        expired = (await client.get(f"/v1/communities/{cid}/members/{member['id']}")).json()
        seats_after_expiry = (await client.get(f"/v1/communities/{cid}/tiers/{tier['id']}")).json()["seats_taken"]
        renewed = await client.post(f"/v1/communities/{cid}/members/{member['id']}/renewals", json={})
        seats = (await client.get(f"/v1/communities/{cid}/tiers/{tier['id']}")).json()["seats_taken"]

    assert expired["membership"]["status"] == "expired" and seats_after_expiry == 0
    assert renewed.status_code == 201
    assert renewed.json()["membership"]["status"] == "active"
    assert renewed.json()["membership"]["expires_at"] == iso(datetime(2026, 5, 10, 8, 0, tzinfo=UTC))
    assert seats == 1


async def test_what_cannot_be_renewed_is_refused_and_changes_nothing(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        lifetime = await rest_create_tier(client, cid)
        monthly = await rest_create_tier(client, cid, period="monthly")
        forever = await rest_add_member(client, cid, tier_id=lifetime["id"])
        no_tier = await rest_add_member(client, cid)
        banned = await rest_add_member(client, cid, tier_id=monthly["id"])
        await client.post(f"/v1/communities/{cid}/members/{banned['id']}/status", json={"to": "banned"})
        base = f"/v1/communities/{cid}/members"
        on_lifetime = await client.post(f"{base}/{forever['id']}/renewals", json={})
        without_tier = await client.post(f"{base}/{no_tier['id']}/renewals", json={})
        while_banned = await client.post(f"{base}/{banned['id']}/renewals", json={})
        unknown_tier = await client.post(f"{base}/{no_tier['id']}/renewals", json={"tier_id": "tier_nope"})
        still_banned = (await client.get(f"{base}/{banned['id']}")).json()

    assert on_lifetime.status_code == 409 and on_lifetime.json()["code"] == "membership_not_renewable"
    assert without_tier.status_code == 409
    assert while_banned.status_code == 409 and "banned" in while_banned.json()["detail"]
    assert unknown_tier.status_code == 404 and unknown_tier.json()["code"] == "tier_not_found"
    assert still_banned["membership"]["status"] == "banned"
    assert still_banned["membership"]["expires_at"] == banned["membership"]["expires_at"]
    assert await outbox_events(membership, "membership.renewed") == []


async def test_a_moderator_may_not_renew(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        tier = await rest_create_tier(client, cid, period="monthly")
        member = await rest_add_member(client, cid, tier_id=tier["id"])
        moderator = await rest_add_member(client, cid)
        await client.post(f"/v1/communities/{cid}/members/{moderator['id']}/role", json={"role": "moderator"})
        refused = await client.post(
            f"/v1/communities/{cid}/members/{member['id']}/renewals", json={"acting_member_id": moderator["id"]}
        )

    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
