"""Check-in challenges through the gateway: define, enroll, check in (once per day whatever the retries), makeups,
missed days and appeals, the lists, the member's view, and another community's key seeing nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from guildhall.embedded import EmbeddedGuildhall
from kit.clock import ManualClock
from services.gamification.jobs import run_community
from tests.support.challenges import BEFORE_START, DAY1_OPEN, START_DATE
from tests.support.factories import create_community, create_community_key
from tests.support.guildhall import GraphQL

DAY = timedelta(days=1)

ADD_MEMBER = """
mutation($input: AddMemberInput!) {
  addMember(input: $input) { __typename ... on MemberSuccess { member { id } } ... on UserError { code message } }
}
"""
CREATE = """
mutation($input: CreateChallengeInput!) {
  createChallenge(input: $input) {
    __typename
    ... on CreateChallengeSuccess { challenge { id name startDate days timezone windowStart windowEnd keywords } }
    ... on UserError { code message }
    ... on InvalidInputError { fields { field reason } }
  }
}
"""
ENROLLMENT = "enrollment { id memberId status daysDone streak }"
ENROLL = f"""
mutation($input: EnrollInChallengeInput!) {{
  enrollInChallenge(input: $input) {{
    __typename ... on EnrollmentSuccess {{ {ENROLLMENT} }} ... on UserError {{ code message }}
  }}
}}
"""
WITHDRAW = f"""
mutation($input: WithdrawFromChallengeInput!) {{
  withdrawFromChallenge(input: $input) {{
    __typename ... on EnrollmentSuccess {{ {ENROLLMENT} }} ... on UserError {{ code message }}
  }}
}}
"""
CHECK_IN = f"""
mutation($input: CheckInInput!) {{
  checkIn(input: $input) {{
    __typename
    ... on CheckInSuccess {{ checkin {{ id day makeup channel photoUrls }} {ENROLLMENT} }}
    ... on UserError {{ code message }}
  }}
}}
"""
APPEAL = """
mutation($input: AppealMissedDayInput!) {
  appealMissedDay(input: $input) {
    __typename ... on MissedDaySuccess { missedDay { id day status appealReason } } ... on UserError { code message }
  }
}
"""
REVIEW = """
mutation($input: ReviewAppealInput!) {
  reviewAppeal(input: $input) {
    __typename ... on MissedDaySuccess { missedDay { id status reviewNote } } ... on UserError { code message }
  }
}
"""
CHALLENGES = """
query($communityId: ID!, $first: Int!, $after: String) {
  challenges(communityId: $communityId, first: $first, after: $after) {
    edges { cursor node { id name } } pageInfo { endCursor hasNextPage }
  }
}
"""
CHALLENGE = """
query($communityId: ID!, $id: ID!, $memberId: ID!) {
  challenge(communityId: $communityId, id: $id) {
    name enrolledCount
    enrollments(first: 10) { edges { node { memberId status daysDone } } pageInfo { hasNextPage } }
    checkins(memberId: $memberId) { edges { node { day makeup } } }
    missedDays(status: "excused") { edges { node { memberId day status } } }
  }
}
"""
MEMBER = """
query($communityId: ID!, $id: ID!) {
  member(communityId: $communityId, id: $id) {
    challengeEnrollments { challengeId status daysDone streak bestStreak makeupsUsed challenge { name days } }
  }
}
"""
MEMBERS = """
query($communityId: ID!) {
  members(communityId: $communityId, first: 10) { edges { node { id challengeEnrollments { status daysDone } } } }
}
"""


async def _member(admin: GraphQL, cid: str, name: str) -> str:
    payload = (await admin(ADD_MEMBER, input={"communityId": cid, "displayName": name}))["data"]["addMember"]
    assert payload["__typename"] == "MemberSuccess", payload
    member_id: str = payload["member"]["id"]
    return member_id


def _challenge_input(cid: str, **overrides: Any) -> dict[str, Any]:
    # Three early-rising days in Shanghai: check-ins 05:00-08:00 local; one makeup up to two days back, one miss.
    return {
        "communityId": cid,
        "name": "Early risers",
        "startDate": START_DATE,
        "days": 3,
        "timezone": "Asia/Shanghai",
        "windowStart": "05:00:00",
        "windowEnd": "08:00:00",
        "makeupCount": 1,
        "makeupDaysBack": 2,
        "allowedMisses": 1,
        **overrides,
    }


async def _check_in(admin: GraphQL, cid: str, challenge_id: str, member_id: str, **input: Any) -> dict[str, Any]:
    who = {"communityId": cid, "challengeId": challenge_id, "memberId": member_id}
    body = await admin(CHECK_IN, input={**who, "text": "打卡", **input})
    payload: dict[str, Any] = body["data"]["checkIn"]
    return payload


async def test_a_challenge_is_run_through_graphql(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    cid = (await create_community(admin))["id"]
    clock = ManualClock(BEFORE_START)
    guildhall.clocks.set(cid, clock)
    ann, bo, cy = [await _member(admin, cid, name) for name in ("Ann", "Bo", "Cy")]

    created = (await admin(CREATE, input=_challenge_input(cid, idempotencyKey="ch-1")))["data"]["createChallenge"]
    again = (await admin(CREATE, input=_challenge_input(cid, idempotencyKey="ch-1")))["data"]["createChallenge"]
    bad = (await admin(CREATE, input=_challenge_input(cid, timezone="Mars/Olympus")))["data"]["createChallenge"]
    challenge_id = created["challenge"]["id"]
    who = {"communityId": cid, "challengeId": challenge_id}
    enrolled = [(await admin(ENROLL, input={**who, "memberId": m}))["data"]["enrollInChallenge"] for m in (ann, bo, cy)]
    enrolled_again = (await admin(ENROLL, input={**who, "memberId": ann}))["data"]["enrollInChallenge"]
    withdrawn = (await admin(WITHDRAW, input={**who, "memberId": bo}))["data"]["withdrawFromChallenge"]

    clock.advance(DAY1_OPEN + timedelta(minutes=30) - clock.now())
    first = await _check_in(admin, cid, challenge_id, ann, idempotencyKey="ann-1", photoUrls=["https://img/1.jpg"])
    retried = await _check_in(admin, cid, challenge_id, ann, idempotencyKey="ann-1", photoUrls=["https://img/1.jpg"])
    duplicate = await _check_in(admin, cid, challenge_id, ann, idempotencyKey="ann-2")

    # Day 1's window (05:00-08:00 Shanghai) has closed: too late for today; Cy's day 1 is missed.
    clock.advance(DAY1_OPEN + timedelta(hours=4) - clock.now())
    closed = await _check_in(admin, cid, challenge_id, ann)
    late = await _member(admin, cid, "Late")
    too_late = (await admin(ENROLL, input={**who, "memberId": late}))["data"]["enrollInChallenge"]
    rollover = guildhall.services["gamification"].state.sessionmaker
    await run_community(rollover, community_id=cid, now=clock.now(), only="challenge.rollover")
    appealed = (await admin(APPEAL, input={**who, "memberId": cy, "day": 1, "reason": "hospital"}))["data"]
    missed_id = appealed["appealMissedDay"]["missedDay"]["id"]
    review = {"communityId": cid, "missedDayId": missed_id, "decision": "EXCUSE", "note": "get well"}
    reviewed = (await admin(REVIEW, input=review))["data"]["reviewAppeal"]

    # Ann slept through day 2 and makes it up on day 3.
    clock.advance(DAY1_OPEN + 2 * DAY + timedelta(minutes=10) - clock.now())
    makeup = await _check_in(admin, cid, challenge_id, ann, day=2)
    refused = await _check_in(admin, cid, challenge_id, cy, day=3)
    third = await _check_in(admin, cid, challenge_id, ann)

    page = (await admin(CHALLENGES, communityId=cid, first=1))["data"]["challenges"]
    view = (await admin(CHALLENGE, communityId=cid, id=challenge_id, memberId=ann))["data"]["challenge"]
    mine = (await admin(MEMBER, communityId=cid, id=ann))["data"]["member"]["challengeEnrollments"]
    members = (await admin(MEMBERS, communityId=cid))["data"]["members"]["edges"]

    assert created["challenge"] == {
        "id": challenge_id,
        "name": "Early risers",
        "startDate": START_DATE,
        "days": 3,
        "timezone": "Asia/Shanghai",
        "windowStart": "05:00:00",
        "windowEnd": "08:00:00",
        "keywords": ["打卡"],
    }
    assert again == created
    assert bad["__typename"] == "InvalidInputError"
    assert [f["field"] for f in bad["fields"]] == ["timezone"]
    assert [e["enrollment"]["status"] for e in enrolled] == ["active", "active", "active"]
    assert enrolled_again["enrollment"]["id"] == enrolled[0]["enrollment"]["id"]
    assert withdrawn["enrollment"]["status"] == "withdrawn"
    assert (too_late["__typename"], too_late["code"]) == ("ConflictError", "enrollment_closed")
    assert first["__typename"] == "CheckInSuccess"
    assert first["checkin"]["day"] == 1 and first["checkin"]["photoUrls"] == ["https://img/1.jpg"]
    assert first["enrollment"]["daysDone"] == 1
    assert retried == first
    assert (duplicate["__typename"], duplicate["code"]) == ("ConflictError", "checkin_already_recorded")
    assert duplicate["message"]
    assert (closed["__typename"], closed["code"]) == ("ConflictError", "checkin_window_closed")
    assert appealed["appealMissedDay"]["missedDay"]["status"] == "appealed"
    assert makeup["__typename"] == "CheckInSuccess"
    assert (makeup["checkin"]["day"], makeup["checkin"]["makeup"]) == (2, True)
    assert (refused["__typename"], refused["code"]) == ("ConflictError", "makeup_refused")
    assert (third["checkin"]["day"], third["enrollment"]["daysDone"]) == (3, 3)
    assert (reviewed["missedDay"]["status"], reviewed["missedDay"]["reviewNote"]) == ("excused", "get well")
    assert [e["node"]["id"] for e in page["edges"]] == [challenge_id]
    assert page["pageInfo"]["hasNextPage"] is False
    assert view["name"] == "Early risers" and view["enrolledCount"] == 2
    assert sorted((e["node"]["memberId"], e["node"]["status"]) for e in view["enrollments"]["edges"]) == sorted(
        [(ann, "completed"), (bo, "withdrawn"), (cy, "active")]
    )
    assert [(e["node"]["day"], e["node"]["makeup"]) for e in view["checkins"]["edges"]] == [
        (1, False),
        (2, True),
        (3, False),
    ]
    assert [(e["node"]["memberId"], e["node"]["day"]) for e in view["missedDays"]["edges"]] == [(cy, 1)]
    assert {e["node"]["id"]: e["node"]["challengeEnrollments"] for e in members} == {
        ann: [{"status": "completed", "daysDone": 3}],
        bo: [{"status": "withdrawn", "daysDone": 0}],
        cy: [{"status": "active", "daysDone": 1}],  # the excused day counts as done
        late: [],
    }
    assert mine == [
        {
            "challengeId": challenge_id,
            "status": "completed",
            "daysDone": 3,
            "streak": 3,
            "bestStreak": 3,
            "makeupsUsed": 1,
            "challenge": {"name": "Early risers", "days": 3},
        }
    ]


async def test_a_challenge_that_starts_today_takes_members_until_day_1s_window_closes(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    cid = (await create_community(admin))["id"]
    clock = ManualClock(DAY1_OPEN + timedelta(minutes=30))  # 05:30 in Shanghai on the first day
    guildhall.clocks.set(cid, clock)
    created = (await admin(CREATE, input=_challenge_input(cid)))["data"]["createChallenge"]
    late_joiners = (
        await admin(CREATE, input=_challenge_input(cid, name="Open all run", enrollClosesAt="2026-03-03T00:00:00Z"))
    )["data"]["createChallenge"]
    today, open_all_run = created["challenge"]["id"], late_joiners["challenge"]["id"]
    ann, bo = await _member(admin, cid, "Ann"), await _member(admin, cid, "Bo")

    joined = (await admin(ENROLL, input={"communityId": cid, "challengeId": today, "memberId": ann}))["data"]
    checked_in = await _check_in(admin, cid, today, ann)
    clock.advance(timedelta(hours=3))  # 08:30: day 1's window has closed
    refused = (await admin(ENROLL, input={"communityId": cid, "challengeId": today, "memberId": bo}))["data"]
    later = (await admin(ENROLL, input={"communityId": cid, "challengeId": open_all_run, "memberId": bo}))["data"]

    assert joined["enrollInChallenge"]["enrollment"]["status"] == "active"
    assert checked_in["checkin"]["day"] == 1
    assert (refused["enrollInChallenge"]["__typename"], refused["enrollInChallenge"]["code"]) == (
        "ConflictError",
        "enrollment_closed",
    )
    assert "enrollClosesAt" in refused["enrollInChallenge"]["message"], "the refusal says which field to set"
    assert later["enrollInChallenge"]["enrollment"]["status"] == "active"


async def test_challenges_page_by_cursor(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    cid = (await create_community(admin))["id"]
    guildhall.clocks.set(cid, ManualClock(BEFORE_START))
    ids = []
    for n in range(3):
        payload = (await admin(CREATE, input=_challenge_input(cid, name=f"Challenge {n}")))["data"]["createChallenge"]
        ids.append(payload["challenge"]["id"])

    first = (await admin(CHALLENGES, communityId=cid, first=2))["data"]["challenges"]
    rest = (await admin(CHALLENGES, communityId=cid, first=2, after=first["pageInfo"]["endCursor"]))["data"]

    assert [e["node"]["id"] for e in first["edges"]] == ids[:2]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["id"] for e in rest["challenges"]["edges"]] == ids[2:]
    last_cursor = rest["challenges"]["edges"][-1]["cursor"]
    assert rest["challenges"]["pageInfo"] == {"endCursor": last_cursor, "hasNextPage": False}


async def test_another_communitys_key_finds_no_challenge(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    mine, theirs = (await create_community(admin))["id"], (await create_community(admin))["id"]
    guildhall.clocks.set(mine, ManualClock(BEFORE_START))
    challenge_id = (await admin(CREATE, input=_challenge_input(mine)))["data"]["createChallenge"]["challenge"]["id"]
    async with guildhall.client(api_key=await create_community_key(admin, theirs)) as http:
        other = GraphQL(http)
        read = await other(CHALLENGE, communityId=mine, id=challenge_id, memberId="mbr_x")
        listed = await other(CHALLENGES, communityId=mine, first=10)
        crossed = await other(CHALLENGE, communityId=theirs, id=challenge_id, memberId="mbr_x")
        who = {"communityId": mine, "challengeId": challenge_id, "memberId": "mbr_x"}
        enroll = (await other(ENROLL, input=who))["data"]["enrollInChallenge"]
        check_in = (await other(CHECK_IN, input=who))["data"]["checkIn"]
        create = (await other(CREATE, input=_challenge_input(mine)))["data"]["createChallenge"]
        own = (await other(CHALLENGES, communityId=theirs, first=10))["data"]["challenges"]

    assert read["data"] is None and read["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert listed["data"] is None and listed["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert crossed["errors"][0]["extensions"] == {"code": "NOT_FOUND", "reason": "challenge_not_found"}
    assert (enroll["__typename"], enroll["code"]) == ("NotFoundError", "community_not_found")
    assert (check_in["__typename"], check_in["code"]) == ("NotFoundError", "community_not_found")
    assert (create["__typename"], create["code"]) == ("NotFoundError", "community_not_found")
    assert own["edges"] == []
