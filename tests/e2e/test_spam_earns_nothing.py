"""Spam earns nothing, through the whole system: signed Telegram webhooks → gateway ingress → membership
(activity, spam heuristics, strikes) → gamification (points), and a moderator's strike through GraphQL.

A member of a community whose rule gives points for every message says hello twice, then, as a newcomer,
posts a contact link: the heuristics strike it (and the warning reaches the chat), and it earns nothing,
while the next ordinary message earns as usual. Then a moderator strikes the first hello as spam, naming the
message: its points are taken back, and the balance, the lifetime total, the leaderboard and the member's
entries show the reversal and why.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from guildhall.embedded import EmbeddedGuildhall
from guildhall.parts import SERVICES
from tests.support.backends import Backend
from tests.support.chat_platforms import Signed, TelegramScript
from tests.support.connections import create_connection
from tests.support.factories import add_member, create_community
from tests.support.fake_platform import FakePlatform, fake_platform
from tests.support.guildhall import ADMIN_KEY, GraphQL, eventually, gateway_settings, service_settings

LEVELS = "query($id: ID!) { community(id: $id) { levels { rank } } }"
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
POINTS = """
query($communityId: ID!, $memberId: ID!) {
  memberGamification(communityId: $communityId, memberIds: [$memberId]) {
    points lifetimePoints recentEntries(limit: 20) { kind points reason correctsEntryId }
  }
  leaderboard(communityId: $communityId, window: WEEK, memberId: $memberId) { me { score } }
}
"""
STRIKES = """
query($communityId: ID!, $memberId: ID!) {
  strikes(communityId: $communityId, memberId: $memberId) { activeStrikes nodes { rule actor evidence } }
}
"""
ADD_STRIKE = """
mutation Strike($input: AddStrikeInput!) {
  addStrike(input: $input) {
    __typename
    ... on AddStrikeSuccess { activeStrikes strike { rule evidence } }
    ... on UserError { code message }
  }
}
"""
MESSAGE_POINTS = 2


@pytest.fixture
async def telegram() -> AsyncIterator[FakePlatform]:
    async with fake_platform() as platform:
        yield platform


@pytest.fixture
async def guildhall(backend: Backend, telegram: FakePlatform) -> AsyncIterator[EmbeddedGuildhall]:
    settings = gateway_settings(backend).model_copy(update={"telegram_api_url": telegram.url})
    embedded = EmbeddedGuildhall(
        gateway_settings=settings,
        service_settings={name: service_settings(backend, name) for name in SERVICES},
        migrate=False,
    )
    async with embedded:
        yield embedded


@pytest.fixture
async def admin(guildhall: EmbeddedGuildhall) -> AsyncIterator[GraphQL]:
    async with guildhall.client(api_key=ADMIN_KEY) as http:
        yield GraphQL(http)


async def _arrange(admin: GraphQL, script: TelegramScript) -> tuple[str, str, str, str]:
    """A community with a Telegram group, a rule giving points per message, and a member with the script's
    Telegram account. Returns (community id, group id, webhook path, member id)."""
    cid = (await create_community(admin, name="No spam here"))["id"]
    await eventually(lambda: _levels(admin, cid))  # gamification knows the community
    connection = await create_connection(admin, cid, "telegram", script.credentials)
    group = (
        await admin(
            CREATE_GROUP,
            input={
                "communityId": cid,
                "name": "Telegram group",
                "platform": "telegram",
                "platformChatId": script.chat_id,
                "connectionId": connection["id"],
            },
        )
    )["data"]["createGroup"]
    assert group["__typename"] == "GroupSuccess", group
    rule = (
        await admin(
            CREATE_RULE,
            input={
                "communityId": cid,
                "name": "Messages",
                "event": "member.activity.message",
                "points": MESSAGE_POINTS,
            },
        )
    )["data"]["createPointRule"]
    assert rule["__typename"] == "CreatePointRuleSuccess", rule
    identity = {"platform": "telegram", "platformUserId": script.user_id}
    member_id = await add_member(admin, cid, identities=[identity])
    return cid, group["group"]["id"], connection["webhookPath"], member_id


async def _levels(admin: GraphQL, cid: str) -> Any:
    return (await admin(LEVELS, id=cid))["data"]["community"]["levels"] or None


async def _post(guildhall: EmbeddedGuildhall, path: str, delivery: Signed) -> str:
    """Deliver the webhook; the Telegram message id it carried."""
    async with guildhall.client() as http:
        response = await http.post(path, content=delivery.body, headers=delivery.headers, params=delivery.query)
    assert response.status_code == 200, response.text
    return str(json.loads(delivery.body)["message"]["message_id"])


async def _points_reach(admin: GraphQL, cid: str, member_id: str, points: int) -> dict[str, Any]:
    """The member's points once balance and this week's board (a projection after commit) both show ``points``."""

    async def reached() -> dict[str, Any] | None:
        data = (await admin(POINTS, communityId=cid, memberId=member_id))["data"]
        (view,) = data["memberGamification"]
        me = data["leaderboard"]["me"]
        return {**view, "me": me} if view["points"] == points and me and me["score"] == points else None

    return await eventually(reached)


async def test_a_message_struck_as_spam_earns_nothing_and_a_strike_later_takes_points_back(
    admin: GraphQL, guildhall: EmbeddedGuildhall, telegram: FakePlatform
) -> None:
    script = TelegramScript()
    cid, group_id, path, member_id = await _arrange(admin, script)
    start = datetime.now(UTC).replace(microsecond=0)
    at = [start + timedelta(seconds=n) for n in range(4)]

    hello = await _post(guildhall, path, script.message("Hello everyone", at[0]))
    await _post(guildhall, path, script.message("Glad to be here", at[1]))
    await _points_reach(admin, cid, member_id, 2 * MESSAGE_POINTS)

    # A newcomer's contact link: the heuristics strike it and it earns nothing. The next ordinary message
    # earns (gamification reads the stream in order, so the spam was handled before it).
    await _post(guildhall, path, script.message("free stuff at t.me/joinchat/spam", at[2]))
    await _post(guildhall, path, script.message("Sorry, wrong chat", at[3]))
    after_spam = await _points_reach(admin, cid, member_id, 3 * MESSAGE_POINTS)

    assert after_spam["lifetimePoints"] == 3 * MESSAGE_POINTS
    assert [e["kind"] for e in after_spam["recentEntries"]] == ["award"] * 3
    strikes = (await admin(STRIKES, communityId=cid, memberId=member_id))["data"]["strikes"]
    assert [(s["rule"], s["actor"]) for s in strikes["nodes"]] == [("spam:link", "system")]

    async def warned() -> bool | None:
        sent = [r.json() for r in telegram.requests if r.path.endswith("/sendMessage")]
        return True if any(str(s["chat_id"]) == script.chat_id for s in sent) else None

    await eventually(warned)

    # A moderator marks the first hello as spam, naming the message: its points are taken back.
    message = {"groupId": group_id, "platformMessageId": hello}
    added = (
        await admin(ADD_STRIKE, input={"communityId": cid, "memberId": member_id, "rule": "spam", "message": message})
    )["data"]["addStrike"]
    assert added["__typename"] == "AddStrikeSuccess", added
    assert added["strike"]["evidence"] == hello
    after_strike = await _points_reach(admin, cid, member_id, 2 * MESSAGE_POINTS)

    assert after_strike["lifetimePoints"] == 2 * MESSAGE_POINTS
    assert after_strike["me"]["score"] == 2 * MESSAGE_POINTS
    reversal = after_strike["recentEntries"][0]
    assert (reversal["kind"], reversal["points"]) == ("correction", -MESSAGE_POINTS)
    assert reversal["reason"] == "reversed: message struck (spam)"
    assert reversal["correctsEntryId"] is not None
    assert [e["kind"] for e in after_strike["recentEntries"][1:]] == ["award"] * 3  # the awards stay
