"""Sandbox communities through the gateway: weeks played out in seconds by advancing a test clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from guildhall import clockcli
from guildhall.cli import app
from guildhall.embedded import EmbeddedGuildhall
from tests.support.factories import create_community, create_community_key
from tests.support.guildhall import ADMIN_KEY, GraphQL
from tests.support.processes import free_port

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

COMMUNITY = "id sandbox testClock { now }"
CREATE_SANDBOX = f"""
mutation($input: CreateCommunityInput!) {{
  createCommunity(input: $input) {{
    __typename
    ... on CreateCommunitySuccess {{ community {{ {COMMUNITY} }} }}
    ... on UserError {{ code message }}
  }}
}}
"""
ADVANCE = f"""
mutation($input: AdvanceTestClockInput!) {{
  advanceTestClock(input: $input) {{
    __typename
    ... on AdvanceTestClockSuccess {{
      community {{ {COMMUNITY} }}
      testClock {{ now }}
      from steps
      ran {{ service work counts {{ name value }} }}
    }}
    ... on UserError {{ code message }}
    ... on InvalidInputError {{ fields {{ field reason }} }}
  }}
}}
"""
CREATE_TIER = """
mutation($input: CreateTierInput!) {
  createTier(input: $input) { __typename ... on TierSuccess { tier { id } } ... on UserError { code message } }
}
"""
ADD_MEMBER = """
mutation($input: AddMemberInput!) {
  addMember(input: $input) {
    __typename ... on MemberSuccess { member { id membership { status expiresAt } } } ... on UserError { code }
  }
}
"""
MEMBER = "query($communityId: ID!, $id: ID!) { member(communityId: $communityId, id: $id) { membership { status } } }"
COMMUNITY_QUERY = f"query($id: ID!) {{ community(id: $id) {{ {COMMUNITY} }} }}"


async def create_sandbox(admin: GraphQL, **fields: Any) -> dict[str, Any]:
    body = await admin(
        CREATE_SANDBOX, input={"name": "Sandbox", "timezone": "Asia/Shanghai", "sandbox": True, **fields}
    )
    payload: dict[str, Any] = body["data"]["createCommunity"]
    assert payload["__typename"] == "CreateCommunitySuccess", payload
    community: dict[str, Any] = payload["community"]
    return community


async def advance(graphql: GraphQL, community_id: str, **fields: Any) -> dict[str, Any]:
    body = await graphql(ADVANCE, input={"communityId": community_id, **fields})
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["advanceTestClock"]
    return payload


def counts(payload: dict[str, Any], work: str) -> dict[str, int]:
    [run] = [run for run in payload["ran"] if run["work"] == work]
    return {count["name"]: count["value"] for count in run["counts"]}


async def test_a_lapsing_membership_expires_when_the_clock_is_advanced_past_it(admin: GraphQL) -> None:
    community = await create_sandbox(admin, testClockStart=START.isoformat())
    cid = community["id"]
    tier = (
        await admin(
            CREATE_TIER,
            input={"communityId": cid, "key": "week", "name": "Week", "rank": 1, "period": "days", "periodDays": 7},
        )
    )["data"]["createTier"]["tier"]
    added = (await admin(ADD_MEMBER, input={"communityId": cid, "displayName": "Ann", "tierId": tier["id"]}))["data"]
    member = added["addMember"]["member"]

    advanced = await advance(admin, cid, by="10d")
    fetched = await admin(MEMBER, communityId=cid, id=member["id"])

    assert community["sandbox"] is True and community["testClock"] == {"now": "2026-03-01T08:00:00+00:00"}
    assert member["membership"] == {"status": "ACTIVE", "expiresAt": "2026-03-08T08:00:00+00:00"}
    assert advanced["__typename"] == "AdvanceTestClockSuccess", advanced
    assert advanced["from"] == "2026-03-01T08:00:00+00:00"
    assert advanced["testClock"] == advanced["community"]["testClock"] == {"now": "2026-03-11T08:00:00+00:00"}
    assert counts(advanced, "membership.expiry")["expired"] == 1
    assert {run["service"] for run in advanced["ran"]} >= {"membership", "gamification"}
    assert fetched["data"]["member"]["membership"]["status"] == "EXPIRED"


async def test_the_clock_never_goes_back_and_a_real_community_has_none(admin: GraphQL) -> None:
    sandbox = await create_sandbox(admin, testClockStart=START.isoformat())
    real = await create_community(admin)

    back = await advance(admin, sandbox["id"], to="2026-01-01T00:00:00Z")
    refused = await advance(admin, real["id"], by="1d")
    fetched = (await admin(COMMUNITY_QUERY, id=real["id"]))["data"]["community"]

    assert (back["__typename"], back["code"], back["fields"][0]["field"]) == (
        "InvalidInputError",
        "test_clock_backwards",
        "to",
    )
    assert (refused["__typename"], refused["code"]) == ("ConflictError", "not_a_sandbox")
    assert fetched == {"id": real["id"], "sandbox": False, "testClock": None}


async def test_a_communitys_own_key_advances_its_sandbox_but_not_another(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    mine = await create_sandbox(admin, testClockStart=START.isoformat())
    other = await create_sandbox(admin, testClockStart=START.isoformat())
    key = await create_community_key(admin, mine["id"])

    async with guildhall.client(api_key=key) as http:
        own = await advance(GraphQL(http), mine["id"], by="1h")
        foreign = await advance(GraphQL(http), other["id"], by="1h")

    assert own["testClock"] == {"now": "2026-03-01T09:00:00+00:00"}
    assert foreign["__typename"] == "NotFoundError"
    assert guildhall.clocks.now(other["id"]) == START


async def test_the_clock_command_shows_and_advances_through_the_gateway(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    sandbox = await create_sandbox(admin, testClockStart=START.isoformat())
    real = await create_community(admin)

    async with guildhall.client(api_key=ADMIN_KEY) as http:
        shown = await clockcli.show(http, sandbox["id"])
        lines = await clockcli.advance(http, sandbox["id"], to=START + timedelta(days=1), by=None, step="6h")
        with pytest.raises(clockcli.ClockRefused, match="not_a_sandbox"):
            await clockcli.advance(http, real["id"], to=None, by="1d", step="1h")
        with pytest.raises(clockcli.ClockRefused, match="test_clock_backwards"):
            await clockcli.advance(http, sandbox["id"], to=START, by=None, step="1h")

    assert shown == f"{sandbox['id']}\t2026-03-01T08:00:00+00:00"
    # 12:00, 18:00, 00:00 and 06:00 UTC, Shanghai's midnight (16:00 UTC) and the target.
    assert lines[0] == f"{sandbox['id']}\t2026-03-02T08:00:00+00:00\t(from 2026-03-01T08:00:00+00:00, 6 steps)"
    assert "  membership\tmembership.expiry\texpired=0 moved_to_fallback=0 notices=0 removals=0" in lines


def test_the_clock_command_wants_exactly_one_of_by_and_to_and_says_when_the_gateway_is_away() -> None:
    runner = CliRunner()
    base = ["clock", "advance", "--community", "cmty_x", "--api-key", "k", "--url", f"http://127.0.0.1:{free_port()}"]

    neither = runner.invoke(app, base)
    away = runner.invoke(app, [*base, "--by", "1d"])

    assert neither.exit_code == 2 and "exactly one of --by and --to" in neither.output
    assert away.exit_code == 1 and "did not answer" in away.output
