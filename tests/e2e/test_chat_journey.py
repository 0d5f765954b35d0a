"""Through the whole system: signed platform webhooks → gateway ingress → membership → gamification.

For each platform a person joins a bound group, says something ordinary, checks in with "打卡" (the
platform delivers that webhook twice), says good night, and leaves. Membership must know them by their
platform identity, active and present in the group, with their activity counted; gamification must
award the message rule and the check-in keyword rule (which is also conditioned on the tier the group
gave them) exactly once; the leave must end their presence.

With a challenge running, the same "打卡" is a check-in: on Telegram, Slack, Feishu, WeCom and DingTalk a
linked member enrolled in the challenge who says it during an open challenge day gets exactly one check-in,
however often the platform delivers it, and an ordinary message that day gets none. The community runs on a
ManualClock (the ingress's signature windows, the services and the challenge day all read it), so the day
is open.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from guildhall.embedded import EmbeddedGuildhall
from kit.clock import ManualClock
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
      activity { day messages characters reactions checkins participations }
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
        conditions={"keyword": "打卡", "tierIds": [tier_id]},
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


CREATE_CHALLENGE = """
mutation($input: CreateChallengeInput!) {
  createChallenge(input: $input) {
    __typename ... on CreateChallengeSuccess { challenge { id } } ... on UserError { code message }
  }
}
"""
ENROLL = """
mutation($input: EnrollInChallengeInput!) {
  enrollInChallenge(input: $input) {
    __typename ... on EnrollmentSuccess { enrollment { status } } ... on UserError { code message }
  }
}
"""
CHECKINS = """
query($communityId: ID!, $id: ID!) {
  challenge(communityId: $communityId, id: $id) {
    checkins(first: 10) { edges { node { memberId day channel text } } }
    enrollments { edges { node { memberId daysDone streak } } }
  }
}
"""
CHECKIN_PLATFORMS = ("telegram", "slack", "feishu", "wecom", "dingtalk")


async def _checkins(admin: GraphQL, cid: str, challenge_id: str) -> dict[str, Any]:
    challenge: dict[str, Any] = (await admin(CHECKINS, communityId=cid, id=challenge_id))["data"]["challenge"]
    return challenge


@pytest.mark.parametrize("platform", CHECKIN_PLATFORMS)
async def test_a_members_打卡_in_the_group_is_one_check_in_of_the_running_challenge(
    admin: GraphQL, guildhall: EmbeddedGuildhall, platform: str
) -> None:
    script = SCRIPTS[platform]()
    cid, _, _, path = await _arrange(admin, script)
    # The community's clock starts now and only moves when told; the challenge starts the day after tomorrow.
    clock = ManualClock(datetime.now(UTC).replace(microsecond=0))
    guildhall.clocks.set(cid, clock)  # the services'
    assert guildhall.gateway is not None
    guildhall.gateway.state.clocks.set(cid, clock)  # the ingress checks signed timestamps against it
    start = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=2)
    created = await _payload(
        admin,
        CREATE_CHALLENGE,
        "createChallenge",
        communityId=cid,
        name="Morning pages",
        startDate=start.isoformat(),
        days=7,
        timezone="Asia/Shanghai",
        keywords=["打卡", "check in"],
    )
    challenge_id = created["challenge"]["id"]

    def tick() -> datetime:
        return clock.advance(timedelta(seconds=1))

    # The person turns up in the group (joins, or just talks where the platform sends no joins): a member.
    if script.has_join_and_leave:
        await _post(guildhall, path, script.join(tick()))
    await _post(guildhall, path, script.message("Hello everyone", tick()))

    async def spoke(messages: int) -> dict[str, Any] | None:
        member = await _member(admin, cid, script)
        return member if member is not None and _messages(member) == messages else None

    member_id = (await eventually(lambda: spoke(1)))["id"]
    enrolled = await _payload(
        admin, ENROLL, "enrollInChallenge", communityId=cid, challengeId=challenge_id, memberId=member_id
    )
    assert enrolled["enrollment"]["status"] == "active"

    async def awarded(total: int) -> int | None:
        # Points and chat check-ins are one transaction of the same consumer: the message rule's points for a
        # later message mean every earlier message has been looked at for a check-in.
        lifetime: int = (await _points(admin, cid, member_id))["lifetimePoints"]
        return lifetime if lifetime >= total else None

    # Day 1, 09:00 in Shanghai: an ordinary message is no check-in.
    opens = datetime.combine(start, datetime.min.time(), tzinfo=ZoneInfo("Asia/Shanghai"))
    clock.advance(opens + timedelta(hours=9) - clock.now())
    await _post(guildhall, path, script.message("早上好", tick()))
    await eventually(lambda: awarded(2 * MESSAGE_POINTS))
    before = await _checkins(admin, cid, challenge_id)

    # "打卡", delivered twice by the platform, then an ordinary message as the barrier.
    checkin = script.message("打卡", tick())
    await _post(guildhall, path, checkin)
    await _post(guildhall, path, checkin)
    await _post(guildhall, path, script.message("晚安", tick()))
    lifetime = await eventually(lambda: awarded(4 * MESSAGE_POINTS + CHECKIN_POINTS))
    after = await _checkins(admin, cid, challenge_id)

    async def counted() -> dict[str, Any] | None:
        # The check-in comes back to membership as participation (ADR 0028), once however often it was sent.
        member = await _member(admin, cid, script)
        checkins = sum(day["checkins"] for day in member["activity"]) if member is not None else 0
        return member if checkins >= 1 else None

    member = await eventually(counted)

    assert before["checkins"]["edges"] == []
    assert before["enrollments"]["edges"] == [{"node": {"memberId": member_id, "daysDone": 0, "streak": 0}}]
    assert lifetime == 4 * MESSAGE_POINTS + CHECKIN_POINTS
    assert [e["node"] for e in after["checkins"]["edges"]] == [
        {"memberId": member_id, "day": 1, "channel": "chat", "text": "打卡"}
    ]
    assert after["enrollments"]["edges"] == [{"node": {"memberId": member_id, "daysDone": 1, "streak": 1}}]
    today = [day for day in member["activity"] if day["day"] == start.isoformat()]
    assert [(day["checkins"], day["participations"]) for day in today] == [(1, 1)]
