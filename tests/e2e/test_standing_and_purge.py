"""Standing and lurker purges through the gateway: GraphQL over the membership service, on a test clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from guildhall.embedded import EmbeddedGuildhall
from kit.auth import SYSTEM
from kit.clock import Clocks, ManualClock
from services.membership import jobs
from tests.support.backends import Backend
from tests.support.factories import create_community, create_community_key
from tests.support.guildhall import ADMIN_KEY, GraphQL, gateway_settings, service_client, service_settings
from tests.support.membership import rest_add_member
from tests.support.standing import START, add_activity, add_group, days_back

STANDING = """
query Standing($cid: ID!, $mid: ID!) {
  memberStanding(communityId: $cid, memberId: $mid) {
    standing locked belowSince
    progress { level met held criteria { metric minimum value } }
  }
}
"""
SET_RULES = """
mutation Rules($input: SetStandingRulesInput!) {
  setStandingRules(input: $input) {
    __typename
    ... on SetStandingRulesSuccess { rules { contributor { windowDays daysActive messages } graceDays } }
    ... on InvalidInputError { fields { field reason } }
  }
}
"""
RECOMPUTE = """
mutation Recompute($cid: ID!) {
  recomputeStanding(input: {communityId: $cid}) {
    __typename
    ... on RecomputeStandingSuccess { changes { memberId fromStanding toStanding reason } }
  }
}
"""
LOCK = """
mutation Lock($input: LockStandingInput!) {
  lockStanding(input: $input) {
    __typename
    ... on StandingSuccess { standing { standing locked } }
    ... on UserError { code }
  }
}
"""
PREVIEW = """
query Preview($cid: ID!) {
  purgePreview(communityId: $cid) {
    rules { inactiveDays graceDays }
    candidates { memberId reasons { code detail } }
    excluded { memberId exclusions }
  }
}
"""
START_PURGE = """
mutation Start($input: StartPurgeInput!) {
  startPurge(input: $input) {
    __typename
    ... on PurgeRunSuccess { run { id status warningsSent members { memberId state warningsSent } } }
    ... on InvalidInputError { fields { field reason } }
    ... on UserError { code }
  }
}
"""
RUN = """
query Run($cid: ID!, $id: ID!) {
  purgeRun(communityId: $cid, id: $id) { status members { memberId state note } }
}
"""
RETURN = """
mutation Return($input: ReturnFromPurgeInput!) {
  returnFromPurge(input: $input) {
    __typename
    ... on ReturnFromPurgeSuccess { memberId status tierId }
    ... on UserError { code }
  }
}
"""


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def guildhall(backend: Backend, clock: ManualClock) -> AsyncIterator[EmbeddedGuildhall]:
    """Everything in process on ``clock``; the scheduled jobs are called by the tests, not the loop."""
    running = EmbeddedGuildhall(
        gateway_settings=gateway_settings(backend),
        service_settings={name: service_settings(backend, name) for name in ("membership", "gamification", "content")},
        clocks=Clocks(clock),
        run_workers=False,
        migrate=False,
    )
    async with running:
        yield running


@pytest.fixture
async def admin(guildhall: EmbeddedGuildhall) -> AsyncIterator[GraphQL]:
    async with guildhall.client(api_key=ADMIN_KEY) as http:
        yield GraphQL(http)


async def test_standing_is_computed_shown_and_locked_through_graphql(
    admin: GraphQL, guildhall: EmbeddedGuildhall, clock: ManualClock
) -> None:
    cid = (await create_community(admin))["id"]
    membership = guildhall.services["membership"]
    async with service_client(membership, SYSTEM) as rest:
        busy = await rest_add_member(rest, cid)
        quiet = await rest_add_member(rest, cid)
    rules = await admin(
        SET_RULES,
        input={"communityId": cid, "contributor": {"windowDays": 14, "daysActive": 5, "messages": 20}},
    )
    bad_rules = await admin(SET_RULES, input={"communityId": cid, "core": {"windowDays": 3, "daysActive": 4}})
    local = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    await add_activity(membership, cid, busy["id"], days=days_back(local, 5), messages=4)

    recomputed = await admin(RECOMPUTE, cid=cid)
    shown = await admin(STANDING, cid=cid, mid=busy["id"])
    locked = await admin(LOCK, input={"communityId": cid, "memberId": quiet["id"], "standing": "CORE"})
    quiet_after = await admin(STANDING, cid=cid, mid=quiet["id"])
    missing = await admin(STANDING, cid=cid, mid="mbr_missing")

    assert rules["data"]["setStandingRules"]["rules"]["contributor"] == {
        "windowDays": 14,
        "daysActive": 5,
        "messages": 20,
    }
    assert bad_rules["data"]["setStandingRules"]["__typename"] == "InvalidInputError"
    assert bad_rules["data"]["setStandingRules"]["fields"][0]["field"] == "core.daysActive"
    assert recomputed["data"]["recomputeStanding"]["changes"] == [
        {
            "memberId": busy["id"],
            "fromStanding": "FOLLOWER",
            "toStanding": "CONTRIBUTOR",
            "reason": "promoted: days_active 5/5, messages 20/20",
        }
    ]
    standing = shown["data"]["memberStanding"]
    assert (standing["standing"], standing["locked"], standing["belowSince"]) == ("CONTRIBUTOR", False, None)
    assert standing["progress"][0]["criteria"] == [
        {"metric": "days_active", "minimum": 5, "value": 5},
        {"metric": "messages", "minimum": 20, "value": 20},
    ]
    assert locked["data"]["lockStanding"] == {
        "__typename": "StandingSuccess",
        "standing": {"standing": "CORE", "locked": True},
    }
    assert quiet_after["data"]["memberStanding"]["standing"] == "CORE"
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_purge_previews_warns_removes_and_lets_back_through_graphql(
    admin: GraphQL, guildhall: EmbeddedGuildhall, clock: ManualClock
) -> None:
    cid = (await create_community(admin))["id"]
    membership = guildhall.services["membership"]
    async with service_client(membership, SYSTEM) as rest:
        lurker = await rest_add_member(
            rest, cid, identities=[{"platform": "telegram", "platform_user_id": "42", "display_name": "Lurk"}]
        )
    await add_group(membership, cid)
    clock.advance(timedelta(days=31))

    preview = await admin(PREVIEW, cid=cid)
    refused = await admin(START_PURGE, input={"communityId": cid, "graceDays": 99})
    started = await admin(START_PURGE, input={"communityId": cid, "graceDays": 2, "note": "quarterly"})
    run_id = started["data"]["startPurge"]["run"]["id"]
    clock.advance(timedelta(days=2))
    async with membership.state.sessionmaker() as session:
        await jobs.run_due_purges(session, community_id=cid, now=clock.now())
        await session.commit()
    run = await admin(RUN, cid=cid, id=run_id)
    back = await admin(RETURN, input={"communityId": cid, "memberId": lurker["id"]})
    again = await admin(RETURN, input={"communityId": cid, "memberId": lurker["id"]})

    assert preview["data"]["purgePreview"]["candidates"] == [
        {
            "memberId": lurker["id"],
            "reasons": [
                {"code": "inactive", "detail": "no message, reaction, check-in or other participation in 30 days"}
            ],
        }
    ]
    assert refused["data"]["startPurge"]["__typename"] == "InvalidInputError"
    assert refused["data"]["startPurge"]["fields"][0]["field"] == "graceDays"
    assert started["data"]["startPurge"]["run"]["status"] == "warning"
    assert started["data"]["startPurge"]["run"]["members"] == [
        {"memberId": lurker["id"], "state": "warned", "warningsSent": 1}
    ]
    assert run["data"]["purgeRun"]["status"] == "completed"
    assert run["data"]["purgeRun"]["members"][0]["state"] == "removed"
    assert back["data"]["returnFromPurge"] == {
        "__typename": "ReturnFromPurgeSuccess",
        "memberId": lurker["id"],
        "status": "active",
        "tierId": None,
    }
    assert again["data"]["returnFromPurge"] == {"__typename": "ConflictError", "code": "purge_return_not_allowed"}


async def test_a_community_key_cannot_preview_or_purge_another_community(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    theirs = (await create_community(admin))["id"]
    mine = (await create_community(admin))["id"]
    key = await create_community_key(admin, mine)

    async with guildhall.client(api_key=key) as http:
        outsider = GraphQL(http)
        preview = await outsider(PREVIEW, cid=theirs)
        started = await outsider(START_PURGE, input={"communityId": theirs})

    assert preview["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert started["data"]["startPurge"]["__typename"] == "NotFoundError"
