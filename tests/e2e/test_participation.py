"""Participation is activity (ADR 0028), through the gateway on a sandbox community: a member who checks in
through GraphQL on every day of a 21-day challenge is active (``lastActiveAt``, ``activity``), neither listed
nor removed by a lurker purge, while a member who did nothing is both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from guildhall.embedded import EmbeddedGuildhall
from tests.e2e.test_sandbox_clock import advance, create_sandbox
from tests.support.factories import add_member
from tests.support.guildhall import GraphQL, eventually

DAY = timedelta(days=1)
START = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
DAY1_OPEN = datetime(2026, 2, 28, 21, 0, tzinfo=UTC)  # 05:00 on 1 March in Shanghai

CREATE_CHALLENGE = """
mutation($input: CreateChallengeInput!) {
  createChallenge(input: $input) {
    __typename ... on CreateChallengeSuccess { challenge { id } } ... on InvalidInputError { fields { field reason } }
  }
}
"""
ENROLL = """
mutation($input: EnrollInChallengeInput!) {
  enrollInChallenge(input: $input) { __typename ... on EnrollmentSuccess { enrollment { status } } }
}
"""
CHECK_IN = """
mutation($input: CheckInInput!) {
  checkIn(input: $input) {
    __typename ... on CheckInSuccess { checkin { day makeup } } ... on UserError { code message }
  }
}
"""
MEMBER = """
query($cid: ID!, $id: ID!) {
  member(communityId: $cid, id: $id) {
    membership { status lastActiveAt }
    activity { day messages checkins participations }
  }
}
"""
PREVIEW = """
query($cid: ID!) {
  purgePreview(communityId: $cid, inactiveDays: 21) { candidates { memberId reasons { code } } excluded { memberId } }
}
"""
START_PURGE = """
mutation($input: StartPurgeInput!) {
  startPurge(input: $input) {
    __typename ... on PurgeRunSuccess { run { id members { memberId state } } } ... on UserError { code message }
  }
}
"""
RUN = "query($cid: ID!, $id: ID!) { purgeRun(communityId: $cid, id: $id) { status members { memberId state } } }"


async def _data(graphql: GraphQL, query: str, **variables: Any) -> Any:
    body = await graphql(query, **variables)
    assert "errors" not in body, body
    return body["data"]


async def test_a_member_who_checks_in_every_day_is_active_and_never_purged_as_a_lurker(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    cid = (await create_sandbox(admin, testClockStart=START.isoformat()))["id"]
    doer, silent = await add_member(admin, cid, displayName="Ann"), await add_member(admin, cid, displayName="Bo")
    challenge = {
        "communityId": cid, "name": "Up at five", "startDate": "2026-03-01", "days": 21,
        "timezone": "Asia/Shanghai", "windowStart": "05:00:00", "windowEnd": "08:00:00",
    }  # fmt: skip
    chl = (await _data(admin, CREATE_CHALLENGE, input=challenge))["createChallenge"]["challenge"]["id"]
    for member in (doer, silent):
        who = {"communityId": cid, "challengeId": chl, "memberId": member}
        assert (await _data(admin, ENROLL, input=who))["enrollInChallenge"]["enrollment"]["status"] == "active"

    checked_in = []
    for day in range(1, 22):
        to = DAY1_OPEN + (day - 1) * DAY + timedelta(minutes=20)
        await advance(admin, cid, to=to.isoformat(), step="12h")
        who = {"communityId": cid, "challengeId": chl, "memberId": doer, "text": "打卡"}
        answer = (await _data(admin, CHECK_IN, input={**who, "idempotencyKey": f"day-{day}"}))["checkIn"]
        checked_in.append(answer)
    last_checkin = to

    async def all_days_counted() -> dict[str, Any] | None:
        member: dict[str, Any] = (await _data(admin, MEMBER, cid=cid, id=doer))["member"]
        # The member's fields are separate reads: wait until the activity and the membership both show it.
        counted = sum(day["participations"] for day in member["activity"]) >= 21
        return member if counted and member["membership"]["lastActiveAt"] == last_checkin.isoformat() else None

    shown = await eventually(all_days_counted)
    quiet = (await _data(admin, MEMBER, cid=cid, id=silent))["member"]
    preview = (await _data(admin, PREVIEW, cid=cid))["purgePreview"]
    started = await _data(admin, START_PURGE, input={"communityId": cid, "inactiveDays": 21, "graceDays": 1})
    run = started["startPurge"]["run"]
    await advance(admin, cid, by="2d", step="12h")
    finished = (await _data(admin, RUN, cid=cid, id=run["id"]))["purgeRun"]
    after = (await _data(admin, MEMBER, cid=cid, id=doer))["member"]["membership"]

    assert [answer["__typename"] for answer in checked_in] == ["CheckInSuccess"] * 21
    assert shown["membership"]["lastActiveAt"] == last_checkin.isoformat()
    assert [day["day"] for day in shown["activity"]] == [f"2026-03-{d:02d}" for d in range(1, 22)]
    assert {(day["messages"], day["checkins"], day["participations"]) for day in shown["activity"]} == {(0, 1, 1)}
    assert quiet["membership"]["lastActiveAt"] is None and quiet["activity"] == []
    assert preview["candidates"] == [{"memberId": silent, "reasons": [{"code": "inactive"}]}]
    assert doer not in {member["memberId"] for member in preview["excluded"]}
    assert run["members"] == [{"memberId": silent, "state": "warned"}]
    assert finished == {"status": "completed", "members": [{"memberId": silent, "state": "removed"}]}
    assert after["status"] == "ACTIVE"
