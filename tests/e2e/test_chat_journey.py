"""Through the whole system: signed platform webhooks → gateway ingress → membership → gamification.

For each platform a person joins a bound group, says something ordinary, checks in with "打卡" (the
platform delivers that webhook twice), says good night, and leaves. Membership must know them by their
platform identity, active and present in the group, with their activity counted; gamification must
award the message rule and the check-in keyword rule (which is also conditioned on the tier the group
gave them) exactly once; the leave must end their presence. The check-in engine proper is issue #6:
until it exists, "打卡" reaches the system as activity and as points, which is what is asserted here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from guildhall.embedded import EmbeddedGuildhall
from tests.support.chat_platforms import SCRIPTS, PlatformScript, Signed
from tests.support.connections import create_connection
from tests.support.factories import create_community
from tests.support.guildhall import GraphQL, eventually

CREATE_TIER = """
mutation($input: CreateTierInput!) {
  createTier(input: $input) { __typename ... on TierSuccess { tier { id } } ... on UserError { code message } }
}
"""
CREATE_GROUP = """
mutation($input: CreateGroupInput!) {
  createGroup(input: $input) { __typename ... on GroupSuccess { group { id } } ... on UserError { code message } }
}
"""
CREATE_RULE = """
mutation($input: CreatePointRuleInput!) {
  createPointRule(input: $input) {
    __typename ... on CreatePointRuleSuccess { rule { ruleId } } ... on InvalidInputError { fields { field reason } }
  }
}
"""
MEMBERS = """
query($communityId: ID!) {
  members(communityId: $communityId, first: 50) {
    edges { node {
      id displayName
      identities { platform platformUserId }
      membership { status tierId lastActiveAt }
      activity { day messages characters reactions }
    } }
  }
}
"""
PRESENCE = """
query($communityId: ID!) {
  groups(communityId: $communityId) { id memberCount members { edges { node { memberId platformUserId } } } }
}
"""
POINTS = """
query($communityId: ID!, $memberId: ID!) {
  memberGamification(communityId: $communityId, memberIds: [$memberId]) {
    points lifetimePoints recentEntries(limit: 20) { kind points reason }
  }
  leaderboard(communityId: $communityId, window: ALL, memberId: $memberId) { me { rank score } }
}
"""
LEVELS = "query($id: ID!) { community(id: $id) { levels { rank } } }"

MESSAGE_POINTS = 2
CHECKIN_POINTS = 5


async def _payload(admin: GraphQL, query: str, field: str, **input: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await admin(query, input=input))["data"][field]
    assert "Success" in payload["__typename"], payload
    return payload


async def _arrange(admin: GraphQL, script: PlatformScript) -> tuple[str, str, str, str]:
    """A community with a tier, a connection for the platform, a group bound to its chat, two point rules.
    Returns (community id, tier id, group id, webhook path)."""
    community = await create_community(admin, name=f"Journey {script.platform}", timezone="Asia/Shanghai")
    cid = community["id"]

    async def gamification_knows_the_community() -> Any:
        return (await admin(LEVELS, id=cid))["data"]["community"]["levels"] or None

    await eventually(gamification_knows_the_community)
    tier = await _payload(admin, CREATE_TIER, "createTier", communityId=cid, key="free", name="Free", rank=0)
    tier_id = tier["tier"]["id"]
    connection = await create_connection(admin, cid, script.platform, script.credentials)
    group = await _payload(
        admin,
        CREATE_GROUP,
        "createGroup",
        communityId=cid,
        name=f"{script.platform} group",
        platform=script.platform,
        platformChatId=script.chat_id,
        connectionId=connection["id"],
        tierIds=[tier_id],
    )
    await _payload(
        admin,
        CREATE_RULE,
        "createPointRule",
        communityId=cid,
        name="Messages",
        event="member.activity.message",
        points=MESSAGE_POINTS,
    )
    await _payload(
        admin,
        CREATE_RULE,
        "createPointRule",
        communityId=cid,
        name="打卡",
        event="member.activity.message",
        points=CHECKIN_POINTS,
        conditions={"keyword": "打卡", "tier_ids": [tier_id]},
    )
    return cid, tier_id, group["group"]["id"], connection["webhookPath"]


async def _post(guildhall: EmbeddedGuildhall, path: str, delivery: Signed) -> None:
    async with guildhall.client() as http:
        response = await http.post(path, content=delivery.body, headers=delivery.headers, params=delivery.query)
    assert response.status_code == 200, response.text


async def _member(admin: GraphQL, cid: str, script: PlatformScript) -> dict[str, Any] | None:
    identity = {"platform": script.platform, "platformUserId": script.user_id}
    edges = (await admin(MEMBERS, communityId=cid))["data"]["members"]["edges"]
    found = [e["node"] for e in edges if identity in e["node"]["identities"]]
    assert len(found) <= 1, found
    return found[0] if found else None


async def _present(admin: GraphQL, cid: str, group_id: str) -> list[tuple[str, str]]:
    groups = (await admin(PRESENCE, communityId=cid))["data"]["groups"]
    (group,) = [g for g in groups if g["id"] == group_id]
    return [(e["node"]["memberId"], e["node"]["platformUserId"]) for e in group["members"]["edges"]]


async def _points(admin: GraphQL, cid: str, member_id: str) -> dict[str, Any]:
    data = (await admin(POINTS, communityId=cid, memberId=member_id))["data"]
    (view,) = data["memberGamification"]
    return {**view, "me": data["leaderboard"]["me"]}


def _messages(member: dict[str, Any]) -> int:
    return sum(day["messages"] for day in member["activity"])


@pytest.mark.parametrize("platform", SCRIPTS)
async def test_a_person_joins_talks_checks_in_once_and_leaves(
    admin: GraphQL, guildhall: EmbeddedGuildhall, platform: str
) -> None:
    script = SCRIPTS[platform]()
    cid, tier_id, group_id, path = await _arrange(admin, script)
    start = datetime.now(UTC).replace(microsecond=0)
    hello_at, checkin_at, night_at, leave_at = (start + timedelta(seconds=n) for n in (1, 2, 3, 4))

    # (a) A join: a member with that identity, active on the group's tier, present in the group.
    if script.has_join_and_leave:
        await _post(guildhall, path, script.join(start))

        async def joined() -> dict[str, Any] | None:
            member = await _member(admin, cid, script)
            return member if member is not None and await _present(admin, cid, group_id) else None

        member = await eventually(joined)
        assert member["membership"]["status"] == "ACTIVE"
        assert member["membership"]["tierId"] == tier_id
        assert await _present(admin, cid, group_id) == [(member["id"], script.user_id)]
        assert member["activity"] == []

    # (b) An ordinary message: activity for membership, the message rule's points for gamification.
    await _post(guildhall, path, script.message("Hello everyone", hello_at))

    async def talked(messages: int, last: datetime) -> dict[str, Any] | None:
        # The member's fields are separate reads: wait until the activity and the membership both show it.
        member = await _member(admin, cid, script)
        if member is None or _messages(member) != messages:
            return None
        return member if member["membership"]["lastActiveAt"] == last.isoformat() else None

    member = await eventually(lambda: talked(1, hello_at))
    member_id = member["id"]
    assert member["membership"]["status"] == "ACTIVE"
    assert member["membership"]["tierId"] == tier_id
    assert member["membership"]["lastActiveAt"] == hello_at.isoformat()
    assert [(d["messages"], d["characters"]) for d in member["activity"]] == [(1, len("Hello everyone"))]
    if script.messages_in_group:  # a first message in the group is a presence too (DingTalk has no join)
        assert await _present(admin, cid, group_id) == [(member_id, script.user_id)]

    async def awarded(total: int) -> dict[str, Any] | None:
        # One query's fields are separate reads (the leaderboard a projection): wait until all of them show it.
        view = await _points(admin, cid, member_id)
        ledger = sum(e["points"] for e in view["recentEntries"])
        board = view["me"]["score"] if view["me"] else 0
        return view if min(view["lifetimePoints"], ledger, board) >= total else None

    view = await eventually(lambda: awarded(MESSAGE_POINTS))
    assert view["points"] == MESSAGE_POINTS
    assert [(e["kind"], e["points"]) for e in view["recentEntries"]] == [("award", MESSAGE_POINTS)]

    # (c) "打卡", delivered twice by the platform: one activity, the message and check-in rules once each.
    checkin = script.message("打卡", checkin_at)
    await _post(guildhall, path, checkin)
    await _post(guildhall, path, checkin)
    # A later message is the barrier: once it is counted, a duplicate would have been counted before it.
    await _post(guildhall, path, script.message("晚安", night_at))
    total = 3 * MESSAGE_POINTS + CHECKIN_POINTS
    view = await eventually(lambda: awarded(total))
    member = await eventually(lambda: talked(3, night_at))

    assert view["lifetimePoints"] == total and view["points"] == total
    assert sorted(e["points"] for e in view["recentEntries"]) == [2, 2, 2, 5]
    assert view["me"] == {"rank": 1, "score": total}
    assert _messages(member) == 3
    assert member["membership"]["lastActiveAt"] == night_at.isoformat()

    # (d) A leave: presence ends; the membership stays (leaving a group is not leaving the community).
    if script.has_join_and_leave:
        await _post(guildhall, path, script.leave(leave_at))

        async def gone() -> bool | None:
            return True if not await _present(admin, cid, group_id) else None

        await eventually(gone)
        after = await _member(admin, cid, script)
        assert after is not None and after["membership"]["status"] == "ACTIVE"
        assert (await _points(admin, cid, member_id))["lifetimePoints"] == total

        # Coming back and leaving again are new deliveries, not redeliveries of the first ones.
        await _post(guildhall, path, script.join(leave_at + timedelta(minutes=1)))

        async def back() -> bool | None:
            return True if await _present(admin, cid, group_id) == [(member_id, script.user_id)] else None

        await eventually(back)
        await _post(guildhall, path, script.leave(leave_at + timedelta(minutes=2)))
        await eventually(gone)
