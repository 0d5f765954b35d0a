"""Through the gateway, money and points past GraphQL's 32-bit Int (ADR 0029): the ``Int64`` scalar carries them
exactly both ways (a number, or its digits in a string past 2**53), and past 2**63 the service's refusal comes back
as an ``InvalidInputError`` naming the field. Before, ``Int`` refused any of them as a GraphQL error."""

from __future__ import annotations

from tests.support.factories import add_members, create_community
from tests.support.guildhall import GraphQL

ERRORS = "... on InvalidInputError { code fields { field reason } }"
GRANT = f"""
mutation Grant($input: GrantPointsInput!) {{
  grantPoints(input: $input) {{
    __typename ... on PointsPosted {{ balance lifetimePoints entry {{ points }} }} {ERRORS}
  }}
}}"""
VIEW = """
query View($community: ID!, $members: [ID!]!) {
  memberGamification(communityId: $community, memberIds: $members) { memberId points lifetimePoints }
}"""
CREATE_TIER = f"""
mutation($input: CreateTierInput!) {{
  createTier(input: $input) {{ __typename ... on TierSuccess {{ tier {{ priceAmount }} }} {ERRORS} }}
}}"""
WIDE = 2**40 + 3
MOST = 2**63 - 1


async def test_points_and_prices_past_32_bits_go_through_exactly_and_past_64_bits_are_field_errors(
    admin: GraphQL,
) -> None:
    cid = (await create_community(admin, name="Whales"))["id"]
    a_id, b_id = await add_members(admin, cid, 2)

    def grant(member_id: str, points: int | str) -> dict[str, object]:
        return {"communityId": cid, "memberId": member_id, "points": points, "reason": "big"}

    wide = [await admin(GRANT, input=grant(a_id, WIDE)) for _ in range(2)]
    most = await admin(GRANT, input=grant(b_id, str(MOST)))
    past = await admin(GRANT, input=grant(b_id, 2**63))
    view = await admin(VIEW, community=cid, members=[a_id, b_id])
    tier = await admin(
        CREATE_TIER,
        input={"communityId": cid, "key": "vip", "name": "VIP", "rank": 1, "priceAmount": WIDE, "currency": "CNY"},
    )
    no_tier = await admin(
        CREATE_TIER,
        input={"communityId": cid, "key": "moon", "name": "Moon", "rank": 2, "priceAmount": 2**63, "currency": "CNY"},
    )

    for body in (*wide, most, past, view, tier, no_tier):
        assert "errors" not in body, body
    assert [w["data"]["grantPoints"]["entry"]["points"] for w in wide] == [WIDE, WIDE]
    assert wide[1]["data"]["grantPoints"]["balance"] == 2 * WIDE
    assert most["data"]["grantPoints"]["balance"] == MOST
    for refused, name in ((past, "grantPoints"), (no_tier, "createTier")):
        assert refused["data"][name]["__typename"] == "InvalidInputError"
    assert [f["field"] for f in past["data"]["grantPoints"]["fields"]] == ["points"]
    assert [f["field"] for f in no_tier["data"]["createTier"]["fields"]] == ["priceAmount"]
    assert [(m["points"], m["lifetimePoints"]) for m in view["data"]["memberGamification"]] == [
        (2 * WIDE, 2 * WIDE),
        (MOST, MOST),
    ]
    assert tier["data"]["createTier"]["tier"]["priceAmount"] == WIDE
