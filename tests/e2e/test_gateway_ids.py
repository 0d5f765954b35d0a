"""Ids and idempotency keys from clients cannot steer or break the gateway's calls to the services: a malformed
id names nothing (its typed not-found error, never an unexpected one, never another community's route), and any
printable idempotency key, Chinese included, dedupes a retry."""

from __future__ import annotations

from guildhall.embedded import EmbeddedGuildhall
from kit.auth import SYSTEM
from tests.support.factories import create_community, create_community_key
from tests.support.guildhall import GraphQL, service_client

CREATE_TIER = """
mutation($input: CreateTierInput!) { createTier(input: $input) { __typename ... on TierSuccess { tier { id name } } } }
"""
UPDATE_TIER = """
mutation($input: UpdateTierInput!) {
  updateTier(input: $input) { __typename ... on TierSuccess { tier { id } } ... on UserError { code message } }
}
"""
TIER = "query($cid: ID!, $id: ID!) { tier(communityId: $cid, id: $id) { id name } }"
CREATE_COMMUNITY = """
mutation($input: CreateCommunityInput!) {
  createCommunity(input: $input) {
    __typename
    ... on CreateCommunitySuccess { community { id } }
    ... on InvalidInputError { code fields { field reason } }
  }
}
"""


async def test_a_malformed_tier_id_is_tier_not_found_and_reaches_no_other_route(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    mine = (await create_community(admin))["id"]
    theirs = (await create_community(admin))["id"]
    their_tier = (await admin(CREATE_TIER, input={"communityId": theirs, "key": "vip", "name": "VIP", "rank": 1}))[
        "data"
    ]["createTier"]["tier"]["id"]
    async with guildhall.client(api_key=await create_community_key(admin, mine)) as http:
        key_of_mine = GraphQL(http)
        steered = [
            (await key_of_mine(UPDATE_TIER, input={"communityId": mine, "id": tier_id, "name": "Taken over"}))["data"][
                "updateTier"
            ]
            for tier_id in (f"../../{theirs}/tiers/{their_tier}", "", "tier_\u0007", "tier_a?x=1")
        ]
        read = await key_of_mine(TIER, cid=mine, id=f"../../{theirs}/tiers/{their_tier}")
    theirs_now = (await admin(TIER, cid=theirs, id=their_tier))["data"]["tier"]

    assert [(s["__typename"], s["code"]) for s in steered] == [("NotFoundError", "tier_not_found")] * 4
    assert read["data"] is None
    assert read["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert theirs_now["name"] == "VIP"


async def test_a_chinese_idempotency_key_dedupes_a_retry_and_an_unprintable_one_is_refused(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    first = await admin(
        CREATE_COMMUNITY, input={"name": "重试社群", "timezone": "Asia/Shanghai", "idempotencyKey": "重试-1"}
    )
    retry = await admin(
        CREATE_COMMUNITY, input={"name": "重试社群", "timezone": "Asia/Shanghai", "idempotencyKey": "重试-1"}
    )
    other = await admin(
        CREATE_COMMUNITY, input={"name": "重试社群", "timezone": "Asia/Shanghai", "idempotencyKey": "重试-2"}
    )
    bad = await admin(CREATE_COMMUNITY, input={"name": "x", "timezone": "Asia/Shanghai", "idempotencyKey": "a\u0000b"})
    async with service_client(guildhall.services["membership"], SYSTEM) as membership:
        listed = (await membership.get("/v1/communities", params={"limit": 100})).json()["items"]

    one = first["data"]["createCommunity"]["community"]["id"]
    assert retry["data"]["createCommunity"]["community"]["id"] == one
    assert other["data"]["createCommunity"]["community"]["id"] != one
    assert bad["data"]["createCommunity"]["__typename"] == "InvalidInputError"
    assert [f["field"] for f in bad["data"]["createCommunity"]["fields"]] == ["idempotencyKey"]
    names = [c["name"] for c in listed]
    assert names.count("重试社群") == 2
    assert "x" not in names
