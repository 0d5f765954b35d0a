"""The tier ladder through the membership REST API."""

from __future__ import annotations

from fastapi import FastAPI

from kit.auth import Principal
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def test_tiers_are_listed_in_rank_order_with_their_benefits(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        premium = await rest_create_tier(
            client,
            community["id"],
            key="premium",
            rank=3,
            price_amount=29_900,
            currency="cny",
            period="yearly",
            benefits=["content:premium", "event:offline", "content:premium"],
        )
        lead = await rest_create_tier(client, community["id"], key="lead", rank=1)
        listed = (await client.get(f"/v1/communities/{community['id']}/tiers")).json()

    assert [tier["key"] for tier in listed] == ["lead", "premium"]
    assert premium["currency"] == "CNY"
    assert premium["benefits"] == ["content:premium", "event:offline"]
    assert lead["price_amount"] == 0 and lead["period"] == "lifetime"


async def test_inconsistent_tiers_are_refused_naming_the_field(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        no_currency = await client.post(
            f"/v1/communities/{cid}/tiers", json={"key": "a", "name": "A", "rank": 1, "price_amount": 100}
        )
        bad_period = await client.post(
            f"/v1/communities/{cid}/tiers", json={"key": "b", "name": "B", "rank": 1, "period": "days"}
        )
        bad_benefit = await client.post(
            f"/v1/communities/{cid}/tiers", json={"key": "c", "name": "C", "rank": 1, "benefits": ["premium"]}
        )
        negative = await client.post(
            f"/v1/communities/{cid}/tiers",
            json={"key": "d", "name": "D", "rank": 1, "price_amount": -1, "currency": "USD"},
        )
        await rest_create_tier(client, cid, key="taken")
        duplicate = await client.post(f"/v1/communities/{cid}/tiers", json={"key": "taken", "name": "T", "rank": 2})
        listed = (await client.get(f"/v1/communities/{cid}/tiers")).json()

    assert no_currency.status_code == 422 and "currency" in no_currency.text
    assert bad_period.status_code == 422 and "period_days" in bad_period.text
    assert bad_benefit.status_code == 422 and bad_benefit.json()["errors"][0]["field"] == "benefits"
    assert negative.status_code == 422 and negative.json()["errors"][0]["field"] == "price_amount"
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "tier_key_taken"
    assert [tier["key"] for tier in listed] == ["taken"]


async def test_a_full_tier_admits_nobody_more(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        tier = await rest_create_tier(client, cid, capacity=1)
        await rest_add_member(client, cid, tier_id=tier["id"])
        refused = await client.post(
            f"/v1/communities/{cid}/members", json={"display_name": "Late", "tier_id": tier["id"]}
        )
        after = (await client.get(f"/v1/communities/{cid}/tiers/{tier['id']}")).json()
        members = (await client.get(f"/v1/communities/{cid}/members")).json()

    assert refused.status_code == 409 and refused.json()["code"] == "tier_full"
    assert after["seats_taken"] == 1
    assert len(members["items"]) == 1


async def test_ladders_of_several_communities_come_in_one_batch_within_the_callers_reach(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        first = (await rest_create_community(client))["id"]
        second = (await rest_create_community(client))["id"]
        high = await rest_create_tier(client, first, rank=2)
        low = await rest_create_tier(client, first, rank=1)
        archived = await rest_create_tier(client, first, rank=3)
        await client.patch(f"/v1/communities/{first}/tiers/{archived['id']}", json={"archived": True})
        batch = await client.get("/v1/tiers", params={"community_id": [first, second, "cmty_missing"]})
        empty = await client.get("/v1/tiers")
    async with service_client(membership, Principal(role="community_admin", community_id=second)) as client:
        own = await client.get("/v1/tiers", params={"community_id": [first, second]})

    ladders = {item["community_id"]: [t["id"] for t in item["tiers"]] for item in batch.json()["items"]}
    assert ladders == {first: [low["id"], high["id"]], second: []}
    assert empty.status_code == 422
    assert own.json()["items"] == [{"community_id": second, "tiers": []}], "another community's ladder stays hidden"
