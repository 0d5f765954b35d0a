"""Gamification through the gateway: rules, grants and spends, then the member view and the leaderboard."""

from __future__ import annotations

from typing import Any

from tests.support.factories import add_members, create_community
from tests.support.guildhall import GraphQL, eventually

CREATE_RULE = """
mutation Rule($input: CreatePointRuleInput!) {
  createPointRule(input: $input) {
    __typename
    ... on CreatePointRuleSuccess { rule { ruleId version event points dailyCap } }
    ... on InvalidInputError { code fields { field reason } }
  }
}
"""

GRANT = """
mutation Grant($input: GrantPointsInput!) {
  grantPoints(input: $input) {
    __typename
    ... on PointsPosted { balance lifetimePoints entry { kind points } }
  }
}
"""

SPEND = """
mutation Spend($input: SpendPointsInput!) {
  spendPoints(input: $input) {
    __typename
    ... on PointsPosted { balance }
    ... on ConflictError { code }
  }
}
"""

VIEW = """
query View($community: ID!, $members: [ID!]!, $me: ID!) {
  memberGamification(communityId: $community, memberIds: $members) {
    memberId points lifetimePoints progressToNextLevel
    level { rank name } nextLevel { rank threshold }
    ranks { window rank score }
    recentEntries(limit: 5) { kind points }
  }
  leaderboard(communityId: $community, window: ALL, memberId: $me) { top { memberId rank score } me { rank } }
  pointRules(communityId: $community) { name event }
}
"""


async def test_points_granted_and_spent_show_in_the_member_view_and_the_leaderboard(admin: GraphQL) -> None:
    community = await create_community(admin, name="Runners", timezone="Europe/Berlin")
    cid = community["id"]

    async def levels_ready() -> Any:
        body = await admin("query($id: ID!) { community(id: $id) { levels { rank } } }", id=cid)
        return body["data"]["community"]["levels"] or None

    await eventually(levels_ready)
    a_id, b_id = await add_members(admin, cid, 2)

    rule = await admin(
        CREATE_RULE,
        input={"communityId": cid, "name": "Posts", "event": "member.activity.message", "points": 3, "dailyCap": 30},
    )
    bad_rule = await admin(CREATE_RULE, input={"communityId": cid, "name": "?", "event": "member.dance", "points": 3})
    granted = await admin(
        GRANT,
        input={"communityId": cid, "memberId": a_id, "points": 150, "reason": "welcome", "idempotencyKey": "g-1"},
    )
    await admin(
        GRANT,
        input={"communityId": cid, "memberId": a_id, "points": 150, "reason": "welcome", "idempotencyKey": "g-1"},
    )
    await admin(GRANT, input={"communityId": cid, "memberId": b_id, "points": 40, "reason": "welcome"})
    spent = await admin(SPEND, input={"communityId": cid, "memberId": a_id, "points": 50, "reason": "mug"})
    too_much = await admin(SPEND, input={"communityId": cid, "memberId": b_id, "points": 41, "reason": "mug"})
    view = (await admin(VIEW, community=cid, members=[a_id, b_id], me=b_id))["data"]

    assert rule["data"]["createPointRule"]["rule"]["dailyCap"] == 30
    assert bad_rule["data"]["createPointRule"]["fields"][0]["field"] == "event"
    assert granted["data"]["grantPoints"]["balance"] == 150
    assert spent["data"]["spendPoints"]["balance"] == 100
    assert too_much["data"]["spendPoints"] == {"__typename": "ConflictError", "code": "insufficient_points"}
    a, b = view["memberGamification"]
    assert (a["points"], a["lifetimePoints"], a["level"]["name"]) == (100, 150, "Regular")
    assert a["nextLevel"] == {"rank": 3, "threshold": 500}
    assert a["progressToNextLevel"] == round(50 / 400, 4)
    assert {r["window"]: r["rank"] for r in a["ranks"]} == {"DAY": 1, "WEEK": 1, "MONTH": 1, "ALL": 1}
    assert [(e["kind"], e["points"]) for e in a["recentEntries"]] == [("spend", -50), ("grant", 150)]
    assert (b["points"], b["level"]["name"]) == (40, "Newcomer")
    assert [(r["memberId"], r["score"]) for r in view["leaderboard"]["top"]] == [(a_id, 150), (b_id, 40)]
    assert view["leaderboard"]["me"] == {"rank": 2}
    assert view["pointRules"] == [{"name": "Posts", "event": "member.activity.message"}]


GRANT_REFUSED = """
mutation Grant($input: GrantPointsInput!) {
  grantPoints(input: $input) { __typename ... on NotFoundError { code } }
}
"""
CHECK_IN_REFUSED = """
mutation CheckIn($input: CheckInInput!) { checkIn(input: $input) { __typename ... on NotFoundError { code } } }
"""


async def test_writes_for_a_member_or_community_that_does_not_exist_are_refused_and_post_nothing(
    admin: GraphQL,
) -> None:
    cid = (await create_community(admin, name="Ghosts"))["id"]
    nobody = await admin(
        GRANT_REFUSED, input={"communityId": cid, "memberId": "mbr_nobody", "points": 5, "reason": "x"}
    )
    nowhere = await admin(
        GRANT_REFUSED, input={"communityId": "cmty_nowhere", "memberId": "mbr_nobody", "points": 5, "reason": "x"}
    )
    check_in = await admin(
        CHECK_IN_REFUSED, input={"communityId": cid, "challengeId": "chl_nope", "memberId": "mbr_nobody"}
    )
    view = (await admin(VIEW, community=cid, members=["mbr_nobody"], me="mbr_nobody"))["data"]

    assert nobody["data"]["grantPoints"] == {"__typename": "NotFoundError", "code": "member_not_found"}
    assert nowhere["data"]["grantPoints"] == {"__typename": "NotFoundError", "code": "community_not_found"}
    assert check_in["data"]["checkIn"] == {"__typename": "NotFoundError", "code": "member_not_found"}
    assert view["memberGamification"][0]["lifetimePoints"] == 0
    assert view["leaderboard"]["top"] == []
