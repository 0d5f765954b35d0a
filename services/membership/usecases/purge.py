"""Lurker purge: the preview, starting a run (warnings go out), cancelling it, exemptions, reading runs.

The removals at the end of the grace period and the way back in live in ``usecases.purge_run``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.errors import Conflict, InvalidInput, NotFound
from kit.ids import new_id
from services.membership.domain import purge as rules_of
from services.membership.domain.actor import Actor
from services.membership.domain.purge import Assessment, MemberState, PurgeRules, RunStatus, Subject, assess, describe
from services.membership.domain.role import Permission
from services.membership.models import Community, Member, Membership
from services.membership.models.purge import AssignmentMiss, PurgeExemption, PurgeRun, PurgeRunMember
from services.membership.repo.purge import PurgeRepository
from services.membership.usecases.membership import get_membership_or_raise, require
from services.membership.usecases.purge_chat import send_warnings
from services.membership.usecases.standing import get_community_or_raise, local_day

SETTINGS_KEY = "purge"


class PurgeRunOpen(Conflict):
    code = "purge_run_open"


class PurgeNoCandidates(Conflict):
    code = "purge_no_candidates"


class PurgeRunNotOpen(Conflict):
    code = "purge_run_not_open"


class PurgeRunNotFound(NotFound):
    code = "purge_run_not_found"


@dataclass(frozen=True)
class Candidate:
    member: Member
    membership: Membership
    assessment: Assessment
    reasons: list[dict[str, Any]]


@dataclass(frozen=True)
class Preview:
    rules: PurgeRules
    candidates: list[Candidate]
    excluded: list[Candidate]


@dataclass(frozen=True)
class RunView:
    run: PurgeRun
    members: Sequence[PurgeRunMember]


def purge_rules(community: Community, **overrides: Any) -> PurgeRules:
    try:
        return rules_of.rules_from_settings(community.settings.get(SETTINGS_KEY), **overrides)
    except ValueError as error:
        field, _, reason = str(error).partition(": ")
        raise InvalidInput.of(field, reason or str(error)) from None


async def preview_purge(
    session: AsyncSession, *, community_id: str, actor: Actor, now: datetime, **overrides: Any
) -> Preview:
    """Who a purge at ``now`` would list, and why; and who it leaves out, and why."""
    require(actor, Permission.PURGE)
    community = await get_community_or_raise(session, community_id)
    rules = purge_rules(community, **overrides)
    return await _assess_all(session, community, rules, now=now)


async def _assess_all(session: AsyncSession, community: Community, rules: PurgeRules, *, now: datetime) -> Preview:
    repo = PurgeRepository(session)
    today = local_day(community, now)
    active = await repo.active_between(
        community.id, first_day=today - timedelta(days=rules.inactive_days - 1), last_day=today
    )
    missed = await repo.missed_counts(community.id, after=now - timedelta(days=rules.inactive_days), until=now)
    exempt = await repo.exempt_ids(community.id)
    candidates: list[Candidate] = []
    excluded: list[Candidate] = []
    for member, membership in await repo.inside(community.id):
        subject = Subject(
            member_id=member.id,
            role=membership.role,
            status=membership.status,
            joined_at=membership.joined_at,
            standing_locked=membership.standing_locked,
            exempt=member.id in exempt,
            active_in_window=member.id in active,
            missed_assignments=missed[member.id],
        )
        assessment = assess(rules, subject, now=now)
        if not assessment.reasons:
            continue
        reasons = [{"code": reason.value, "detail": describe(reason, rules, subject)} for reason in assessment.reasons]
        (candidates if assessment.listed else excluded).append(Candidate(member, membership, assessment, reasons))
    return Preview(rules=rules, candidates=candidates, excluded=excluded)


async def start_purge(
    session: AsyncSession,
    *,
    community_id: str,
    actor: Actor,
    clocks: Clocks,
    member_ids: Sequence[str] | None = None,
    note: str | None = None,
    **overrides: Any,
) -> RunView:
    """List the candidates (all, or those of ``member_ids``), warn them in their groups, start the grace period."""
    require(actor, Permission.PURGE)
    community = await get_community_or_raise(session, community_id)
    rules = purge_rules(community, **overrides)
    repo = PurgeRepository(session)
    if (open_run := await repo.open_run(community_id)) is not None:
        raise PurgeRunOpen(f"purge run {open_run.id} is still in its grace period; cancel it or wait for it to end")
    now = clocks.now(community_id)
    preview = await _assess_all(session, community, rules, now=now)
    chosen = _choose(preview, member_ids)
    if not chosen:
        raise PurgeNoCandidates("nobody is listed by these criteria; nothing to purge")
    run = PurgeRun(
        id=new_id("prg"),
        community_id=community_id,
        status=RunStatus.WARNING,
        rules=rules.as_settings(),
        started_by=actor.label,
        note=note,
        started_at=now,
        remove_after=now + timedelta(days=rules.grace_days),
    )
    repo.add(run)
    await session.flush()
    listed = [
        PurgeRunMember(
            id=new_id("prgm"),
            community_id=community_id,
            run_id=run.id,
            member_id=candidate.member.id,
            reasons=candidate.reasons,
            state=MemberState.WARNED,
        )
        for candidate in chosen
    ]
    for row in listed:
        repo.add(row)
    await session.flush()
    memberships = {candidate.member.id: candidate.membership for candidate in chosen}
    run.warnings_sent = await send_warnings(session, run, listed, memberships=memberships, rules=rules, at=now)
    await session.flush()
    return RunView(run, await repo.run_members(run.id))


def _choose(preview: Preview, member_ids: Sequence[str] | None) -> list[Candidate]:
    if member_ids is None:
        return preview.candidates
    by_id = {candidate.member.id: candidate for candidate in preview.candidates}
    for index, member_id in enumerate(member_ids):
        if member_id not in by_id:
            raise InvalidInput.of(f"member_ids.{index}", f"member {member_id} is not on the purge list")
    return [by_id[member_id] for member_id in dict.fromkeys(member_ids)]


async def cancel_purge(
    session: AsyncSession, *, community_id: str, run_id: str, actor: Actor, clocks: Clocks, reason: str | None
) -> RunView:
    """Stop a run during its grace period: nobody it warned is removed."""
    require(actor, Permission.PURGE)
    repo = PurgeRepository(session)
    run = await _run_or_raise(repo, community_id, run_id, for_update=True)
    if run.status != RunStatus.WARNING:
        raise PurgeRunNotOpen(f"purge run {run_id} is {run.status}; only a run in its grace period can be cancelled")
    now = clocks.now(community_id)
    run.status = RunStatus.CANCELLED
    run.cancelled_by = actor.label
    run.cancel_reason = reason
    run.finished_at = now
    members = await repo.run_members(run.id)
    for row in members:
        if row.state == MemberState.WARNED:
            row.state = MemberState.CANCELLED
            row.resolved_at = now
    await session.flush()
    return RunView(run, members)


async def _run_or_raise(repo: PurgeRepository, community_id: str, run_id: str, *, for_update: bool = False) -> PurgeRun:
    run = await repo.run(community_id, run_id, for_update=for_update)
    if run is None:
        raise PurgeRunNotFound(f"purge run {run_id} not found")
    return run


async def get_run_view(session: AsyncSession, *, community_id: str, run_id: str, actor: Actor) -> RunView:
    require(actor, Permission.VIEW_AUDIT)
    repo = PurgeRepository(session)
    run = await _run_or_raise(repo, community_id, run_id)
    return RunView(run, await repo.run_members(run.id))


async def list_runs(
    session: AsyncSession, *, community_id: str, actor: Actor, after: str | None, limit: int
) -> Sequence[PurgeRun]:
    """Newest first."""
    require(actor, Permission.VIEW_AUDIT)
    return await PurgeRepository(session).runs(community_id, after=after, limit=limit)


async def set_exemption(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    actor: Actor,
    clocks: Clocks,
    exempt: bool,
    reason: str | None,
) -> PurgeExemption | None:
    """Keep a member off every purge list (or let them back on it)."""
    require(actor, Permission.PURGE)
    await get_membership_or_raise(session, community_id, member_id)
    repo = PurgeRepository(session)
    existing = await repo.exemption(community_id, member_id)
    if not exempt:
        if existing is not None:
            await repo.delete(existing)
            await session.flush()
        return None
    if existing is None:
        existing = PurgeExemption(
            community_id=community_id, member_id=member_id, actor=actor.label, at=clocks.now(community_id)
        )
        repo.add(existing)
    existing.reason = reason
    await session.flush()
    return existing


async def get_exemption(session: AsyncSession, *, community_id: str, member_id: str) -> PurgeExemption | None:
    await get_membership_or_raise(session, community_id, member_id)
    return await PurgeRepository(session).exemption(community_id, member_id)


async def record_missed_assignment(
    session: AsyncSession, *, community_id: str, member_id: str, assignment_id: str, due_at: datetime, at: datetime
) -> bool:
    """Count one missed assignment for the member; the same assignment counts once however often it arrives."""
    miss = AssignmentMiss(
        community_id=community_id, member_id=member_id, assignment_id=assignment_id, due_at=due_at, recorded_at=at
    )
    return await PurgeRepository(session).record_miss(miss)
