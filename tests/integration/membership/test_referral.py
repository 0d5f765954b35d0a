"""Referrals: one code per member, attribution on join, a reward signal only on a paid conversion."""

from __future__ import annotations

import json
from typing import Any

import httpx
from fastapi import FastAPI
from sqlmodel import select

from kit.auth import Principal
from kit.tables import outbox
from tests.support.factories import rest_create_community
from tests.support.gate import post_join, post_payment, rest_join
from tests.support.guildhall import service_client
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def conversions(app: FastAPI) -> list[dict[str, Any]]:
    async with app.state.sessionmaker() as session:
        rows = (await session.exec(select(outbox.c.envelope).order_by(outbox.c.seq))).all()
    return [e["data"] for e in map(json.loads, rows) if e["type"] == "referral.converted"]


async def referral_code(client: httpx.AsyncClient, cid: str, member_id: str) -> str:
    response = await client.post(f"/v1/communities/{cid}/members/{member_id}/referral-code")
    assert response.status_code == 200, response.text
    code: str = response.json()["code"]
    return code


async def test_a_member_has_one_code_made_on_demand(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        member = await rest_add_member(client, cid)
        path = f"/v1/communities/{cid}/members/{member['id']}/referral-code"
        before = await client.get(path)
        first = await client.post(path)
        second = await client.post(path)
        read = await client.get(path)

    assert before.status_code == 404 and before.json()["code"] == "referral_code_not_found"
    assert first.json()["code"] == second.json()["code"] == read.json()["code"]
    assert len(first.json()["code"]) == 8


async def test_a_referred_join_is_attributed_and_rewarded_only_when_paid(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        lead = await rest_create_tier(client, cid)
        paid = await rest_create_tier(client, cid, price_amount=9_900, currency="CNY")
        referrer = await rest_add_member(client, cid, tier_id=lead["id"])
        code = await referral_code(client, cid, referrer["id"])
        joined = await rest_join(client, cid, lead["id"], referral_code=code.lower())
        referred_id = joined["member"]["id"]
        after_free_join = await conversions(membership)
        await post_payment(client, cid, member_id=referred_id, tier_id=paid["id"], amount=9_900, currency="CNY")
        renewed = await post_payment(client, cid, member_id=referred_id, amount=9_900, currency="CNY")

    assert joined["member"]["membership"]["source"] == "referral"
    assert joined["member"]["membership"]["referrer_member_id"] == referrer["id"]
    assert after_free_join == []
    assert renewed.json()["payment"]["kind"] == "renewal"
    converted = await conversions(membership)
    assert [(c["referrer_member_id"], c["referred_member_id"], c["tier_id"]) for c in converted] == [
        (referrer["id"], referred_id, paid["id"])
    ]
    assert (converted[0]["tier_key"], converted[0]["amount"], converted[0]["currency"]) == (paid["key"], 9_900, "CNY")


async def test_self_referral_and_cycles_are_refused(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        lead = await rest_create_tier(client, cid)
        other = await rest_create_tier(client, cid)
        alice = await rest_add_member(client, cid, tier_id=lead["id"])
        alice_code = await referral_code(client, cid, alice["id"])
        bob = (await rest_join(client, cid, lead["id"], referral_code=alice_code))["member"]
        bob_code = await referral_code(client, cid, bob["id"])
        carol = (await rest_join(client, cid, lead["id"], referral_code=bob_code))["member"]
        carol_code = await referral_code(client, cid, carol["id"])
        members = f"/v1/communities/{cid}/members"
        await client.post(f"{members}/{alice['id']}/status", json={"to": "left"})
        own = await post_join(client, cid, lead["id"], member_id=alice["id"], referral_code=alice_code)
        cycle = await post_join(client, cid, other["id"], member_id=alice["id"], referral_code=carol_code)
        unknown = await post_join(client, cid, lead["id"], referral_code="NOTACODE")
        alice_after = (await client.get(f"{members}/{alice['id']}")).json()

    assert own.status_code == 422 and own.json()["code"] == "self_referral"
    assert own.json()["errors"][0]["field"] == "referral_code"
    assert cycle.status_code == 422 and cycle.json()["code"] == "referral_cycle"
    assert unknown.status_code == 422 and unknown.json()["code"] == "referral_code_unknown"
    assert alice_after["membership"]["status"] == "left"


async def test_only_members_inside_get_a_code_and_their_codes_stop_working_when_they_leave(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        lead = await rest_create_tier(client, cid)
        member = await rest_add_member(client, cid, tier_id=lead["id"])
        code = await referral_code(client, cid, member["id"])
        await client.post(f"/v1/communities/{cid}/members/{member['id']}/status", json={"to": "left"})
        stale = await post_join(client, cid, lead["id"], referral_code=code)
        outsider = await rest_add_member(client, cid)
        await client.post(f"/v1/communities/{cid}/members/{outsider['id']}/status", json={"to": "removed"})
        refused = await client.post(f"/v1/communities/{cid}/members/{outsider['id']}/referral-code")

    assert stale.status_code == 422 and stale.json()["code"] == "referrer_not_active"
    assert refused.status_code == 409 and refused.json()["code"] == "member_not_active"


async def test_the_code_shows_its_joins_conversions_and_what_they_paid(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        lead = await rest_create_tier(client, cid)
        paid = await rest_create_tier(client, cid, price_amount=9_900, currency="CNY")
        referrer = await rest_add_member(client, cid, tier_id=lead["id"])
        other = await rest_add_member(client, cid, tier_id=lead["id"])
        code = await referral_code(client, cid, referrer["id"])
        other_code = await referral_code(client, cid, other["id"])
        path = f"/v1/communities/{cid}/members/{referrer['id']}/referral-code"
        fresh = (await client.get(path)).json()
        joined = [(await rest_join(client, cid, lead["id"], referral_code=code))["member"]["id"] for _ in range(3)]
        stranger = (await rest_join(client, cid, lead["id"], referral_code=other_code))["member"]["id"]
        for member_id in (joined[0], joined[1], stranger):
            await post_payment(client, cid, member_id=member_id, tier_id=paid["id"], amount=9_900, currency="CNY")
        await post_payment(client, cid, member_id=joined[0], amount=9_900, currency="CNY")  # a renewal
        read = (await client.get(path)).json()
        asked_again = (await client.post(path)).json()

    assert (fresh["joins"], fresh["conversions"], fresh["converted_amounts"]) == (0, 0, [])
    assert (read["code"], read["joins"], read["conversions"]) == (code, 3, 2)
    assert read["converted_amounts"] == [{"amount": 19_800, "currency": "CNY"}]
    assert asked_again["conversions"] == 2
