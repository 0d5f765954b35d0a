"""The whole of issue #6 in one sandbox community: a 21-day early-rising deposit challenge played out in
seconds by advancing its test clock. Stakes are confirmed, members check in through GraphQL day after day, one
missed day is appealed and excused, one member gives up; the rollover, the decision, the settlement and the
certificates all follow from advancing the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from guildhall.embedded import EmbeddedGuildhall
from tests.e2e.test_sandbox_clock import advance, create_sandbox
from tests.support.guildhall import GraphQL, eventually

DAY = timedelta(days=1)
START = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
DAY1_OPEN = datetime(2026, 2, 28, 21, 0, tzinfo=UTC)  # 05:00 on 1 March in Shanghai

ADD_MEMBER = """
mutation($input: AddMemberInput!) {
  addMember(input: $input) { __typename ... on MemberSuccess { member { id } } ... on UserError { code message } }
}
"""
CREATE_CHALLENGE = """
mutation($input: CreateChallengeInput!) {
  createChallenge(input: $input) {
    __typename ... on CreateChallengeSuccess { challenge { id } } ... on InvalidInputError { fields { field reason } }
  }
}
"""
CREATE_TEMPLATE = """
mutation($input: CreateCertificateTemplateInput!) {
  createCertificateTemplate(input: $input) { __typename ... on CertificateTemplateSuccess { template { id } } }
}
"""
ENROLL = """
mutation($input: EnrollInChallengeInput!) {
  enrollInChallenge(input: $input) { __typename ... on EnrollmentSuccess { enrollment { status } } }
}
"""
CONFIRM = """
mutation($input: ConfirmStakeInput!) {
  confirmStake(input: $input) { __typename ... on DepositRecorded { deposit { status staked } } }
}
"""
CHECK_IN = """
mutation($input: CheckInInput!) {
  checkIn(input: $input) {
    __typename ... on CheckInSuccess { checkin { day } } ... on UserError { code message }
  }
}
"""
APPEAL = """
mutation($input: AppealMissedDayInput!) {
  appealMissedDay(input: $input) { __typename ... on MissedDaySuccess { missedDay { id status } } }
}
"""
REVIEW = """
mutation($input: ReviewAppealInput!) {
  reviewAppeal(input: $input) { __typename ... on MissedDaySuccess { missedDay { status } } }
}
"""
DEPOSIT = """
query($cid: ID!, $chl: ID!, $mbr: ID!) {
  deposit(communityId: $cid, challengeId: $chl, memberId: $mbr) { status staked earnedBack share forfeited payable }
}
"""
MEMBER = """
query($cid: ID!, $id: ID!) {
  member(communityId: $cid, id: $id) { challengeEnrollments { status daysDone bestStreak } }
}
"""
CERTIFICATES = """
query($cid: ID!) { certificates(communityId: $cid, first: 10) { nodes { recipientName serial } } }
"""


async def _data(admin: GraphQL, query: str, **variables: Any) -> Any:
    body = await admin(query, **variables)
    assert "errors" not in body, body
    return body["data"]


async def test_a_21_day_deposit_challenge_is_played_out_by_advancing_the_test_clock(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    cid = (await create_sandbox(admin, testClockStart=START.isoformat()))["id"]
    members = {}
    for name in ("晨读 Ann", "Bo", "Cai"):
        added = await _data(admin, ADD_MEMBER, input={"communityId": cid, "displayName": name})
        members[name] = added["addMember"]["member"]["id"]
    ann, bo, cai = members.values()
    created = await _data(
        admin,
        CREATE_CHALLENGE,
        input={
            "communityId": cid, "name": "Up at five", "startDate": "2026-03-01", "days": 21,
            "timezone": "Asia/Shanghai", "windowStart": "05:00:00", "windowEnd": "08:00:00",
            "stakeAmount": 2_100, "currency": "CNY", "platformFeeBps": 1_000, "appealWindowHours": 24,
        },
    )  # fmt: skip
    chl = created["createChallenge"]["challenge"]["id"]
    template = {
        "communityId": cid, "name": "Up at five", "achievementName": "21 天早起", "description": "05:00, 21 days",
        "issuerName": "晨读会", "triggerKind": "CHALLENGE", "triggerRef": chl,
    }  # fmt: skip
    assert (await _data(admin, CREATE_TEMPLATE, input=template))["createCertificateTemplate"]["template"]
    for n, member in enumerate((ann, bo, cai)):
        who = {"communityId": cid, "challengeId": chl, "memberId": member}
        await _data(admin, ENROLL, input=who)
        stake = {**who, "amount": 2_100, "currency": "CNY", "reference": f"pay-{n}"}
        confirmed = await _data(admin, CONFIRM, input=stake)
        assert confirmed["confirmStake"]["deposit"]["status"] == "active"

    refused = []
    for day in range(1, 22):
        # Six-hour steps (and every local midnight): the rollover catches up whatever the step, and the hourly
        # default is pinned by tests/e2e/test_sandbox_clock.py; this keeps the journey quick on SQLite.
        to = (DAY1_OPEN + (day - 1) * DAY + timedelta(minutes=20)).isoformat()
        await advance(admin, cid, to=to, step="6h")
        for member in (ann, bo, cai):
            if (member == bo and day == 5) or (member == cai and day >= 10):
                continue
            who = {"communityId": cid, "challengeId": chl, "memberId": member, "text": "打卡"}
            answer = (await _data(admin, CHECK_IN, input={**who, "idempotencyKey": f"{member}-{day}"}))["checkIn"]
            if answer["__typename"] != "CheckInSuccess":
                refused.append((day, answer))
        if day == 6:  # Bo missed day 5 (a fever) and appeals within 24 h; an operator excuses it
            appeal = {"communityId": cid, "challengeId": chl, "memberId": bo, "day": 5, "reason": "发烧 fever"}
            missed = (await _data(admin, APPEAL, input=appeal))["appealMissedDay"]["missedDay"]
            decision = {"communityId": cid, "missedDayId": missed["id"], "decision": "EXCUSE"}
            assert (await _data(admin, REVIEW, input=decision))["reviewAppeal"]["missedDay"]["status"] == "excused"
    finished = await advance(admin, cid, by="3d", step="6h")

    deposits = {m: (await _data(admin, DEPOSIT, cid=cid, chl=chl, mbr=m))["deposit"] for m in (ann, bo, cai)}
    views = {m: (await _data(admin, MEMBER, cid=cid, id=m))["member"]["challengeEnrollments"] for m in (ann, bo, cai)}

    async def two_certificates() -> list[str] | None:
        nodes = (await _data(admin, CERTIFICATES, cid=cid))["certificates"]["nodes"]
        return sorted(n["recipientName"] for n in nodes) if len(nodes) >= 2 else None

    names = await eventually(two_certificates)

    assert refused == []
    assert finished["__typename"] == "AdvanceTestClockSuccess"
    # Cai checked in 9 of 21 days: 900 back, 1,200 forfeited; the 10% fee leaves 1,080 for the two finishers.
    assert deposits[ann] == {
        "status": "completed", "staked": 2_100, "earnedBack": 2_100, "share": 540, "forfeited": 0, "payable": 2_640,
    }  # fmt: skip
    assert deposits[bo] == {
        "status": "completed", "staked": 2_100, "earnedBack": 2_100, "share": 540, "forfeited": 0, "payable": 2_640,
    }  # fmt: skip
    assert deposits[cai] == {
        "status": "failed", "staked": 2_100, "earnedBack": 900, "share": 0, "forfeited": 1_200, "payable": 900,
    }  # fmt: skip
    assert views[ann] == [{"status": "completed", "daysDone": 21, "bestStreak": 21}]
    assert views[bo] == [{"status": "completed", "daysDone": 21, "bestStreak": 21}]
    assert views[cai] == [{"status": "failed", "daysDone": 9, "bestStreak": 9}]
    assert names == ["Bo", "晨读 Ann"]
