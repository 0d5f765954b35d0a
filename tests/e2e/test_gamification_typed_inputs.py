"""A point rule's conditions and multipliers and a badge's criteria are typed input in this schema's names; the
redemption, draw and probe lists are Relay connections paged by `first`/`after`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from guildhall.embedded import EmbeddedGuildhall
from tests.support.access import create_group
from tests.support.factories import add_members, create_community
from tests.support.guildhall import GraphQL

FIELDS = "... on InvalidInputError { fields { field reason } }"
CREATE_RULE = f"""
mutation($input: CreatePointRuleInput!) {{
  createPointRule(input: $input) {{
    __typename ... on CreatePointRuleSuccess {{ rule {{ ruleId conditions tierMultipliers }} }} {FIELDS}
  }}
}}"""
UPDATE_RULE = f"""
mutation($input: UpdatePointRuleInput!) {{
  updatePointRule(input: $input) {{
    __typename ... on UpdatePointRuleSuccess {{ rule {{ version conditions tierMultipliers }} }} {FIELDS}
  }}
}}"""
CREATE_BADGE = f"""
mutation($input: CreateBadgeInput!) {{
  createBadge(input: $input) {{ __typename ... on CreateBadgeSuccess {{ badge {{ criteria }} }} {FIELDS} }}
}}"""
GRANT = "mutation($input: GrantPointsInput!) { grantPoints(input: $input) { __typename } }"
CREATE_REWARD = """
mutation($input: CreateRewardInput!) { createReward(input: $input) { ... on CreateRewardSuccess { reward { id } } } }
"""
REDEEM = """
mutation($input: RedeemRewardInput!) {
  redeemReward(input: $input) { ... on RedeemRewardSuccess { redemption { id } } }
}"""
REDEMPTIONS = """
query($c: ID!, $first: Int!, $after: String) {
  redemptions(communityId: $c, first: $first, after: $after) {
    edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor hasPreviousPage }
  }
}"""
REDEMPTIONS_BY_LIMIT = "query($c: ID!) { redemptions(communityId: $c, limit: 1) { nodes { id } } }"
DROP = "mutation($input: DropProbeInput!) { dropProbe(input: $input) { ... on DropProbeSuccess { probe { id } } } }"
CLOSE = """
mutation($input: CloseProbeInput!) { closeProbe(input: $input) { ... on CloseProbeSuccess { probe { status } } } }
"""
CLOSE_BY_ARGUMENTS = """
mutation($c: ID!, $p: ID!) { closeProbe(communityId: $c, probeId: $p) { __typename } }
"""
PROBES = """
query($c: ID!, $after: String) {
  probes(communityId: $c, first: 1, after: $after) { nodes { id status } pageInfo { hasNextPage endCursor } }
}"""


async def data(graphql: GraphQL, query: str, field: str, **variables: Any) -> Any:
    body = await graphql(query, **variables)
    assert "errors" not in body, body
    return body["data"][field]


async def test_rule_conditions_and_multipliers_are_typed_and_errors_name_their_fields(admin: GraphQL) -> None:
    cid = (await create_community(admin))["id"]
    rule = {"communityId": cid, "name": "Posts", "event": "member.activity.message", "points": 2}

    made = await data(
        admin,
        CREATE_RULE,
        "createPointRule",
        input={
            **rule,
            "conditions": {"minLength": 20, "groupIds": ["grp_a"]},
            "tierMultipliers": [{"tierId": "tier_core", "multiplier": 1.5}],
        },
    )
    wrong_event = await data(
        admin, CREATE_RULE, "createPointRule", input={**rule, "conditions": {"minAmount": 100, "currency": "CNY"}}
    )
    negative = await data(
        admin,
        CREATE_RULE,
        "createPointRule",
        input={
            **rule,
            "tierMultipliers": [{"tierId": "tier_lead", "multiplier": 1}, {"tierId": "tier_core", "multiplier": -1}],
        },
    )
    twice = await data(
        admin,
        CREATE_RULE,
        "createPointRule",
        input={
            **rule,
            "tierMultipliers": [{"tierId": "tier_core", "multiplier": 1}, {"tierId": "tier_core", "multiplier": 2}],
        },
    )
    changed = await data(
        admin,
        UPDATE_RULE,
        "updatePointRule",
        input={"communityId": cid, "ruleId": made["rule"]["ruleId"], "conditions": {"keyword": "hi"}},
    )
    unchanged_multipliers = changed["rule"]["tierMultipliers"]
    refused_change = await data(
        admin,
        UPDATE_RULE,
        "updatePointRule",
        input={
            "communityId": cid,
            "ruleId": made["rule"]["ruleId"],
            "tierMultipliers": [{"tierId": "tier_x", "multiplier": -2}],
        },
    )

    assert made["rule"]["conditions"] == {"min_length": 20, "group_ids": ["grp_a"]}
    assert made["rule"]["tierMultipliers"] == {"tier_core": 1.5}
    assert [f["field"] for f in wrong_event["fields"]] == ["conditions.minAmount", "conditions.currency"]
    assert [f["field"] for f in negative["fields"]] == ["tierMultipliers.1.multiplier"]
    assert [f["field"] for f in twice["fields"]] == ["tierMultipliers.1.tierId"]
    assert changed["rule"]["version"] == 2 and changed["rule"]["conditions"] == {"keyword": "hi"}
    assert unchanged_multipliers == {"tier_core": 1.5}
    assert [f["field"] for f in refused_change["fields"]] == ["tierMultipliers.0.multiplier"]


async def test_badge_criteria_are_typed_and_a_field_of_another_kind_is_named_in_camel_case(admin: GraphQL) -> None:
    cid = (await create_community(admin))["id"]
    badge = {"communityId": cid, "name": "Regular"}

    made = await data(
        admin,
        CREATE_BADGE,
        "createBadge",
        input={**badge, "criteria": {"kind": "count", "event": "checkin.recorded", "n": 5, "windowDays": 30}},
    )
    misplaced = await data(
        admin,
        CREATE_BADGE,
        "createBadge",
        input={**badge, "criteria": {"kind": "streak", "event": "checkin.recorded", "days": 7, "windowDays": 30}},
    )

    assert made["badge"]["criteria"] == {"kind": "count", "event": "checkin.recorded", "n": 5, "window_days": 30}
    assert [f["field"] for f in misplaced["fields"]] == ["criteria.windowDays"]


async def test_redemptions_and_probes_are_connections_paged_by_first_and_after(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    cid = (await create_community(admin))["id"]
    [member] = await add_members(admin, cid, 1)
    await admin(GRANT, input={"communityId": cid, "memberId": member, "points": 10, "reason": "welcome"})
    reward = (await data(admin, CREATE_REWARD, "createReward", input={"communityId": cid, "name": "Pin", "cost": 1}))[
        "reward"
    ]["id"]
    redeemed = [
        (await data(admin, REDEEM, "redeemReward", input={"communityId": cid, "rewardId": reward, "memberId": member}))[
            "redemption"
        ]["id"]
        for _ in range(3)
    ]
    first = await data(admin, REDEMPTIONS, "redemptions", c=cid, first=2)
    rest = await data(admin, REDEMPTIONS, "redemptions", c=cid, first=2, after=first["pageInfo"]["endCursor"])
    by_limit = await data(admin, REDEMPTIONS_BY_LIMIT, "redemptions", c=cid)
    bad_cursor = await admin(REDEMPTIONS, c=cid, first=2, after="not a cursor")

    group = await create_group(guildhall.services["membership"], cid, connection_id="conn_tg", member_count=3)
    expires = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    drop = {"communityId": cid, "groupIds": [group.id], "keyword": "hb", "maxClaims": 1, "expiresAt": expires}
    probes = [(await data(admin, DROP, "dropProbe", input=drop))["probe"]["id"] for _ in range(2)]
    closed = await data(admin, CLOSE, "closeProbe", input={"communityId": cid, "probeId": probes[0]})
    closed_the_old_way = await data(admin, CLOSE_BY_ARGUMENTS, "closeProbe", c=cid, p=probes[1])
    newest = await data(admin, PROBES, "probes", c=cid)
    older = await data(admin, PROBES, "probes", c=cid, after=newest["pageInfo"]["endCursor"])

    newest_first = list(reversed(redeemed))
    assert [e["node"]["id"] for e in first["edges"]] == [n["id"] for n in first["nodes"]] == newest_first[:2]
    assert first["pageInfo"] == {
        "hasNextPage": True,
        "endCursor": first["edges"][-1]["cursor"],
        "hasPreviousPage": False,
    }
    assert [n["id"] for n in rest["nodes"]] == newest_first[2:]
    assert (rest["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasPreviousPage"]) == (False, True)
    assert [n["id"] for n in by_limit["nodes"]] == newest_first[:1]
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert closed == {"probe": {"status": "closed"}}
    assert closed_the_old_way == {"__typename": "CloseProbeSuccess"}
    assert [p["id"] for p in newest["nodes"] + older["nodes"]] == list(reversed(probes))
    assert (newest["pageInfo"]["hasNextPage"], older["pageInfo"]["hasNextPage"]) == (True, False)


READ_BACK_RULE = """
mutation($input: CreatePointRuleInput!) {
  createPointRule(input: $input) {
    ... on CreatePointRuleSuccess {
      rule { appliesWhen { minAmount maxAmount currency paidTierKeys groupIds } multipliers { tierId multiplier } }
    }
  }
}"""
READ_BACK_BADGE = """
mutation($input: CreateBadgeInput!) {
  createBadge(input: $input) {
    ... on CreateBadgeSuccess { badge { earnedBy { kind event n windowDays days challengeId } } }
  }
}"""


async def test_a_rule_and_a_badge_read_back_in_the_names_they_were_written_in(admin: GraphQL) -> None:
    cid = (await create_community(admin))["id"]
    tier = "tier_01aaaaaaaaaaaaaaaaaaaaaaaa"
    conditions = {"minAmount": 10000, "currency": "CNY", "paidTierKeys": ["core"]}

    rule = await data(
        admin,
        READ_BACK_RULE,
        "createPointRule",
        input={
            "communityId": cid,
            "name": "Paid referral",
            "event": "referral.converted",
            "points": 50,
            "conditions": conditions,
            "tierMultipliers": [{"tierId": tier, "multiplier": 2.0}],
        },
    )
    badge = await data(
        admin,
        READ_BACK_BADGE,
        "createBadge",
        input={
            "communityId": cid,
            "name": "Regular",
            "criteria": {"kind": "count", "event": "member.activity.message", "n": 100, "windowDays": 30},
        },
    )

    assert rule["rule"]["appliesWhen"] == {**conditions, "maxAmount": None, "groupIds": None}
    assert rule["rule"]["multipliers"] == [{"tierId": tier, "multiplier": 2.0}]
    assert badge["badge"]["earnedBy"] == {
        "kind": "count",
        "event": "member.activity.message",
        "n": 100,
        "windowDays": 30,
        "days": None,
        "challengeId": None,
    }
