"""Money is 64-bit (ADR 0029): a tier price and a payment past 2**31 minor units are kept exactly on both backends,
and past 2**63 they are field errors naming the field, creating nothing (before, the columns were 32-bit)."""

from __future__ import annotations

from fastapi import FastAPI

from kit.auth import Principal
from tests.support.factories import rest_create_community
from tests.support.gate import post_payment, rest_join
from tests.support.guildhall import service_client
from tests.support.membership import rest_create_tier, tier_input

ADMIN = Principal(role="platform_admin", key_id="key_admin")
PRICE = 2**40 + 7  # past 32 bits; a float would still hold it, so the odd tail is checked too


async def test_a_price_and_a_payment_past_32_bits_are_kept_exactly(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, price_amount=PRICE, currency="CNY", period="lifetime")
        member_id = (await rest_join(client, cid, tier["id"]))["member"]["id"]
        paid = await post_payment(
            client, cid, key="k1", member_id=member_id, amount=PRICE, currency="CNY", provider_ref="wx-1"
        )
        read = (await client.get(f"/v1/communities/{cid}/tiers/{tier['id']}")).json()

    assert paid.status_code == 201, paid.text
    assert paid.json()["payment"]["amount"] == PRICE
    assert read["price_amount"] == PRICE


async def test_a_price_or_a_payment_past_64_bits_is_a_field_error(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        huge = await client.post(
            f"/v1/communities/{cid}/tiers", json=tier_input(price_amount=2**63, currency="CNY", period="lifetime")
        )
        tier = await rest_create_tier(client, cid, price_amount=2**63 - 1, currency="CNY", period="lifetime")
        member_id = (await rest_join(client, cid, tier["id"]))["member"]["id"]
        payment = await post_payment(
            client, cid, key="k1", member_id=member_id, amount=2**63, currency="CNY", provider_ref="wx-1"
        )
        tiers = (await client.get(f"/v1/communities/{cid}/tiers")).json()

    for refused, field in ((huge, "price_amount"), (payment, "amount")):
        assert refused.status_code == 422, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == [field]
    assert tier["price_amount"] == 2**63 - 1
    assert [t["price_amount"] for t in (tiers["items"] if isinstance(tiers, dict) else tiers)] == [2**63 - 1]
