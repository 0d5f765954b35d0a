"""Races on PostgreSQL: separate HTTP requests (each its own session and transaction) at the same moment.

Two joins for the last seat admit exactly one; a code with one use left admits exactly one; duplicate
payment confirmations record one payment.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from fastapi import FastAPI
from sqlmodel import func, select

from kit.auth import Principal
from services.membership.models.payment import Payment
from tests.support.factories import rest_create_community
from tests.support.gate import post_join, post_payment, rest_create_invitation_code, rest_join, rest_set_gate
from tests.support.guildhall import service_client
from tests.support.membership import rest_create_tier

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("backend", ["postgres"], indirect=True)]

ADMIN = Principal(role="platform_admin", key_id="key_admin")
RACERS = 6


async def test_joins_racing_for_the_last_seat_admit_exactly_one(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, capacity=2)
        await rest_join(client, cid, tier["id"])
        responses = await asyncio.gather(*(post_join(client, cid, tier["id"]) for _ in range(RACERS)))
        after = (await client.get(f"/v1/communities/{cid}/tiers/{tier['id']}")).json()
        members = (await client.get(f"/v1/communities/{cid}/members")).json()["items"]

    outcomes = Counter((r.status_code, r.json().get("code")) for r in responses)
    assert outcomes == {(201, None): 1, (409, "tier_full"): RACERS - 1}
    assert after["seats_taken"] == 2
    assert len(members) == 2


async def test_joins_racing_for_a_codes_last_use_admit_exactly_one(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid)
        await rest_set_gate(client, cid, tier["id"], {"kind": "invitation"})
        code = await rest_create_invitation_code(client, cid, tier["id"], max_uses=2)
        await rest_join(client, cid, tier["id"], invitation_code=code["code"])
        responses = await asyncio.gather(
            *(post_join(client, cid, tier["id"], invitation_code=code["code"]) for _ in range(RACERS))
        )
        codes = (await client.get(f"/v1/communities/{cid}/invitation-codes")).json()["items"]
        members = (await client.get(f"/v1/communities/{cid}/members")).json()["items"]

    outcomes = Counter((r.status_code, r.json().get("code")) for r in responses)
    assert outcomes == {(201, None): 1, (422, "invitation_code_used_up"): RACERS - 1}
    assert codes[0]["uses"] == 2
    assert len(members) == 2


async def payment_count(app: FastAPI) -> int:
    async with app.state.sessionmaker() as session:
        count: int = (await session.exec(select(func.count()).select_from(Payment))).one()
    return count


async def test_duplicate_payment_confirmations_racing_record_one_payment(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, price_amount=9_900, currency="CNY", capacity=5)
        member_id = (await rest_join(client, cid, tier["id"]))["member"]["id"]
        data = {"member_id": member_id, "amount": 9_900, "currency": "CNY", "provider_ref": "wx-race"}
        # Retries of one confirmation under fresh keys (the integrator lost the answers) ...
        fresh_keys = await asyncio.gather(*(post_payment(client, cid, key=f"k-{i}", **data) for i in range(RACERS)))
        # ... and under one key (the same request sent again and again).
        one_key = await asyncio.gather(*(post_payment(client, cid, key="k-0", **data) for _ in range(RACERS)))
        after = (await client.get(f"/v1/communities/{cid}/tiers/{tier['id']}")).json()

    assert all(r.status_code == 201 for r in fresh_keys), [r.text for r in fresh_keys]
    assert Counter(r.json()["duplicate"] for r in fresh_keys) == {False: 1, True: RACERS - 1}
    assert len({r.json()["payment"]["id"] for r in fresh_keys}) == 1
    # A twin still in flight is told so (409 idempotency_key_in_use); a finished one is replayed.
    assert {r.status_code for r in one_key} <= {201, 409}
    assert {r.json()["payment"]["id"] for r in one_key if r.status_code == 201} <= {
        fresh_keys[0].json()["payment"]["id"]
    }
    assert await payment_count(membership) == 1
    assert after["seats_taken"] == 1
