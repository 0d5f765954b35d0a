"""Moderation through the gateway: settings, strikes and the ladder, bans and the audit log in GraphQL."""

from __future__ import annotations

from typing import Any

from guildhall.embedded import EmbeddedGuildhall
from kit.auth import SYSTEM
from tests.support.factories import create_community, create_community_key
from tests.support.guildhall import GraphQL, service_client
from tests.support.membership import rest_add_member

SETTINGS = """
mutation Settings($input: UpdateModerationSettingsInput!) {
  updateModerationSettings(input: $input) {
    __typename
    ... on UpdateModerationSettingsSuccess { settings { strikeLifetimeDays ladder { at action durationHours } } }
    ... on UserError { code message }
    ... on InvalidInputError { fields { field reason } }
  }
}
"""

ADD_STRIKE = """
mutation Strike($input: AddStrikeInput!) {
  addStrike(input: $input) {
    __typename
    ... on AddStrikeSuccess { activeStrikes action strike { id rule actor evidence } }
    ... on UserError { code message }
  }
}
"""

REVOKE = """
mutation Revoke($input: RevokeStrikeInput!) {
  revokeStrike(input: $input) {
    __typename
    ... on RevokeStrikeSuccess { strike { revokedAt revokeReason } }
    ... on UserError { code }
  }
}
"""

BAN = """
mutation Ban($input: BanMemberInput!) {
  banMember(input: $input) {
    __typename
    ... on BanSuccess { memberId entries { platform platformUserId reason } }
    ... on UserError { code }
    ... on InvalidInputError { fields { field } }
  }
}
"""

UNBAN = """
mutation Unban($input: UnbanMemberInput!) {
  unbanMember(input: $input) { __typename ... on UnbanSuccess { cleared } ... on UserError { code } }
}
"""

READ = """
query Read($community: ID!, $member: ID!) {
  moderationSettings(communityId: $community) { strikeLifetimeDays spam { floodMessages keywords } }
  strikes(communityId: $community, memberId: $member) {
    activeStrikes nodes { rule revokeReason } pageInfo { hasNextPage }
  }
  bans(communityId: $community) { nodes { memberId platform } }
  moderationAudit(communityId: $community, memberId: $member, first: 2) {
    nodes { action actor reason detail }
    pageInfo { endCursor hasNextPage }
  }
}
"""


async def add_member(guildhall: EmbeddedGuildhall, community_id: str) -> str:
    async with service_client(guildhall.services["membership"], SYSTEM) as client:
        identity = {"platform": "telegram", "platform_user_id": "9001"}
        member: dict[str, Any] = await rest_add_member(client, community_id, identities=[identity])
    return str(member["id"])


async def test_strikes_escalate_and_bans_are_kept_through_graphql(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    community = (await create_community(admin))["id"]
    member = await add_member(guildhall, community)
    bad = await admin(
        SETTINGS,
        input={"communityId": community, "ladder": [{"at": 1, "action": "WARN"}, {"at": 2, "action": "MUTE"}]},
    )
    good = await admin(
        SETTINGS,
        input={
            "communityId": community,
            "strikeLifetimeDays": 14,
            "ladder": [{"at": 1, "action": "WARN"}, {"at": 2, "action": "MUTE", "durationHours": 6}],
            "spam": {"floodMessages": 12},
        },
    )
    first = (await admin(ADD_STRIKE, input={"communityId": community, "memberId": member, "rule": "no ads"}))["data"]
    second = (await admin(ADD_STRIKE, input={"communityId": community, "memberId": member, "rule": "no flood"}))["data"]
    strike_id = first["addStrike"]["strike"]["id"]
    revoked = await admin(REVOKE, input={"communityId": community, "strikeId": strike_id, "reason": "appeal"})
    banned = await admin(BAN, input={"communityId": community, "memberId": member, "reason": "scam"})
    read = (await admin(READ, community=community, member=member))["data"]
    unbanned = await admin(UNBAN, input={"communityId": community, "memberId": member})

    payload = bad["data"]["updateModerationSettings"]
    assert payload["__typename"] == "InvalidInputError"
    assert payload["fields"][0]["field"] == "ladder.1.durationHours"
    assert good["data"]["updateModerationSettings"]["settings"]["ladder"][1] == {
        "at": 2,
        "action": "MUTE",
        "durationHours": 6,
    }
    assert (first["addStrike"]["activeStrikes"], first["addStrike"]["action"]) == (1, "WARN")
    assert (second["addStrike"]["activeStrikes"], second["addStrike"]["action"]) == (2, "MUTE")
    assert revoked["data"]["revokeStrike"]["strike"]["revokeReason"] == "appeal"
    ban = banned["data"]["banMember"]
    assert ban["__typename"] == "BanSuccess"
    assert {(e["platform"], e["platformUserId"]) for e in ban["entries"]} == {(None, None), ("telegram", "9001")}
    assert read["moderationSettings"]["strikeLifetimeDays"] == 14
    assert read["moderationSettings"]["spam"]["floodMessages"] == 12
    assert read["strikes"]["activeStrikes"] == 1
    assert [s["revokeReason"] for s in read["strikes"]["nodes"]] == [None, "appeal"]
    assert len(read["bans"]["nodes"]) == 2
    audit = read["moderationAudit"]
    assert [entry["action"] for entry in audit["nodes"]] == ["ban", "strike_revoked"]
    assert audit["nodes"][0]["detail"] == {"entries": 2}
    assert audit["pageInfo"]["hasNextPage"] is True
    assert unbanned["data"]["unbanMember"] == {"__typename": "UnbanSuccess", "cleared": 2}


async def test_another_communitys_key_cannot_moderate_through_graphql(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    mine = (await create_community(admin))["id"]
    theirs = (await create_community(admin))["id"]
    member = await add_member(guildhall, theirs)
    key = await create_community_key(admin, mine)

    async with guildhall.client(api_key=key) as http:
        outsider = GraphQL(http)
        strike = await outsider(ADD_STRIKE, input={"communityId": theirs, "memberId": member, "rule": "x"})
        read = await outsider("query($c: ID!) { moderationSettings(communityId: $c) { strikeLifetimeDays } }", c=theirs)

    assert strike["data"]["addStrike"]["__typename"] == "NotFoundError"
    assert read["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    own = await admin(READ, community=theirs, member=member)
    assert own["data"]["strikes"]["nodes"] == []
