"""The deposit journal's rules: exact splits, settlement postings, the preview, and the invariant audit; the
money properties are checked under arbitrary stakes, lengths, fees and completion patterns."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.gamification.domain.deposit import (
    EXTERNAL,
    Bucket,
    JournalEntry,
    Memo,
    Posting,
    Stake,
    Transaction,
    audit,
    earned_back,
    fee_of,
    members_per_bucket,
    payable_account,
    preview,
    running,
    settle,
    split,
    stake_account,
    transfer,
)


def test_split_places_the_remainder_on_the_first_parts() -> None:
    assert split(10_000, 3) == [3334, 3333, 3333]
    assert split(2, 5) == [1, 1, 0, 0, 0]
    assert split(0, 2) == [0, 0]
    with pytest.raises(ValueError, match="at least one part"):
        split(5, 0)


def test_earned_back_counts_installments_of_the_days_done() -> None:
    assert earned_back(10_000, days=3, days_done=1) == 3334
    assert earned_back(10_000, days=3, days_done=2) == 6667
    assert earned_back(10_000, days=3, days_done=3) == 10_000
    assert earned_back(10_000, days=3, days_done=0) == 0


def test_fee_is_floored() -> None:
    assert fee_of(999, 1_000) == 99
    assert fee_of(1_000, 1_000) == 100
    assert fee_of(1_000, 0) == 0


def test_settlement_of_two_finishers_and_one_failure() -> None:
    stakes = [Stake("e1", 9_900, 3, True), Stake("e2", 9_900, 3, True), Stake("e3", 9_900, 1, False)]

    done = settle("chl", stakes, days=3, fee_bps=1_000)

    assert done.transaction.balanced
    assert done.earned == {"e1": 9_900, "e2": 9_900, "e3": 3_300}
    assert (done.pool, done.fee, done.unclaimed) == (6_600, 660, 0)
    assert done.shares == {"e1": 2_970, "e2": 2_970}
    assert done.refunds == {"e1": 12_870, "e2": 12_870, "e3": 3_300}


def test_when_no_one_finishes_the_pool_less_the_fee_stays_unclaimed() -> None:
    done = settle("chl", [Stake("e1", 1_000, 1, False), Stake("e2", 1_000, 0, False)], days=4, fee_bps=500)

    assert (done.pool, done.fee, done.unclaimed, done.shares) == (1_750, 87, 1_663, {})


def test_an_odd_pool_goes_to_the_first_finishers_by_enrollment_id() -> None:
    stakes = [Stake("e3", 100, 2, True), Stake("e1", 100, 2, True), Stake("e2", 101, 0, False)]

    done = settle("chl", stakes, days=2, fee_bps=0)

    assert done.shares == {"e1": 51, "e3": 50}


def test_members_per_bucket_rounds_by_largest_remainder() -> None:
    assert members_per_bucket(10, [Bucket(21, 0.55), Bucket(10, 0.25), Bucket(0, 0.2)]) == [6, 2, 2]
    assert members_per_bucket(3, [Bucket(1, 1 / 3), Bucket(2, 1 / 3), Bucket(3, 1 / 3)]) == [1, 1, 1]


def test_preview_shows_pool_fees_and_outcomes() -> None:
    shown = preview(
        stake=10_000,
        days=10,
        fee_bps=1_000,
        allowed_misses=0,
        members=10,
        buckets=[Bucket(10, 0.5), Bucket(5, 0.3), Bucket(0, 0.2)],
    )

    assert (shown.members, shown.finishers, shown.stakes) == (10, 5, 100_000)
    assert (shown.earned_back, shown.pool, shown.fee) == (65_000, 35_000, 3_500)
    assert (shown.pool_to_finishers, shown.finisher_share_min, shown.finisher_share_max) == (31_500, 6_300, 6_300)
    assert (shown.member_outcome_min, shown.member_outcome_max, shown.unclaimed) == (0, 16_300, 0)


def _stakes_strategy() -> st.SearchStrategy[tuple[int, list[Stake]]]:
    @st.composite
    def build(draw: st.DrawFn) -> tuple[int, list[Stake]]:
        days = draw(st.integers(1, 40))
        stake = draw(st.integers(1, 1_000_000))
        done = draw(st.lists(st.integers(0, days), min_size=1, max_size=30))
        allowed = draw(st.integers(0, days - 1))
        return days, [Stake(f"e{i:03d}", stake, d, days - d <= allowed) for i, d in enumerate(done)]

    return build()


def _journal(stakes: list[Stake], settlement_postings: tuple[Posting, ...]) -> list[JournalEntry]:
    entries = [
        JournalEntry(
            f"stake-{s.enrollment_id}", "chl", transfer(EXTERNAL, stake_account(s.enrollment_id), s.stake, Memo.STAKE)
        )
        for s in stakes
    ]
    return [*entries, JournalEntry("settlement", "chl", settlement_postings)]


@given(_stakes_strategy(), st.integers(0, 10_000))
def test_settlement_conserves_money_and_keeps_every_account_non_negative(
    drawn: tuple[int, list[Stake]], fee_bps: int
) -> None:
    days, stakes = drawn
    done = settle("chl", stakes, days=days, fee_bps=fee_bps)
    balances: dict[str, int] = defaultdict(int)
    for posting in done.transaction.postings:
        balances[posting.account] += posting.amount
    for stake in stakes:
        balances[stake_account(stake.enrollment_id)] += stake.stake

    assert done.transaction.balanced
    assert all(b >= 0 for b in balances.values())
    assert all(balances[stake_account(s.enrollment_id)] == 0 for s in stakes)
    # Nothing lost or invented: everything staked is payable to members, fees, or the unclaimed pool.
    assert sum(done.refunds.values()) + done.fee + done.unclaimed == done.stakes
    assert all(done.refunds[s.enrollment_id] <= s.stake + done.shares.get(s.enrollment_id, 0) for s in stakes)
    assert all(done.refunds[s.enrollment_id] == balances[payable_account(s.enrollment_id)] for s in stakes)
    if done.shares:
        assert max(done.shares.values()) - min(done.shares.values()) <= 1
    assert not audit(_journal(stakes, done.transaction.postings)).violations


@given(st.integers(0, 10**12), st.integers(1, 500))
def test_split_is_exact_and_even(total: int, parts: int) -> None:
    pieces = split(total, parts)

    assert sum(pieces) == total
    assert max(pieces) - min(pieces) <= 1
    assert pieces == sorted(pieces, reverse=True)


@given(st.integers(1, 10**9), st.integers(1, 366), st.data())
def test_installments_earned_grow_with_days_and_reach_the_stake(stake: int, days: int, data: st.DataObject) -> None:
    done = data.draw(st.integers(0, days))

    assert earned_back(stake, days=days, days_done=done) <= earned_back(stake, days=days, days_done=min(done + 1, days))
    assert earned_back(stake, days=days, days_done=days) == stake


def test_audit_names_every_broken_invariant() -> None:
    unbalanced = JournalEntry("t1", "chl", (Posting(EXTERNAL, -100, Memo.STAKE), Posting("stake:e1", 90, Memo.STAKE)))
    overpaid = JournalEntry("t2", "chl", transfer("payable:e1", EXTERNAL, 50, Memo.PAYOUT))
    too_much_back = JournalEntry("t3", "chl", transfer("stake:e1", "payable:e2", 80, Memo.REFUND))
    uneven = JournalEntry(
        "t4",
        "chl",
        (*transfer("pool:chl", "payable:e3", 5, Memo.SHARE), *transfer("pool:chl", "payable:e4", 2, Memo.SHARE)),
    )

    found = audit([unbalanced, overpaid, too_much_back, uneven]).violations

    assert "transaction t1 does not balance: its postings sum to -10" in found
    assert "account payable:e1 is negative: -50" in found
    assert "account pool:chl is negative: -7" in found
    assert "enrollment e1 was paid 50 but only 0 was payable" in found
    assert "enrollment e2 got back 80 of a stake of 0" in found
    assert "challenge chl split its pool unevenly: shares from 2 to 5" in found


def test_a_clean_journal_passes_the_audit() -> None:
    entries = [
        JournalEntry("t1", "chl", transfer(EXTERNAL, "stake:e1", 100, Memo.STAKE)),
        JournalEntry("t2", "chl", transfer("stake:e1", "payable:e1", 100, Memo.REFUND)),
        JournalEntry("t3", "chl", transfer("payable:e1", EXTERNAL, 60, Memo.PAYOUT)),
    ]

    checked = audit(entries)

    assert (checked.transactions, checked.postings, checked.accounts, checked.violations) == (3, 6, 3, [])


def test_transaction_balance() -> None:
    assert Transaction("k", transfer("a", "b", 5, Memo.FEE)).balanced
    assert not Transaction("k", (Posting("a", 5, Memo.FEE),)).balanced


@given(
    stake=st.integers(min_value=0, max_value=10**9),
    days=st.integers(min_value=1, max_value=366),
    data=st.data(),
)
def test_running_figures_only_grow_into_the_settled_ones(stake: int, days: int, data: st.DataObject) -> None:
    done = data.draw(st.integers(min_value=0, max_value=days))
    closed = data.draw(st.integers(min_value=0, max_value=days))
    now = running(stake, days=days, days_done=done, days_closed=closed)
    later = running(stake, days=days, days_done=done, days_closed=min(days, closed + 1))
    settled = settle("chl_x", [Stake("enr_x", stake, done, finished=False)], days=days, fee_bps=0)

    assert 0 <= now.earned_back + now.forfeited <= stake
    assert now.earned_back == settled.earned["enr_x"]
    assert now.forfeited <= later.forfeited
    assert running(stake, days=days, days_done=done, days_closed=days).forfeited == settled.pool
