"""Deposit challenges: record stakes the integrator's payment system confirmed, refunds due on withdrawal,
the settlement once the challenge is decided, and payouts the integrator confirmed. Guildhall moves no money.

Each movement is one journal transaction with a key unique in the community, so a retry or a concurrent
duplicate finds the first one and changes nothing. A member's movements serialize on their enrollment row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.gamification.events import DepositPaidOut, DepositRefundDue, DepositSettled
from kit.errors import Conflict, FieldError, InvalidInput, NotFound
from kit.events import Emission, emit, emit_many
from kit.ids import new_id
from services.gamification.domain.challenge import EnrollmentStatus, Schedule
from services.gamification.domain.deposit import (
    EXTERNAL,
    Audit,
    Memo,
    Settlement,
    Stake,
    Transaction,
    audit,
    fees_account,
    payable_account,
    pool_account,
    running,
    settle,
    stake_account,
    transfer,
)
from services.gamification.models.challenge import Challenge, Enrollment
from services.gamification.models.deposit import MoneyTransaction
from services.gamification.repo.challenge import ChallengeRepository
from services.gamification.repo.deposit import DepositRepository


class NotADepositChallenge(Conflict):
    code = "not_a_deposit_challenge"


class EnrollmentNotPending(Conflict):
    code = "enrollment_not_pending"


class StakeWindowClosed(Conflict):
    code = "stake_window_closed"


class ReferenceReused(Conflict):
    code = "reference_reused"


class PayoutExceedsPayable(Conflict):
    code = "payout_exceeds_payable"


@dataclass(frozen=True)
class DepositSummary:
    enrollment: Enrollment
    currency: str
    staked: int
    held: int  # still staked: confirmed and neither refunded nor settled
    refunded: int  # given back on withdrawal
    earned_back: int
    share: int
    forfeited: int
    payable: int
    paid: int
    pool: int  # the challenge's forfeits: so far while it runs, then as settled
    provisional: bool  # true until the challenge is settled: earned back, forfeited and pool are running figures


@dataclass(frozen=True)
class Recorded:
    summary: DepositSummary
    transaction: MoneyTransaction
    created: bool


async def _deposit_challenge(session: AsyncSession, community_id: str, challenge_id: str) -> Challenge:
    challenge = await ChallengeRepository(session).get(community_id, challenge_id)
    if challenge is None:
        raise NotFound(f"challenge {challenge_id} not found", code="challenge_not_found")
    if challenge.stake_amount is None or challenge.currency is None:
        raise NotADepositChallenge(f"{challenge.name} takes no stake")
    return challenge


async def _enrollment(session: AsyncSession, challenge: Challenge, member_id: str) -> Enrollment:
    enrollment = await ChallengeRepository(session).enrollment_of(challenge.id, member_id, lock=True)
    if enrollment is None:
        raise NotFound(f"member {member_id} is not enrolled in {challenge.name}", code="not_enrolled")
    return enrollment


def _money_problems(challenge: Challenge, *, amount: int, currency: str, exact: bool) -> list[FieldError]:
    problems = []
    if exact and amount != challenge.stake_amount:
        problems.append(
            FieldError(field="amount", reason=f"must equal the challenge's stake of {challenge.stake_amount}")
        )
    if not exact and amount < 1:
        problems.append(FieldError(field="amount", reason="must be at least 1 (minor units)"))
    if currency != challenge.currency:
        problems.append(FieldError(field="currency", reason=f"must be {challenge.currency}, the challenge's currency"))
    return problems


def _raise(problems: list[FieldError]) -> None:
    if problems:
        raise InvalidInput("; ".join(f"{p.field}: {p.reason}" for p in problems), errors=problems)


async def _replay(
    session: AsyncSession, challenge: Challenge, enrollment: Enrollment, key: str, *, amount: int, at: datetime
) -> Recorded | None:
    """The transaction a retry of ``key`` already recorded, or None; a key of another movement is refused."""
    earlier = await DepositRepository(session).by_key(challenge.community_id, key)
    if earlier is None:
        return None
    if earlier.enrollment_id != enrollment.id or earlier.amount != amount:
        raise ReferenceReused(f"reference {earlier.reference} was already used for another {earlier.kind}")
    return Recorded(await summary_of(session, challenge, enrollment, at=at), earlier, created=False)


def _row(
    challenge: Challenge,
    enrollment: Enrollment | None,
    *,
    kind: str,
    key: str,
    amount: int,
    at: datetime,
    reference: str | None = None,
) -> MoneyTransaction:
    assert challenge.currency is not None
    return MoneyTransaction(
        id=new_id("mtx"),
        community_id=challenge.community_id,
        challenge_id=challenge.id,
        enrollment_id=enrollment.id if enrollment else None,
        kind=kind,
        key=key,
        reference=reference,
        amount=amount,
        currency=challenge.currency,
        occurred_at=at,
    )


async def confirm_stake(
    session: AsyncSession,
    *,
    community_id: str,
    challenge_id: str,
    member_id: str,
    amount: int,
    currency: str,
    reference: str,
    at: datetime,
) -> Recorded:
    """The integrator's payment system took the member's stake: the enrollment becomes active. The same
    reference again is a no-op; a stake that does not match the challenge changes nothing."""
    challenge = await _deposit_challenge(session, community_id, challenge_id)
    _raise(_money_problems(challenge, amount=amount, currency=currency, exact=True))
    enrollment = await _enrollment(session, challenge, member_id)
    key = f"stake:{reference}"
    if (replayed := await _replay(session, challenge, enrollment, key, amount=amount, at=at)) is not None:
        return replayed
    if enrollment.status != EnrollmentStatus.PENDING:
        raise EnrollmentNotPending(
            f"the enrollment of {member_id} is {enrollment.status}; only a pending enrollment takes a stake"
        )
    if at >= _schedule(challenge).opens_at:
        raise StakeWindowClosed(f"{challenge.name} has started; stakes are taken before the first day opens")
    row = _row(challenge, enrollment, kind="stake", key=key, amount=amount, at=at, reference=reference)
    postings = transfer(EXTERNAL, stake_account(enrollment.id), amount, Memo.STAKE)
    await DepositRepository(session).record(row, Transaction(key, postings))
    enrollment.status = EnrollmentStatus.ACTIVE.value
    return Recorded(await summary_of(session, challenge, enrollment, at=at), row, created=True)


def _schedule(challenge: Challenge) -> Schedule:
    return Schedule(
        start_date=challenge.start_date,
        days=challenge.days,
        timezone=challenge.timezone,
        window_start=challenge.window_start,
        window_end=challenge.window_end,
    )


async def refund_withdrawal(
    session: AsyncSession, challenge: Challenge, enrollment: Enrollment, *, at: datetime
) -> int:
    """A member who withdraws before the start is owed the whole stake they put down."""
    if challenge.currency is None:
        return 0
    repo = DepositRepository(session)
    held = (await repo.balances(challenge.community_id, [stake_account(enrollment.id)]))[stake_account(enrollment.id)]
    if held <= 0:
        return 0
    key = f"withdrawal:{enrollment.id}:{await repo.count(enrollment.id, kind='stake')}"
    row = _row(challenge, enrollment, kind="refund", key=key, amount=held, at=at)
    postings = transfer(stake_account(enrollment.id), payable_account(enrollment.id), held, Memo.REFUND)
    if not await repo.record(row, Transaction(key, postings)):
        return 0
    payable = (await repo.balances(challenge.community_id, [payable_account(enrollment.id)]))[
        payable_account(enrollment.id)
    ]
    due = _refund_due(challenge, enrollment, row, reason="withdrawn", payable=payable)
    await emit(session, due, community_id=challenge.community_id, at=at)
    return held


def _refund_due(
    challenge: Challenge, enrollment: Enrollment, row: MoneyTransaction, *, reason: str, payable: int, amount: int = 0
) -> DepositRefundDue:
    return DepositRefundDue(
        member_id=enrollment.member_id,
        challenge_id=challenge.id,
        enrollment_id=enrollment.id,
        transaction_id=row.id,
        amount=amount or row.amount,
        currency=row.currency,
        reason=reason,
        payable=payable,
    )


async def settle_challenge(session: AsyncSession, challenge: Challenge, *, at: datetime) -> Settlement | None:
    """Once a deposit challenge is decided: each member's installments for the days done become payable,
    the rest of each stake goes to the pool, the fee off the pool, the pool to the finishers. Once only."""
    if challenge.stake_amount is None or challenge.currency is None:
        return None
    repo = DepositRepository(session)
    key = f"settlement:{challenge.id}"
    if await repo.by_key(challenge.community_id, key) is not None:
        return None
    balances = await repo.challenge_balances(challenge.community_id, challenge.id)
    decided = (EnrollmentStatus.COMPLETED.value, EnrollmentStatus.FAILED.value)
    query = select(Enrollment).where(Enrollment.challenge_id == challenge.id, col(Enrollment.status).in_(decided))
    enrollments = {e.id: e for e in (await session.exec(query.order_by(col(Enrollment.id)))).all()}
    stakes = [
        Stake(e.id, held, e.days_done, e.status == EnrollmentStatus.COMPLETED)
        for e in enrollments.values()
        if (held := balances.get(stake_account(e.id), 0)) > 0
    ]
    settlement = settle(challenge.id, stakes, days=challenge.days, fee_bps=challenge.platform_fee_bps)
    row = _row(challenge, None, kind="settlement", key=key, amount=settlement.pool, at=at)
    if not await repo.record(row, settlement.transaction):
        return None
    owed = await repo.balances(challenge.community_id, [payable_account(s.enrollment_id) for s in stakes])
    emissions = [
        Emission(
            _refund_due(
                challenge,
                enrollments[e],
                row,
                reason="settled",
                payable=owed[payable_account(e)],
                amount=amount,
            ),
            community_id=challenge.community_id,
            at=at,
        )
        for e, amount in settlement.refunds.items()
        if amount > 0
    ]
    emissions.append(
        Emission(
            DepositSettled(
                challenge_id=challenge.id,
                transaction_id=row.id,
                currency=challenge.currency,
                members=len(stakes),
                finishers=settlement.finishers,
                stakes=settlement.stakes,
                earned_back=sum(settlement.earned.values()),
                pool=settlement.pool,
                fee=settlement.fee,
                pool_to_finishers=sum(settlement.shares.values()),
                unclaimed=settlement.unclaimed,
            ),
            community_id=challenge.community_id,
            at=at,
        )
    )
    await emit_many(session, emissions)
    return settlement


async def record_payout(
    session: AsyncSession,
    *,
    community_id: str,
    challenge_id: str,
    member_id: str,
    amount: int,
    currency: str,
    reference: str,
    at: datetime,
) -> Recorded:
    """The integrator paid the member: never more than is payable; the same reference again is a no-op."""
    challenge = await _deposit_challenge(session, community_id, challenge_id)
    _raise(_money_problems(challenge, amount=amount, currency=currency, exact=False))
    enrollment = await _enrollment(session, challenge, member_id)
    key = f"payout:{reference}"
    if (replayed := await _replay(session, challenge, enrollment, key, amount=amount, at=at)) is not None:
        return replayed
    repo = DepositRepository(session)
    account = payable_account(enrollment.id)
    payable = (await repo.balances(community_id, [account]))[account]
    if amount > payable:
        reason = f"{amount} is more than the {payable} payable to {member_id}"
        raise PayoutExceedsPayable(f"amount: {reason}", errors=[FieldError(field="amount", reason=reason)])
    row = _row(challenge, enrollment, kind="payout", key=key, amount=amount, at=at, reference=reference)
    await repo.record(row, Transaction(key, transfer(account, EXTERNAL, amount, Memo.PAYOUT)))
    await emit(
        session,
        DepositPaidOut(
            member_id=member_id,
            challenge_id=challenge.id,
            enrollment_id=enrollment.id,
            transaction_id=row.id,
            amount=amount,
            currency=row.currency,
            reference=reference,
            payable=payable - amount,
        ),
        community_id=community_id,
        at=at,
    )
    return Recorded(await summary_of(session, challenge, enrollment, at=at), row, created=True)


async def summary_of(
    session: AsyncSession, challenge: Challenge, enrollment: Enrollment, *, at: datetime
) -> DepositSummary:
    stake, payable, pool = stake_account(enrollment.id), payable_account(enrollment.id), pool_account(challenge.id)
    repo = DepositRepository(session)
    legs = await repo.legs(challenge.community_id, [stake, payable, pool])

    def leg(account: str, memo: Memo) -> int:
        return legs.get((account, memo), 0)

    held = sum(v for (a, _), v in legs.items() if a == stake)
    summary = DepositSummary(
        enrollment=enrollment,
        currency=challenge.currency or "",
        staked=leg(stake, Memo.STAKE),
        held=held,
        refunded=leg(payable, Memo.REFUND),
        earned_back=leg(payable, Memo.EARNED),
        share=leg(payable, Memo.SHARE),
        forfeited=-leg(stake, Memo.FORFEIT),
        payable=sum(v for (a, _), v in legs.items() if a == payable),
        paid=-leg(payable, Memo.PAYOUT),
        pool=leg(pool, Memo.FORFEIT),
        provisional=False,
    )
    if await repo.by_key(challenge.community_id, f"settlement:{challenge.id}") is not None:
        return summary
    # Not settled yet: the journal holds the stake only, so show what the days so far would make of it.
    days_closed = _schedule(challenge).last_closed_day(at)
    mine = running(held, days=challenge.days, days_done=enrollment.days_done, days_closed=days_closed)
    pool_so_far = sum(
        count * running(amount, days=challenge.days, days_done=done, days_closed=days_closed).forfeited
        for amount, done, count in await ChallengeRepository(session).staked_days_done(challenge.id)
    )
    return replace(summary, earned_back=mine.earned_back, forfeited=mine.forfeited, pool=pool_so_far, provisional=True)


async def deposit_of(
    session: AsyncSession, *, community_id: str, challenge_id: str, member_id: str, at: datetime
) -> DepositSummary:
    challenge = await _deposit_challenge(session, community_id, challenge_id)
    enrollment = await ChallengeRepository(session).enrollment_of(challenge.id, member_id)
    if enrollment is None:
        raise NotFound(f"member {member_id} is not enrolled in {challenge.name}", code="not_enrolled")
    return await summary_of(session, challenge, enrollment, at=at)


@dataclass(frozen=True)
class ChallengeDeposits:
    """Where a deposit challenge's money is: held stakes, payable to members, paid, the pool and the fees."""

    challenge: Challenge
    staked: int
    held: int
    payable: int
    paid: int
    pool: int  # before settlement: 0; after: what no finisher could take
    fees: int
    settled: bool


async def challenge_deposits(session: AsyncSession, *, community_id: str, challenge_id: str) -> ChallengeDeposits:
    challenge = await _deposit_challenge(session, community_id, challenge_id)
    repo = DepositRepository(session)
    balances = await repo.challenge_balances(community_id, challenge.id)
    rows = (
        await session.exec(
            select(MoneyTransaction).where(
                MoneyTransaction.community_id == community_id,
                MoneyTransaction.challenge_id == challenge.id,
                col(MoneyTransaction.kind).in_(("stake", "payout")),
            )
        )
    ).all()
    staked = sum(r.amount for r in rows if r.kind == "stake")
    paid = sum(r.amount for r in rows if r.kind == "payout")
    return ChallengeDeposits(
        challenge=challenge,
        staked=staked,
        held=sum(v for a, v in balances.items() if a.startswith("stake:")),
        payable=sum(v for a, v in balances.items() if a.startswith("payable:")),
        paid=paid,
        pool=balances.get(pool_account(challenge.id), 0),
        fees=balances.get(fees_account(challenge.id), 0),
        settled=await repo.by_key(community_id, f"settlement:{challenge.id}") is not None,
    )


async def check_journal(session: AsyncSession, *, community_id: str | None) -> Audit:
    """The journal's invariants against the database (the ``guildhall deposits check`` command)."""
    return audit(await DepositRepository(session).journal(community_id))
