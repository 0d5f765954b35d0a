"""A red envelope claimed from chat: an operator drops an attention probe (keyword 红包) into a group; a
member who answers 红包 through a signed webhook of any platform claims it and gets its points, and saying
it again claims nothing more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from guildhall.embedded import EmbeddedGuildhall
from tests.support.chat_platforms import SCRIPTS, Signed
from tests.support.connections import create_connection
from tests.support.factories import add_member, create_community
from tests.support.guildhall import GraphQL, eventually

LEVELS = "query($id: ID!) { community(id: $id) { levels { rank } } }"
CREATE_GROUP = """
mutation($input: CreateGroupInput!) {
  createGroup(input: $input) { __typename ... on GroupSuccess { group { id } } ... on UserError { code message } }
}
"""
DROP = """
mutation($input: DropProbeInput!) {
  dropProbe(input: $input) { __typename ... on DropProbeSuccess { probe { id } } ... on UserError { code message } }
}
"""
REPORT = """
query($cid: ID!, $probe: ID!) { probeReport(communityId: $cid, probeId: $probe) { claims groups { claims } } }
"""
CREATE_RULE = "mutation($input: CreatePointRuleInput!) { createPointRule(input: $input) { __typename } }"
POINTS = "query($cid: ID!, $m: ID!) { memberGamification(communityId: $cid, memberIds: [$m]) { points } }"
PRIZE = 3


async def _post(guildhall: EmbeddedGuildhall, path: str, delivery: Signed) -> None:
    async with guildhall.client() as http:
        response = await http.post(path, content=delivery.body, headers=delivery.headers, params=delivery.query)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("platform", SCRIPTS)
async def test_a_member_who_answers_the_keyword_in_chat_claims_the_red_envelope_once(
    admin: GraphQL, guildhall: EmbeddedGuildhall, platform: str
) -> None:
    script = SCRIPTS[platform]()
    cid = (await create_community(admin, name="Red envelopes"))["id"]

    async def levels() -> Any:
        return (await admin(LEVELS, id=cid))["data"]["community"]["levels"] or None

    await eventually(levels)  # gamification knows the community
    connection = await create_connection(admin, cid, platform, script.credentials)
    group = {
        "communityId": cid, "name": "Group", "platform": platform,
        "platformChatId": script.chat_id, "connectionId": connection["id"],
    }  # fmt: skip
    made = (await admin(CREATE_GROUP, input=group))["data"]["createGroup"]
    assert made["__typename"] == "GroupSuccess", made
    rule = {"communityId": cid, "name": "Messages", "event": "member.activity.message", "points": 1}
    assert (await admin(CREATE_RULE, input=rule))["data"]["createPointRule"]["__typename"] == "CreatePointRuleSuccess"
    member = await add_member(admin, cid, identities=[{"platform": platform, "platformUserId": script.user_id}])
    expires = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    drop = {
        "communityId": cid, "groupIds": [made["group"]["id"]], "keyword": "红包",
        "maxClaims": 10, "pointsPerClaim": PRIZE, "expiresAt": expires,
    }  # fmt: skip
    dropped = (await admin(DROP, input=drop))["data"]["dropProbe"]
    assert dropped["__typename"] == "DropProbeSuccess", dropped
    probe = dropped["probe"]["id"]

    now = datetime.now(UTC).replace(microsecond=0)
    await _post(guildhall, connection["webhookPath"], script.message("红包!", now))
    await _post(guildhall, connection["webhookPath"], script.message("抢红包", now + timedelta(seconds=1)))

    async def claimed() -> Any:
        report = (await admin(REPORT, cid=cid, probe=probe))["data"]["probeReport"]
        return report if report["claims"] >= 1 else None

    report = await eventually(claimed)

    async def paid() -> Any:
        (view,) = (await admin(POINTS, cid=cid, m=member))["data"]["memberGamification"]
        return view if view["points"] >= PRIZE + 2 else None  # both messages earned: both were handled

    view = await eventually(paid)
    # Where messages come one to one (WeCom), the claim is the community's, not the group's.
    assert report == {"claims": 1, "groups": [{"claims": 1 if script.messages_in_group else 0}]}
    assert view["points"] == PRIZE + 2
