"""The end of a purge's grace period (spare the active, remove the rest) and the way back in."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.errors import Conflict
from services.membership.domain.actor import Actor
from services.membership.domain.membership import Status, is_inside
from services.membership.domain.purge import MemberState, RunStatus, may_return
from services.membership.models import Membership
from services.membership.models.purge import PurgeRun, PurgeRunMember
from services.membership.repo.membership import MembershipRepository
from services.membership.repo.purge import PurgeRepository
from services.membership.usecases.membership import change_status, change_tier, get_membership_or_raise
from services.membership.usecases.purge_chat import send_removals

RETURN_SOURCE = "purge_return"


class PurgeReturnNotAllowed(Conflict):
    code = "purge_return_not_allowed"


class PurgeReturnWindowClosed(Conflict):
    code = "purge_return_window_closed"


def purge_actor(run: PurgeRun) -> Actor:
    """Removals are Guildhall's doing on behalf of the run (whose starter the run records)."""
    return Actor(kind="system", id=run.id)


async def run_due_purges(session: AsyncSession, *, community_id: str, now: datetime) -> list[PurgeRun]:
    """Finish every run of the community whose grace period has ended at ``now``."""
    repo = PurgeRepository(session)
    finished = []
    for run in await repo.due_runs(community_id, now=now):
        await _finish(session, repo, run, now=now)
        finished.append(run)
    await session.flush()
    return finished


async def _finish(session: AsyncSession, repo: PurgeRepository, run: PurgeRun, *, now: datetime) -> None:
    warned = [row for row in await repo.run_members(run.id) if row.state == MemberState.WARNED]
    active = await repo.active_since(run.community_id, [row.member_id for row in warned], since=run.started_at)
    exempt = await repo.exempt_ids(run.community_id)
    memberships = MembershipRepository(session)
    for row in warned:
        membership = await memberships.get_for_member(run.community_id, row.member_id, for_update=True)
        row.resolved_at = now
        skip = _reason_to_skip(membership, exempt=row.member_id in exempt)
        if row.member_id in active:
            row.state = MemberState.SPARED
            row.note = "active again during the grace period"
        elif skip is not None:
            row.state = MemberState.SKIPPED
            row.note = skip
        else:
            assert membership is not None
            await _remove(session, run, row, membership, now=now)
    run.status = RunStatus.COMPLETED
    run.finished_at = now


def _reason_to_skip(membership: Membership | None, *, exempt: bool) -> str | None:
    if membership is None or not is_inside(membership.status):
        return f"no longer inside the community ({membership.status if membership else 'no membership'})"
    if membership.role != "member":
        return f"now {membership.role}"
    if membership.standing_locked:
        return "standing locked meanwhile"
    if exempt:
        return "exempted meanwhile"
    return None


async def _remove(
    session: AsyncSession, run: PurgeRun, row: PurgeRunMember, membership: Membership, *, now: datetime
) -> None:
    details = "; ".join(str(reason["detail"]) for reason in row.reasons)
    reason = f"lurker purge {run.id}: {details}"[:500]
    row.previous_status = membership.status
    row.previous_tier_id = membership.tier_id
    await change_status(session, membership, Status.REMOVED, actor=purge_actor(run), at=now, reason=reason)
    await send_removals(session, run, membership, reason=reason, at=now)
    row.state = MemberState.REMOVED
    row.return_until = now + timedelta(days=int(run.rules.get("return_days", 0)))


async def return_from_purge(
    session: AsyncSession, *, community_id: str, member_id: str, actor: Actor, clocks: Clocks
) -> Membership:
    """A purged member comes back without the gate, on their previous tier and status, within the window."""
    membership = await get_membership_or_raise(session, community_id, member_id, for_update=True)
    row = await PurgeRepository(session).last_removal(community_id, member_id)
    if row is None or row.state != MemberState.REMOVED or membership.status != Status.REMOVED:
        raise PurgeReturnNotAllowed(
            f"member {member_id} was not removed by a purge (or is back already); they enter through the gate"
        )
    now = clocks.now(community_id)
    assert row.resolved_at is not None
    assert row.return_until is not None
    return_days = (row.return_until - row.resolved_at).days
    if not may_return(removed_at=row.resolved_at, return_days=return_days, now=now):
        raise PurgeReturnWindowClosed(
            f"the way back closed at {row.return_until.isoformat()}; member {member_id} enters through the gate"
        )
    if row.previous_tier_id != membership.tier_id:
        await change_tier(
            session,
            membership,
            row.previous_tier_id,
            actor=actor,
            at=now,
            reason="restored after a purge return",
            expires_at=membership.expires_at,
        )
    membership.source = RETURN_SOURCE
    previous = Status(row.previous_status or Status.ACTIVE)
    await change_status(session, membership, previous, actor=actor, at=now, reason=f"returned after purge {row.run_id}")
    row.state = MemberState.RETURNED
    row.note = f"returned at {now.isoformat()} by {actor.label}"
    await session.flush()
    return membership
