"""Deposit challenges through the gateway: the preview, confirming a stake, a member's deposit."""

from __future__ import annotations

from guildhall.embedded import EmbeddedGuildhall
from kit.auth import Principal
from kit.clock import ManualClock
from tests.support.challenges import BEFORE_START, create_challenge, enroll
from tests.support.factories import add_member, create_community
from tests.support.guildhall import GraphQL, service_client

PREVIEW = """
query Preview($cid: ID!, $buckets: [DepositPreviewBucket!]) {
  depositPreview(communityId: $cid, stakeAmount: 9900, days: 3, members: 3, platformFeeBps: 1000, buckets: $buckets) {
    members finishers pool fee poolToFinishers finisherShareMax memberOutcomeMin memberOutcomeMax
  }
}
"""

CONFIRM = """
mutation Confirm($input: ConfirmStakeInput!) {
  confirmStake(input: $input) {
    __typename
    ... on DepositRecorded { transaction { kind amount reference } deposit { status staked held payable } }
    ... on InvalidInputError { code fields { field reason } }
    ... on ConflictError { code }
  }
}
"""

DEPOSIT = """
query Deposit($cid: ID!, $chl: ID!, $member: ID!) {
  deposit(communityId: $cid, challengeId: $chl, memberId: $member) {
    status staked held earnedBack share paid forfeited pool provisional
  }
}
"""


async def test_preview_and_stake_confirmation_through_the_gateway(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    cid = (await create_community(admin, name="Early risers"))["id"]
    member = await add_member(admin, cid)
    guildhall.clocks.set(cid, ManualClock(BEFORE_START))
    operator = Principal(role="community_admin", key_id="key_ops", community_id=cid)
    async with service_client(guildhall.services["gamification"], operator) as client:
        chl = (await create_challenge(client, cid, stake_amount=9_900, currency="CNY"))["id"]
        await enroll(client, chl, member, cid)
    buckets = [{"daysDone": 3, "shareOfMembers": 2 / 3}, {"daysDone": 0, "shareOfMembers": 1 / 3}]
    shown = (await admin(PREVIEW, cid=cid, buckets=buckets))["data"]["depositPreview"]
    base = {"communityId": cid, "challengeId": chl, "memberId": member, "currency": "CNY", "reference": "pay-1"}
    wrong = (await admin(CONFIRM, input={**base, "amount": 100}))["data"]["confirmStake"]
    confirmed = (await admin(CONFIRM, input={**base, "amount": 9_900}))["data"]["confirmStake"]
    again = (await admin(CONFIRM, input={**base, "amount": 9_900}))["data"]["confirmStake"]
    deposit = (await admin(DEPOSIT, cid=cid, chl=chl, member=member))["data"]["deposit"]

    assert shown == {
        "members": 3,
        "finishers": 2,
        "pool": 9_900,
        "fee": 990,
        "poolToFinishers": 8_910,
        "finisherShareMax": 4_455,
        "memberOutcomeMin": 0,
        "memberOutcomeMax": 14_355,
    }
    assert wrong == {
        "__typename": "InvalidInputError",
        "code": "invalid_input",
        "fields": [{"field": "amount", "reason": "must equal the challenge's stake of 9900"}],
    }
    assert confirmed == {
        "__typename": "DepositRecorded",
        "transaction": {"kind": "stake", "amount": 9_900, "reference": "pay-1"},
        "deposit": {"status": "active", "staked": 9_900, "held": 9_900, "payable": 0},
    }
    assert again == confirmed
    assert deposit == {
        "status": "active",
        "staked": 9_900,
        "held": 9_900,
        "earnedBack": 0,
        "share": 0,
        "paid": 0,
        "forfeited": 0,
        "pool": 0,
        "provisional": True,
    }
