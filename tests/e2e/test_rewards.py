"""Badges, rewards, surprises and attention probes through the gateway."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from contracts.events import MemberActivity
from guildhall.embedded import EmbeddedGuildhall
from kit.tables import outbox
from tests.support.access import create_group
from tests.support.events import publish
from tests.support.factories import add_members, create_community
from tests.support.guildhall import GraphQL, eventually

GRANT = """
mutation Grant($input: GrantPointsInput!) { grantPoints(input: $input) { __typename ... on PointsPosted { balance } } }
"""

BADGES = """
mutation Badges($manual: CreateBadgeInput!, $bad: CreateBadgeInput!) {
  manual: createBadge(input: $manual) {
    __typename ... on CreateBadgeSuccess { badge { id name imageUrl criteria repeatable } }
  }
  bad: createBadge(input: $bad) { __typename ... on InvalidInputError { code fields { field reason } } }
}
"""

AWARD = """
mutation Award($input: AwardBadgeInput!) {
  awardBadge(input: $input) { __typename ... on AwardBadgeSuccess { award { badgeId memberId awardKey source } } }
}
"""

REWARDS = """
mutation Reward($input: CreateRewardInput!) {
  createReward(input: $input) {
    __typename
    ... on CreateRewardSuccess { reward { id name cost stock } }
    ... on InvalidInputError { fields { field } }
  }
}
"""

REDEEM = """
mutation Redeem($input: RedeemRewardInput!) {
  redeemReward(input: $input) {
    __typename
    ... on RedeemRewardSuccess { balance redemption { id status cost } }
    ... on ConflictError { code }
  }
}
"""

CANCEL = """
mutation Cancel($input: CancelRedemptionInput!) {
  cancelRedemption(input: $input) {
    __typename ... on RedemptionChanged { redemption { status refundEntryId } } ... on ConflictError { code }
  }
}
"""

VIEW = """
query View($community: ID!, $a: ID!, $b: ID!) {
  memberGamification(communityId: $community, memberIds: [$a, $b]) {
    memberId points badges { badgeId awardKey }
  }
  badges(communityId: $community) { name }
  rewards(communityId: $community) { name stock }
  redemptions(communityId: $community, memberId: $a) { nodes { status } }
}
"""


async def test_badges_and_rewards_through_the_gateway(admin: GraphQL) -> None:
    cid = (await create_community(admin, name="Makers"))["id"]
    a_id, b_id = await add_members(admin, cid, 2)
    await admin(GRANT, input={"communityId": cid, "memberId": a_id, "points": 100, "reason": "welcome"})
    badges = (
        await admin(
            BADGES,
            manual={
                "communityId": cid,
                "name": "Helper",
                "imageUrl": "https://img.example/helper.png",
                "criteria": {"kind": "manual"},
            },
            bad={"communityId": cid, "name": "?", "criteria": {"kind": "count", "event": "member.dance", "n": 1}},
        )
    )["data"]
    badge = badges["manual"]["badge"]
    award = await admin(AWARD, input={"communityId": cid, "badgeId": badge["id"], "memberId": a_id})
    reward = (await admin(REWARDS, input={"communityId": cid, "name": "Sticker", "cost": 40, "stock": 1}))["data"]
    free = (await admin(REWARDS, input={"communityId": cid, "name": "Free", "cost": 0}))["data"]
    reward_id = reward["createReward"]["reward"]["id"]
    redeem = {"communityId": cid, "rewardId": reward_id, "memberId": a_id, "idempotencyKey": "r-1"}
    first = (await admin(REDEEM, input=redeem))["data"]["redeemReward"]
    again = (await admin(REDEEM, input=redeem))["data"]["redeemReward"]
    sold_out = (await admin(REDEEM, input={**redeem, "idempotencyKey": "r-2"}))["data"]["redeemReward"]
    redemption_id = first["redemption"]["id"]
    cancelled = (await admin(CANCEL, input={"communityId": cid, "redemptionId": redemption_id}))["data"]
    view = (await admin(VIEW, community=cid, a=a_id, b=b_id))["data"]

    assert badge["criteria"] == {"kind": "manual"} and badge["imageUrl"] == "https://img.example/helper.png"
    assert badges["bad"]["__typename"] == "InvalidInputError"
    assert [f["field"] for f in badges["bad"]["fields"]] == ["criteria.event"]
    assert award["data"]["awardBadge"]["award"] == {
        "badgeId": badge["id"],
        "memberId": a_id,
        "awardKey": "once",
        "source": "manual",
    }
    assert [f["field"] for f in free["createReward"]["fields"]] == ["cost"]
    assert (first["balance"], first["redemption"]["status"]) == (60, "requested")
    assert again == first
    assert sold_out == {"__typename": "ConflictError", "code": "out_of_stock"}
    assert cancelled["cancelRedemption"]["redemption"]["status"] == "cancelled"
    a, b = view["memberGamification"]
    assert (a["points"], a["badges"]) == (100, [{"badgeId": badge["id"], "awardKey": "once"}])
    assert b["badges"] == []
    assert view["badges"] == [{"name": "Helper"}]
    assert view["rewards"] == [{"name": "Sticker", "stock": 1}]
    assert view["redemptions"]["nodes"] == [{"status": "cancelled"}]


SURPRISE = """
mutation Surprise($input: CreateSurpriseRuleInput!) {
  createSurpriseRule(input: $input) {
    __typename ... on CreateSurpriseRuleSuccess { rule { id probability bonus dailyBudget } }
    ... on InvalidInputError { fields { field } }
  }
}
"""

DRAWS = """
query Draws($community: ID!) {
  surpriseDraws(communityId: $community) { nodes { id memberId seed value threshold outcome budgetLeft } }
  surpriseRules(communityId: $community) { name events }
}
"""

DROP = """
mutation Drop($input: DropProbeInput!) {
  dropProbe(input: $input) {
    __typename ... on DropProbeSuccess { probe { id keyword groups { groupId membersPresent } } }
    ... on InvalidInputError { fields { field } }
  }
}
"""

CLAIM = """
mutation Claim($input: ClaimProbeInput!) {
  claimProbe(input: $input) {
    __typename ... on ClaimProbeSuccess { claim { memberId via latencyMs } } ... on ConflictError { code }
  }
}
"""

REPORT = """
query Report($community: ID!, $probe: ID!) {
  probeReport(communityId: $community, probeId: $probe) {
    claims
    groups { groupId membersPresent claims claimRatio latencyP50Ms latencyMaxMs }
  }
}
"""


async def test_surprises_and_probes_through_the_gateway(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    cid = (await create_community(admin, name="Night owls"))["id"]
    a_id, b_id = await add_members(admin, cid, 2)
    rule = (
        await admin(
            SURPRISE,
            input={
                "communityId": cid,
                "name": "Lucky",
                "events": ["member.activity.message"],
                "probability": 1.0,
                "bonus": 5,
                "dailyBudget": 50,
            },
        )
    )["data"]["createSurpriseRule"]
    bad = (
        await admin(
            SURPRISE,
            input={
                "communityId": cid,
                "name": "?",
                "events": ["member.activity.message"],
                "probability": 2.0,
                "bonus": 5,
                "dailyBudget": 50,
            },
        )
    )["data"]["createSurpriseRule"]
    group = await create_group(guildhall.services["membership"], cid, connection_id="conn_tg", member_count=4)
    drop = {
        "communityId": cid,
        "groupIds": [group.id],
        "keyword": "hongbao",
        "maxClaims": 10,
        "pointsPerClaim": 3,
        "expiresAt": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    }
    probe = (await admin(DROP, input=drop))["data"]["dropProbe"]["probe"]
    said = MemberActivity(
        member_id=a_id,
        kind="message",
        group_id=group.id,
        platform="telegram",
        text="hongbao!",
        text_length=8,
        occurred_at=datetime.now(UTC),
    )
    await publish(guildhall.services["gamification"], said, producer="membership", community_id=cid)

    async def drawn() -> Any:
        draws = (await admin(DRAWS, community=cid))["data"]
        return draws if draws["surpriseDraws"]["nodes"] else None

    draws = await eventually(drawn)
    claim_b = {"communityId": cid, "probeId": probe["id"], "memberId": b_id, "groupId": group.id}
    by_api = (await admin(CLAIM, input=claim_b))["data"]

    async def reported() -> Any:
        report = (await admin(REPORT, community=cid, probe=probe["id"]))["data"]["probeReport"]
        return report if report["claims"] == 2 else None

    report = await eventually(reported)
    twice = (await admin(CLAIM, input={"communityId": cid, "probeId": probe["id"], "memberId": a_id}))["data"]

    async def sent() -> Any:
        async with guildhall.services["membership"].state.sessionmaker() as session:
            rows = (await session.exec(select(outbox.c.type, outbox.c.envelope))).all()
        sends = [json.loads(e)["data"] for t, e in rows if t == "chat.send"]
        return sends or None

    sends = await eventually(sent)

    assert rule["rule"]["dailyBudget"] == 50
    assert [f["field"] for f in bad["fields"]] == ["probability"]
    assert probe["groups"] == [{"groupId": group.id, "membersPresent": 4}]
    [draw] = draws["surpriseDraws"]["nodes"]
    assert (draw["memberId"], draw["outcome"], draw["budgetLeft"]) == (a_id, "won", 50)
    assert draw["seed"].endswith(f":{a_id}") and draw["value"] < draw["threshold"]
    assert draws["surpriseRules"] == [{"name": "Lucky", "events": ["member.activity.message"]}]
    assert by_api["claimProbe"]["claim"]["via"] == "api"
    assert twice["claimProbe"] == {"__typename": "ConflictError", "code": "probe_already_claimed"}
    [grp] = report["groups"]
    assert (grp["membersPresent"], grp["claims"], grp["claimRatio"]) == (4, 2, 0.5)
    assert [s["chat"]["platform_chat_id"] for s in sends] == [group.platform_chat_id]
    assert "hongbao" in sends[0]["text"]
