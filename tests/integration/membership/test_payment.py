"""Payments: confirming completes a paid join, renews, or moves up; duplicates change nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlmodel import func, select

from kit.auth import Principal
from kit.clock import ManualClock
from kit.tables import outbox
from services.membership.models.payment import Payment
from tests.support.factories import rest_create_community
from tests.support.gate import post_payment, rest_join
from tests.support.guildhall import service_client
from tests.support.membership import rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")
START = datetime(2025, 1, 10, tzinfo=UTC)


async def payments(app: FastAPI) -> int:
    async with app.state.sessionmaker() as session:
        count: int = (await session.exec(select(func.count()).select_from(Payment))).one()
    return count


async def recorded(app: FastAPI) -> list[dict[str, Any]]:
    async with app.state.sessionmaker() as session:
        rows = (await session.exec(select(outbox.c.envelope).order_by(outbox.c.seq))).all()
    return [e["data"] for e in map(json.loads, rows) if e["type"] == "payment.recorded"]


async def test_a_paid_join_waits_for_payment_and_the_payment_lets_them_in(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        membership.state.clocks.set(cid, ManualClock(START))
        tier = await rest_create_tier(client, cid, price_amount=29_900, currency="CNY", period="monthly")
        pending = await rest_join(client, cid, tier["id"])
        member_id = pending["member"]["id"]
        paid = await post_payment(
            client, cid, key="k1", member_id=member_id, amount=29_900, currency="cny", provider_ref="wx-1"
        )
        seats = (await client.get(f"/v1/communities/{cid}/tiers/{tier['id']}")).json()["seats_taken"]

    assert pending["status"] == "pending_payment"
    assert paid.status_code == 201, paid.text
    body = paid.json()
    assert body["duplicate"] is False
    assert body["payment"]["kind"] == "join"
    assert body["payment"]["amount"] == 29_900 and body["payment"]["currency"] == "CNY"
    assert body["member"]["membership"]["status"] == "active"
    assert body["member"]["membership"]["expires_at"] == "2025-02-10T00:00:00Z"
    assert body["payment"]["paid_until"] == "2025-02-10T00:00:00Z"
    assert seats == 1
    assert [(e["kind"], e["provider_ref"]) for e in await recorded(membership)] == [("join", "wx-1")]


async def test_a_duplicate_confirmation_changes_nothing(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, price_amount=500, currency="USD", period="days", period_days=30)
        member_id = (await rest_join(client, cid, tier["id"]))["member"]["id"]
        data = {"member_id": member_id, "amount": 500, "currency": "USD", "provider_ref": "ch_1"}
        first = await post_payment(client, cid, key="same", **data)
        same_key = await post_payment(client, cid, key="same", **data)
        same_ref = await post_payment(client, cid, key="other", **data)
        other_id = (await rest_join(client, cid, tier["id"]))["member"]["id"]
        other_member_same_ref = await post_payment(client, cid, key="third", **{**data, "member_id": other_id})

    assert first.status_code == 201
    assert same_key.json() == first.json() and same_key.headers.get("Idempotent-Replayed") == "true"
    assert same_ref.status_code == 201
    assert same_ref.json()["duplicate"] is True
    assert same_ref.json()["payment"]["id"] == first.json()["payment"]["id"]
    assert same_ref.json()["member"]["membership"]["expires_at"] == first.json()["member"]["membership"]["expires_at"]
    assert other_member_same_ref.status_code == 409
    assert other_member_same_ref.json()["code"] == "payment_reference_conflict"
    assert await payments(membership) == 1
    assert len(await recorded(membership)) == 1


async def test_wrong_amounts_missing_keys_and_free_tiers_are_refused_and_record_nothing(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, price_amount=500, currency="USD")
        free = await rest_create_tier(client, cid)
        member_id = (await rest_join(client, cid, tier["id"]))["member"]["id"]
        base = {"member_id": member_id, "amount": 500, "currency": "USD"}
        wrong_amount = await post_payment(client, cid, **{**base, "amount": 400})
        wrong_currency = await post_payment(client, cid, **{**base, "currency": "EUR"})
        bad_currency = await post_payment(client, cid, **{**base, "currency": "XXX"})
        free_tier = await post_payment(client, cid, **{**base, "tier_id": free["id"]})
        no_key = await client.post(
            f"/v1/communities/{cid}/payments", json={**base, "provider": "stripe", "provider_ref": "ch_9"}
        )
        member = (await client.get(f"/v1/communities/{cid}/members/{member_id}")).json()

    assert wrong_amount.status_code == 422 and wrong_amount.json()["errors"][0]["field"] == "amount"
    assert wrong_currency.status_code == 422 and wrong_currency.json()["errors"][0]["field"] == "currency"
    assert bad_currency.status_code == 422 and bad_currency.json()["errors"][0]["field"] == "currency"
    assert free_tier.status_code == 422 and free_tier.json()["errors"][0]["field"] == "tier_id"
    assert no_key.status_code == 422 and no_key.json()["errors"][0]["field"] == "Idempotency-Key"
    assert member["membership"]["status"] == "pending_payment"
    assert await payments(membership) == 0


async def test_a_renewal_extends_from_the_current_end_and_an_upgrade_moves_the_seat(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        clock = ManualClock(START)
        membership.state.clocks.set(cid, clock)
        lead = await rest_create_tier(client, cid)
        monthly = await rest_create_tier(client, cid, price_amount=1_000, currency="CNY", period="monthly")
        yearly = await rest_create_tier(client, cid, price_amount=9_000, currency="CNY", period="yearly")
        member_id = (await rest_join(client, cid, lead["id"]))["member"]["id"]
        upgraded = await post_payment(
            client, cid, member_id=member_id, tier_id=monthly["id"], amount=1_000, currency="CNY"
        )
        clock.advance(timedelta(days=20))
        renewed = await post_payment(client, cid, member_id=member_id, amount=1_000, currency="CNY")
        to_yearly = await post_payment(
            client, cid, member_id=member_id, tier_id=yearly["id"], amount=9_000, currency="CNY"
        )
        tiers = {t["id"]: t["seats_taken"] for t in (await client.get(f"/v1/communities/{cid}/tiers")).json()}

    assert upgraded.json()["payment"]["kind"] == "upgrade"
    assert upgraded.json()["member"]["membership"]["tier_id"] == monthly["id"]
    assert upgraded.json()["member"]["membership"]["expires_at"] == "2025-02-10T00:00:00Z"
    assert renewed.json()["payment"]["kind"] == "renewal"
    assert renewed.json()["member"]["membership"]["expires_at"] == "2025-03-10T00:00:00Z"
    assert to_yearly.json()["member"]["membership"]["expires_at"] == "2026-01-30T00:00:00Z"
    assert tiers == {lead["id"]: 0, monthly["id"]: 0, yearly["id"]: 1}


async def test_a_payment_for_someone_with_nothing_due_is_refused(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, price_amount=500, currency="USD")
        member_id = (await rest_join(client, cid, tier["id"]))["member"]["id"]
        await client.post(f"/v1/communities/{cid}/members/{member_id}/status", json={"to": "left"})
        refused = await post_payment(client, cid, member_id=member_id, amount=500, currency="USD")

    assert refused.status_code == 409 and refused.json()["code"] == "no_payment_due"
    assert await payments(membership) == 0
