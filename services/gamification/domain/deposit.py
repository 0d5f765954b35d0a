"""Deposit challenges (押金打卡) as a double-entry money journal. No I/O here.

Amounts are integers in minor units. Every transaction is a set of postings on named accounts whose signed
amounts sum to zero. Internal accounts hold money and never go below zero; ``external`` (the integrator's
payment system, the counterparty of stakes and payouts) is the only account that does:

    stake:{enrollment}    a member's confirmed stake, until it is refunded or settled
    payable:{enrollment}  what Guildhall owes the member (refunds, earned-back days, pool share) until paid
    pool:{challenge}      forfeited stakes; what no finisher can take (nobody finished) stays here
    fees:{challenge}      the platform's fee on the pool

Splits are exact: remainders go one minor unit at a time to the first parts (the first installments, the
finishers in enrollment-id order), so nothing is lost or invented. The fee is floored (in the members' favour).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

EXTERNAL = "external"
BPS = 10_000


class Memo(StrEnum):
    """What one leg of a transaction is; the deposit summary adds legs up by memo."""

    STAKE = "stake"  # external → stake
    REFUND = "refund"  # stake → payable (withdrawn before the start)
    EARNED = "earned"  # stake → payable (installments of the days done)
    FORFEIT = "forfeit"  # stake → pool
    FEE = "fee"  # pool → fees
    SHARE = "share"  # pool → payable (a finisher's share)
    PAYOUT = "payout"  # payable → external


def stake_account(enrollment_id: str) -> str:
    return f"stake:{enrollment_id}"


def payable_account(enrollment_id: str) -> str:
    return f"payable:{enrollment_id}"


def pool_account(challenge_id: str) -> str:
    return f"pool:{challenge_id}"


def fees_account(challenge_id: str) -> str:
    return f"fees:{challenge_id}"


@dataclass(frozen=True)
class Posting:
    account: str
    amount: int  # signed: positive adds to the account's balance
    memo: Memo


@dataclass(frozen=True)
class Transaction:
    key: str
    postings: tuple[Posting, ...]

    @property
    def balanced(self) -> bool:
        return sum(p.amount for p in self.postings) == 0


def transfer(source: str, target: str, amount: int, memo: Memo) -> tuple[Posting, Posting]:
    return Posting(source, -amount, memo), Posting(target, amount, memo)


def split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` whole parts that differ by at most one and sum to ``total``; the larger come first."""
    if parts < 1:
        raise ValueError("split needs at least one part")
    if total < 0:
        raise ValueError("split needs a total of at least 0")
    base, extra = divmod(total, parts)
    return [base + 1 if i < extra else base for i in range(parts)]


def earned_back(stake: int, *, days: int, days_done: int) -> int:
    """The first ``days_done`` installments of ``stake`` over ``days`` days."""
    return sum(split(stake, days)[: max(0, min(days_done, days))])


@dataclass(frozen=True)
class Running:
    """A stake's figures while the challenge runs, before settlement decides them."""

    earned_back: int  # the installments of the days done
    forfeited: int  # the installments of days closed and not done: a makeup or an excused appeal may win them back


def running(stake: int, *, days: int, days_done: int, days_closed: int) -> Running:
    """What settlement would give back and forfeit if the days not done so far stay not done. The installments
    are the same ``settle`` uses (days done first), so the figures only grow into the settled ones."""
    done = max(0, min(days_done, days))
    counted = max(done, min(days_closed, days))
    back = earned_back(stake, days=days, days_done=done)
    return Running(earned_back=back, forfeited=earned_back(stake, days=days, days_done=counted) - back)


def fee_of(pool: int, fee_bps: int) -> int:
    """The platform's fee on the forfeited pool, floored to the minor unit."""
    return pool * fee_bps // BPS


@dataclass(frozen=True)
class Stake:
    """One enrollment at settlement: its confirmed stake (still held), days done and outcome."""

    enrollment_id: str
    stake: int
    days_done: int
    finished: bool


@dataclass(frozen=True)
class Settlement:
    transaction: Transaction
    refunds: dict[str, int]  # enrollment id → earned back + share, all of it payable
    earned: dict[str, int]
    shares: dict[str, int]
    stakes: int
    pool: int
    fee: int
    unclaimed: int  # the pool nobody could take: no one finished

    @property
    def finishers(self) -> int:
        return len(self.shares)


def settle(challenge_id: str, stakes: Sequence[Stake], *, days: int, fee_bps: int) -> Settlement:
    """The one settlement transaction of a decided challenge: installments of the days done go back to each
    member, the rest of each stake to the pool, the fee off the pool, and the pool split among finishers."""
    pool, fees = pool_account(challenge_id), fees_account(challenge_id)
    postings: list[Posting] = []
    earned: dict[str, int] = {}
    forfeited = 0
    for stake in sorted(stakes, key=lambda s: s.enrollment_id):
        back = earned_back(stake.stake, days=days, days_done=stake.days_done)
        earned[stake.enrollment_id] = back
        if back:
            postings += transfer(
                stake_account(stake.enrollment_id), payable_account(stake.enrollment_id), back, Memo.EARNED
            )
        if stake.stake - back:
            postings += transfer(stake_account(stake.enrollment_id), pool, stake.stake - back, Memo.FORFEIT)
            forfeited += stake.stake - back
    fee = fee_of(forfeited, fee_bps)
    if fee:
        postings += transfer(pool, fees, fee, Memo.FEE)
    finishers = sorted(s.enrollment_id for s in stakes if s.finished)
    shares: dict[str, int] = {}
    if finishers:
        for enrollment_id, share in zip(finishers, split(forfeited - fee, len(finishers)), strict=True):
            shares[enrollment_id] = share
            if share:
                postings += transfer(pool, payable_account(enrollment_id), share, Memo.SHARE)
    refunds = {e: earned[e] + shares.get(e, 0) for e in earned}
    return Settlement(
        transaction=Transaction(key=f"settlement:{challenge_id}", postings=tuple(postings)),
        refunds=refunds,
        earned=earned,
        shares=shares,
        stakes=sum(s.stake for s in stakes),
        pool=forfeited,
        fee=fee,
        unclaimed=0 if finishers else forfeited - fee,
    )


# --- economics preview ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    days_done: int
    share_of_members: float


def members_per_bucket(members: int, buckets: Sequence[Bucket]) -> list[int]:
    """Whole members per bucket by largest remainder: the counts sum to ``members`` when the shares sum to 1."""
    total = sum(b.share_of_members for b in buckets)
    exact = [members * b.share_of_members / total for b in buckets] if total else [0.0] * len(buckets)
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(buckets)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in by_remainder[: members - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass(frozen=True)
class Preview:
    members: int
    finishers: int
    stakes: int
    earned_back: int
    pool: int
    fee: int
    pool_to_finishers: int
    unclaimed: int
    finisher_share_min: int
    finisher_share_max: int
    member_outcome_min: int  # the least any member gets back in total
    member_outcome_max: int


def preview(
    *, stake: int, days: int, fee_bps: int, allowed_misses: int, members: int, buckets: Sequence[Bucket]
) -> Preview:
    """Simulate a challenge's settlement for ``members`` spread over ``buckets`` of days done."""
    stakes: list[Stake] = []
    for bucket, count in zip(buckets, members_per_bucket(members, buckets), strict=True):
        done = max(0, min(bucket.days_done, days))
        finished = days - done <= allowed_misses
        stakes += [Stake(f"m{len(stakes) + i:09d}", stake, done, finished) for i in range(count)]
    settlement = settle("preview", stakes, days=days, fee_bps=fee_bps)
    shares = list(settlement.shares.values())
    outcomes = list(settlement.refunds.values())
    return Preview(
        members=len(stakes),
        finishers=settlement.finishers,
        stakes=settlement.stakes,
        earned_back=sum(settlement.earned.values()),
        pool=settlement.pool,
        fee=settlement.fee,
        pool_to_finishers=sum(shares),
        unclaimed=settlement.unclaimed,
        finisher_share_min=min(shares, default=0),
        finisher_share_max=max(shares, default=0),
        member_outcome_min=min(outcomes, default=0),
        member_outcome_max=max(outcomes, default=0),
    )


# --- invariants ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JournalEntry:
    """A stored transaction, as the invariant check reads it."""

    id: str
    challenge_id: str
    postings: tuple[Posting, ...]


@dataclass
class Audit:
    transactions: int = 0
    postings: int = 0
    accounts: int = 0
    violations: list[str] = field(default_factory=list)


def _enrollment_of(account: str) -> str | None:
    kind, _, rest = account.partition(":")
    return rest if kind in ("stake", "payable") else None


def audit(entries: Iterable[JournalEntry]) -> Audit:
    """Every invariant of the journal: each transaction balances, no internal account is below zero, nothing
    was paid out that was not payable, and no member was owed more than their stake plus their share (a share
    at most the ceiling of an even split of what their challenge's finishers got)."""
    result = Audit()
    balances: dict[str, int] = defaultdict(int)
    staked: dict[str, int] = defaultdict(int)
    returned: dict[str, int] = defaultdict(int)  # refunds and earned-back installments
    paid: dict[str, int] = defaultdict(int)
    credited: dict[str, int] = defaultdict(int)
    shares_of_challenge: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        result.transactions += 1
        result.postings += len(entry.postings)
        total = sum(p.amount for p in entry.postings)
        if total != 0:
            result.violations.append(f"transaction {entry.id} does not balance: its postings sum to {total}")
        for posting in entry.postings:
            balances[posting.account] += posting.amount
            enrollment = _enrollment_of(posting.account)
            if enrollment is None:
                continue
            if posting.account.startswith("stake:"):
                if posting.memo is Memo.STAKE:
                    staked[enrollment] += posting.amount
            elif posting.memo is Memo.PAYOUT:
                paid[enrollment] -= posting.amount
            else:
                credited[enrollment] += posting.amount
                if posting.memo is Memo.SHARE:
                    shares_of_challenge[entry.challenge_id].append(posting.amount)
                else:
                    returned[enrollment] += posting.amount
    result.accounts = len(balances)
    for account, balance in sorted(balances.items()):
        if account != EXTERNAL and balance < 0:
            result.violations.append(f"account {account} is negative: {balance}")
    for enrollment in sorted(set(paid) | set(credited)):
        if paid[enrollment] > credited[enrollment]:
            result.violations.append(
                f"enrollment {enrollment} was paid {paid[enrollment]} but only {credited[enrollment]} was payable"
            )
        if returned[enrollment] > staked[enrollment]:
            result.violations.append(
                f"enrollment {enrollment} got back {returned[enrollment]} of a stake of {staked[enrollment]}"
            )
    for challenge_id, shares in sorted(shares_of_challenge.items()):
        if max(shares) - min(shares) > 1:
            result.violations.append(
                f"challenge {challenge_id} split its pool unevenly: shares from {min(shares)} to {max(shares)}"
            )
    return result
