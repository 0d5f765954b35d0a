"""Changing point rules and correcting the ledger through the gateway: history stays as it was."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from contracts.events import MemberActivity
from guildhall.embedded import EmbeddedGuildhall
from tests.support.events import publish
from tests.support.factories import add_member, create_community
from tests.support.guildhall import GraphQL, eventually

CREATE_RULE = """
mutation($input: CreatePointRuleInput!) {
  createPointRule(input: $input) { __typename ... on CreatePointRuleSuccess { rule { id ruleId version } } }
}
"""
UPDATE_RULE = """
mutation($input: UpdatePointRuleInput!) {
  updatePointRule(input: $input) {
    __typename
    ... on UpdatePointRuleSuccess { rule { id ruleId version points dailyCap cooldownSeconds enabled } }
    ... on InvalidInputError { code fields { field reason } }
    ... on NotFoundError { code }
  }
}
"""
CORRECT = """
mutation($input: CorrectPointsInput!) {
  correctPoints(input: $input) {
    __typename
    ... on PointsPosted { balance lifetimePoints entry { id kind points correctsEntryId } }
    ... on InvalidInputError { code fields { field reason } }
    ... on NotFoundError { code }
  }
}
"""
GRANT = """
mutation($input: GrantPointsInput!) {
  grantPoints(input: $input) { __typename ... on PointsPosted { balance entry { id } } }
}
"""
SPEND = """
mutation($input: SpendPointsInput!) { spendPoints(input: $input) { __typename ... on PointsPosted { balance } } }
"""
VIEW = """
query($community: ID!, $member: ID!) {
  memberGamification(communityId: $community, memberIds: [$member]) {
    points lifetimePoints recentEntries(limit: 20) { id kind points ruleVersionId correctsEntryId }
  }
  pointRules(communityId: $community) { id version points }
}
"""


async def _said(guildhall: EmbeddedGuildhall, cid: str, member_id: str) -> None:
    said = MemberActivity(
        member_id=member_id,
        kind="message",
        group_id=None,
        platform="telegram",
        text="hello there",
        text_length=11,
        occurred_at=datetime.now(UTC),
    )
    await publish(guildhall.services["gamification"], said, producer="membership", community_id=cid)


async def _view(admin: GraphQL, cid: str, member_id: str) -> dict[str, Any]:
    data: dict[str, Any] = (await admin(VIEW, community=cid, member=member_id))["data"]
    return data


async def test_a_rule_change_is_a_new_version_and_earlier_entries_keep_the_old_one(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    cid = (await create_community(admin, name="Versions"))["id"]
    first = (
        await admin(
            CREATE_RULE,
            input={
                "communityId": cid,
                "name": "Posts",
                "event": "member.activity.message",
                "points": 2,
                "dailyCap": 10,
            },
        )
    )["data"]["createPointRule"]["rule"]
    await _said(guildhall, cid, "mbr_a")

    async def entries(count: int) -> list[dict[str, Any]] | None:
        found: list[dict[str, Any]] = (await _view(admin, cid, "mbr_a"))["memberGamification"][0]["recentEntries"]
        return found if len(found) == count else None

    before = await eventually(lambda: entries(1))
    changed = (
        await admin(
            UPDATE_RULE,
            input={"communityId": cid, "ruleId": first["ruleId"], "points": 7, "dailyCap": None, "cooldownSeconds": 0},
        )
    )["data"]["updatePointRule"]
    bad = (await admin(UPDATE_RULE, input={"communityId": cid, "ruleId": first["ruleId"], "cooldownSeconds": -1}))[
        "data"
    ]["updatePointRule"]
    unknown = (await admin(UPDATE_RULE, input={"communityId": cid, "ruleId": "rule_nope", "points": 1}))["data"][
        "updatePointRule"
    ]
    await _said(guildhall, cid, "mbr_a")
    after = await eventually(lambda: entries(2))
    disabled = (await admin(UPDATE_RULE, input={"communityId": cid, "ruleId": first["ruleId"], "enabled": False}))[
        "data"
    ]["updatePointRule"]
    view = await _view(admin, cid, "mbr_a")

    new = changed["rule"]
    assert changed["__typename"] == "UpdatePointRuleSuccess"
    assert (new["ruleId"], new["version"], new["points"], new["dailyCap"]) == (first["ruleId"], 2, 7, None)
    assert new["id"] != first["id"]
    assert bad["__typename"] == "InvalidInputError"
    assert [f["field"] for f in bad["fields"]] == ["cooldownSeconds"]
    assert unknown == {"__typename": "NotFoundError", "code": "rule_not_found"}
    assert [(e["points"], e["ruleVersionId"]) for e in before] == [(2, first["id"])]
    assert [(e["points"], e["ruleVersionId"]) for e in after] == [(7, new["id"]), (2, first["id"])]
    assert (disabled["rule"]["version"], disabled["rule"]["enabled"]) == (3, False)
    assert view["memberGamification"][0]["points"] == 9
    assert [(r["version"], r["points"]) for r in view["pointRules"]] == [(3, 7)]


async def test_a_correction_offsets_an_entry_and_is_refused_below_zero(admin: GraphQL) -> None:
    cid = (await create_community(admin, name="Corrections"))["id"]
    member = await add_member(admin, cid)
    grant = {"communityId": cid, "memberId": member, "points": 30, "reason": "welcome"}
    granted = (await admin(GRANT, input=grant))["data"]["grantPoints"]
    entry_id = granted["entry"]["id"]
    partial = {
        "communityId": cid,
        "entryId": entry_id,
        "points": -10,
        "reason": "too generous",
        "idempotencyKey": "c-1",
    }
    corrected = (await admin(CORRECT, input=partial))["data"]["correctPoints"]
    again = (await admin(CORRECT, input=partial))["data"]["correctPoints"]
    await admin(SPEND, input={"communityId": cid, "memberId": member, "points": 15, "reason": "mug"})
    before = await _view(admin, cid, member)
    below = (await admin(CORRECT, input={"communityId": cid, "entryId": entry_id, "reason": "all of it"}))["data"][
        "correctPoints"
    ]
    missing = (await admin(CORRECT, input={"communityId": cid, "entryId": "pte_nope", "reason": "?"}))["data"][
        "correctPoints"
    ]
    after = await _view(admin, cid, member)

    assert corrected["__typename"] == "PointsPosted"
    assert (corrected["balance"], corrected["lifetimePoints"]) == (20, 20)
    assert (corrected["entry"]["kind"], corrected["entry"]["points"]) == ("correction", -10)
    assert corrected["entry"]["correctsEntryId"] == entry_id
    assert again == corrected
    ledger = before["memberGamification"][0]
    assert (ledger["points"], ledger["lifetimePoints"]) == (5, 20)
    assert [(e["kind"], e["points"], e["correctsEntryId"]) for e in ledger["recentEntries"]] == [
        ("spend", -15, None),
        ("correction", -10, entry_id),
        ("grant", 30, None),
    ]
    assert ledger["points"] == sum(e["points"] for e in ledger["recentEntries"])
    assert below["__typename"] == "InvalidInputError"
    assert [f["field"] for f in below["fields"]] == ["points"]
    assert missing == {"__typename": "NotFoundError", "code": "entry_not_found"}
    assert after == before


SETTINGS = """
mutation($input: UpdateGamificationSettingsInput!) {
  updateGamificationSettings(input: $input) {
    __typename
    ... on UpdateGamificationSettingsSuccess { settings { timezone decayAfterDays decayPercent decayedOn } }
    ... on InvalidInputError { code fields { field reason } }
  }
}
"""
READ_SETTINGS = """
query($community: ID!) { gamificationSettings(communityId: $community) { timezone decayAfterDays decayPercent } }
"""


async def test_decay_is_configured_through_the_gateway(admin: GraphQL) -> None:
    # In UTC: the settings read the same whether or not gamification has heard of the community yet.
    cid = (await create_community(admin, name="Sleepers", timezone="UTC"))["id"]
    on = (await admin(SETTINGS, input={"communityId": cid, "decayAfterDays": 14, "decayPercent": 5}))["data"]
    bad = (await admin(SETTINGS, input={"communityId": cid, "decayAfterDays": 0, "decayPercent": 120}))["data"]
    read = (await admin(READ_SETTINGS, community=cid))["data"]
    off = (await admin(SETTINGS, input={"communityId": cid, "decayAfterDays": None, "decayPercent": None}))["data"]

    assert on["updateGamificationSettings"]["settings"]["decayAfterDays"] == 14
    assert on["updateGamificationSettings"]["settings"]["decayedOn"] is None
    assert bad["updateGamificationSettings"]["__typename"] == "InvalidInputError"
    assert [f["field"] for f in bad["updateGamificationSettings"]["fields"]] == ["decayAfterDays", "decayPercent"]
    assert read["gamificationSettings"] == {"timezone": "UTC", "decayAfterDays": 14, "decayPercent": 5}
    settings = off["updateGamificationSettings"]["settings"]
    assert (settings["decayAfterDays"], settings["decayPercent"]) == (None, None)


SET_LEVELS = """
mutation($input: SetLevelSchemeInput!) {
  setLevelScheme(input: $input) {
    __typename
    ... on SetLevelSchemeSuccess { levels { rank name threshold chatRole } }
    ... on InvalidInputError { code fields { field reason } }
  }
}
"""
MEMBER_LEVEL = """
query($community: ID!, $member: ID!) {
  memberGamification(communityId: $community, memberIds: [$member]) {
    level { name chatRole } nextLevel { name } progressToNextLevel
  }
  community(id: $community) { levels { name } }
}
"""


async def test_an_operator_sets_the_level_scheme_and_the_member_view_follows(admin: GraphQL) -> None:
    cid = (await create_community(admin, name="Ladders"))["id"]
    member = await add_member(admin, cid)

    async def default_levels() -> bool | None:
        levels = (await admin(MEMBER_LEVEL, community=cid, member=member))["data"]["community"]["levels"]
        return True if levels else None

    await eventually(default_levels)  # gamification has heard of the community
    await admin(GRANT, input={"communityId": cid, "memberId": member, "points": 60, "reason": "welcome"})
    scheme = [
        {"rank": 1, "name": "Seedling", "threshold": 0},
        {"rank": 2, "name": "Sprout", "threshold": 50, "chatRole": "sprout"},
        {"rank": 3, "name": "Tree", "threshold": 100},
    ]
    bad = [{"rank": 1, "name": "Seedling", "threshold": 10}]

    refused = (await admin(SET_LEVELS, input={"communityId": cid, "levels": bad}))["data"]["setLevelScheme"]
    set_ = (await admin(SET_LEVELS, input={"communityId": cid, "levels": scheme}))["data"]["setLevelScheme"]
    view = (await admin(MEMBER_LEVEL, community=cid, member=member))["data"]

    assert refused["__typename"] == "InvalidInputError"
    assert refused["fields"] == [{"field": "levels", "reason": "the first level must start at 0 points"}]
    assert [level["name"] for level in set_["levels"]] == ["Seedling", "Sprout", "Tree"]
    (member,) = view["memberGamification"]
    assert member["level"] == {"name": "Sprout", "chatRole": "sprout"}
    assert member["nextLevel"] == {"name": "Tree"}
    assert member["progressToNextLevel"] == 0.2
    assert [level["name"] for level in view["community"]["levels"]] == ["Seedling", "Sprout", "Tree"]
