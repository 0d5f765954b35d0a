"""The review queue: applications waiting for an admin or moderator, and their decisions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import ApplicationDecided
from kit.clock import Clocks
from kit.errors import Conflict, InvalidInput, NotFound
from kit.events import emit
from kit.pagination import Page, PageRequest
from services.membership.domain import gate as gates
from services.membership.domain.actor import Actor
from services.membership.domain.gate import ApplicationStatus, Decision
from services.membership.domain.membership import Status
from services.membership.domain.role import Permission
from services.membership.models.gate import Application
from services.membership.repo.gate import ApplicationRepository
from services.membership.usecases.gate import gate_of
from services.membership.usecases.join import advance
from services.membership.usecases.member import MemberView, get_member_view_or_raise, get_tier_or_raise
from services.membership.usecases.membership import change_status, get_membership_or_raise, require


class ApplicationNotFound(NotFound):
    code = "application_not_found"


@dataclass
class DecisionResult:
    application: Application
    view: MemberView


async def list_applications(
    session: AsyncSession,
    *,
    community_id: str,
    status: ApplicationStatus | None,
    tier_id: str | None,
    page: PageRequest,
) -> Page[Application]:
    rows = await ApplicationRepository(session).list(
        community_id, status=status, tier_id=tier_id, after=page.after, limit=page.limit + 1
    )
    return Page.from_rows(list(rows), page=page, key=lambda row: row.id)


async def get_application_or_raise(
    session: AsyncSession, community_id: str, application_id: str, *, for_update: bool = False
) -> Application:
    row = await ApplicationRepository(session).get(community_id, application_id, for_update=for_update)
    if row is None:
        raise ApplicationNotFound(f"application {application_id} not found")
    return row


async def decide(
    session: AsyncSession,
    *,
    community_id: str,
    application_id: str,
    actor: Actor,
    clocks: Clocks,
    decision: Decision,
    reason: str | None,
) -> DecisionResult:
    """Approve (the person moves on to payment, probation or in) or reject with a reason."""
    require(actor, Permission.REVIEW_APPLICATIONS)
    if decision is Decision.REJECT and not reason:
        raise InvalidInput.of("reason", "a rejection needs a reason the applicant can be told")
    application = await get_application_or_raise(session, community_id, application_id, for_update=True)
    if application.status != ApplicationStatus.PENDING:
        raise Conflict(f"application {application_id} was already {application.status}", code="application_decided")
    membership = await get_membership_or_raise(session, community_id, application.member_id, for_update=True)
    if membership.status != Status.APPLIED or membership.tier_id != application.tier_id:
        raise Conflict(
            f"member {application.member_id} is no longer waiting on this application ({membership.status})",
            code="application_withdrawn",
        )
    at = clocks.now(community_id)
    if decision is Decision.APPROVE:
        tier = await get_tier_or_raise(session, community_id, application.tier_id)
        gate = gate_of(tier)
        next_status = gates.status_after_review(gate, price_amount=tier.price_amount)
        await advance(session, membership, next_status, tier=tier, gate=gate, actor=actor, at=at)
    else:
        await change_status(
            session, membership, Status.REMOVED, actor=actor, at=at, reason=f"application rejected: {reason}"
        )
    application.status = ApplicationStatus.APPROVED if decision is Decision.APPROVE else ApplicationStatus.REJECTED
    application.decided_at = at
    application.reviewer = actor.label
    application.reason = reason
    await emit(
        session,
        ApplicationDecided(
            application_id=application.id,
            member_id=application.member_id,
            membership_id=application.membership_id,
            tier_id=application.tier_id,
            decision=application.status,
            reviewer=actor.label,
            reason=reason,
        ),
        community_id=community_id,
        at=at,
    )
    await session.flush()
    return DecisionResult(application, await get_member_view_or_raise(session, community_id, application.member_id))
