"""Deposit challenges through the REST API: a whole challenge played out with a test clock and the rollover
job (stakes, a withdrawal, finishers, failures, an excused appeal, the settlement, payouts), bad input that
changes nothing, and concurrent duplicate confirmations that count once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI

from kit.auth import Principal
from kit.clock import ManualClock
from services.gamification.jobs import run_community
from services.gamification.usecases.deposit import check_journal
from tests.support.backends import Backend
from tests.support.challenges import BEFORE_START, DAY1_OPEN, base, check_in, create_challenge, enroll, enrollment
from tests.support.deposits import CURRENCY, STAKE, challenge_deposits, confirm_stake, deposit, pay_out
from tests.support.gamification import COMMUNITY
from tests.support.guildhall import running_service, service_client
from tests.support.lifecycle import outbox_events

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
DAY = timedelta(days=1)
DEPOSIT: dict[str, Any] = {
    "stake_amount": STAKE,
    "currency": CURRENCY,
    "platform_fee_bps": 1_000,
    "appeal_window_hours": 24,
}


class Clock(ManualClock):
    def set(self, at: datetime) -> None:
        self.advance(at - self.now())


def _clock(app: FastAPI, at: datetime) -> Clock:
    clock = Clock(at)
    app.state.clocks.set(COMMUNITY, clock)
    return clock


async def _roll(app: FastAPI, at: datetime) -> Any:
    done = await run_community(app.state.sessionmaker, community_id=COMMUNITY, now=at, only="challenge.rollover")
    return done["challenge.rollover"]


def _figures(d: dict[str, Any]) -> tuple[int, ...]:
    names = ("staked", "held", "refunded", "earned_back", "share", "forfeited", "payable", "paid")
    return tuple(d[n] for n in names)


async def test_a_deposit_challenge_played_out_settles_every_figure_exactly_once(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = _clock(app, BEFORE_START)
        cid = (await create_challenge(client, **DEPOSIT))["id"]
        for member in ("mbr_a", "mbr_b", "mbr_c", "mbr_d", "mbr_e", "mbr_f"):
            await enroll(client, cid, member)
        pending = await enrollment(client, cid, "mbr_a")
        for member in ("mbr_a", "mbr_b", "mbr_c", "mbr_d", "mbr_f"):
            assert (await confirm_stake(client, cid, member)).status_code == 201
        withdrawn = await client.delete(f"{base()}/challenges/{cid}/enrollments/mbr_d")
        held_before = await challenge_deposits(client, cid)
        # Day 1: c oversleeps, appeals and is excused; b and f drop out later.
        clock.set(DAY1_OPEN + timedelta(minutes=30))
        for member in ("mbr_a", "mbr_b", "mbr_f"):
            await check_in(client, cid, member)
        await _roll(app, DAY1_OPEN + timedelta(hours=4))
        clock.set(DAY1_OPEN + timedelta(hours=5))
        appeal = await client.post(
            f"{base()}/challenges/{cid}/appeals", json={"member_id": "mbr_c", "day": 1, "reason": "alarm broke"}
        )
        await client.post(f"{base()}/missed-days/{appeal.json()['id']}/review", json={"decision": "excuse"})
        clock.set(DAY1_OPEN + DAY + timedelta(minutes=30))
        for member in ("mbr_a", "mbr_b", "mbr_c"):
            await check_in(client, cid, member)
        clock.set(DAY1_OPEN + 2 * DAY + timedelta(minutes=30))
        for member in ("mbr_a", "mbr_c"):
            await check_in(client, cid, member)
        await _roll(app, DAY1_OPEN + 2 * DAY + timedelta(hours=4))
        before_due = await challenge_deposits(client, cid)
        clock.set(DAY1_OPEN + 2 * DAY + timedelta(hours=4))  # every day has closed; nothing is settled yet
        running = {m: await deposit(client, cid, m) for m in ("mbr_a", "mbr_b", "mbr_f")}
        decided = await _roll(app, DAY1_OPEN + 5 * DAY)
        again = await _roll(app, DAY1_OPEN + 6 * DAY)
        clock.set(DAY1_OPEN + 6 * DAY)
        settled = {m: await deposit(client, cid, m) for m in ("mbr_a", "mbr_b", "mbr_c", "mbr_d", "mbr_e", "mbr_f")}
        paid_a = await pay_out(client, cid, "mbr_a", 14_500, reference="po-a")
        retried = await pay_out(client, cid, "mbr_a", 14_500, reference="po-a")
        paid_d = [await pay_out(client, cid, "mbr_d", 4_000, reference=f"po-d{i}") for i in (1, 2)]
        overpaid = await pay_out(client, cid, "mbr_d", 2_001, reference="po-d3")
        after = await challenge_deposits(client, cid)
        final_a, final_d = await deposit(client, cid, "mbr_a"), await deposit(client, cid, "mbr_d")
        events = await outbox_events(app)
        async with app.state.sessionmaker() as session:
            audited = await check_journal(session, community_id=COMMUNITY)

    assert pending["status"] == "pending"
    assert withdrawn.json()["status"] == "withdrawn"
    assert (held_before["staked"], held_before["held"], held_before["payable"]) == (5 * STAKE, 4 * STAKE, STAKE)
    assert (before_due["held"], before_due["settled"]) == (4 * STAKE, False)
    assert (decided.decided, again.decided) == ([cid], [])
    # While it runs the figures are running ones: installments of days done back, of days missed forfeited.
    assert {m: (d["earned_back"], d["forfeited"], d["share"], d["provisional"]) for m, d in running.items()} == {
        "mbr_a": (10_000, 0, 0, True),
        "mbr_b": (6_667, 3_333, 0, True),
        "mbr_f": (3_334, 6_666, 0, True),
    }
    assert {d["pool"] for d in running.values()} == {9_999}, "the pool so far: c's excused day forfeits nothing"
    assert {(d["pool"], d["provisional"]) for d in settled.values()} == {(9_999, False)}
    assert {m: d["status"] for m, d in settled.items()} == {
        "mbr_a": "completed",
        "mbr_b": "failed",
        "mbr_c": "completed",
        "mbr_d": "withdrawn",
        "mbr_e": "withdrawn",
        "mbr_f": "failed",
    }
    # 10,000 over 3 days is 3,334 + 3,333 + 3,333; the pool of 3,333 + 6,666 less a 10 % fee (999) is split.
    #                                  staked held refund earned share forfeit payable paid
    assert _figures(settled["mbr_a"]) == (10_000, 0, 0, 10_000, 4_500, 0, 14_500, 0)
    assert _figures(settled["mbr_b"]) == (10_000, 0, 0, 6_667, 0, 3_333, 6_667, 0)
    assert _figures(settled["mbr_c"]) == (10_000, 0, 0, 10_000, 4_500, 0, 14_500, 0)
    assert _figures(settled["mbr_d"]) == (10_000, 0, 10_000, 0, 0, 0, 10_000, 0)
    assert _figures(settled["mbr_e"]) == (0, 0, 0, 0, 0, 0, 0, 0)
    assert _figures(settled["mbr_f"]) == (10_000, 0, 0, 3_334, 0, 6_666, 3_334, 0)
    assert (paid_a.status_code, retried.status_code) == (201, 200)
    assert retried.json()["transaction"] == paid_a.json()["transaction"]
    assert [r.status_code for r in paid_d] == [201, 201]
    assert (overpaid.status_code, overpaid.json()["code"]) == (409, "payout_exceeds_payable")
    assert overpaid.json()["errors"] == [{"field": "amount", "reason": "2001 is more than the 2000 payable to mbr_d"}]
    assert (final_a["payable"], final_a["paid"], final_d["payable"], final_d["paid"]) == (0, 14_500, 2_000, 8_000)
    assert (after["staked"], after["held"], after["pool"], after["fees"], after["settled"]) == (
        50_000,
        0,
        0,
        999,
        True,
    )
    assert (after["payable"], after["paid"]) == (14_500 + 6_667 + 3_334 + 2_000, 22_500)
    assert after["staked"] == after["payable"] + after["paid"] + after["fees"]
    refunds = [e["data"] for e in events if e["type"] == "deposit.refund_due"]
    assert [(r["member_id"], r["amount"], r["reason"], r["payable"]) for r in refunds] == [
        ("mbr_d", 10_000, "withdrawn", 10_000),
        ("mbr_a", 14_500, "settled", 14_500),
        ("mbr_b", 6_667, "settled", 6_667),
        ("mbr_c", 14_500, "settled", 14_500),
        ("mbr_f", 3_334, "settled", 3_334),
    ]
    [summary] = [e["data"] for e in events if e["type"] == "deposit.settled"]
    assert {k: v for k, v in summary.items() if k not in ("challenge_id", "transaction_id")} == {
        "currency": "CNY",
        "members": 4,
        "finishers": 2,
        "stakes": 40_000,
        "earned_back": 30_001,
        "pool": 9_999,
        "fee": 999,
        "pool_to_finishers": 9_000,
        "unclaimed": 0,
    }
    assert len([e for e in events if e["type"] == "deposit.paid_out"]) == 3
    assert (audited.violations, audited.transactions) == ([], 5 + 1 + 1 + 3)


async def test_a_stake_that_does_not_match_changes_nothing_and_a_second_confirmation_is_a_no_op(
    backend: Backend,
) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = _clock(app, BEFORE_START)
        cid = (await create_challenge(client, **DEPOSIT))["id"]
        plain = (await create_challenge(client, name="No stake"))["id"]
        for member in ("mbr_a", "mbr_b", "mbr_c"):
            await enroll(client, cid, member)
        await enroll(client, plain, "mbr_a")
        wrong_amount = await confirm_stake(client, cid, "mbr_a", amount=STAKE - 1)
        wrong_currency = await confirm_stake(client, cid, "mbr_a", currency="USD")
        untouched = (await enrollment(client, cid, "mbr_a"), await deposit(client, cid, "mbr_a"))
        first = await confirm_stake(client, cid, "mbr_a", reference="pay-1")
        twice = await confirm_stake(client, cid, "mbr_a", reference="pay-1")
        another = await confirm_stake(client, cid, "mbr_a", reference="pay-2")
        borrowed = await confirm_stake(client, cid, "mbr_b", reference="pay-1")
        no_stake = await confirm_stake(client, plain, "mbr_a")
        stranger = await confirm_stake(client, cid, "mbr_z")
        early_payout = await pay_out(client, cid, "mbr_a", 1, reference="po-1")
        clock.set(DAY1_OPEN + timedelta(minutes=1))
        late = await confirm_stake(client, cid, "mbr_c")
        state = await deposit(client, cid, "mbr_a")
        totals = await challenge_deposits(client, cid)

    assert (wrong_amount.status_code, wrong_amount.json()["errors"]) == (
        422,
        [{"field": "amount", "reason": "must equal the challenge's stake of 10000"}],
    )
    assert (wrong_currency.status_code, wrong_currency.json()["errors"]) == (
        422,
        [{"field": "currency", "reason": "must be CNY, the challenge's currency"}],
    )
    assert untouched[0]["status"] == "pending"
    assert _figures(untouched[1]) == (0, 0, 0, 0, 0, 0, 0, 0)
    assert (first.status_code, twice.status_code) == (201, 200)
    assert twice.json() == first.json()
    assert first.json()["deposit"]["status"] == "active"
    assert (another.status_code, another.json()["code"]) == (409, "enrollment_not_pending")
    assert (borrowed.status_code, borrowed.json()["code"]) == (409, "reference_reused")
    assert (no_stake.status_code, no_stake.json()["code"]) == (409, "not_a_deposit_challenge")
    assert (stranger.status_code, stranger.json()["code"]) == (404, "not_enrolled")
    assert (early_payout.status_code, early_payout.json()["code"]) == (409, "payout_exceeds_payable")
    assert (late.status_code, late.json()["code"]) == (409, "stake_window_closed")
    assert (state["staked"], state["held"]) == (STAKE, STAKE)
    assert (totals["staked"], totals["held"]) == (STAKE, STAKE)


async def test_concurrent_duplicate_stake_and_payout_confirmations_count_once(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = _clock(app, BEFORE_START)
        cid = (await create_challenge(client, **DEPOSIT))["id"]
        await enroll(client, cid, "mbr_a")
        stakes = await asyncio.gather(*(confirm_stake(client, cid, "mbr_a", reference="pay-1") for _ in range(8)))
        await client.delete(f"{base()}/challenges/{cid}/enrollments/mbr_a")  # the whole stake becomes payable
        clock.set(BEFORE_START + timedelta(hours=1))
        same = await asyncio.gather(*(pay_out(client, cid, "mbr_a", 6_000, reference="po-1") for _ in range(8)))
        rivals = await asyncio.gather(*(pay_out(client, cid, "mbr_a", 4_000, reference=f"po-x{i}") for i in range(8)))
        state = await deposit(client, cid, "mbr_a")
        events = await outbox_events(app)
        async with app.state.sessionmaker() as session:
            audited = await check_journal(session, community_id=COMMUNITY)

    assert sorted(r.status_code for r in stakes) == [200] * 7 + [201]
    assert len({r.json()["transaction"]["id"] for r in stakes}) == 1
    assert sorted(r.status_code for r in same) == [200] * 7 + [201]
    # Different payouts race for the 4,000 left: one fits, the others would make payable negative.
    assert sorted(r.status_code for r in rivals) == [201] + [409] * 7
    assert (state["staked"], state["refunded"], state["paid"], state["payable"]) == (STAKE, STAKE, STAKE, 0)
    assert len([e for e in events if e["type"] == "deposit.paid_out"]) == 2
    assert audited.violations == []


async def test_the_preview_simulates_without_storing_and_names_bad_fields(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        url = f"{base()}/deposits/preview"
        common = {"stake_amount": 10_000, "days": 21, "platform_fee_bps": 500, "members": 100}
        by_rate = await client.post(url, json={**common, "completion_rate": 0.6, "failed_days_done": 7})
        nobody = await client.post(url, json={**common, "completion_rate": 0.0})
        both = await client.post(
            url, json={**common, "completion_rate": 0.5, "buckets": [{"days_done": 1, "share_of_members": 1}]}
        )
        uneven = await client.post(url, json={**common, "buckets": [{"days_done": 21, "share_of_members": 0.5}]})
        negative = await client.post(url, json={**common, "stake_amount": -1, "completion_rate": 0.5})
        async with app.state.sessionmaker() as session:
            audited = await check_journal(session, community_id=COMMUNITY)

    # 40 members do 7 of 21 days: 3,336 back each (4 * 477 + 3 * 476), the rest pooled: 40 * 6,664 = 266,560.
    assert by_rate.json() == {
        "members": 100,
        "finishers": 60,
        "stakes": 1_000_000,
        "earned_back": 733_440,
        "pool": 266_560,
        "fee": 13_328,
        "pool_to_finishers": 253_232,
        "unclaimed": 0,
        "finisher_share_min": 4_220,
        "finisher_share_max": 4_221,
        "member_outcome_min": 3_336,
        "member_outcome_max": 14_221,
    }
    assert (nobody.json()["finishers"], nobody.json()["pool"], nobody.json()["unclaimed"]) == (0, 1_000_000, 950_000)
    assert [(r.status_code, [e["field"] for e in r.json()["errors"]]) for r in (both, uneven, negative)] == [
        (422, ["buckets"]),
        (422, ["buckets"]),
        (422, ["stake_amount"]),
    ]
    assert audited.transactions == 0
