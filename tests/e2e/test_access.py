"""Access through the gateway: entitlement checks and live codes over GraphQL."""

from __future__ import annotations

import base64

from guildhall.embedded import EmbeddedGuildhall
from kit.auth import Principal
from tests.support.access import create_group
from tests.support.factories import create_community, create_community_key
from tests.support.guildhall import GraphQL, service_client
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")

ENTITLEMENTS = """
query Check($cid: ID!, $mid: ID!, $mids: [ID!]!) {
  entitlement(communityId: $cid, memberId: $mid, key: "content:premium") { memberId key allowed reason }
  entitlements(communityId: $cid, memberIds: $mids, keys: ["content:premium", "standing:core"]) {
    memberId key allowed reason
  }
}
"""

CREATE_LIVE_CODE = """
mutation Create($input: CreateLiveCodeInput!) {
  createLiveCode(input: $input) {
    __typename
    ... on CreateLiveCodeSuccess { liveCode { id code name joinUrl routes { groupId when } } }
    ... on UserError { code message }
    ... on InvalidInputError { fields { field reason } }
  }
}
"""

LIVE_CODES = """
query Codes($cid: ID!) {
  liveCodes(communityId: $cid) {
    edges { cursor node { id joinUrl qrSvg(scale: 2) qrPngDataUrl } }
    pageInfo { endCursor hasNextPage }
  }
}
"""

ROUTE = """
mutation Route($input: RouteNewcomerInput!) {
  routeNewcomer(input: $input) {
    __typename
    ... on RouteNewcomerSuccess { routing { status overflow heldUntil group { id platform joinUrl } } }
    ... on UserError { code message }
  }
}
"""


async def test_entitlements_and_live_codes_through_graphql(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    cid = (await create_community(admin))["id"]
    service = guildhall.services["membership"]
    async with service_client(service, ADMIN) as client:
        tier = await rest_create_tier(client, cid, benefits=["content:premium"])
        member = await rest_add_member(client, cid, tier_id=tier["id"])
        outsider = await rest_add_member(client, cid)
    full = await create_group(service, cid, capacity=1, member_count=1)
    roomy = await create_group(service, cid, capacity=500, join_url="https://t.me/+roomy")

    checks = await admin(ENTITLEMENTS, cid=cid, mid=member["id"], mids=[member["id"], outsider["id"]])
    created = await admin(
        CREATE_LIVE_CODE,
        input={
            "communityId": cid,
            "name": "Poster",
            "routes": [{"groupId": full.id}, {"groupId": roomy.id, "when": {"region": "Shanghai"}}],
        },
    )
    live_code = created["data"]["createLiveCode"]["liveCode"]
    listed = await admin(LIVE_CODES, cid=cid)
    routed = await admin(
        ROUTE, input={"communityId": cid, "liveCodeId": live_code["id"], "attributes": {"region": "Shanghai"}}
    )
    refused = await admin(ROUTE, input={"communityId": cid, "liveCodeId": live_code["id"], "newcomerRef": "beijing"})

    assert checks["data"]["entitlement"] == {
        "memberId": member["id"],
        "key": "content:premium",
        "allowed": True,
        "reason": "tier_benefit",
    }
    assert [(e["allowed"], e["reason"]) for e in checks["data"]["entitlements"]] == [
        (True, "tier_benefit"),
        (False, "standing_too_low"),
        (False, "no_tier"),
        (False, "standing_too_low"),
    ]
    assert live_code["joinUrl"].endswith(f"/join/{live_code['code']}")
    assert live_code["routes"][1] == {"groupId": roomy.id, "when": {"region": "Shanghai"}}
    [edge] = listed["data"]["liveCodes"]["edges"]
    item = edge["node"]
    # Relay: endCursor is the last edge's cursor, on the last page too; hasNextPage says the list ended.
    assert edge["cursor"] and listed["data"]["liveCodes"]["pageInfo"] == {
        "endCursor": edge["cursor"],
        "hasNextPage": False,
    }
    assert item["qrSvg"].startswith("<svg")
    prefix = "data:image/png;base64,"
    assert base64.b64decode(item["qrPngDataUrl"].removeprefix(prefix)).startswith(b"\x89PNG")
    assert routed["data"]["routeNewcomer"]["__typename"] == "RouteNewcomerSuccess"
    assert routed["data"]["routeNewcomer"]["routing"]["group"] == {
        "id": roomy.id,
        "platform": "telegram",
        "joinUrl": "https://t.me/+roomy",
    }
    assert refused["data"]["routeNewcomer"] == {
        "__typename": "ConflictError",
        "code": "live_code_full",
        "message": "every group of this live code is full (or none fits this newcomer)",
    }


async def test_bad_live_codes_are_user_errors_and_other_communities_stay_hidden(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    cid = (await create_community(admin))["id"]
    other = (await create_community(admin))["id"]
    other_key = await create_community_key(admin, other)

    bad = await admin(CREATE_LIVE_CODE, input={"communityId": cid, "name": "x", "routes": [{"groupId": "grp_missing"}]})
    async with guildhall.client(api_key=other_key) as http:
        foreign = await GraphQL(http)(
            'query($cid: ID!) { entitlement(communityId: $cid, memberId: "mbr_x", key: "content:x") { allowed } }',
            cid=cid,
        )

    payload = bad["data"]["createLiveCode"]
    assert payload["__typename"] == "InvalidInputError"
    assert payload["fields"] == [
        {"field": "routes.0.groupId", "reason": "group grp_missing not found in this community"}
    ]
    assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"
