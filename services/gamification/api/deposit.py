"""Deposit challenges (押金打卡): stakes and payouts the integrator confirms, a member's deposit, where a
challenge's money is, and the economics preview."""

from __future__ import annotations

from fastapi import APIRouter, Response

from contracts.gamification.deposit import (
    ChallengeDepositsRead,
    DepositPreviewCreate,
    DepositPreviewRead,
    DepositRead,
    MoneyTransactionRead,
    PayoutCreate,
    RecordedRead,
    StakeConfirm,
)
from kit.auth import ensure_community_access
from kit.errors import InvalidInput
from services.gamification.api.deps import ClocksDep, PrincipalDep, SessionDep
from services.gamification.domain.deposit import Bucket, preview
from services.gamification.usecases import deposit as usecases

router = APIRouter(prefix="/v1/communities/{community_id}", tags=["deposits"])


def deposit_read(summary: usecases.DepositSummary) -> DepositRead:
    enrollment = summary.enrollment
    return DepositRead(
        enrollment_id=enrollment.id,
        challenge_id=enrollment.challenge_id,
        member_id=enrollment.member_id,
        status=enrollment.status,
        currency=summary.currency,
        staked=summary.staked,
        held=summary.held,
        refunded=summary.refunded,
        earned_back=summary.earned_back,
        share=summary.share,
        forfeited=summary.forfeited,
        payable=summary.payable,
        paid=summary.paid,
        pool=summary.pool,
        provisional=summary.provisional,
    )


def _recorded(recorded: usecases.Recorded, response: Response) -> RecordedRead:
    if not recorded.created:
        response.status_code = 200
    return RecordedRead(
        transaction=MoneyTransactionRead.model_validate(recorded.transaction), deposit=deposit_read(recorded.summary)
    )


@router.post("/challenges/{challenge_id}/enrollments/{member_id}/stake", status_code=201)
async def confirm_stake(
    community_id: str,
    challenge_id: str,
    member_id: str,
    body: StakeConfirm,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    response: Response,
) -> RecordedRead:
    """The integrator's payment system took the stake (201): the enrollment becomes active. The same
    ``reference`` again returns the first answer (200) and changes nothing."""
    ensure_community_access(principal, community_id)
    recorded = await usecases.confirm_stake(
        session,
        community_id=community_id,
        challenge_id=challenge_id,
        member_id=member_id,
        amount=body.amount,
        currency=body.currency,
        reference=body.reference,
        at=clocks.now(community_id),
    )
    await session.flush()
    return _recorded(recorded, response)


@router.post("/challenges/{challenge_id}/enrollments/{member_id}/payouts", status_code=201)
async def record_payout(
    community_id: str,
    challenge_id: str,
    member_id: str,
    body: PayoutCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    response: Response,
) -> RecordedRead:
    """The integrator paid the member (201), never more than is payable; the same ``reference`` again (200)."""
    ensure_community_access(principal, community_id)
    recorded = await usecases.record_payout(
        session,
        community_id=community_id,
        challenge_id=challenge_id,
        member_id=member_id,
        amount=body.amount,
        currency=body.currency,
        reference=body.reference,
        at=clocks.now(community_id),
    )
    await session.flush()
    return _recorded(recorded, response)


@router.get("/challenges/{challenge_id}/enrollments/{member_id}/deposit")
async def get_deposit(
    community_id: str,
    challenge_id: str,
    member_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> DepositRead:
    """A member's deposit; until the challenge is settled the figures are running ones (``provisional``)."""
    ensure_community_access(principal, community_id)
    summary = await usecases.deposit_of(
        session,
        community_id=community_id,
        challenge_id=challenge_id,
        member_id=member_id,
        at=clocks.now(community_id),
    )
    return deposit_read(summary)


@router.get("/challenges/{challenge_id}/deposits")
async def get_challenge_deposits(
    community_id: str, challenge_id: str, session: SessionDep, principal: PrincipalDep
) -> ChallengeDepositsRead:
    ensure_community_access(principal, community_id)
    found = await usecases.challenge_deposits(session, community_id=community_id, challenge_id=challenge_id)
    return ChallengeDepositsRead(
        challenge_id=found.challenge.id,
        currency=found.challenge.currency or "",
        stake_amount=found.challenge.stake_amount or 0,
        platform_fee_bps=found.challenge.platform_fee_bps,
        staked=found.staked,
        held=found.held,
        payable=found.payable,
        paid=found.paid,
        pool=found.pool,
        fees=found.fees,
        settled=found.settled,
    )


@router.post("/deposits/preview")
async def preview_deposit(community_id: str, body: DepositPreviewCreate, principal: PrincipalDep) -> DepositPreviewRead:
    """Simulate a deposit challenge's settlement before launch; nothing is stored."""
    ensure_community_access(principal, community_id)
    InvalidInput.raise_any(body.problems())
    if body.completion_rate is not None:
        buckets = [
            Bucket(body.days, body.completion_rate),
            Bucket(min(body.failed_days_done, body.days), 1 - body.completion_rate),
        ]
    else:
        buckets = [Bucket(b.days_done, b.share_of_members) for b in body.buckets or ()]
    shown = preview(
        stake=body.stake_amount,
        days=body.days,
        fee_bps=body.platform_fee_bps,
        allowed_misses=body.allowed_misses,
        members=body.members,
        buckets=buckets,
    )
    return DepositPreviewRead(**vars(shown))
